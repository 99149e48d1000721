"""Writes for website sources: add a site to a bot, crawl it (now, or on its schedule), delete it.

A crawl (`documents.crawling`) walks the site; this module turns what it finds into documents
through the documents services, so quotas, duplicate checks, tenancy and the audit log apply to
every page as to an upload. A page whose content did not change is not ingested again; a page
that is gone (404) or now disallowed by robots.txt leaves the bot.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.tenancy import Actor, require_role
from audit.models import AuditAction
from audit.services import audit_record
from bots.models import Bot
from chatsphere.errors import ApplicationError, Conflict
from documents import eager, queueing, services
from documents.crawling.crawler import Crawl as SiteCrawl
from documents.crawling.crawler import CrawlFailed, CrawlPlan, KnownPage, PageDone, PageFound, is_html
from documents.crawling.fetch import SiteFetcher
from documents.crawling.sitemaps import NotASitemap
from documents.crawling.urls import normalize, same_site, site_of
from documents.ingestion import UnsupportedFileType, detect_type
from documents.models import (
    Document,
    RecrawlSchedule,
    WebsiteKind,
    WebsitePage,
    WebsitePageStatus,
    WebsiteSource,
    WebsiteStatus,
)
from documents.quotas import KnowledgeQuotaExceeded, check_room_for_document
from documents.tasks import crawl_website

logger = logging.getLogger(__name__)

SCHEDULE_INTERVALS = {RecrawlSchedule.DAILY: timedelta(days=1), RecrawlSchedule.WEEKLY: timedelta(days=7)}
#: A queued crawl whose task message was lost (the broker was down) is sent again after this.
LOST_QUEUED_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class WebsiteRef:
    website_id: str
    organization_id: str


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, errors={field: [message]})


def _limit(value: int | None, *, field: str, default: int, low: int, high: int, what: str) -> int:
    if value is None:
        return min(default, high)
    if not low <= value <= high:
        raise _invalid(field, f"Choose {what} from {low} to {high}.")
    return value


def _check_limits(*, max_depth: int | None, max_pages: int | None) -> tuple[int, int]:
    depth = _limit(
        max_depth,
        field="max_depth",
        default=settings.CHATSPHERE_CRAWL_DEFAULT_DEPTH,
        low=0,
        high=settings.CHATSPHERE_CRAWL_MAX_DEPTH,
        what="a link depth",
    )
    pages = _limit(
        max_pages,
        field="max_pages",
        default=settings.CHATSPHERE_CRAWL_DEFAULT_PAGES,
        low=1,
        high=settings.CHATSPHERE_CRAWL_MAX_PAGES,
        what="a number of pages",
    )
    return depth, pages


def _enqueue_crawl(website: WebsiteSource) -> None:
    website_id, organization_id = str(website.id), str(website.organization_id)

    def enqueue() -> None:
        if eager.runs_after_response():
            eager.run_after_response(
                lambda: crawl_website.delay(website_id=website_id, organization_id=organization_id)
            )
            return
        try:
            crawl_website.delay(website_id=website_id, organization_id=organization_id)
        except queueing.BROKER_UNAVAILABLE:
            # The website stays queued; the scheduled check sends it once the queue is back.
            logger.warning("the task queue is unavailable: website %s will be crawled when it is back", website_id)

    transaction.on_commit(enqueue)


def website_create(
    *,
    actor: Actor,
    bot: Bot,
    start_url: str,
    kind: str = WebsiteKind.SITE,
    max_depth: int | None = None,
    max_pages: int | None = None,
    schedule: str = RecrawlSchedule.OFF,
) -> WebsiteSource:
    require_role(actor, Role.ADMIN, action="add documents")
    try:
        url = normalize(services.validate_public_url(start_url))
    except ApplicationError as exc:
        raise _invalid("start_url", exc.message) from exc
    if kind not in WebsiteKind.values:
        raise _invalid("kind", f"Choose one of: {', '.join(WebsiteKind.values)}.")
    if schedule not in RecrawlSchedule.values:
        raise _invalid("schedule", f"Choose one of: {', '.join(RecrawlSchedule.values)}.")
    depth, pages = _check_limits(max_depth=max_depth, max_pages=max_pages)
    with transaction.atomic():
        Bot.objects.select_for_update().filter(pk=bot.pk).first()
        if WebsiteSource.objects.filter(bot=bot, start_url=url).exists():
            message = "This site is already a source of this bot; crawl it again from its page."
            raise Conflict(message, code="duplicate_website", errors={"start_url": [message]})
        check_room_for_document(organization_id=actor.organization.id, bot_id=bot.id, field="start_url")
        website = WebsiteSource.objects.create(
            organization=actor.organization,
            bot=bot,
            created_by=actor.user,
            start_url=url,
            kind=kind,
            max_depth=depth,
            max_pages=pages,
            schedule=schedule,
        )
        audit_record(
            actor=actor,
            action=AuditAction.WEBSITE_CREATE,
            target=website,
            changes={"bot": str(bot.id), "kind": kind, "max_depth": depth, "max_pages": pages, "schedule": schedule},
        )
        _enqueue_crawl(website)
    return website


def _crawl_is_running(website: WebsiteSource) -> bool:
    if website.status == WebsiteStatus.QUEUED:
        return website.updated_at > timezone.now() - LOST_QUEUED_AFTER
    if website.status == WebsiteStatus.CRAWLING:
        started = website.last_run_started_at or website.updated_at
        return started > timezone.now() - timedelta(seconds=settings.CHATSPHERE_CRAWL_TIME_LIMIT + 120)
    return False


def website_update(
    *,
    actor: Actor,
    website: WebsiteSource,
    schedule: str | None = None,
    max_depth: int | None = None,
    max_pages: int | None = None,
) -> WebsiteSource:
    """Change a source's schedule or limits (they apply from its next crawl)."""
    require_role(actor, Role.ADMIN, action="change documents")
    if schedule is not None and schedule not in RecrawlSchedule.values:
        raise _invalid("schedule", f"Choose one of: {', '.join(RecrawlSchedule.values)}.")
    depth, pages = _check_limits(
        max_depth=website.max_depth if max_depth is None else max_depth,
        max_pages=website.max_pages if max_pages is None else max_pages,
    )
    with transaction.atomic():
        locked = WebsiteSource.objects.select_for_update().get(pk=website.pk)
        before = {"schedule": locked.schedule, "max_depth": locked.max_depth, "max_pages": locked.max_pages}
        locked.schedule = schedule if schedule is not None else locked.schedule
        locked.max_depth, locked.max_pages = depth, pages
        locked.next_run_at = _next_run(locked)
        locked.save(update_fields=["schedule", "max_depth", "max_pages", "next_run_at", "updated_at"])
        after = {"schedule": locked.schedule, "max_depth": locked.max_depth, "max_pages": locked.max_pages}
        changes = {name: [before[name], value] for name, value in after.items() if before[name] != value}
        if changes:
            audit_record(actor=actor, action=AuditAction.WEBSITE_UPDATE, target=locked, changes=changes)
    return locked


def website_recrawl(*, actor: Actor, website: WebsiteSource) -> WebsiteSource:
    """Crawl the site again now: changed pages are ingested again, new ones added, gone ones removed."""
    require_role(actor, Role.ADMIN, action="re-ingest documents")
    with transaction.atomic():
        locked = WebsiteSource.objects.select_for_update().get(pk=website.pk)
        if _crawl_is_running(locked):
            raise Conflict("This site is being crawled right now; try again when the crawl has finished.")
        locked.status, locked.error = WebsiteStatus.QUEUED, ""
        locked.save(update_fields=["status", "error", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.WEBSITE_RECRAWL, target=locked, changes={"bot": str(locked.bot_id)}
        )
        _enqueue_crawl(locked)
    return locked


def website_delete(*, actor: Actor, website: WebsiteSource) -> int:
    """Delete the source and every document crawled from it (their passages and vectors too).
    Returns how many documents went."""
    require_role(actor, Role.ADMIN, action="delete documents")
    with transaction.atomic():
        locked = WebsiteSource.objects.select_for_update().filter(pk=website.pk).first()
        if locked is None:
            return 0
        documents = list(Document.objects.filter(organization=actor.organization, website=locked))
        for document in documents:
            services.document_delete(actor=actor, document=document)
        audit_record(
            actor=actor,
            action=AuditAction.WEBSITE_DELETE,
            target=locked,
            changes={"bot": str(locked.bot_id), "documents": len(documents)},
        )
        locked.delete()
    return len(documents)


def _next_run(website: WebsiteSource) -> datetime | None:
    interval = SCHEDULE_INTERVALS.get(RecrawlSchedule(website.schedule))
    if interval is None:
        return None
    return (website.last_run_started_at or timezone.now()) + interval


def websites_due() -> list[WebsiteRef]:
    """Websites whose scheduled re-crawl is due, and crawls whose task was lost or whose run died;
    each is marked queued, so the next check does not send it again."""
    now = timezone.now()
    due: list[WebsiteRef] = []
    candidates = WebsiteSource.objects.filter(
        status__in=[WebsiteStatus.DONE, WebsiteStatus.FAILED], next_run_at__lte=now
    ).exclude(schedule=RecrawlSchedule.OFF) | WebsiteSource.objects.filter(
        status__in=[WebsiteStatus.QUEUED, WebsiteStatus.CRAWLING]
    )
    for website in candidates.order_by("next_run_at")[:200]:
        if website.status in (WebsiteStatus.QUEUED, WebsiteStatus.CRAWLING) and _crawl_is_running(website):
            continue
        updated = WebsiteSource.objects.filter(pk=website.pk, status=website.status).update(
            status=WebsiteStatus.QUEUED, updated_at=now
        )
        if updated:
            due.append(WebsiteRef(str(website.id), str(website.organization_id)))
    return due


# --- the crawl ----------------------------------------------------------------------------------


def _claim(*, website_id: str, organization_id: str) -> WebsiteSource | None:
    with transaction.atomic():
        website = (
            WebsiteSource.objects.select_for_update()
            .select_related("bot", "organization")
            .filter(id=website_id, organization_id=organization_id)
            .first()
        )
        if website is None or website.status == WebsiteStatus.CRAWLING and _crawl_is_running(website):
            return None
        website.status, website.error = WebsiteStatus.CRAWLING, ""
        website.last_run_started_at = timezone.now()
        website.save(update_fields=["status", "error", "last_run_started_at", "updated_at"])
    return website


class _WebsiteGone(Exception):
    """The source was deleted while it was crawled."""


@dataclass
class _PageWriter:
    """Turns the crawl's events into page rows and documents, one page at a time."""

    website: WebsiteSource
    actor: Actor

    def __post_init__(self) -> None:
        self.pages = {
            page.url: page for page in WebsitePage.objects.filter(website=self.website).select_related("document")
        }

    def found(self, event: PageFound) -> None:
        page = self.pages.get(event.url)
        if page is None:
            if not WebsiteSource.objects.filter(pk=self.website.pk).exists():
                raise _WebsiteGone
            page = WebsitePage.objects.create(
                organization_id=self.website.organization_id, website=self.website, url=event.url, depth=event.depth
            )
            self.pages[event.url] = page
        elif event.depth < page.depth:
            page.depth = event.depth
            page.save(update_fields=["depth"])

    def _remove_document(self, page: WebsitePage) -> bool:
        document = page.document
        if document is None or not Document.objects.filter(pk=document.pk).exists():
            return False
        services.document_delete(actor=self.actor, document=document)
        page.document = None
        page.content_hash = ""
        return True

    def done(self, event: PageDone) -> None:
        if not WebsiteSource.objects.filter(pk=self.website.pk).exists():
            raise _WebsiteGone
        page = self.pages[event.url]
        page.fetched_at = timezone.now()
        page.reason = ""
        if event.refusal is not None:
            page.reason = event.refusal.message[:500]
            if event.redirected or event.disallowed:
                self._remove_document(page)
                page.status = WebsitePageStatus.SKIPPED
            elif event.refusal.gone:
                page.status = WebsitePageStatus.GONE if self._remove_document(page) else WebsitePageStatus.FAILED
            else:
                page.status = WebsitePageStatus.FAILED  # a document it had stays until the site says it is gone
        elif event.page is not None and event.page.unchanged:
            page.status = WebsitePageStatus.UNCHANGED
        elif event.page is not None:
            page.etag, page.last_modified = event.page.etag, event.page.last_modified
            self._store(page, event.page.content, html=is_html(event.page), content_type=event.page.content_type)
        page.save()

    def _store(self, page: WebsitePage, content: bytes, *, html: bool, content_type: str) -> None:
        digest = hashlib.sha256(content).hexdigest()
        document = page.document
        if document is not None and not Document.objects.filter(pk=document.pk).exists():
            document = page.document = None  # deleted on its own meanwhile: added back
        if document is not None and page.content_hash == digest:
            page.status = WebsitePageStatus.UNCHANGED
            return
        try:
            kind = "html" if html else str(detect_type(content, page.url.rsplit("/", 1)[-1]))
        except UnsupportedFileType:
            page.status = WebsitePageStatus.SKIPPED
            page.reason = f"Not a page or document the bot can read ({content_type.split(';')[0] or 'unknown type'})."
            return
        try:
            if document is not None:
                services.document_replace_page(actor=self.actor, document=document, data=content, kind=kind)
            else:
                document = self._create(page, content, kind)
        except KnowledgeQuotaExceeded as exc:
            page.status, page.reason = WebsitePageStatus.FAILED, exc.message[:500]
            return
        except Conflict as exc:
            page.status, page.reason = WebsitePageStatus.SKIPPED, exc.message[:500]
            return
        except ApplicationError as exc:
            page.status, page.reason = WebsitePageStatus.FAILED, exc.message[:500]
            return
        if document is None:
            page.status = WebsitePageStatus.SKIPPED
            return
        page.document, page.content_hash, page.status = document, digest, WebsitePageStatus.FETCHED

    def _create(self, page: WebsitePage, content: bytes, kind: str) -> Document | None:
        elsewhere = (
            Document.objects.filter(
                organization_id=self.website.organization_id, bot_id=self.website.bot_id, url=page.url
            )
            .exclude(website=self.website)
            .only("title")
            .first()
        )
        if elsewhere is not None:
            page.reason = f"This page is already in this bot as “{elsewhere.title}”."
            return None
        return services.document_create_from_page(
            actor=self.actor, website=self.website, url=page.url, data=content, kind=kind
        )


def _plan(website: WebsiteSource, pages: dict[str, WebsitePage]) -> CrawlPlan:
    return CrawlPlan(
        start_url=website.start_url,
        from_sitemap=website.kind == WebsiteKind.SITEMAP,
        max_depth=website.max_depth,
        max_pages=website.max_pages,
        concurrency=settings.CHATSPHERE_CRAWL_CONCURRENCY,
        delay=settings.CHATSPHERE_CRAWL_DELAY_SECONDS,
        deadline=time.monotonic() + settings.CHATSPHERE_CRAWL_TIME_LIMIT,
        # A page is asked for only if it changed since its last answer when it still has its document.
        known=tuple(
            KnownPage(page.url, page.depth, *((page.etag, page.last_modified) if page.document_id else ("", "")))
            for page in pages.values()
        ),
    )


def _finish(website: WebsiteSource, *, status: str, error: str) -> None:
    website.status, website.error = status, error[:2000]
    website.last_run_finished_at = timezone.now()
    website.next_run_at = _next_run(website)
    WebsiteSource.objects.filter(pk=website.pk).update(
        status=website.status,
        error=website.error,
        last_run_finished_at=website.last_run_finished_at,
        next_run_at=website.next_run_at,
        updated_at=timezone.now(),
    )


def website_crawl(*, website_id: str, organization_id: str) -> str:
    """Run one crawl of the website (the task's service); returns how it ended."""
    website = _claim(website_id=website_id, organization_id=organization_id)
    if website is None:
        return "skipped"
    # The crawl acts for the organization, not for whoever added the site: its deletions of gone
    # pages are the system's in the audit log.
    actor = Actor(organization=website.organization, role=Role.ADMIN)
    writer = _PageWriter(website=website, actor=actor)
    site = site_of(website.start_url)
    fetcher = SiteFetcher(
        allow_private=settings.CHATSPHERE_ALLOW_PRIVATE_URLS,
        timeout=settings.CHATSPHERE_FETCH_TIMEOUT,
        max_bytes=settings.CHATSPHERE_MAX_UPLOAD_MB * 1024 * 1024,
        same_site=lambda url: same_site(url, site),
    )
    crawl = SiteCrawl(plan=_plan(website, writer.pages), fetcher=fetcher)
    try:
        with fetcher:
            for event in crawl.events():
                if isinstance(event, PageFound):
                    writer.found(event)
                else:
                    writer.done(event)
    except _WebsiteGone:
        return "gone"
    except (CrawlFailed, NotASitemap) as exc:
        _finish(website, status=WebsiteStatus.FAILED, error=str(exc))
        return "failed"
    except SoftTimeLimitExceeded:
        minutes = settings.CHATSPHERE_CRAWL_TIME_LIMIT // 60
        _finish(website, status=WebsiteStatus.FAILED, error=f"The crawl was stopped after {minutes} minutes.")
        return "failed"
    except Exception:
        logger.exception("crawl of website %s failed", website_id)
        _finish(website, status=WebsiteStatus.FAILED, error="An unexpected error stopped the crawl. Crawl it again.")
        return "failed"
    notes = []
    if crawl.limit_reached:
        notes.append(f"Stopped at the limit of {website.max_pages} pages; raise the limit to crawl more of the site.")
    if crawl.out_of_time:
        notes.append(
            f"Stopped after {settings.CHATSPHERE_CRAWL_TIME_LIMIT // 60} minutes (CHATSPHERE_CRAWL_TIME_LIMIT)."
        )
    _finish(website, status=WebsiteStatus.DONE, error=" ".join(notes))
    return "done"
