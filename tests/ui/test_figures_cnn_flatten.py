"""ui.figures.cnn_flatten: images with equal aspect and y downward, signed values on diverging
scales centred at 0, axis titles, finite data, the accuracy chart drawn from the runs, the
filters from the CNN, and the section's payload under 300 kB."""

from __future__ import annotations

import json

import numpy as np
import plotly.io as pio
import pytest

from core import cnn
from ui import i18n
from ui.figures import cnn_flatten as figures
from ui.theme import PIXEL_SCALE, SIGNED_SCALE

TR = i18n.translator("en")


@pytest.fixture(scope="module")
def small():
    return cnn.experiment(200, 2, 0, 0)


@pytest.fixture(scope="module")
def equivariance():
    return cnn.equivariance("checkerboard", "sobel_x", 3, -2)


def all_figures(small, equivariance):
    maps = [figures.fig_map(equivariance, part, TR) for part in figures.EQUIVARIANCE_PARTS]
    return [
        *maps,
        figures.fig_examples(small, False, TR),
        figures.fig_examples(small, True, TR),
        figures.fig_accuracy(small, TR),
        figures.fig_filters(small, False, TR),
        figures.fig_filters(small, True, TR),
    ]


def test_every_heatmap_has_equal_aspect_and_y_running_downward(small, equivariance):
    for fig in all_figures(small, equivariance):
        layout = fig.to_plotly_json()["layout"]
        for name, axis in layout.items():
            if name.startswith("yaxis") and "scaleanchor" in axis:
                assert axis["autorange"] == "reversed", name
        heatmaps = [t for t in fig.data if t.type == "heatmap"]
        anchored = [n for n, a in layout.items() if n.startswith("yaxis") and "scaleanchor" in a]
        assert len(anchored) == len(heatmaps)


def test_signed_maps_and_filters_diverge_around_zero_symmetrically(small, equivariance):
    signed = [
        figures.fig_map(equivariance, p, TR)
        for p in ("feature", "conv_of_shifted", "shifted_feature", "difference")
    ]
    signed += [figures.fig_filters(small, flag, TR) for flag in (False, True)]
    for fig in signed:
        for trace in fig.data:
            assert trace.zmid == 0.0
            assert trace.zmin == -trace.zmax
            assert np.abs(np.asarray(trace.z)).max() <= trace.zmax + 1e-9


def _scale(trace) -> list:
    return [[float(stop), colour] for stop, colour in trace.colorscale]


def test_pictures_and_digits_draw_brightness_0_black_1_white(small, equivariance):
    pictures = [figures.fig_map(equivariance, p, TR) for p in ("image", "shifted")]
    pictures += [figures.fig_examples(small, flag, TR) for flag in (False, True)]
    for fig in pictures:
        for trace in fig.data:
            assert _scale(trace) == PIXEL_SCALE
            assert not trace.reversescale
            assert (trace.zmin, trace.zmax) == (0.0, 1.0)
            z = np.asarray(trace.z, dtype=float)
            assert z.min() >= 0.0
            assert z.max() <= 1.0


def test_signed_maps_and_filters_draw_red_above_zero_blue_below(small, equivariance):
    signed = [figures.fig_map(equivariance, p, TR) for p in figures.EQUIVARIANCE_PARTS[1:]]
    signed = [f for f in signed if f.data[0].zmid == 0.0]
    assert len(signed) == 4  # feature, T conv(x), conv(T x), difference
    signed += [figures.fig_filters(small, flag, TR) for flag in (False, True)]
    for fig in signed:
        for trace in fig.data:
            assert _scale(trace) == SIGNED_SCALE
            assert not trace.reversescale
            assert SIGNED_SCALE[-1][1] == "#b2182b"
            assert SIGNED_SCALE[0][1] == "#2166ac"
            assert trace.zmid == 0.0
            assert trace.zmin == -trace.zmax


def test_every_figure_has_axis_titles_and_finite_data(small, equivariance):
    for fig in all_figures(small, equivariance):
        layout = fig.to_plotly_json()["layout"]
        titled = [
            a for n, a in layout.items() if n[1:5] == "axis" and a.get("title", {}).get("text")
        ]
        level = [a for a in layout.get("annotations", []) if a.get("name") == "y_title"]
        assert all(a["textangle"] == 0 and a["text"] for a in level)  # read horizontally
        assert len(titled) + len(level) >= 2
        for trace in fig.data:
            for axis in ("x", "y", "z"):
                values = getattr(trace, axis, None)
                if values is not None:
                    assert np.isfinite(np.asarray(values, dtype=float)).all()


def test_accuracy_chart_is_the_runs_test_accuracy(small):
    fig = figures.fig_accuracy(small, TR)
    assert len(fig.data) == 4
    for trace, run in zip(fig.data, small.runs, strict=True):
        np.testing.assert_allclose(trace.y, run.test_accuracy, atol=5e-5)
        assert list(trace.x) == list(range(1, small.epochs + 1))


def test_filters_chart_shows_the_cnn_first_layer_weights(small):
    fig = figures.fig_filters(small, False, TR)
    weights = small.run("cnn", False).filters[:, 0]
    assert len(fig.data) == len(weights)
    for trace, w in zip(fig.data, weights, strict=True):
        np.testing.assert_allclose(trace.z, w, atol=5e-3)
        assert "-0.0" not in json.dumps(trace.text)


def test_difference_outlines_the_interior(equivariance):
    fig = figures.fig_map(equivariance, "difference", TR)
    (box,) = fig.layout.shapes
    rows = np.flatnonzero(equivariance.interior.any(axis=1))
    assert (box.y0, box.y1) == (rows[0] - 0.5, rows[-1] + 0.5)


def test_section_payload_is_under_300_kB(small, equivariance):
    size = sum(len(pio.to_json(fig)) for fig in all_figures(small, equivariance))
    assert size < 300_000
