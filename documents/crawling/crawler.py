"""The walk over one site: robots.txt first, then the start page (or the sitemap's pages) and the
pages they link to, breadth first, level by level, until the depth or page limit.

The walk fetches; it decides nothing about documents. It yields what it finds, in the calling
thread, so the caller writes to the database from one thread while a few fetcher threads work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from documents.crawling.fetch import FetchedPage, PageRefused, SiteFetcher
from documents.crawling.links import page_links
from documents.crawling.robots import ALLOW_ALL, Robots, parse_robots
from documents.crawling.sitemaps import NotASitemap, parse_sitemap
from documents.crawling.urls import normalize, same_site, site_of

#: Sitemap files one crawl reads (an index and the sitemaps it lists).
MAX_SITEMAPS = 20
#: The longest pause between two requests a site's Crawl-delay can ask for.
MAX_CRAWL_DELAY = 10.0
ROBOTS_DISALLOWED = "robots.txt asks crawlers not to fetch this page."


class CrawlFailed(Exception):
    """The crawl could not start: the sitemap or start page cannot be read."""


@dataclass(frozen=True, slots=True)
class KnownPage:
    """A page an earlier crawl found, fetched again with what its last answer said."""

    url: str
    depth: int
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    start_url: str
    from_sitemap: bool
    max_depth: int
    max_pages: int
    concurrency: int = 2
    delay: float = 0.0
    #: time.monotonic() after which no new page is fetched.
    deadline: float = float("inf")
    known: tuple[KnownPage, ...] = ()


@dataclass(frozen=True, slots=True)
class PageFound:
    url: str
    depth: int


@dataclass(frozen=True, slots=True)
class PageDone:
    """A page's fetch: its content (or unchanged), or why it could not be taken."""

    url: str
    depth: int
    page: FetchedPage | None = None
    refusal: PageRefused | None = None
    disallowed: bool = False
    #: The address redirects to another page of the site, which is crawled under its own address.
    redirected: bool = False


class _Pacer:
    """Spaces the starts of requests to one site by `delay` seconds, whatever the thread."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        if self.delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.delay
        time.sleep(start - now)


def is_html(page: FetchedPage) -> bool:
    if page.content_type:
        return "html" in page.content_type
    return page.content.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))


def _text(page: FetchedPage) -> str:
    charset = "utf-8"
    for part in page.content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return page.content.decode(charset, errors="replace")
    except LookupError:
        return page.content.decode("utf-8", errors="replace")


@dataclass
class Crawl:
    plan: CrawlPlan
    fetcher: SiteFetcher
    site: str = ""
    robots: Robots = ALLOW_ALL
    #: Pages were left out because the page limit was reached, or the time ran out.
    limit_reached: bool = False
    out_of_time: bool = False
    _admitted: set[str] = field(default_factory=set)
    _levels: dict[int, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.site = site_of(self.plan.start_url)
        self._known = {page.url: page for page in self.plan.known}

    def _admit(self, url: str, depth: int, *, queue: bool = True) -> PageFound | None:
        url = normalize(url)
        if not url or url in self._admitted or not same_site(url, self.site) or depth > self.plan.max_depth:
            return None
        if len(self._admitted) >= self.plan.max_pages:
            self.limit_reached = True
            return None
        self._admitted.add(url)
        if queue:
            self._levels.setdefault(depth, []).append(url)
        return PageFound(url, depth)

    def _read_robots(self) -> Robots:
        start = normalize(self.plan.start_url)
        scheme, rest = start.split("://", 1)
        try:
            page = self.fetcher.get(f"{scheme}://{rest.split('/', 1)[0]}/robots.txt")
        except PageRefused:
            return ALLOW_ALL  # no robots.txt (or none readable): the site sets no rules
        return parse_robots(_text(page)) if not is_html(page) else ALLOW_ALL

    def _sitemap_pages(self, first: str, *, required: bool) -> list[str]:
        pending, seen, pages = [first], set[str](), list[str]()
        while pending and len(seen) < MAX_SITEMAPS:
            url = pending.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                sitemap = parse_sitemap(self.fetcher.get(url).content, max_bytes=self.fetcher.max_bytes)
            except (PageRefused, NotASitemap) as exc:
                if required and url == first:
                    raise CrawlFailed(f"The sitemap {url} could not be read: {exc}") from exc
                continue
            pages.extend(sitemap.pages)
            pending.extend(sitemap.sitemaps)
        return pages

    def _fetch(self, url: str, depth: int, pacer: _Pacer) -> PageDone:
        if time.monotonic() > self.plan.deadline:
            self.out_of_time = True
            return PageDone(url, depth, refusal=PageRefused("The crawl's time ran out before this page."))
        pacer.wait()
        known = self._known.get(url)
        try:
            page = self.fetcher.get(
                url, etag=known.etag if known else "", last_modified=known.last_modified if known else ""
            )
        except PageRefused as exc:
            return PageDone(url, depth, refusal=exc)
        return PageDone(url, depth, page=page)

    def _redirected(self, done: PageDone) -> Generator[PageFound | PageDone, None, bool]:
        """A page that redirected within the site is kept under the address it landed on: taken
        now (its content is in hand) unless that address is crawled already or on its way."""
        assert done.page is not None
        target = done.page.final_url
        reason = f"Redirects to {target}; the page is kept under that address."
        yield PageDone(done.url, done.depth, refusal=PageRefused(reason), redirected=True)
        found = self._admit(target, done.depth, queue=False)
        if found is None:
            return False
        yield found
        return True

    def events(self) -> Iterator[PageFound | PageDone]:
        plan = self.plan
        self.robots = self._read_robots()
        pacer = _Pacer(max(plan.delay, min(self.robots.crawl_delay, MAX_CRAWL_DELAY)))
        if plan.from_sitemap:
            seeds = [(url, 0) for url in self._sitemap_pages(normalize(plan.start_url), required=True)]
        else:
            seeds = [(plan.start_url, 0)]
            for sitemap in self.robots.sitemaps:
                if same_site(sitemap, self.site):
                    seeds.extend((url, 1) for url in self._sitemap_pages(sitemap, required=False))
        seeds.extend((page.url, page.depth) for page in plan.known)
        for url, depth in sorted(seeds, key=lambda seed: seed[1]):
            if found := self._admit(url, depth):
                yield found
        if not self._admitted:
            raise CrawlFailed("No page of this site could be crawled: the sitemap lists none on the same site.")
        with ThreadPoolExecutor(max_workers=max(1, plan.concurrency), thread_name_prefix="crawl") as pool:
            depth = 0
            while depth <= plan.max_depth and any(level >= depth for level in self._levels):
                level = self._levels.pop(depth, [])
                allowed = [url for url in level if self.robots.allows(url)]
                for url in level:
                    if url not in allowed:
                        yield PageDone(url, depth, disallowed=True, refusal=PageRefused(ROBOTS_DISALLOWED))
                for done in pool.map(lambda url, d=depth: self._fetch(url, d, pacer), allowed):
                    if done.page is not None and done.page.final_url != done.url:
                        if not (yield from self._redirected(done)):
                            continue
                        done = PageDone(done.page.final_url, depth, page=done.page)
                    yield done
                    if (
                        done.page is not None
                        and not done.page.unchanged
                        and depth < plan.max_depth
                        and is_html(done.page)
                    ):
                        for link in page_links(_text(done.page), page_url=done.page.final_url):
                            if found := self._admit(link, depth + 1):
                                yield found
                depth += 1
