"""Crawling a web site into a bot's knowledge, on the embedded default: a local rowing club site
with a sitemap, robots.txt rules, redirects, a missing page and one too large."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chat.retrieval import retrieve_sync
from chatsphere.errors import ApplicationError
from documents import websites
from documents.models import Document, DocumentStatus, WebsitePage, WebsitePageStatus, WebsiteSource, WebsiteStatus
from documents.tests.club_site import ClubSite, topic_body

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
    settings.CHATSPHERE_FETCH_TIMEOUT = 5


def crawl(run_tasks, owner_actor, bot, url: str, **options) -> WebsiteSource:
    with run_tasks():
        website = websites.website_create(actor=owner_actor, bot=bot, start_url=url, **options)
    website.refresh_from_db()
    return website


def pages_of(website: WebsiteSource) -> dict[str, WebsitePage]:
    return {page.url: page for page in WebsitePage.objects.filter(website=website).select_related("document")}


def best_title(bot, question: str) -> str:
    retrieval = retrieve_sync(bot=bot, question=question)
    assert retrieval.relevant, question
    return retrieval.chunks[0].title


class TestFirstCrawl:
    def test_every_page_of_the_site_becomes_a_ready_document(self, club, bot, owner_actor, run_tasks):
        website = crawl(run_tasks, owner_actor, bot, club.base + "/")

        assert website.status == WebsiteStatus.DONE, website.error
        pages = pages_of(website)
        fetched = {
            url.removeprefix(club.base) for url, page in pages.items() if page.status == WebsitePageStatus.FETCHED
        }
        assert fetched == set(club.content_pages)
        documents = Document.objects.filter(website=website)
        assert documents.count() == len(club.content_pages) == 26
        assert {document.status for document in documents} == {DocumentStatus.READY}
        # Each page is titled by its own <title>, and answers come from the right page.
        assert best_title(bot, "How much is the yearly membership fee for students?") == "Fees"
        assert best_title(bot, "What does a red flag on the pontoon mean?") == "Flags"
        # The history page is linked from nowhere: the sitemap (named in robots.txt) found it.
        assert best_title(bot, "Who founded the club, and what was the first boathouse built from?") == ("History")

    def test_pages_it_could_not_take_say_why(self, club, bot, owner_actor, run_tasks):
        website = crawl(run_tasks, owner_actor, bot, club.base + "/")

        pages = {url.removeprefix(club.base): page for url, page in pages_of(website).items()}
        assert (pages["/private/staff-rota"].status, pages["/private/staff-rota"].reason) == (
            WebsitePageStatus.SKIPPED,
            "robots.txt asks crawlers not to fetch this page.",
        )
        assert club.requests["/private/staff-rota"] == 0
        assert pages["/newsletter-2019"].status == WebsitePageStatus.FAILED
        assert pages["/newsletter-2019"].reason == "The site answered 404: the page does not exist."
        assert pages["/minutes"].status == WebsitePageStatus.FAILED
        assert pages["/minutes"].reason == "The page is larger than 1 MB."
        assert pages["/shop"].status == WebsitePageStatus.FAILED
        assert pages["/shop"].reason == "The page redirects off the site, to https://shop.example.net/harbour."
        assert pages["/old-fees"].status == WebsitePageStatus.SKIPPED
        assert (
            pages["/old-fees"].reason
            == f"Redirects to {club.base}/membership/fees; the page is kept under that address."
        )
        # Links to other sites are not followed, nor recorded.
        assert not [url for url in pages if "example" in url]
        assert all(page.document is None for page in pages.values() if page.status != WebsitePageStatus.FETCHED)

    def test_the_depth_and_page_limits_hold(self, club, bot, owner_actor, run_tasks):
        club.routes.pop("/robots.txt")  # no sitemap: only links lead anywhere
        website = crawl(run_tasks, owner_actor, bot, club.base + "/", max_depth=1, max_pages=5)

        pages = pages_of(website)
        assert len(pages) == 5
        assert max(page.depth for page in pages.values()) == 1
        assert website.error == "Stopped at the limit of 5 pages; raise the limit to crawl more of the site."
        assert Document.objects.filter(website=website).count() == 5

    def test_a_sitemap_lists_the_pages_to_crawl(self, club, bot, owner_actor, run_tasks):
        website = crawl(run_tasks, owner_actor, bot, club.base + "/sitemap.xml", kind="sitemap", max_depth=0)

        assert website.status == WebsiteStatus.DONE, website.error
        fetched = {url.removeprefix(club.base) for url, page in pages_of(website).items()}
        assert fetched == set(club.content_pages)
        assert club.requests["/newsletter-2019"] == 0  # linked, but depth 0 follows no link

    def test_an_address_that_is_no_sitemap_fails_the_source_with_a_reason(self, club, bot, owner_actor, run_tasks):
        website = crawl(run_tasks, owner_actor, bot, club.base + "/history", kind="sitemap")

        assert website.status == WebsiteStatus.FAILED
        assert website.error.startswith(
            f"The sitemap {club.base}/history could not be read: This address is not a sitemap"
        )
        assert not Document.objects.filter(bot=bot).exists()


class TestRecrawl:
    def test_only_the_changed_page_is_ingested_again_new_pages_are_added_and_gone_ones_leave(
        self, club, bot, owner_actor, run_tasks
    ):
        website = crawl(run_tasks, owner_actor, bot, club.base + "/")
        before = {doc.url: (doc.indexed_at, doc.sha256) for doc in Document.objects.filter(website=website)}
        # The club raises its fee, drops the capsize page and adds a page on winter training.
        club.topic("membership", "fees", "The annual membership fee is 300 euros; students pay 150 euros.")
        club.routes.pop("/safety/capsize")
        club.html("/training/", "Training", "<p>Sessions, one page each.</p>", [("/training/winter", "Winter")])
        club.html(
            "/training/winter", "Winter", topic_body("In winter the squads train on the lake at Lindau.", "winter"), []
        )

        with run_tasks():
            websites.website_recrawl(actor=owner_actor, website=website)

        website.refresh_from_db()
        assert website.status == WebsiteStatus.DONE, website.error
        after = {doc.url: (doc.indexed_at, doc.sha256) for doc in Document.objects.filter(website=website)}
        changed = {url.removeprefix(club.base) for url in after if url in before and after[url] != before[url]}
        assert changed == {"/membership/fees", "/training/"}
        assert set(after) - set(before) == {club.base + "/training/winter"}
        assert set(before) - set(after) == {club.base + "/safety/capsize"}
        # Unchanged pages were asked for with their ETag and answered 304.
        assert club.conditional["/boathouse/hours"] == 1
        pages = pages_of(website)
        assert pages[club.base + "/boathouse/hours"].status == WebsitePageStatus.UNCHANGED
        assert pages[club.base + "/safety/capsize"].status == WebsitePageStatus.GONE
        assert pages[club.base + "/membership/fees"].status == WebsitePageStatus.FETCHED
        assert best_title(bot, "How much is the yearly membership fee for students?") == "Fees"
        assert (
            "300 euros"
            in retrieve_sync(bot=bot, question="How much is the yearly membership fee for students?").chunks[0].text
        )
        assert all("capsize" not in chunk.title.lower() for chunk in retrieve_sync(bot=bot, question="capsize").chunks)

    def test_the_schedule_queues_due_sites_only(self, club, bot, owner_actor, run_tasks):
        daily = crawl(run_tasks, owner_actor, bot, club.base + "/", schedule="daily", max_pages=3)
        off = crawl(run_tasks, owner_actor, bot, club.base + "/history", max_pages=1)
        assert off.next_run_at is None
        assert daily.next_run_at is not None

        assert websites.websites_due() == []
        WebsiteSource.objects.filter(pk=daily.pk).update(next_run_at=daily.next_run_at.replace(year=2000))
        assert websites.websites_due() == [websites.WebsiteRef(str(daily.id), str(daily.organization_id))]
        assert websites.websites_due() == []  # marked queued: sent once


class TestDelete:
    def test_deleting_the_source_deletes_its_documents_and_their_passages(self, club, bot, owner_actor, run_tasks):
        website = crawl(run_tasks, owner_actor, bot, club.base + "/", max_pages=4)
        assert Document.objects.filter(bot=bot).count() == 4

        with run_tasks():
            deleted = websites.website_delete(actor=owner_actor, website=website)

        assert deleted == 4
        assert not Document.objects.filter(bot=bot).exists()
        assert not WebsiteSource.objects.filter(pk=website.pk).exists()
        assert not retrieve_sync(bot=bot, question="Harbour Rowing Club").chunks


class TestRefusals:
    def test_a_private_address_is_refused_unless_private_urls_are_allowed(self, settings, bot, owner_actor):
        settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False
        with pytest.raises(ApplicationError) as refused:
            websites.website_create(actor=owner_actor, bot=bot, start_url="http://127.0.0.1:8000/")
        assert refused.value.errors == {
            "start_url": ["This address points to a private network; only public web pages can be added."]
        }
        assert not WebsiteSource.objects.exists()

    def test_a_host_that_resolves_to_a_private_address_is_refused_at_fetch_time(
        self, settings, club, bot, owner_actor, run_tasks
    ):
        settings.CHATSPHERE_ALLOW_PRIVATE_URLS = False
        # A public-looking name that DNS answers with a loopback address.
        website = WebsiteSource.objects.create(
            organization=owner_actor.organization,
            bot=bot,
            start_url=f"http://localtest.me:{club.server.server_address[1]}/",
            max_depth=1,
            max_pages=5,
        )
        outcome = websites.website_crawl(website_id=str(website.id), organization_id=str(website.organization_id))
        assert outcome == "done"
        page = WebsitePage.objects.get(website=website)
        assert page.status == WebsitePageStatus.FAILED
        assert page.reason in {
            "localtest.me points to a private network; only public web pages are crawled.",
            "The address localtest.me could not be found.",
        }
        assert sum(club.requests.values()) == 0

    @pytest.mark.parametrize(
        ("options", "field", "message"),
        [
            ({"max_pages": 0}, "max_pages", "Choose a number of pages from 1 to 500."),
            ({"max_pages": 501}, "max_pages", "Choose a number of pages from 1 to 500."),
            ({"max_depth": 6}, "max_depth", "Choose a link depth from 0 to 5."),
            ({"schedule": "hourly"}, "schedule", "Choose one of: off, daily, weekly."),
            ({"kind": "feed"}, "kind", "Choose one of: site, sitemap."),
            (
                {"start_url": "ftp://example.com/"},
                "start_url",
                "Enter a web page address starting with http:// or https://.",
            ),
        ],
    )
    def test_bad_options_name_their_field(self, bot, owner_actor, options, field, message):
        arguments = {"start_url": "https://example.com/", **options}
        with pytest.raises(ApplicationError) as refused:
            websites.website_create(actor=owner_actor, bot=bot, **arguments)
        assert refused.value.errors == {field: [message]}
        assert not WebsiteSource.objects.exists()
