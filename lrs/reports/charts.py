"""Bar charts drawn on the server as SVG: no script, no CDN, readable without colour.

Each chart carries a `<title>` and a `<desc>` (its text alternative, also given as a
table next to it on every page).
"""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_BOTTOM = 56
MARGIN_TOP = 16
BAR_COLOUR = "#000091"  # contrast 15:1 on white
TEXT_COLOUR = "#161616"


def bar_chart(chart_id: str, title: str, description: str, labels: list[str], values: list[float]) -> Markup:
    """A vertical bar chart of `values` (>= 0) with a label under each bar."""
    count = max(len(values), 1)
    top = max(values) if values and max(values) > 0 else 1
    plot_width = WIDTH - MARGIN_LEFT - 8
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    step = plot_width / count
    bar = max(step * 0.7, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_height}" x2="{WIDTH - 8}" '
        f'y2="{MARGIN_TOP + plot_height}" stroke="{TEXT_COLOUR}" stroke-width="1"/>',
        f'<text x="{MARGIN_LEFT - 6}" y="{MARGIN_TOP + 10}" text-anchor="end" font-size="12" '
        f'fill="{TEXT_COLOUR}">{_short(top)}</text>',
        f'<text x="{MARGIN_LEFT - 6}" y="{MARGIN_TOP + plot_height}" text-anchor="end" font-size="12" '
        f'fill="{TEXT_COLOUR}">0</text>',
    ]
    label_every = max(1, count // 12)  # keep labels legible on long series
    for index, (label, value) in enumerate(zip(labels, values)):
        height = plot_height * (value / top)
        x = MARGIN_LEFT + index * step + (step - bar) / 2
        y = MARGIN_TOP + plot_height - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}">'
            f"<title>{escape(label)} : {_short(value)}</title></rect>"
        )
        if value and count <= 24:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT_COLOUR}">{_short(value)}</text>'
            )
        if index % label_every == 0:
            lx, ly = x + bar / 2, MARGIN_TOP + plot_height + 14
            parts.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="end" font-size="11" fill="{TEXT_COLOUR}" '
                f'transform="rotate(-30 {lx:.1f} {ly:.1f})">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
