"""Small server-rendered SVG charts for the dashboard: no script, no external library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int


def bar_chart(bars: Sequence[Bar], *, title: str, color: str = "#1d4ed8", height: int = 160) -> SafeString:
    """Vertical bars with a y-axis maximum and first/last labels; each bar has a tooltip title."""
    width, top, bottom, left = 640, 12, 22, 34
    plot_height = height - top - bottom
    peak = max((bar.value for bar in bars), default=0) or 1
    step = (width - left) / max(1, len(bars))
    shapes = []
    for index, bar in enumerate(bars):
        bar_height = plot_height * bar.value / peak
        x = left + index * step + step * 0.15
        y = top + plot_height - bar_height
        shapes.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="1.5"><title>{}: {}</title></rect>',
                f"{x:.1f}",
                f"{y:.1f}",
                f"{step * 0.7:.1f}",
                f"{max(bar_height, 0.5 if bar.value else 0):.1f}",
                color,
                bar.label,
                bar.value,
            )
        )
    labels = []
    if bars:
        labels.append(format_html('<text x="{}" y="{}" class="axis">{}</text>', left, height - 6, bars[0].label))
        labels.append(
            format_html(
                '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>', width, height - 6, bars[-1].label
            )
        )
    axis = format_html(
        '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" class="axis" text-anchor="end">0</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9aa5b1"/>',
        left - 6,
        top + 8,
        peak,
        left - 6,
        top + plot_height,
        left,
        top + plot_height,
        width,
        top + plot_height,
    )
    body = "".join(str(part) for part in [*shapes, axis, *labels])
    return mark_safe(  # noqa: S308 - every value above went through format_html
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="none"><title>{escape(title)}</title>{body}</svg>'
    )
