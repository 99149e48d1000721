"""Small server-rendered SVG charts for the dashboard: no script, no external library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int


def bar_chart(bars: Sequence[Bar], *, title: str, tone: str = "primary", height: int = 160) -> SafeString:
    """Vertical bars, each with a tooltip title; the maximum, zero and the first and last labels are
    HTML around the drawing, so only the bars stretch with the width and the text never does.
    `tone` names the stylesheet's colour for the bars (`primary`, `ok`), so they follow dark mode."""
    width = 600
    peak = max((bar.value for bar in bars), default=0) or 1
    step = width / max(1, len(bars))
    shapes = []
    for index, bar in enumerate(bars):
        bar_height = height * bar.value / peak
        shapes.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar {}" rx="1.5"><title>{}: {}</title></rect>',
                f"{index * step + step * 0.15:.1f}",
                f"{height - bar_height:.1f}",
                f"{step * 0.7:.1f}",
                f"{max(bar_height, 0.5 if bar.value else 0):.1f}",
                tone,
                bar.label,
                bar.value,
            )
        )
    drawing = format_html(
        '<svg viewBox="0 0 {} {}" preserveAspectRatio="none" aria-hidden="true" focusable="false">{}</svg>',
        width,
        height,
        format_html_join("", "{}", ((shape,) for shape in shapes)),
    )
    first, last = (bars[0].label, bars[-1].label) if bars else ("", "")
    return format_html(
        '<figure class="chart" role="img" aria-label="{}">'
        '<div class="chart-scale" aria-hidden="true"><span>{}</span><span>0</span></div>'
        '<div class="chart-plot">{}</div>'
        '<div class="chart-labels" aria-hidden="true"><span>{}</span><span>{}</span></div>'
        "</figure>",
        title,
        peak,
        drawing,
        first,
        last,
    )
