"""A site's robots.txt, read with the standard library's parser."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from documents.crawling.urls import normalize

#: The product token robots.txt rules name (the first word of the crawler's User-Agent).
ROBOTS_AGENT = "ChatSphereBot"


@dataclass(frozen=True, slots=True)
class Robots:
    parser: RobotFileParser | None

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(ROBOTS_AGENT, url)

    @property
    def crawl_delay(self) -> float:
        delay = self.parser.crawl_delay(ROBOTS_AGENT) if self.parser is not None else None
        return float(delay or 0)

    @property
    def sitemaps(self) -> list[str]:
        listed = (self.parser.site_maps() if self.parser is not None else None) or []
        return [url for url in (normalize(item) for item in listed) if url]


ALLOW_ALL = Robots(parser=None)


def parse_robots(text: str) -> Robots:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return Robots(parser=parser)
