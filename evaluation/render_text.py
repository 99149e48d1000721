"""Markdown, HTML and plain-text renderings of a generated document."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

from evaluation.blocks import Block, BulletList, Heading, Paragraph

TEXT_COLUMNS = 72


def markdown(title: str, blocks: Sequence[Block]) -> str:
    out = [f"# {title}", ""]
    for block in blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            out += [block.text, ""]
        elif isinstance(block, BulletList):
            out += [f"- {item}" for item in block.items] + [""]
        else:
            out += ["| " + " | ".join(block.header) + " |", "|" + "---|" * len(block.header)]
            out += ["| " + " | ".join(row) + " |" for row in block.rows] + [""]
    return "\n".join(out)


def html_page(title: str, blocks: Sequence[Block], *, site: str) -> str:
    """A whole web page: the article sits between navigation, a site header and a footer, as on real sites."""
    esc = html.escape
    body = [f"<h1>{esc(title)}</h1>"]
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            body.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, BulletList):
            body.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>")
        else:
            head = "".join(f"<th>{esc(cell)}</th>" for cell in block.header)
            rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    nav = "".join(f'<li><a href="/{slug}/">{label}</a></li>' for slug, label in _NAV)
    article = "\n".join(body)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} | {esc(site)}</title>'
        '<link rel="stylesheet" href="/static/site.css"></head>\n<body>\n'
        f'<header class="site-header"><a class="logo" href="/">{esc(site)}</a>'
        f'<nav aria-label="Main"><ul>{nav}</ul></nav>'
        '<form role="search" action="/search/"><input name="q" placeholder="Search"></form></header>\n'
        f"<main><article>\n{article}\n</article></main>\n"
        '<aside class="related"><h2>Related pages</h2><ul><li><a href="/help/">Help centre</a></li>'
        '<li><a href="/news/">Latest news</a></li></ul></aside>\n'
        f'<footer class="site-footer"><p>&copy; {esc(site)}. All rights reserved.</p>'
        '<p><a href="/privacy/">Privacy</a> &middot; <a href="/cookies/">Cookie settings</a> &middot; '
        '<a href="/contact/">Contact us</a></p></footer>\n'
        "</body></html>\n"
    )


_NAV = (("", "Home"), ("about", "About"), ("guides", "Guides"), ("support", "Support"), ("contact", "Contact"))


def plain_text(title: str, blocks: Sequence[Block]) -> str:
    """Hard-wrapped at 72 columns, headings underlined, as a plain-text export would be."""
    wrap = textwrap.TextWrapper(TEXT_COLUMNS, break_long_words=False, break_on_hyphens=False)
    out = [title, "=" * min(len(title), TEXT_COLUMNS), ""]
    for block in blocks:
        if isinstance(block, Heading):
            out += [block.text, "-" * min(len(block.text), TEXT_COLUMNS), ""]
        elif isinstance(block, Paragraph):
            out += [*wrap.wrap(block.text), ""]
        elif isinstance(block, BulletList):
            bullet = textwrap.TextWrapper(TEXT_COLUMNS, initial_indent="  * ", subsequent_indent="    ")
            for item in block.items:
                out += bullet.wrap(item)
            out.append("")
        else:
            table = [block.header, *block.rows]
            widths = [max(len(row[i]) for row in table) for i in range(len(block.header))]
            lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
            out += [lines[0], "  ".join("-" * w for w in widths), *lines[1:], ""]
    return "\n".join(out)
