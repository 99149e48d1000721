"""The crawl's readers on their own: links of a page, sitemaps (hostile ones included), robots.txt."""

from __future__ import annotations

import gzip

import pytest

from documents.crawling.links import page_links
from documents.crawling.robots import parse_robots
from documents.crawling.sitemaps import NotASitemap, parse_sitemap
from documents.crawling.urls import normalize, same_site, site_of

MB = 1024 * 1024


class TestLinks:
    def test_links_are_absolute_without_fragments_repeats_or_files(self):
        html = """<html><head><base href="/docs/"></head><body>
          <a href="intro#top">Intro</a> <a href="intro">Intro again</a>
          <a href="HTTP://Example.COM:80/About">About</a> <a href="mailto:club@example.com">Mail</a>
          <a href="logo.PNG">Logo</a> <a href="sponsor" rel="sponsored nofollow">Sponsor</a>
          <a href="javascript:void(0)">Menu</a> <a href="/search?q=boats">Search</a></body></html>"""
        assert page_links(html, page_url="https://example.com/start") == [
            "https://example.com/docs/intro",
            "http://example.com/About",
            "https://example.com/search?q=boats",
        ]

    def test_a_page_that_asks_robots_not_to_follow_gives_no_links(self):
        html = '<meta name="robots" content="noindex, NOFOLLOW"><a href="/next">Next</a>'
        assert page_links(html, page_url="https://example.com/") == []


class TestSites:
    def test_www_and_the_scheme_do_not_make_another_site_but_a_port_or_subdomain_does(self):
        site = site_of("https://www.example.com/")
        assert same_site(normalize("http://example.com/faq"), site)
        assert not same_site(normalize("https://shop.example.com/"), site)
        assert not same_site(normalize("https://example.com:8443/"), site)
        assert normalize("ftp://example.com/") == ""


class TestSitemaps:
    URLSET = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc> https://example.com/a </loc></url><url><loc>https://example.com/b#x</loc></url>"
        b"<url><loc>https://example.com/a</loc></url></urlset>"
    )

    def test_pages_of_a_sitemap_and_of_a_gzipped_one(self):
        expected = ["https://example.com/a", "https://example.com/b"]
        assert parse_sitemap(self.URLSET, max_bytes=MB).pages == expected
        assert parse_sitemap(gzip.compress(self.URLSET), max_bytes=MB).pages == expected

    def test_an_index_lists_further_sitemaps(self):
        index = (
            b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<sitemap><loc>https://example.com/pages.xml</loc></sitemap></sitemapindex>"
        )
        sitemap = parse_sitemap(index, max_bytes=MB)
        assert (sitemap.pages, sitemap.sitemaps) == ([], ["https://example.com/pages.xml"])

    def test_entities_are_never_expanded_nor_files_read(self):
        hostile = (
            b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">'
            b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://example.com/&secret;</loc></url><url><loc>https://example.com/&b;</loc></url></urlset>"
        )
        pages = parse_sitemap(hostile, max_bytes=MB).pages
        assert not any("root:" in page or "aaaaaaaaaa" in page for page in pages)

    def test_a_gzip_bomb_is_refused_by_its_unpacked_size(self):
        bomb = gzip.compress(b"<urlset>" + b" " * (3 * MB) + b"</urlset>")
        with pytest.raises(NotASitemap, match="larger than 1 MB once unpacked"):
            parse_sitemap(bomb, max_bytes=MB)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"<!doctype html><html><body>Home</body></html>", "not a sitemap"),
            (b"<rss><channel></channel></rss>", "its root element is <rss>"),
        ],
    )
    def test_other_files_are_not_sitemaps(self, data, message):
        with pytest.raises(NotASitemap, match=message):
            parse_sitemap(data, max_bytes=MB)


def test_robots_rules_delay_and_sitemaps():
    robots = parse_robots(
        "User-agent: ChatSphereBot\nDisallow: /drafts/\nCrawl-delay: 3\n\n"
        "User-agent: *\nDisallow: /\n\nSitemap: https://example.com/sitemap.xml\n"
    )
    assert robots.allows("https://example.com/guide")
    assert not robots.allows("https://example.com/drafts/new")
    assert robots.crawl_delay == 3
    assert robots.sitemaps == ["https://example.com/sitemap.xml"]
