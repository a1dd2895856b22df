"""ui.widgets.swatch_html: the only HTML built from a value, so it must never pass markup on."""

from __future__ import annotations

import json

import pytest

from ui.theme import OPTIMIZER_COLORS
from ui.widgets import swatch_html


@pytest.mark.parametrize(
    "label",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "a & b", "Adam</b><i>"],
)
def test_the_label_is_escaped(label):
    out = swatch_html("#1f77b4", label)
    assert "<script" not in out
    assert "<img" not in out
    assert "</b><i>" not in out
    assert out.count("<b>") == 1
    assert out.endswith("</b>")


def test_a_plain_label_and_palette_colour_come_through():
    out = swatch_html(OPTIMIZER_COLORS["adam"], "Adam")
    assert OPTIMIZER_COLORS["adam"] in out
    assert "<b>Adam</b>" in out


@pytest.mark.parametrize(
    "color", ["red", "#12345", "#1234567", "#12345g", '#123456"><script>', "", "#123456 "]
)
def test_anything_but_a_hex_colour_is_refused(color):
    with pytest.raises(ValueError, match="#rrggbb"):
        swatch_html(color, "Adam")


def _two_charts_side_by_side():
    import plotly.graph_objects as go

    from ui.widgets import side_by_side

    side_by_side((go.Figure(go.Scatter(y=[1, 2])), go.Figure(go.Bar(y=[3]))), ("left", "right"))


def test_side_by_side_draws_each_chart_in_its_own_column():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_two_charts_side_by_side).run()
    assert not at.exception
    assert len(at.columns) == 2
    kinds = [json.loads(c.get("plotly_chart")[0].proto.spec)["data"][0]["type"] for c in at.columns]
    assert kinds == ["scatter", "bar"]
