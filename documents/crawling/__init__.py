"""Crawling a web site for a bot's knowledge: fetching pages politely and safely (`fetch`),
finding their links (`links`), reading sitemaps (`sitemaps`) and robots.txt (`robots`), and the
walk over a site (`crawler`). Nothing here knows of models; `documents.websites` turns what a
crawl finds into documents."""
