"""The playground's figure builders, called directly with runs of core.playground."""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
from types import SimpleNamespace

import numpy as np
import pytest
from apptools import figure_finite

from core import playground as pg
from ui.figures.playground import (
    CLASS_COLORS,
    EDGE_CUT,
    FEATURE_LABELS,
    LEVELS,
    MAX_UPDATE_POINTS,
    PERCENT_STEP,
    dequantized,
    edge_list,
    fig_accuracy,
    fig_boundary,
    fig_confusion,
    fig_losses,
    fig_network,
    fig_thumbnail,
    fig_updates,
    node_images,
    node_positions,
    quantized_surface,
    regression_bound,
    row_shares,
    update_stride,
)
from ui.strings import strings


def _tr(lang: str):
    """The real strings where the content has them; the key itself where it does not yet."""
    table = strings(lang)

    def tr(key: str, **fields: object) -> str:
        text = table.get(key, key + "".join(f" {{{name}}}" for name in fields))
        return text.format(**fields) if fields else text

    return tr


def _decode(value) -> np.ndarray:
    """A plotly typed array ({"dtype", "bdata", "shape"}) or a plain list, as an array."""
    if isinstance(value, dict):
        array = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
        shape = [int(s) for s in str(value.get("shape", len(array))).split(",")]
        return array.reshape(shape)
    return np.asarray(value)


# --- real runs, each trained once ------------------------------------------------------------

SEVEN = pg.FEATURES
SETTINGS = {
    # TensorFlow Playground's first view: 250 training points, batch 10, 300 epochs, 61 snapshots.
    "binary": pg.Settings(),
    "multiclass": pg.Settings(dataset="spiral3", loss="ce", hidden=(8, 8),
                              activations=("relu", "relu")),
    "regression": pg.Settings(dataset="plane", loss="mse"),
    "binary_ce": pg.Settings(loss="ce", epochs=60),
    # Full-batch squared features and no hidden layer: past the edge of stability, the loss
    # grows for a while and overflows in epoch 19.
    "diverged": pg.Settings(lr=0.02, features=("x1_sq", "x2_sq"), hidden=(), activations=(),
                            loss="mse", epochs=100, batch_size=250),
    # 450 training rows at batch 1: 4,500 updates in ten epochs.
    "long": pg.Settings(train_share=0.9, batch_size=1, epochs=10),
    "small": pg.Settings(points=100, train_share=0.5, batch_size=10, epochs=20),
    "l2": pg.Settings(points=100, epochs=20, l2=0.01),
    "deep": pg.Settings(features=SEVEN, hidden=(16,) * 6, activations=("tanh",) * 6, epochs=3),
    "zeros": pg.Settings(init="zeros", epochs=3),
    "bare": pg.Settings(hidden=(), activations=(), epochs=3),
}  # fmt: skip


@functools.cache
def real_run(name: str) -> pg.Run:
    return pg.run(SETTINGS[name])


def real_neurons(name: str, epoch: int | None = None) -> pg.Neurons:
    run = real_run(name)
    return pg.neurons(run, int(run.snapshot_epochs[-1] if epoch is None else epoch))


TASKS = ("binary", "multiclass", "regression")


# --- the decision boundary ------------------------------------------------------------------


def _frames_z(fig) -> np.ndarray:
    """Every frame's heatmap z as the browser gets it, stacked (K, G, G)."""
    return np.stack([_decode(f["data"][0]["z"]) for f in json.loads(fig.to_json())["frames"]])


@pytest.mark.parametrize("task", TASKS)
def test_boundary_payload_of_a_default_run_stays_under_a_megabyte(task):
    run = real_run(task)
    assert len(run.snapshot_epochs) == 61
    assert run.grid.size == 50
    for discretize in (False, True):
        payload = fig_boundary(run, 0, discretize, _tr("en")).to_json()
        assert len(payload) < 1_000_000
        # plotly writes "/" as \u002f: six characters where base64 meant one.
        frames = json.loads(payload)["frames"]
        assert not any("/" in f["data"][0]["z"]["bdata"] for f in frames)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("discretize", [False, True])
def test_boundary_has_one_frame_per_snapshot_changing_only_the_heatmap(task, discretize):
    run = real_run(task)
    fig = json.loads(fig_boundary(run, 5, discretize, _tr("en")).to_json())
    frames = fig["frames"]
    assert len(frames) == len(run.snapshot_epochs)
    assert [f["name"] for f in frames] == [str(e) for e in run.snapshot_epochs]
    assert all(f["traces"] == [0] and list(f["data"][0]) == ["type", "z"] for f in frames)
    assert fig["data"][0]["type"] == "heatmap"
    # The chart opens at the chosen snapshot: the slider and the heatmap both.
    assert fig["layout"]["sliders"][0]["active"] == 5
    assert np.array_equal(_decode(fig["data"][0]["z"]), _decode(frames[5]["data"][0]["z"]))
    assert [s["label"] for s in fig["layout"]["sliders"][0]["steps"]] == [f["name"] for f in frames]
    assert fig["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"


@pytest.mark.parametrize("task", [*TASKS, "binary_ce"])
def test_boundary_frames_decode_to_the_surface_within_one_quantization_step(task):
    run = real_run(task)
    z = _frames_z(fig_boundary(run, 0, False, _tr("en")))
    assert z.dtype.itemsize == 1  # one byte a grid point
    assert z.shape == run.surface.shape
    if run.task == "binary":
        step, surface = PERCENT_STEP / 100, run.surface
    elif run.task == "multiclass":
        step, surface = (1 - 1 / run.classes) / (LEVELS - 1), run.surface
        assert np.array_equal(z // LEVELS, run.prediction)  # the colour is the winning class
    else:
        step, surface = regression_bound(run) / 15, run.surface
    assert np.max(np.abs(dequantized(run, z) - surface)) <= step / 2 + 1e-6


def test_a_two_class_softmax_run_shows_probability_of_class_one_like_bce():
    run = real_run("binary_ce")
    p = run.surface  # P(class 1), softmax's second column
    assert p[-1].min() < 0.5 < p[-1].max()  # both classes on the plane, on both sides of 0.5
    assert np.array_equal(p > 0.5, run.prediction == 1)


def test_binary_boundary_is_white_at_one_half():
    fig = fig_boundary(real_run("binary"), 0, False, _tr("en"))
    heatmap = fig.data[0]
    assert (heatmap.zmin, heatmap.zmax) == (0, 100)
    scale = dict((p, c) for p, c in heatmap.colorscale)
    assert scale[0.5] == "#ffffff"


@pytest.mark.parametrize("task", ["binary", "multiclass", "binary_ce"])
def test_discretize_draws_only_the_classes(task):
    run = real_run(task)
    z = _frames_z(fig_boundary(run, 0, True, _tr("en")))
    assert set(np.unique(z)) <= set(range(run.classes))
    assert np.array_equal(z, run.prediction)


def test_discretize_draws_the_sign_of_a_regression():
    run = real_run("regression")
    z = quantized_surface(run, discretize=True)
    assert set(np.unique(z)) == {0, 1}
    assert np.array_equal(z == 1, run.surface >= 0)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_train_points_are_filled_and_test_points_hollow_in_their_class_colour(task):
    run = real_run(task)
    fig = fig_boundary(run, 0, False, _tr("en"))
    points = fig.data[1:]
    assert len(points) == 2 * run.classes
    assert sum(len(t.x) for t in points) == len(run.x_train) + len(run.x_test)
    train, test = points[: run.classes], points[run.classes :]
    for c in range(run.classes):
        assert train[c].marker.color == CLASS_COLORS[c]
        assert test[c].marker.color == "white"
        assert test[c].marker.line.color == CLASS_COLORS[c]
        assert len(train[c].x) == int(np.sum(run.y_train == c))
        assert len(test[c].x) == int(np.sum(run.y_test == c))


def test_regression_points_carry_their_targets():
    run = real_run("regression")
    train, test = fig_boundary(run, 0, False, _tr("en")).data[1:]
    assert np.allclose(train.marker.color, run.y_train)
    assert np.allclose(test.marker.color, run.y_test)
    assert test.marker.line.width > train.marker.line.width  # test points ringed


def test_boundary_rejects_an_epoch_index_outside_the_snapshots():
    run = real_run("small")
    count = len(run.snapshot_epochs)
    fig_boundary(run, count - 1, False, _tr("en"))
    with pytest.raises(ValueError, match="epoch_index"):
        fig_boundary(run, count, False, _tr("en"))


@pytest.mark.parametrize("task", TASKS)
def test_boundary_stays_finite_when_a_snapshot_is_not(task):
    run = real_run(task)
    surface = run.surface.copy()
    surface[-1, :5, :5] = np.nan
    surface[-1, 5:8, :5] = np.inf
    run = dataclasses.replace(run, surface=surface)
    fig = fig_boundary(run, len(run.snapshot_epochs) - 1, False, _tr("en"))
    assert figure_finite(fig)
    assert np.isfinite(_frames_z(fig)).all()


# --- the network ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["binary", "deep", "bare", "multiclass", "binary_ce"])
def test_network_has_one_image_per_node_and_one_edge_per_weight_drawn(name):
    neurons = real_neurons(name)
    s = SETTINGS[name]
    fig = fig_network(neurons, _tr("en"))
    outputs = 3 if s.dataset == "spiral3" else 2 if s.loss == "ce" else 1
    nodes = len(s.features) + sum(s.hidden) + outputs
    assert len(fig.layout.images) == nodes
    assert all(i.source.startswith("data:image/png;base64,") for i in fig.layout.images)
    edges = [t for t in fig.data if t.meta]
    drawn = sum(t.meta["edges"] for t in edges)
    weights = [np.asarray(w) for w in neurons.weights]
    top = max(np.abs(w).max() for w in weights)
    assert drawn == sum(int(np.sum(np.abs(w) >= EDGE_CUT * top)) for w in weights)
    assert drawn == len(edge_list(neurons))
    # Each edge is one segment: [x0, x1, None].
    assert sum(sum(v is None for v in t.x) for t in edges) == drawn
    assert figure_finite(_without_edges(fig))
    # Feature names under the inputs; the epoch in the title.
    texts = [a.text for a in fig.layout.annotations]
    assert all(FEATURE_LABELS[f] in texts for f in s.features)
    assert str(neurons.epoch) in fig.layout.title.text


def _without_edges(fig):
    """The figure without the edge traces (their None separators are not numbers)."""
    return SimpleNamespace(data=[t for t in fig.data if not t.meta])


def test_network_edges_are_blue_for_positive_and_orange_for_negative_weights():
    neurons = real_neurons("binary")
    fig = fig_network(neurons, _tr("en"))
    by_sign = {1: 0, -1: 0}
    for trace in fig.data:
        if trace.meta:
            sign = trace.meta["sign"]
            assert trace.line.color == (CLASS_COLORS[1] if sign > 0 else CLASS_COLORS[0])
            by_sign[sign] += trace.meta["edges"]
    edges = edge_list(neurons)
    assert by_sign[1] == sum(w > 0 for *_, w in edges) > 0
    assert by_sign[-1] == sum(w < 0 for *_, w in edges) > 0


def test_network_edge_width_grows_with_the_weight_and_hover_gives_it():
    neurons = real_neurons("binary")
    fig = fig_network(neurons, _tr("en"))
    widths = {}
    for trace in fig.data:
        if trace.meta:
            widths.setdefault(trace.meta["sign"], []).append(trace.line.width)
    assert all(w == sorted(w) for w in widths.values())  # bins in order of |w|
    hover = next(t for t in fig.data if not t.meta and t.text and "w = " in t.text[0])
    assert [float(t.split("=")[1]) for t in hover.text] == pytest.approx(
        [w for *_, w in edge_list(neurons)], abs=5e-4
    )


def test_zero_initialization_draws_no_edges_and_identical_neurons():
    run = real_run("zeros")
    neurons = real_neurons("zeros", 0)
    assert edge_list(neurons) == []
    fig = fig_network(neurons, _tr("en"))
    assert not [t for t in fig.data if t.meta]
    assert len(fig.layout.images) == 2 + 4 + 2 + 1
    # Symmetry never breaks: every neuron of a layer shows the same picture at the end too.
    last = fig_network(real_neurons("zeros"), _tr("en"))
    hidden = [i.source for i in last.layout.images][2:6]
    assert len(set(hidden)) == 1
    assert run.epochs_done == 3


def test_a_regression_output_is_drawn_on_its_own_scale_given_the_task():
    neurons = real_neurons("regression")
    # Predictions squeezed into [0, 0.5]: they look like probabilities to a guess.
    squeezed = dataclasses.replace(neurons, output=np.clip(neurons.output, 0.0, 1.0) * 0.5)
    (told,) = node_images(squeezed, "regression")[-1]
    (guessed,) = node_images(squeezed)[-1]
    red, blue = (lambda img: img[1:-1, 1:-1, 0].astype(int)), (lambda img: img[1:-1, 1:-1, 2])
    # Told: 0 is white and 0.5 the full blue, nothing orange. Guessed as P: below 0.5 is orange.
    assert np.all(red(told) <= blue(told))
    assert np.any(red(guessed) > blue(guessed))


def test_dense_networks_get_smaller_images_and_a_bounded_height():
    small = fig_network(real_neurons("binary"), _tr("en"))
    large = fig_network(real_neurons("deep"), _tr("en"))
    assert large.layout.height <= 700
    assert small.layout.height <= large.layout.height


def test_node_positions_spread_each_column_over_the_densest_columns_height():
    ys = node_positions([2, 4, 1])
    assert ys[1].tolist() == [3, 2, 1, 0]
    assert ys[2].tolist() == [1.5]
    assert ys[0].mean() == 1.5
    assert ys[0][0] - ys[0][1] == 2


# --- curves ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_loss_figure_has_log_axis_titled_axes_and_unified_hover(lang):
    run = real_run("binary")
    fig = fig_losses(run, _tr(lang))
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text
    assert fig.layout.hovermode == "x unified"
    assert len(fig.data) == 2
    assert np.allclose(fig.data[0].y, run.train_loss)
    assert np.allclose(fig.data[1].y, run.test_loss)
    assert figure_finite(fig)
    assert not fig.layout.shapes
    assert list(fig.layout.xaxis.range) == [0, run.epochs_done]


def test_loss_figure_adds_the_penalty_only_when_there_is_one():
    run = real_run("l2")
    fig = fig_losses(run, _tr("en"))
    assert len(fig.data) == 3
    assert np.allclose(fig.data[2].y, run.penalty)
    assert fig.data[2].line.dash == "dot"
    assert fig.data[2].name == "λ₁‖θ‖₁ + ½λ₂‖θ‖²"
    assert len(fig_losses(real_run("small"), _tr("en")).data) == 2


@pytest.mark.parametrize("builder", [fig_losses, fig_updates])
def test_a_diverged_run_is_marked_where_it_diverged(builder):
    run = real_run("diverged")
    assert run.diverged_epoch == 19
    fig = builder(run, _tr("en"))
    assert figure_finite(fig)
    assert list(fig.layout.xaxis.range) == [0, 19]  # up to the epoch it diverged in
    (shape,) = fig.layout.shapes
    assert shape.x0 == shape.x1 == 19
    assert "19" in fig.layout.annotations[0].text
    if builder is fig_losses:
        assert fig.data[0].x[-1] == 18  # the last epoch it finished
    else:
        assert fig.data[0].x[-1] <= 19


def test_accuracy_figure_is_in_percent_and_marks_divergence():
    run = real_run("multiclass")
    fig = fig_accuracy(run, _tr("en"))
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.hovermode == "x unified"
    assert np.allclose(fig.data[1].y, run.test_accuracy)
    diverged = fig_accuracy(real_run("diverged"), _tr("en"))
    assert diverged.layout.shapes[0].x0 == 19
    assert figure_finite(diverged)


def test_accuracy_figure_refuses_regression():
    with pytest.raises(ValueError, match="regression"):
        fig_accuracy(real_run("regression"), _tr("en"))


def test_updates_sit_between_epochs_on_one_epoch_axis():
    run = real_run("small")
    fig = fig_updates(run, _tr("en"))
    per_update, per_epoch = fig.data
    assert per_update.mode == "lines"
    assert per_epoch.mode == "markers"
    # 50 training rows, batch 10: five updates an epoch, the fifth of epoch 1 at 1.0.
    assert run.rows == 50
    assert run.updates_per_epoch == 5
    assert len(per_update.x) == 5 * 20
    assert np.allclose(per_update.x[:5], np.arange(1, 6) / 5)
    assert np.array_equal(per_update.customdata[:3], [1, 2, 3])
    assert np.array_equal(per_epoch.x, np.arange(21))
    assert np.allclose(per_epoch.y, run.train_loss)
    assert fig.layout.yaxis.type == "log"
    assert "5" in fig.layout.title.text  # updates per epoch


def test_long_runs_show_every_kth_update():
    run = real_run("long")
    assert len(run.update_loss) == 4500
    fig = fig_updates(run, _tr("en"))
    k = update_stride(4500)
    assert k == -(-4500 // MAX_UPDATE_POINTS)  # the smallest stride that fits
    assert len(fig.data[0].x) == -(-4500 // k) <= MAX_UPDATE_POINTS
    assert fig.data[0].customdata[1] == 1 + k
    assert np.allclose(fig.data[0].y, np.maximum(run.update_loss[::k], 1e-12))
    assert str(k) in fig.data[0].name


# --- confusion and thumbnail ---------------------------------------------------------------


def test_confusion_shows_counts_shaded_by_row():
    counts = np.array([[90, 10], [1, 4]])
    fig = fig_confusion(counts, _tr("en"))
    heatmap = fig.data[0]
    assert [list(r) for r in heatmap.text] == [["90", "10"], ["1", "4"]]
    assert np.allclose(heatmap.z, [[0.9, 0.1], [0.2, 0.8]])
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text
    assert fig.layout.yaxis.autorange == "reversed"  # class 0 on the top row


def test_confusion_of_a_real_run_counts_every_test_point():
    run = real_run("multiclass")
    fig = fig_confusion(run.confusion_test[-1], _tr("ko"))
    counts = np.array(fig.data[0].text, dtype=int)
    assert counts.sum() == len(run.y_test)
    assert np.array_equal(counts.sum(axis=1), np.bincount(run.y_test, minlength=3))


def test_confusion_of_an_empty_class_stays_finite():
    assert np.array_equal(row_shares(np.array([[0, 0], [3, 1]])), [[0, 0], [0.75, 0.25]])
    assert figure_finite(fig_confusion(np.zeros((3, 3), int), _tr("ko")))


def test_thumbnail_has_no_words():
    run = real_run("binary")
    fig = fig_thumbnail(run.grid, run.surface[-1], run.x_train, run.y_train)
    assert not fig.layout.annotations
    assert not fig.layout.title.text
    assert fig.layout.xaxis.visible is False
    assert all(not t.name for t in fig.data)
    assert figure_finite(fig)
    assert len(fig.to_json()) < 60_000


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", [*TASKS, "diverged", "zeros"])
def test_every_figure_of_a_run_is_finite(lang, name):
    run = real_run(name)
    tr = _tr(lang)
    figures = [
        fig_boundary(run, len(run.snapshot_epochs) - 1, False, tr),
        fig_boundary(run, 0, True, tr),
        fig_losses(run, tr),
        fig_updates(run, tr),
        _without_edges(fig_network(real_neurons(name), tr)),
    ]
    if run.task != "regression":
        figures += [fig_accuracy(run, tr), fig_confusion(run.confusion_test[-1], tr)]
    assert all(figure_finite(f) for f in figures)


def test_every_key_the_figures_ask_for_exists_in_both_languages():
    """Once the mlp.fig strings are in content/*/perceptron.toml, none may be missing."""
    asked: set[str] = set()

    def recording(key: str, **fields: object) -> str:
        asked.add(key)
        return _tr("en")(key, **fields)

    for name in ("binary", "multiclass", "regression", "diverged", "l2"):
        run = real_run(name)
        fig_boundary(run, 0, False, recording)
        fig_boundary(run, 0, True, recording)
        fig_losses(run, recording)
        fig_updates(run, recording)
        fig_network(real_neurons(name), recording)
        if run.task != "regression":
            fig_accuracy(run, recording)
            fig_confusion(run.confusion_test[-1], recording)
    fig_updates(real_run("long"), recording)
    if not any(key.startswith("mlp.fig.") for key in strings("en")):
        pytest.skip("the mlp.fig strings are not merged into content yet")
    for lang in ("en", "ko"):
        assert sorted(asked - set(strings(lang))) == []
