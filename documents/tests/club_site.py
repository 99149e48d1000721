"""A rowing club's web site served on 127.0.0.1 for crawl tests: 25 pages of prose in three
levels, a sitemap index with a page no link reaches, robots.txt rules, a redirect within the
site and one off it, a page that 404s, a page too large to take and a link to another site.
Pages answer with an ETag and honour If-None-Match, and every request is counted."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECTIONS: dict[str, list[tuple[str, str]]] = {
    "membership": [
        ("joining", "New members join after a two-hour safety induction held on the first Saturday of each month."),
        ("fees", "The annual membership fee is 240 euros, and students under twenty-five pay half of that amount."),
        ("guests", "A member may bring a guest rower three times a season, after the guest signs the waiver form."),
    ],
    "boathouse": [
        ("hours", "The boathouse opens at half past six on weekdays and at seven on weekends and public holidays."),
        ("keys", "Boathouse keys are issued by the captain against a deposit of fifty euros, refunded on return."),
        ("lockers", "Lockers in the changing room are rented per season; the waiting list is kept by the secretary."),
    ],
    "safety": [
        ("lifejackets", "Coxes must wear an inflatable lifejacket at all times, whatever the weather or the crew."),
        ("flags", "A red flag on the pontoon means the river is closed to all crews, juniors and seniors alike."),
        ("capsize", "After a capsize, stay with the boat and swim it to the nearest bank; never try to climb in."),
    ],
    "training": [
        ("ergs", "Indoor rowing machines are booked in thirty-minute slots on the sheet beside the gym door."),
        ("squads", "The masters squad trains on Tuesday and Thursday evenings and on Sunday mornings at eight."),
        ("coaching", "Beginners get a coach in the launch for their first ten outings on the water."),
    ],
    "racing": [
        ("regattas", "The club enters the autumn head race and the summer regatta on the lake at Lindau."),
        ("entries", "Race entries close three weeks before each event and are paid from the racing fund."),
        ("trailer", "The boat trailer leaves the night before a regatta; rigging starts at five in the afternoon."),
    ],
    "social": [
        ("dinner", "The annual dinner is held in the clubroom on the last Saturday of November."),
        ("bar", "The clubroom bar is run by volunteers and opens after Sunday outings until two o'clock."),
        ("volunteers", "Every member gives two volunteer shifts a year, at a regatta or in the boathouse."),
    ],
}

FILLER = (
    "The committee reviews this rule every spring and publishes any change in the newsletter. "
    "Questions go to the club secretary, who answers within a week during the rowing season. "
    "Members who are unsure should ask a committee member before they go out on the water."
)


def _page(title: str, body: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (
        f"<!doctype html><html><head><title>{title} · Harbour Rowing Club</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><main><h1>{title}</h1>{body}<ul>{items}</ul></main>"
        "<footer><a href='https://www.example.org/rowing-federation'>Rowing federation</a></footer></body></html>"
    ).encode()


def topic_body(fact: str, topic: str) -> str:
    return (
        f"<p>{fact} This page explains the club's practice on {topic} in full.</p>"
        f"<p>{FILLER}</p><p>Rules about {topic} apply to every member, junior or senior, and to guests.</p>"
    )


class ClubSite:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.requests[self.path] += 1
                status, headers, body = site.routes.get(
                    self.path, (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>")
                )
                etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                if status == 200 and self.headers.get("If-None-Match"):
                    site.conditional[self.path] += 1
                    if self.headers["If-None-Match"] == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status == 200:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.build()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def html(self, path: str, title: str, body: str, links: list[tuple[str, str]]) -> None:
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, _page(title, body, links))

    def topic(self, section: str, topic: str, fact: str) -> None:
        self.html(
            f"/{section}/{topic}", topic.capitalize(), topic_body(fact, topic), [(f"/{section}/", section.capitalize())]
        )

    def build(self) -> None:
        home_links = [(f"/{section}/", section.capitalize()) for section in SECTIONS]
        home_links += [
            ("/old-fees", "Fees (old address)"),
            ("/private/staff-rota", "Staff rota"),
            ("/newsletter-2019", "Newsletter 2019"),
            ("/shop", "Club shop"),
            ("/minutes", "Minutes archive"),
            ("https://www.example.com/partner", "Our partner"),
        ]
        self.html("/", "Welcome", "<p>The Harbour Rowing Club rows on the river since 1921.</p>", home_links)
        for section, topics in SECTIONS.items():
            intro = f"<p>Everything about {section} at the club, one page per subject.</p>"
            self.html(
                f"/{section}/", section.capitalize(), intro, [(f"/{section}/{t}", t.capitalize()) for t, _ in topics]
            )
            for topic, fact in topics:
                self.topic(section, topic, fact)
        self.html(
            "/history",
            "History",
            "<p>The club was founded in 1921 by dock workers, who built the first boathouse from ship timber.</p>"
            f"<p>{FILLER}</p>",
            [],
        )
        self.html("/private/staff-rota", "Staff rota", "<p>The bar rota is private to the committee.</p>", [])
        self.routes["/old-fees"] = (301, {"Location": "/membership/fees"}, b"")
        self.routes["/shop"] = (302, {"Location": "https://shop.example.net/harbour"}, b"")
        self.routes["/minutes"] = (200, {"Content-Type": "text/html"}, b"<html><body>" + b"<p>minutes</p>" * 90_000)
        self.routes["/robots.txt"] = (
            200,
            {"Content-Type": "text/plain"},
            f"User-agent: *\nDisallow: /private/\n\nSitemap: {self.base}/sitemap.xml\n".encode(),
        )
        self.routes["/sitemap.xml"] = (
            200,
            {"Content-Type": "application/xml"},
            (
                '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{self.base}/sitemap-pages.xml</loc></sitemap></sitemapindex>"
            ).encode(),
        )
        pages = [
            "/",
            *(f"/{s}/" for s in SECTIONS),
            *(f"/{s}/{t}" for s, ts in SECTIONS.items() for t, _ in ts),
            "/history",
        ]
        self.routes["/sitemap-pages.xml"] = (
            200,
            {"Content-Type": "application/xml"},
            (
                '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>{self.base}{path}</loc></url>" for path in pages)
                + "</urlset>"
            ).encode(),
        )

    #: Pages that become documents: home, 6 sections, 18 topics and the history page (sitemap only).
    @property
    def content_pages(self) -> list[str]:
        return [
            "/",
            *(f"/{s}/" for s in SECTIONS),
            *(f"/{s}/{t}" for s, ts in SECTIONS.items() for t, _ in ts),
            "/history",
        ]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
