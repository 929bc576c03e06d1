"""Small server-made SVG charts (no JavaScript, no inline styles), always shown beside a table
with the same figures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from coop.i18n import gettext as _


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    *,
    limit: int | None = None,
    value_label: str = "",
    second: Sequence[int] | None = None,
    width: int = 640,
    height: int = 240,
) -> Markup:
    """Bars for `values` (and optional paired bars for `second`), with an optional dashed limit
    line. Values are plain integers; `value_label` formats the top of the axis."""
    pad_left, pad_bottom, pad_top = 8, 36, 20
    top = max([*values, *(second or []), limit or 0, 1])
    n = max(len(values), 1)
    slot = (width - pad_left) / n
    bar_w = slot * (0.38 if second else 0.7)
    plot_h = height - pad_bottom - pad_top

    def y(v: int) -> float:
        return pad_top + plot_h - (v / top) * plot_h

    # unique per title on a page (\w: a title in any language keeps its letters)
    chart_id = "chart-" + re.sub(r"[^\w]+", "-", title.lower()).strip("-_")
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}">{escape(title)}</title>',
        f'<line class="axis" x1="{pad_left}" y1="{pad_top + plot_h}" x2="{width}" y2="{pad_top + plot_h}"/>',
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=False)):
        x = pad_left + i * slot + (slot - (bar_w * (2 if second else 1))) / 2
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y(v):.1f}" width="{bar_w:.1f}" '
            f'height="{max(y(0) - y(v), 0):.1f}"/>'
        )
        if second:
            v2 = second[i]
            parts.append(
                f'<rect class="bar-alt" x="{x + bar_w:.1f}" y="{y(v2):.1f}" width="{bar_w:.1f}" '
                f'height="{max(y(0) - y(v2), 0):.1f}"/>'
            )
        if n <= 16 or i % 2 == 0:
            centre = pad_left + i * slot + slot / 2
            parts.append(
                f'<text x="{centre:.1f}" y="{height - 14}" text-anchor="middle">{escape(label)}</text>'
            )
    if limit is not None:
        parts.append(
            f'<line class="limit-line" x1="{pad_left}" y1="{y(limit):.1f}" x2="{width}" y2="{y(limit):.1f}"/>'
        )
        limit_y = max(y(limit) - 4, 12)
        word = escape(
            _("limit")
        )  # outside the f-string: the catalogue's extraction reads calls, not f-strings
        parts.append(f'<text x="{width - 4}" y="{limit_y:.1f}" text-anchor="end">{word}</text>')
    if value_label:
        parts.append(f'<text x="{pad_left + 2}" y="12">{escape(value_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (built from escaped text and numbers only)


PRINT_COLOURS = {"bar": 'fill="#1d4e89"', "bar-alt": 'fill="#9db7d5"', "axis": 'stroke="#333"'}


def for_print(chart: Markup) -> Markup:
    """The chart with its colours as SVG attributes, for WeasyPrint (which ignores CSS fills)."""
    out = str(chart)
    for cls, attr in PRINT_COLOURS.items():
        out = out.replace(f'class="{cls}"', f'class="{cls}" {attr}')
    return Markup(out)  # noqa: S704 (the chart's own markup, with fixed attributes added)
