"""The dashboard's website pages: crawl a site from the Knowledge page, see its group with the
crawl's progress, its own page with every page's status and reason, re-crawl, delete; roles and
another organization's 404."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import Document, WebsiteSource
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


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def knowledge(bot) -> str:
    return reverse("dashboard:bot-knowledge", kwargs={"bot_id": bot.id})


def test_a_site_crawled_from_the_knowledge_page_shows_as_a_group_and_on_its_own_page(tenant_a, bot, club, run_tasks):
    client = logged_in(tenant_a.admin)
    form = {"start_url": club.base + "/", "kind": "site", "max_depth": 2, "max_pages": 40, "schedule": "weekly"}
    with run_tasks():
        response = client.post(reverse("dashboard:bot-website-create", kwargs={"bot_id": bot.id}), form)
    website = WebsiteSource.objects.get(bot=bot)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("dashboard:website-detail", kwargs={"website_id": website.id})

    page = client.get(knowledge(bot)).content.decode()
    assert "26 of 31 pages in the bot · 3 failed · 2 skipped · Site from a start page, re-crawl weekly" in page
    # The crawled pages are in their group, not among the bot's other documents.
    assert "No other documents" in page

    detail = client.get(response["Location"]).content.decode()
    assert "robots.txt asks crawlers not to fetch this page." in detail
    assert "The site answered 404: the page does not exist." in detail
    assert "The page is larger than 1 MB." in detail
    assert "The page redirects off the site, to https://shop.example.net/harbour." in detail
    assert detail.count('class="badge page-fetched"') == 26
    progress = client.get(reverse("dashboard:website-progress", kwargs={"website_id": website.id})).json()
    assert (progress["status"], progress["running"], progress["found"], progress["done"]) == ("done", False, 31, 31)


def test_recrawl_and_delete_from_the_website_page(tenant_a, bot, club, run_tasks):
    client = logged_in(tenant_a.admin)
    with run_tasks():
        client.post(
            reverse("dashboard:bot-website-create", kwargs={"bot_id": bot.id}),
            {"start_url": club.base + "/", "kind": "site", "max_depth": 1, "max_pages": 5, "schedule": "off"},
        )
    website = WebsiteSource.objects.get(bot=bot)
    with run_tasks():
        again = client.post(reverse("dashboard:website-recrawl", kwargs={"website_id": website.id}), follow=True)
    assert "The site is being crawled again" in again.content.decode()
    assert club.conditional["/"] == 1

    with run_tasks():
        gone = client.post(reverse("dashboard:website-delete", kwargs={"website_id": website.id}), follow=True)
    assert f"{club.base}/ and its 5 pages were deleted." in gone.content.decode()
    assert not Document.objects.filter(bot=bot).exists()


def test_bad_limits_are_shown_next_to_their_field(tenant_a, bot):
    response = logged_in(tenant_a.admin).post(
        reverse("dashboard:bot-website-create", kwargs={"bot_id": bot.id}),
        {"start_url": "https://example.com/", "kind": "site", "max_depth": 9, "max_pages": 40, "schedule": "off"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Ensure this value is less than or equal to 5." in response.content.decode()
    assert not WebsiteSource.objects.exists()


def test_a_member_sees_the_site_but_cannot_crawl_or_delete_it(tenant_a, bot):
    website = WebsiteSourceFactory(bot=bot)
    client = logged_in(tenant_a.member)
    page = client.get(reverse("dashboard:website-detail", kwargs={"website_id": website.id})).content.decode()
    assert website.start_url in page
    assert "Re-crawl now" not in page
    refused = client.post(reverse("dashboard:website-delete", kwargs={"website_id": website.id}))
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert WebsiteSource.objects.filter(pk=website.pk).exists()


def test_another_organization_gets_404_everywhere(tenant_a, tenant_b, bot):
    website = WebsiteSourceFactory(bot=bot)
    client = logged_in(tenant_b.owner)
    for name, method in [
        ("website-detail", "get"),
        ("website-progress", "get"),
        ("website-recrawl", "post"),
        ("website-settings", "post"),
        ("website-delete", "post"),
    ]:
        url = reverse(f"dashboard:{name}", kwargs={"website_id": website.id})
        assert getattr(client, method)(url).status_code == HTTPStatus.NOT_FOUND, name
    assert WebsiteSource.objects.filter(pk=website.pk, status=website.status).exists()
