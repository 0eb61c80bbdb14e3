"""Charts drawn on the server as SVG: no JavaScript, no CDN, the same picture on screen and in the PDF."""

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 12, 36


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return step * 4
    return value


def chart_svg(
    points: list, *, title: str, kind: str = "bar", width: int = WIDTH, height: int = HEIGHT
) -> SafeString:
    """A bar or line chart of `[(label, value or None)]`; hidden values (None) are marked, not drawn."""
    from django.utils.translation import pgettext

    hidden_label = pgettext("suppressed cell", "hidden")
    inner_w, inner_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    values = [value for _label, value in points if value is not None]
    top = _nice_max(max(values, default=0))
    n = max(len(points), 1)
    step = inner_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}"'
        f' role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hidden" width="4" height="4" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="2" height="4" fill="#b8bfcc"/></pattern></defs>',
    ]
    for i in range(5):
        y = TOP + inner_h - inner_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" stroke="#d5d9e0"/>')
        label = top * i / 4
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end"'
            f' fill="#5a6478">{label:g}</text>'
        )
    line = []
    for index, (label, value) in enumerate(points):
        x = LEFT + step * index
        if value is None:
            # A hidden value: a hatched stub on the axis, the same for every reason of hiding.
            parts.append(
                f'<rect x="{x + step * 0.12:.1f}" y="{TOP + inner_h - 10:.1f}"'
                f' width="{max(step * 0.76, 1):.1f}"'
                f' height="10" fill="url(#hidden)" stroke="#8a93a6" stroke-width="0.5" class="hidden-cell">'
                f"<title>{escape(label)}: {escape(hidden_label)}</title></rect>"
            )
            continue
        h = inner_h * value / top
        if kind == "line":
            line.append(f"{x + step / 2:.1f},{TOP + inner_h - h:.1f}")
        else:
            parts.append(
                f'<rect x="{x + step * 0.12:.1f}" y="{TOP + inner_h - h:.1f}"'
                f' width="{max(step * 0.76, 1):.1f}"'
                f' height="{h:.1f}" fill="#2f5d8a"><title>{escape(label)}: {value}</title></rect>'
            )
    if line:
        parts.append(f'<polyline fill="none" stroke="#2f5d8a" stroke-width="1.5" points="{" ".join(line)}"/>')
    # Axis labels never overlap: about 7 pixels a character plus a gap, thinned to fit.
    widest = max((len(str(label)) for label, _value in points), default=1) * 7 + 8
    every = max(1, math.ceil(widest / step))
    for index, (label, _value) in enumerate(points):
        if index % every == 0:
            x = LEFT + step * index + step / 2
            parts.append(
                f'<text x="{x:.1f}" y="{height - BOTTOM + 16}" font-size="11" text-anchor="middle"'
                f' fill="#5a6478">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{width - RIGHT}" y2="{TOP + inner_h}" stroke="#1d2433"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label above went through escape()
