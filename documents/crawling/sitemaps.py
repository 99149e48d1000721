"""Reading sitemaps (https://www.sitemaps.org/protocol.html): a list of pages, or an index of
further sitemaps. Parsed without entities, DTDs or network access, so a hostile file cannot
expand itself or make the server fetch anything."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field

from lxml import etree

from documents.crawling.urls import normalize


@dataclass(slots=True)
class Sitemap:
    pages: list[str] = field(default_factory=list)
    #: Further sitemaps, when this one is an index.
    sitemaps: list[str] = field(default_factory=list)


class NotASitemap(ValueError):
    pass


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)


def _maybe_gunzip(data: bytes, *, max_bytes: int) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        inflated = zlib.decompressobj(wbits=31).decompress(data, max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise NotASitemap("The sitemap is a damaged gzip file.") from exc
    if len(inflated) > max_bytes:
        raise NotASitemap(f"The sitemap is larger than {max_bytes // (1024 * 1024)} MB once unpacked.")
    return inflated


def parse_sitemap(data: bytes, *, max_bytes: int) -> Sitemap:
    """The addresses a sitemap (or sitemap index, gzipped or not) lists, normalised."""
    data = _maybe_gunzip(data, max_bytes=max_bytes)
    try:
        root = etree.fromstring(data, parser=_parser())  # noqa: S320 - entities, DTDs and network are off
    except etree.XMLSyntaxError as exc:
        raise NotASitemap("This address is not a sitemap (its content is not XML).") from exc
    name = etree.QName(root).localname
    if name not in {"urlset", "sitemapindex"}:
        raise NotASitemap(f"This XML file is not a sitemap (its root element is <{name}>).")
    sitemap = Sitemap()
    target = sitemap.pages if name == "urlset" else sitemap.sitemaps
    for loc in root.iter("{*}loc"):
        url = normalize(loc.text or "")
        if url and url not in target:
            target.append(url)
    return sitemap
