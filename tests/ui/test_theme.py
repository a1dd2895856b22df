"""ui.theme's fast paths give what plotly's own calls give."""

from __future__ import annotations

import pytest
from plotly.subplots import make_subplots

from ui.theme import band, subplots, vline, with_frames

GRIDS = [
    {"rows": 1, "cols": 2, "subplot_titles": ("f", "f′"), "horizontal_spacing": 0.08},
    {"rows": 3, "cols": 1, "shared_xaxes": True, "row_heights": [0.36, 0.36, 0.28]},
    {"rows": 1, "cols": 3, "column_widths": [0.37, 0.37, 0.26], "subplot_titles": ["a", "b", "c"]},
    {"rows": 1, "cols": 2, "specs": [[{"type": "xy"}, {"type": "scene"}]]},
]


@pytest.mark.parametrize("arguments", GRIDS)
def test_subplots_lays_out_the_grid_make_subplots_does(arguments):
    for _ in range(2):  # the second call comes from the cache
        fast = subplots(**arguments)
        assert fast.to_dict()["layout"] == make_subplots(**arguments).to_dict()["layout"]


def test_traces_land_in_the_subplot_asked_for_and_cached_grids_stay_clean():
    fig = subplots(rows=1, cols=2)
    fig.add_scatter(x=[0, 1], y=[1, 2], row=1, col=2)
    fig.update_xaxes(title_text="changed", row=1, col=2)
    assert fig.to_dict()["data"][0]["xaxis"] == "x2"
    again = subplots(rows=1, cols=2)
    assert "title" not in again.to_dict()["layout"]["xaxis2"]  # the edit did not leak


def test_shape_helpers_address_the_subplot():
    assert band("x", 0, 1, "red", subplot=2)["xref"] == "x2"
    assert band("x", 0, 1, "red", subplot=2)["yref"] == "y2 domain"
    assert band("y", -1, 1, "red")["xref"] == "x domain"
    assert vline(0.5, {"color": "red"}, subplot=1)["xref"] == "x"


def test_frames_reach_the_dict_plotly_chart_sends():
    fig = with_frames(
        subplots(rows=1, cols=1), [{"name": "3", "data": [{"x": [1]}], "traces": [0]}]
    )
    assert fig.to_dict()["frames"] == [{"name": "3", "data": [{"x": [1]}], "traces": [0]}]
