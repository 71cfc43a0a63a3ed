"""Charts drawn on the server as SVG, so that the page and the PDF show the
same picture without JavaScript. Pure functions: numbers in, SVG text out;
every label is escaped. Colours are told apart by pattern of position and
label too, never by colour alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

PALETTE = ("#0b5c8a", "#b7791f", "#2f855a", "#a4161a", "#5a4fcf")
Digits = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def bars(rows: Sequence[tuple[str, float]], *, width: int = 640, bar: int = 16,
         max_value: float | None = None, unit: str = "", digits: Digits = _plain) -> str:
    """Horizontal bars, one per (label, value), the value written at the end."""
    if not rows:
        return ""
    label_w = 170
    top = max_value if max_value else max((v for _l, v in rows), default=0) or 1
    gap = 6
    height = len(rows) * (bar + gap) + gap
    span = width - label_w - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar + gap)
        length = max(0.0, min(1.0, value / top)) * span
        shown = digits(f"{value:,.0f}{unit}" if value == int(value) else f"{value:,.1f}{unit}")
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar - 4}" text-anchor="end" font-size="11">'
            f'{escape(label[:28])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" '
            f'fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + bar - 4}" font-size="11">'
            f'{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def lines(months: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]], *,
          width: int = 640, height: int = 220, digits: Digits = _plain,
          label: str = "", right: int = 150, ticks: int = 8) -> str:
    """Running totals by month, one line per series, each ending with its
    label and last value (so the lines are told apart without colour). A
    month without a value (None) is skipped; ``label`` names the chart for
    screen readers."""
    if not months or not series:
        return ""
    left, top, bottom = 50, 10, 30
    top_value = max((max((v for v in values if v is not None), default=0)
                     for _n, values in series), default=0) or 1
    step = (width - left - right) / max(1, len(months) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + (1 - v / top_value) * (height - top - bottom)

    aria = f' aria-label="{escape(label)}"' if label else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img"{aria}>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" '
             f'y2="{height - bottom}" stroke="#555" stroke-width="0.5"/>',
             f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10">'
             f'{escape(digits(f"{top_value:,}"))}</text>',
             f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="10">'
             f'{escape(digits("0"))}</text>']
    for i, month in enumerate(months):
        if i % max(1, len(months) // ticks) == 0 or i == len(months) - 1:
            x, _y = xy(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                         f'font-size="9">{escape(digits(month))}</text>')
    dashes = ("", "6,3", "2,2", "8,2,2,2")
    for n, (name, values) in enumerate(series):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in
                                                            enumerate(values) if v is not None))
        colour = PALETTE[n % len(PALETTE)]
        dash = dashes[n % len(dashes)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'{f"stroke-dasharray={chr(34)}{dash}{chr(34)} " if dash else ""}'
                     f'points="{points}"/>')
        known = [(i, v) for i, v in enumerate(values) if v is not None]
        if known:
            x, y = xy(*known[-1])
            parts.append(f'<text x="{x + 6:.1f}" y="{y + 4 + n * 2:.1f}" font-size="10" '
                         f'fill="{colour}">{escape(name)} '
                         f'{escape(digits(f"{known[-1][1]:,}"))}</text>')
    parts.append("</svg>")
    return "".join(parts)
