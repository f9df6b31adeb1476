"""Bar charts drawn on the server as SVG: no script, readable by a screen reader (an image
with a title and a description; the same figures are always in a table beside it), text
in near-black on white, every bar labelled with its value so nothing depends on colour,
and a viewBox so the chart scales to its container."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

Number = int | float | Decimal
WIDTH = 480
ROW_HEIGHT = 30
BAR_HEIGHT = 20
PADDING = 8
FONT_SIZE = 15
CHAR_WIDTH = 8.2  # a generous average width of a character at FONT_SIZE
MAX_LABEL_SHARE = 0.4
TEXT_COLOUR = "#0b0c0c"  # GOV.UK text: 19:1 on white
BAR_COLOUR = "#1d70b8"  # GOV.UK blue: 5:1 on white, above the 3:1 for shapes
AXIS_COLOUR = "#505a5f"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number


def count_text(value: Number) -> str:
    return f"{value:,}"


def money_text(value: Number) -> str:
    return f"£{Decimal(value):,.2f}"


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _fitted(label: str, space: float = WIDTH * MAX_LABEL_SHARE) -> str:
    """A label short enough for its space; the table beside the chart has it in full."""
    room = int((space - 2 * PADDING) / CHAR_WIDTH)
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    value_text: Callable[[Number], str] = count_text,
    description: str = "The same figures are in the table beside this chart.",
) -> Markup:
    """A horizontal bar chart: a row per bar, its label on the left, its value after it."""
    if any(bar.value < 0 for bar in bars):
        raise ValueError("bar charts show counts and amounts, which are never negative")
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    rows = max(len(bars), 1)
    top_of_bars = PADDING + ROW_HEIGHT  # below the title, which is shown as well as read
    height = top_of_bars + rows * ROW_HEIGHT + PADDING
    labels = [_fitted(str(bar.label)) for bar in bars]
    values = [value_text(bar.value) for bar in bars]
    label_width = min(
        max((_text_width(label) for label in labels), default=0) + PADDING,
        WIDTH * MAX_LABEL_SHARE,
    )
    value_width = max((_text_width(value) for value in values), default=0) + PADDING
    bar_space = WIDTH - label_width - value_width - 2 * PADDING
    largest = max((bar.value for bar in bars), default=0)
    parts = [
        f'<svg class="app-chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="&quot;GDS Transport&quot;, arial, '
        f'sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{PADDING}" y="{PADDING + ROW_HEIGHT / 2}" dominant-baseline="middle" '
        f'font-weight="bold" fill="{TEXT_COLOUR}">{escape(_fitted(title, WIDTH))}</text>',
    ]
    axis_x = PADDING + label_width
    if not bars:
        parts.append(
            f'<text x="{PADDING}" y="{top_of_bars + ROW_HEIGHT / 2}" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">Nothing to show</text>'
        )
    for index, (bar, label, value) in enumerate(zip(bars, labels, values, strict=True)):
        top = top_of_bars + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        length = float(bar.value) / float(largest) * bar_space if largest else 0
        parts.append(
            f'<text x="{axis_x - PADDING:.1f}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
        if length > 0:
            parts.append(
                f'<rect x="{axis_x:.1f}" y="{top + (ROW_HEIGHT - BAR_HEIGHT) / 2:.1f}" '
                f'width="{length:.1f}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{axis_x + length + PADDING / 2:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(value)}</text>'
        )
    parts.append(
        f'<line x1="{axis_x:.1f}" y1="{top_of_bars}" x2="{axis_x:.1f}" y2="{height - PADDING}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece of text above is escaped)
