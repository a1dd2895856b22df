"""The Optimizers page's figure builders, called directly with data from core."""

from __future__ import annotations

import base64
import json
import struct

import numpy as np
import pytest
from apptools import figure_finite

from core import optimizers, surfaces
from ui.figures.optimizers import (
    CONTOUR_LEVELS,
    THUMB_LABELS,
    contour_bands,
    dash,
    fig_paths,
    fig_progress,
    fig_surface,
    fig_thumbnail,
    frame_steps,
    state_table,
    symbol,
)
from ui.strings import translator
from ui.theme import OPTIMIZER_COLORS, color
from ui.topics.optimizers import SUGGESTED_LR, THUMB_OPTIMIZERS, thumbnail_data


def _runs(steps: int = 40, names=("sgd", "momentum", "adam")):
    surface = surfaces.get("ravine", condition=20.0)
    runs = {
        n: optimizers.trace(
            n, surface.gradient, surface.starts[0], steps, lr=SUGGESTED_LR["ravine"][n]
        )
        for n in names
    }
    return surface, runs


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_paths_figure_has_titled_axes_frames_and_finite_traces(lang):
    tr = translator(lang)
    surface, runs = _runs()
    xs, ys, z = surfaces.grid(surface, 30)
    fig = fig_paths("ravine", xs, ys, surfaces.log_height(z), surface.minima,
                    {n: r.points for n, r in runs.items()}, {}, 40, tr)  # fmt: skip
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text
    frames = fig.to_dict()["frames"]  # as st.plotly_chart reads them
    assert len(frames) == 41
    assert all(len(f["data"]) == 3 for f in frames)
    assert figure_finite(fig)
    # Frames carry only the moving dots: each frame is a few hundred bytes, not the contour.
    frame_bytes = len(json.dumps(frames))
    assert frame_bytes < 41 * 400
    if lang == "ko":
        assert "재생" in fig.layout.updatemenus[0].buttons[0].label


def test_frames_follow_each_path_and_stop_where_a_run_diverged():
    tr = translator("en")
    surface = surfaces.get("ravine", condition=20.0)
    short = optimizers.trace("sgd", surface.gradient, (-4.0, 2.0), 100, lr=0.2)
    assert short.diverged_at is not None
    xs, ys, z = surfaces.grid(surface, 10)
    fig = fig_paths("ravine", xs, ys, z, surface.minima, {"sgd": short.points}, {}, 100, tr)
    last = fig.to_dict()["frames"][-1]["data"][0]
    assert (last["x"][0], last["y"][0]) == tuple(short.points[-1])


def test_frame_steps_are_sampled_for_long_runs():
    assert frame_steps(50).tolist() == list(range(51))
    steps = frame_steps(500)
    assert steps[0] == 0
    assert steps[-1] == 500
    assert len(steps) <= 151


def test_progress_figures_are_separate_log_scaled_and_titled():
    """Two figures (drawn in columns, stacked on a phone), each with its own title and axes."""
    tr = translator("ko")
    surface, runs = _runs()
    progress = {n: surfaces.path_metrics(surface, r.points) for n, r in runs.items()}
    loss, distance = fig_progress(progress, tr, "loss"), fig_progress(progress, tr, "distance")
    for fig, title, axis in ((loss, "최솟값보다 높은 손실", "f(θₜ) − f*"),
                             (distance, "가장 가까운 최솟값까지의 거리", "‖θₜ − θ*‖")):  # fmt: skip
        assert fig.layout.yaxis.type == "log"
        assert fig.layout.xaxis.title.text == "스텝 t"
        assert fig.layout.yaxis.title.text == axis
        assert fig.layout.title.text == title
        assert "xaxis2" not in fig.to_dict()["layout"]
        assert figure_finite(fig)
    sgd = next(t for t in distance.data if t.name == "SGD")
    np.testing.assert_allclose(sgd.y, progress["sgd"][1])


def test_path_metrics_are_the_gap_and_distance_to_the_nearest_minimum():
    surface = surfaces.get("himmelblau")
    points = np.array([[3.0, 2.0], [0.0, 0.0], [-2.805, 3.131]])
    gap, distance = surfaces.path_metrics(surface, points)
    assert gap[0] < 1e-12
    assert gap[1] == pytest.approx(170.0)
    assert distance[1] == pytest.approx(np.hypot(3.0, 2.0))
    assert distance[2] < 1e-2


def test_surface_figure_has_titled_scene_axes():
    tr = translator("en")
    surface, runs = _runs()
    xs, ys, z = surfaces.grid(surface, 20)
    floor = surface.min_value
    lifted = {n: (r.points, surfaces.log_height(surfaces.path_metrics(surface, r.points)[0], 0.0))
              for n, r in runs.items()}  # fmt: skip
    fig = fig_surface("ravine", xs, ys, surfaces.log_height(z, floor),
                      surfaces.log_height(surface.minimum_values, floor), surface.minima,
                      lifted, tr)  # fmt: skip
    assert fig.layout.scene.xaxis.title.text == "x"
    assert fig.layout.scene.zaxis.title.text
    assert fig.data[0].type == "surface"
    assert figure_finite(fig)


def test_state_table_shows_adams_bias_corrected_moments_in_korean():
    tr = translator("ko")
    _, runs = _runs(steps=5)
    table, shown = state_table(runs, 1, tr)
    assert shown == {"sgd": 1, "momentum": 1, "adam": 1}
    rows = dict(zip(table["값"], table["Adam"], strict=True))
    # Adam's first step: m̂ = g, and the step is exactly lr in every coordinate.
    assert rows["m̂ₜ (m_hat)"] == rows["gₜ (본 gradient)"]
    assert rows["Δθₜ (실제 이동)"] == "(+0.2, -0.2)"
    assert (table["SGD"] == "—").sum() >= 4  # SGD has no state buffers


def test_thumbnail_is_small_static_with_a_compact_legend():
    fig = fig_thumbnail(thumbnail_data())
    assert fig.layout.height <= 200
    assert fig.layout.showlegend is True
    assert fig.layout.legend.font.size <= 11
    assert fig.layout.xaxis.showticklabels is False
    assert len(fig.data) == 4
    assert [t.name for t in fig.data[1:]] == ["SGD", "Momentum", "Adam"]
    assert fig.data[0].showlegend is False  # the surface is not a legend entry
    assert [t.line.color for t in fig.data[1:]] == [color(n) for n in THUMB_OPTIMIZERS]
    assert figure_finite(fig)


def test_thumbnail_labels_are_the_page_names_in_both_languages():
    for lang in ("en", "ko"):
        tr = translator(lang)
        assert [tr(f"opt.name.{n}") for n in THUMB_OPTIMIZERS] == list(THUMB_LABELS.values())


def test_every_optimizer_has_its_own_colour_and_a_distinct_colour_dash_marker_triple():
    colours = [OPTIMIZER_COLORS[n] for n in optimizers.NAMES]
    assert len(set(colours)) == len(colours) == 10
    looks = {(color(n), dash(n), symbol(n)) for n in optimizers.NAMES}
    assert len(looks) == 10
    # A hue family shared by two optimizers differs in dash too (for colour-blind readers).
    by_dash = {}
    for n in optimizers.NAMES:
        by_dash.setdefault(dash(n), []).append(n)
    assert len(by_dash["solid"]) <= 6


def test_optimizer_colours_are_okabe_ito_or_darkened_okabe_ito():
    okabe_ito = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00",
                 "#cc79a7"}  # fmt: skip
    darkened = {"adamw": "#d55e00", "adamax": "#f0e442", "nadam": "#cc79a7"}
    for name in optimizers.NAMES:
        hex_ = OPTIMIZER_COLORS[name]
        if name in darkened:
            base = np.array([int(darkened[name][i : i + 2], 16) for i in (1, 3, 5)])
            mine = np.array([int(hex_[i : i + 2], 16) for i in (1, 3, 5)])
            assert (mine <= base).all(), name
            assert mine.sum() < base.sum(), name
        else:
            assert hex_ in okabe_ito, name


def test_colours_are_the_same_on_the_map_and_the_progress_charts():
    tr = translator("en")
    surface, runs = _runs(names=optimizers.NAMES)
    xs, ys, z = surfaces.grid(surface, 20)
    paths = fig_paths("ravine", xs, ys, surfaces.log_height(z), surface.minima,
                      {n: r.points for n, r in runs.items()}, {}, 40, tr)  # fmt: skip
    progress = fig_progress({n: surfaces.path_metrics(surface, r.points)
                             for n, r in runs.items()}, tr)  # fmt: skip
    on_map = {t.name: t.line.color for t in paths.data if t.mode == "lines+markers"}
    on_progress = {t.name: t.line.color for t in progress.data}
    assert on_map == on_progress == {tr(f"opt.name.{n}"): color(n) for n in optimizers.NAMES}


def test_map_is_an_image_of_bands_that_frames_never_touch():
    """plotly.js drops contour traces when animating with redraw: false; an image stays."""
    tr = translator("en")
    surface, runs = _runs()
    xs, ys, z = surfaces.grid(surface, 60)
    h = surfaces.log_height(z)
    fig = fig_paths("ravine", xs, ys, h, surface.minima,
                    {n: r.points for n, r in runs.items()}, {}, 40, tr)  # fmt: skip
    image = fig.layout.images[0]
    assert image.source.startswith("data:image/png;base64,")
    assert (image.x, image.y, image.sizex, image.sizey) == (-5.0, 2.5, 10.0, 5.0)
    assert image.layer == "below"
    assert all(t.type == "scatter" for t in fig.data)
    frames = fig.to_dict()["frames"]
    assert all("layout" not in f and "images" not in json.dumps(f) for f in frames)
    png = base64.b64decode(image.source.split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (60, 60)
    bands = contour_bands(h)
    assert bands.min() == 0
    assert bands.max() == CONTOUR_LEVELS - 1
    assert bands[30, 30] < bands[0, 0]  # the centre (the minimum) lies in a lower band


def test_the_minimum_is_drawn_over_the_end_dots():
    tr = translator("en")
    surface, runs = _runs()
    xs, ys, z = surfaces.grid(surface, 20)
    fig = fig_paths("ravine", xs, ys, surfaces.log_height(z), surface.minima,
                    {n: r.points for n, r in runs.items()}, {}, 40, tr)  # fmt: skip
    assert fig.data[-1].name == "minimum"
    assert fig.data[-1].marker.symbol == "star"
    dots = fig.frames[0].traces
    assert max(dots) < len(fig.data) - 1


def test_the_map_keeps_one_scale_for_x_and_y():
    tr = translator("en")
    surface, runs = _runs()
    xs, ys, z = surfaces.grid(surface, 20)
    fig = fig_paths("ravine", xs, ys, surfaces.log_height(z), surface.minima,
                    {n: r.points for n, r in runs.items()}, {}, 40, tr)  # fmt: skip
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == 1
    assert fig.layout.yaxis.constrain == "domain"


def test_the_step_slider_spans_the_width_under_the_buttons():
    tr = translator("ko")
    surface, runs = _runs()
    xs, ys, z = surfaces.grid(surface, 20)
    fig = fig_paths("ravine", xs, ys, surfaces.log_height(z), surface.minima,
                    {n: r.points for n, r in runs.items()}, {}, 40, tr)  # fmt: skip
    slider = fig.layout.sliders[0]
    assert (slider.x, slider.len) == (0.0, 1.0)
    assert slider.currentvalue.xanchor == "right"  # "스텝 40" at the right, Play/Pause at left
    assert fig.layout.updatemenus[0].xanchor == "left"


def test_a_diverged_path_is_cut_where_it_leaves_the_3d_map():
    tr = translator("en")
    surface = surfaces.get("ravine", condition=20.0)
    run = optimizers.trace("sgd", surface.gradient, (-4.0, 2.0), 100, lr=0.2)
    xs, ys, z = surfaces.grid(surface, 20)
    heights = surfaces.log_height(surfaces.path_metrics(surface, run.points)[0], 0.0)
    fig = fig_surface("ravine", xs, ys, surfaces.log_height(z, 0.0), np.zeros(1),
                      surface.minima, {"sgd": (run.points, heights)}, tr)  # fmt: skip
    path = fig.data[1]
    assert np.abs(np.asarray(path.y)).max() <= 2.5
    assert len(path.x) < run.points.shape[0]
