"""The links of an HTML page a crawl may follow."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

from documents.crawling.urls import normalize

#: Links to these are files a bot cannot read; they are not fetched.
SKIPPED_EXTENSIONS = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".ico",
        ".bmp",
        ".mp3",
        ".mp4",
        ".webm",
        ".mov",
        ".avi",
        ".zip",
        ".gz",
        ".tgz",
        ".tar",
        ".rar",
        ".7z",
        ".exe",
        ".dmg",
        ".css",
        ".js",
        ".json",
        ".xml",
        ".woff",
        ".woff2",
        ".ttf",
    ]
)


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base = ""
        self.hrefs: list[str] = []
        self.nofollow = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and not self.base:
            self.base = values.get("href", "")
        elif tag == "meta" and values.get("name", "").lower() == "robots":
            self.nofollow = "nofollow" in values.get("content", "").lower()
        elif tag == "a" and values.get("href", "").strip() and "nofollow" not in values.get("rel", "").lower().split():
            self.hrefs.append(values["href"].strip())


def page_links(html: str, *, page_url: str) -> list[str]:
    """The page's links as absolute, normalised addresses, in order, without repeats; none when
    the page asks robots not to follow its links."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    if parser.nofollow:
        return []
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: dict[str, None] = {}
    for href in parser.hrefs:
        url = normalize(urljoin(base, href))
        path = url.rsplit("?", 1)[0].lower()
        if url and not any(path.endswith(extension) for extension in SKIPPED_EXTENSIONS):
            found[url] = None
    return list(found)
