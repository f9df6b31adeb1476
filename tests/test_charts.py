"""Server-drawn SVG bar charts: an image with a title for screen readers, text for every
value (nothing told by colour alone), bars in proportion, and every label escaped."""

import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from dfc.web.charts import Bar, bar_chart, money_text

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))  # noqa: S314 (our own output)


def test_a_chart_is_an_image_labelled_by_its_title_and_description():
    svg = parsed(bar_chart(chart_id="c1", title="Devices by status", bars=[Bar("In stock", 3)]))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}title").text == "Devices by status"
    assert svg.find(f"{SVG}desc").get("id") == "c1-desc"
    assert svg.get("width") == "100%" and svg.get("viewBox").startswith("0 0 480 ")
    assert svg.get("height") is None  # the viewBox keeps the shape as it scales


def test_every_bar_is_labelled_and_bars_are_in_proportion():
    bars = [Bar("January 2027", 10), Bar("February 2027", 40), Bar("March 2027", 0)]
    svg = parsed(bar_chart(chart_id="c", title="Spend", bars=bars))
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["Spend", "January 2027", "10", "February 2027", "40", "March 2027", "0"]
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")][1:]
    assert len(widths) == 2 and widths[1] == pytest.approx(4 * widths[0], abs=0.5)
    fills = {text.get("fill") for text in svg.iter(f"{SVG}text")}
    assert fills == {"#0b0c0c"}


def test_money_is_shown_in_pounds_and_pence():
    svg = bar_chart(
        chart_id="m", title="t", bars=[Bar("May", Decimal("1234.5"))], value_text=money_text
    )
    assert "£1,234.50" in svg


def test_labels_are_escaped_and_long_ones_shortened():
    svg = str(bar_chart(chart_id="e", title="<b>&", bars=[Bar("<script>" + "x" * 80, 1)]))
    assert "<script>" not in svg and "&lt;b&gt;&amp;" in svg
    label = re.findall(r">(&lt;script&gt;x+…)<", svg)
    assert label and len(label[0]) < 60


def test_an_empty_chart_says_so_and_negative_values_are_refused():
    assert "Nothing to show" in bar_chart(chart_id="n", title="t", bars=[])
    with pytest.raises(ValueError):
        bar_chart(chart_id="x", title="t", bars=[Bar("a", -1)])
