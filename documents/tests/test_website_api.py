"""Website sources through the API: crawl the local club site, read its progress and pages,
crawl it again, change its schedule, delete it; errors name their field; tenants stay apart."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.urls import reverse

from conftest import jwt_client
from documents.models import Document, WebsitePage, WebsiteSource, WebsiteStatus
from documents.tests.club_site import ClubSite
from documents.tests.factories import WebsiteSourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club() -> Iterator[ClubSite]:
    site = ClubSite()
    yield site
    site.stop()


@pytest.fixture(autouse=True)
def _crawl_settings(settings):
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = True  # the site runs on 127.0.0.1
    settings.CHATSPHERE_CRAWL_DELAY_SECONDS = 0
    settings.CHATSPHERE_MAX_UPLOAD_MB = 1


def websites_url(bot) -> str:
    return reverse("bot-website-list", kwargs={"bot_id": bot.id})


def detail_url(website_id) -> str:
    return reverse("website-detail", kwargs={"website_id": website_id})


def test_a_crawled_site_reports_its_progress_and_each_page(tenant_a, bot, club, run_tasks):
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        created = client.post(websites_url(bot), {"start_url": club.base + "/", "schedule": "weekly"}, format="json")
    assert created.status_code == HTTPStatus.ACCEPTED, created.content
    assert created.json()["status"] == WebsiteStatus.QUEUED  # as it was when the request answered

    website = client.get(detail_url(created.json()["id"])).json()
    assert website["status"] == "done"
    assert (website["kind"], website["max_depth"], website["max_pages"], website["schedule"]) == (
        "site",
        2,
        50,
        "weekly",
    )
    assert website["progress"] == {
        "found": 31,
        "checked": 31,
        "fetched": 26,
        "ingested": 26,
        "failed": 3,
        "skipped": 2,
        "gone": 0,
    }
    assert website["next_run_at"] is not None

    pages = client.get(reverse("website-pages", kwargs={"website_id": website["id"]}), {"status": "failed"}).json()
    assert {page["url"].removeprefix(club.base): page["reason"] for page in pages} == {
        "/newsletter-2019": "The site answered 404: the page does not exist.",
        "/minutes": "The page is larger than 1 MB.",
        "/shop": "The page redirects off the site, to https://shop.example.net/harbour.",
    }
    listed = client.get(websites_url(bot)).json()["results"]
    assert [item["id"] for item in listed] == [website["id"]]


def test_recrawl_and_delete(tenant_a, bot, club, run_tasks):
    client = jwt_client(tenant_a.admin)
    with run_tasks():
        website_id = client.post(
            websites_url(bot), {"start_url": club.base + "/", "max_pages": 6}, format="json"
        ).json()["id"]
    twice = client.post(websites_url(bot), {"start_url": club.base}, format="json")
    assert twice.status_code == HTTPStatus.CONFLICT
    assert twice.json()["code"] == "duplicate_website"
    assert twice.json()["errors"] == {
        "start_url": ["This site is already a source of this bot; crawl it again from its page."]
    }
    recrawl_url = reverse("website-recrawl", kwargs={"website_id": website_id})
    with run_tasks():
        again = client.post(recrawl_url)
    assert again.status_code == HTTPStatus.ACCEPTED
    # A second request while the first is still queued is refused.
    WebsiteSource.objects.filter(id=website_id).update(status=WebsiteStatus.QUEUED)
    busy = client.post(recrawl_url)
    assert busy.status_code == HTTPStatus.CONFLICT
    assert busy.json()["detail"] == "This site is being crawled right now; try again when the crawl has finished."

    changed = client.patch(detail_url(website_id), {"schedule": "daily", "max_depth": 1}, format="json")
    assert (changed.json()["schedule"], changed.json()["max_depth"]) == ("daily", 1)

    assert Document.objects.filter(website_id=website_id).count() == 6
    with run_tasks():
        deleted = client.delete(detail_url(website_id))
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert not Document.objects.filter(bot=bot).exists()
    assert client.get(detail_url(website_id)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "start_url", "This field is required."),
        ({"start_url": "not a url"}, "start_url", "Enter a web page address starting with http:// or https://."),
        (
            {"start_url": "https://example.com/", "max_pages": 10_000},
            "max_pages",
            "Choose a number of pages from 1 to 500.",
        ),
        ({"start_url": "https://example.com/", "max_depth": -1}, "max_depth", "Choose a link depth from 0 to 5."),
        ({"start_url": "https://example.com/", "max_depth": "deep"}, "max_depth", "A valid integer is required."),
        ({"start_url": "https://example.com/", "schedule": "hourly"}, "schedule", '"hourly" is not a valid choice.'),
    ],
)
def test_bad_input_is_a_400_naming_the_field(tenant_a, bot, body, field, message):
    response = jwt_client(tenant_a.admin).post(websites_url(bot), body, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {field: [message]}
    assert not WebsiteSource.objects.exists()


def test_a_private_address_is_refused_when_private_urls_are_not_allowed(settings, tenant_a, bot):
    settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False
    response = jwt_client(tenant_a.admin).post(websites_url(bot), {"start_url": "http://10.0.0.7/wiki/"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {
        "start_url": ["This address points to a private network; only public web pages can be added."]
    }


def test_a_member_cannot_add_a_site(tenant_a, bot):
    response = jwt_client(tenant_a.member).post(websites_url(bot), {"start_url": "https://example.com/"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not WebsiteSource.objects.exists()


def test_the_list_reads_in_a_fixed_number_of_queries(tenant_a, bot, django_assert_max_num_queries):
    for _ in range(5):
        website = WebsiteSourceFactory(bot=bot)
        for page in range(4):
            WebsitePage.objects.create(
                organization=bot.organization, website=website, url=f"{website.start_url}p{page}", status="fetched"
            )
    client = jwt_client(tenant_a.admin)
    client.get(websites_url(bot))  # the session's first request warms up what is cached
    with django_assert_max_num_queries(8):
        listed = client.get(websites_url(bot)).json()["results"]
    assert len(listed) == 5
    assert {item["progress"]["found"] for item in listed} == {4}


def test_another_organization_sees_none_of_the_sites(tenant_a, tenant_b, bot):
    website = WebsiteSourceFactory(bot=bot)
    client = jwt_client(tenant_b.owner)
    assert client.get(websites_url(bot)).status_code == HTTPStatus.NOT_FOUND
    for method, url in [
        ("get", detail_url(website.id)),
        ("delete", detail_url(website.id)),
        ("post", reverse("website-recrawl", kwargs={"website_id": website.id})),
        ("get", reverse("website-pages", kwargs={"website_id": website.id})),
    ]:
        assert getattr(client, method)(url).status_code == HTTPStatus.NOT_FOUND, (method, url)
    website.refresh_from_db()
    assert website.status == WebsiteStatus.DONE
