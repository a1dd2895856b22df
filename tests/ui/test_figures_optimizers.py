"""The Optimizers page's figure builders, called directly with data from core."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptools import figure_finite

from core import optimizers, surfaces
from ui.figures.optimizers import (
    CONTROLS,
    PRESETS,
    SUGGESTED_LR,
    fig_paths,
    fig_progress,
    fig_surface,
    fig_thumbnail,
    frame_steps,
    hparams_for_core,
    state_table,
    thumbnail_data,
)
from ui.i18n import translator


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


def test_progress_figure_is_log_scaled_and_titled():
    tr = translator("ko")
    surface, runs = _runs()
    fig = fig_progress({n: surfaces.path_metrics(surface, r.points) for n, r in runs.items()}, tr)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis2.type == "log"
    assert fig.layout.xaxis.title.text == "스텝 t"
    assert figure_finite(fig)


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


def test_every_control_maps_to_a_torch_hyperparameter():
    for name, controls in CONTROLS.items():
        values = {c.hparam: c.default for c in controls}
        optimizers.hparams(name, **hparams_for_core(values))  # raises if a name is wrong


def test_every_preset_runs_without_error():
    for preset in PRESETS.values():
        surface = surfaces.get(preset["surf"])
        for name in preset["opt"]:
            lr = preset.get("lr") if preset.get("same_lr") else preset[f"{name}_lr"]
            optimizers.trace(name, surface.gradient, (preset["x0"], preset["y0"]), 10, lr=lr)


def test_thumbnail_is_small_static_and_unlabelled():
    fig = fig_thumbnail(thumbnail_data())
    assert fig.layout.height <= 200
    assert fig.layout.showlegend is False
    assert fig.layout.xaxis.showticklabels is False
    assert len(fig.data) == 4
    assert figure_finite(fig)


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
