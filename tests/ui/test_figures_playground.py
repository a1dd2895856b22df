"""The playground's figure builders, called directly with runs shaped as core.playground's."""

from __future__ import annotations

import base64
import itertools
import json
from types import SimpleNamespace

import numpy as np
import pytest
from apptools import figure_finite

from ui.figures.playground import (
    CLASS_COLORS,
    EDGE_CUT,
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


# --- runs shaped as core.playground.Run, made up -------------------------------------------------


def fake_run(
    task: str = "binary",
    *,
    snapshots: int = 60,
    grid: int = 50,
    n: int = 250,
    batch: int = 10,
    epochs: int = 300,
    diverged_epoch: int | None = None,
    seed: int = 0,
) -> SimpleNamespace:
    rng = np.random.default_rng(seed)
    classes = {"binary": 2, "multiclass": 3, "regression": 0}[task]
    axis = np.linspace(-6.0, 6.0, grid)
    x1, x2 = np.meshgrid(axis, axis)  # row i = x2 = axis[i]
    snapshot_epochs = np.unique(np.linspace(0, epochs, snapshots).round().astype(int))
    k = len(snapshot_epochs)
    sharp = np.linspace(0.05, 2.0, k)[:, None, None]
    x_train, x_test = rng.uniform(-6, 6, (n, 2)), rng.uniform(-6, 6, (n, 2))
    probabilities = prediction = None
    if task == "binary":
        surface = 1 / (1 + np.exp(-sharp * (x1 * x2) / 6))
        prediction = (surface >= 0.5).astype(np.int8)
        y_train = (x_train[:, 0] * x_train[:, 1] > 0).astype(int)
        y_test = (x_test[:, 0] * x_test[:, 1] > 0).astype(int)
    elif task == "multiclass":
        angle = np.arctan2(x2, x1)
        logits = np.stack([np.cos(angle - 2 * np.pi * c / 3) for c in range(3)], axis=-1)
        e = np.exp(sharp[..., None] * 2 * logits)
        probabilities = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
        prediction = probabilities.argmax(axis=-1).astype(np.int8)
        surface = probabilities.max(axis=-1)
        label = lambda x: (np.round(np.arctan2(x[:, 1], x[:, 0]) / (2 * np.pi / 3)) % 3).astype(int)  # noqa: E731
        y_train, y_test = label(x_train), label(x_test)
    else:
        surface = sharp * np.tanh(x1 / 3) * 0.5
        y_train, y_test = np.tanh(x_train[:, 0] / 3), np.tanh(x_test[:, 0] / 3)
    per_epoch = -(-n // batch)
    done = epochs if diverged_epoch is None else diverged_epoch
    updates = done * per_epoch
    e = np.arange(epochs + 1, dtype=np.float64)
    train_loss = 0.7 * np.exp(-e / 80) + 0.02
    test_loss = train_loss + 0.03 * e / epochs
    if diverged_epoch is not None:
        train_loss[diverged_epoch:] = np.nan
        test_loss[diverged_epoch:] = np.nan
    accuracy = None if task == "regression" else 1 - 0.5 * np.exp(-e / 60)
    update_epoch = np.concatenate(
        [ep - 1 + np.arange(1, per_epoch + 1) / per_epoch for ep in range(1, done + 1)]
    )
    update_loss = 0.7 * np.exp(-update_epoch / 80) * rng.uniform(0.5, 1.5, updates)
    confusion = None
    if classes:
        confusion = np.zeros((k, classes, classes), dtype=int)
        confusion[:] = np.diag(np.full(classes, n // classes))
        confusion[:, 0, 1] = 7
    return SimpleNamespace(
        settings=SimpleNamespace(epochs=epochs, batch_size=batch),
        task=task,
        classes=classes,
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        rows=n,
        batch_size=batch,
        drop_last=False,
        updates_per_epoch=per_epoch,
        epochs_done=done,
        update_loss=update_loss,
        update_epoch=update_epoch,
        train_loss=train_loss,
        test_loss=test_loss,
        train_accuracy=accuracy,
        test_accuracy=None if accuracy is None else accuracy - 0.02,
        penalty=np.zeros(epochs + 1),
        snapshot_epochs=snapshot_epochs,
        grid=axis,
        surface=surface.astype(np.float32),
        probabilities=probabilities,
        prediction=prediction,
        confusion_train=confusion,
        confusion_test=confusion,
        diverged_at=None if diverged_epoch is None else updates,
        diverged_epoch=diverged_epoch,
        reason=None if diverged_epoch is None else "overflow",
    )


def fake_neurons(
    hidden=(4, 2), features=("x1", "x2"), classes: int = 1, g: int = 24, seed: int = 0
) -> SimpleNamespace:
    rng = np.random.default_rng(seed)
    axis = np.linspace(-6, 6, g)
    x1, x2 = np.meshgrid(axis, axis)
    maps = {"x1": x1, "x2": x2, "x1_sq": x1**2, "x2_sq": x2**2, "x1x2": x1 * x2,
            "sin_x1": np.sin(x1), "sin_x2": np.sin(x2)}  # fmt: skip
    sizes = [len(features), *hidden, classes]
    weights = tuple(rng.normal(size=(o, i)) for i, o in itertools.pairwise(sizes))
    layers = tuple(np.tanh(rng.normal(size=(h, 1, 1)) * x1 / 6 + x2 / 6) for h in hidden)
    output = 1 / (1 + np.exp(-np.stack([x1 * x2 / 9 + c for c in range(classes)])))
    if classes > 1:
        output = output / output.sum(axis=0)
    return SimpleNamespace(
        grid=axis,
        inputs=np.stack([maps[f] for f in features]).astype(np.float32),
        layers=tuple(layer.astype(np.float32) for layer in layers),
        output=output.astype(np.float32),
        weights=weights,
        biases=tuple(rng.normal(size=o) for o in sizes[1:]),
        feature_names=tuple(features),
    )


TASKS = ("binary", "multiclass", "regression")


# --- the decision boundary ------------------------------------------------------------------


@pytest.mark.parametrize("task", TASKS)
def test_boundary_payload_of_a_default_run_stays_under_a_megabyte(task):
    run = fake_run(task)
    for discretize in (False, True):
        payload = fig_boundary(run, 0, discretize, _tr("en")).to_json()
        assert len(payload) < 1_000_000
        # plotly writes "/" as \u002f: six characters where base64 meant one.
        frames = json.loads(payload)["frames"]
        assert not any("/" in f["data"][0]["z"]["bdata"] for f in frames)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("discretize", [False, True])
def test_boundary_has_one_frame_per_snapshot_changing_only_the_heatmap(task, discretize):
    run = fake_run(task)
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


@pytest.mark.parametrize("task", TASKS)
def test_boundary_frames_decode_to_the_surface_within_one_quantization_step(task):
    run = fake_run(task)
    frames = json.loads(fig_boundary(run, 0, False, _tr("en")).to_json())["frames"]
    z = np.stack([_decode(f["data"][0]["z"]) for f in frames])
    assert z.dtype.itemsize == 1  # one byte a grid point
    assert z.shape == run.surface.shape
    if task == "binary":
        step = PERCENT_STEP / 100
    elif task == "multiclass":
        step = (1 - 1 / run.classes) / (LEVELS - 1)
        assert np.array_equal(z // LEVELS, run.prediction)  # the colour is the winning class
    else:
        step = regression_bound(run) / 15
    assert np.max(np.abs(dequantized(run, z) - run.surface)) <= step / 2 + 1e-6


def test_binary_boundary_is_white_at_one_half():
    fig = fig_boundary(fake_run("binary"), 0, False, _tr("en"))
    heatmap = fig.data[0]
    assert (heatmap.zmin, heatmap.zmax) == (0, 100)
    scale = dict((p, c) for p, c in heatmap.colorscale)
    assert scale[0.5] == "#ffffff"


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_discretize_draws_only_the_classes(task):
    run = fake_run(task)
    frames = json.loads(fig_boundary(run, 0, True, _tr("en")).to_json())["frames"]
    z = np.stack([_decode(f["data"][0]["z"]) for f in frames])
    assert set(np.unique(z)) <= set(range(run.classes))
    assert np.array_equal(z, run.prediction)


def test_discretize_draws_the_sign_of_a_regression():
    run = fake_run("regression")
    z = quantized_surface(run, discretize=True)
    assert set(np.unique(z)) <= {0, 1}
    assert np.array_equal(z == 1, run.surface >= 0)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_train_points_are_filled_and_test_points_hollow_in_their_class_colour(task):
    run = fake_run(task)
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


def test_boundary_rejects_an_epoch_index_outside_the_snapshots():
    run = fake_run("binary", snapshots=10)
    with pytest.raises(ValueError, match="epoch_index"):
        fig_boundary(run, 10, False, _tr("en"))


@pytest.mark.parametrize("task", TASKS)
def test_boundary_stays_finite_when_a_snapshot_is_not(task):
    run = fake_run(task)
    run.surface[-1, :5, :5] = np.nan
    fig = fig_boundary(run, len(run.snapshot_epochs) - 1, False, _tr("en"))
    assert figure_finite(fig)
    frames = json.loads(fig.to_json())["frames"]
    assert all(np.isfinite(_decode(f["data"][0]["z"])).all() for f in frames)


# --- the network ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("features", "hidden", "classes"),
    [
        (("x1", "x2"), (4,), 2 - 1),
        (("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"), (16,) * 6, 1),
        (("x1", "x2"), (), 1),
        (("x1", "x2"), (8, 8), 3),
    ],
    ids=["2-4-1", "7-16x6-1", "2-1", "2-8-8-3"],
)
def test_network_has_one_image_per_node_and_one_edge_per_weight_drawn(features, hidden, classes):
    neurons = fake_neurons(hidden, features, classes)
    fig = fig_network(neurons, _tr("en"))
    nodes = len(features) + sum(hidden) + classes
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
    assert figure_finite(go_free(fig))
    # Feature names under the inputs.
    texts = [a.text for a in fig.layout.annotations]
    assert "x₁" in texts
    assert "x₂" in texts


def go_free(fig):
    """The figure without the edge traces' None separators (figure_finite reads arrays)."""
    return SimpleNamespace(data=[t for t in fig.data if not t.meta])


def test_network_edges_are_blue_for_positive_and_orange_for_negative_weights():
    neurons = fake_neurons((4, 3))
    fig = fig_network(neurons, _tr("en"))
    by_sign = {1: 0, -1: 0}
    for trace in fig.data:
        if trace.meta:
            sign = trace.meta["sign"]
            assert trace.line.color == (CLASS_COLORS[1] if sign > 0 else CLASS_COLORS[0])
            by_sign[sign] += trace.meta["edges"]
    edges = edge_list(neurons)
    assert by_sign[1] == sum(w > 0 for *_, w in edges)
    assert by_sign[-1] == sum(w < 0 for *_, w in edges)


def test_network_edge_width_grows_with_the_weight():
    neurons = fake_neurons((4, 3))
    fig = fig_network(neurons, _tr("en"))
    widths = {}
    for trace in fig.data:
        if trace.meta:
            widths.setdefault(trace.meta["sign"], []).append(trace.line.width)
    assert all(w == sorted(w) for w in widths.values())  # bins in order of |w|
    hover = next(t for t in fig.data if not t.meta and t.text and "w = " in t.text[0])
    assert len(hover.text) == len(edge_list(neurons))


def test_network_draws_no_edges_for_all_zero_weights():
    neurons = fake_neurons((4,))
    neurons.weights = tuple(np.zeros_like(w) for w in neurons.weights)
    fig = fig_network(neurons, _tr("en"))
    assert edge_list(neurons) == []
    assert not [t for t in fig.data if t.meta]
    assert len(fig.layout.images) == 2 + 4 + 1


def test_dense_networks_get_smaller_images_and_a_bounded_height():
    small = fig_network(fake_neurons((4,)), _tr("en"))
    large = fig_network(
        fake_neurons((16,) * 6, ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")),
        _tr("en"),
    )
    assert large.layout.height <= 600
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
    run = fake_run("binary")
    fig = fig_losses(run, _tr(lang))
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text
    assert fig.layout.hovermode == "x unified"
    assert len(fig.data) == 2
    assert np.allclose(fig.data[0].y, run.train_loss)
    assert figure_finite(fig)
    assert not fig.layout.shapes


@pytest.mark.parametrize("builder", [fig_losses, fig_accuracy, fig_updates])
def test_a_diverged_run_is_marked_and_drawn_only_where_finite(builder):
    run = fake_run("binary", diverged_epoch=40)
    fig = builder(run, _tr("en"))
    assert figure_finite(fig)
    (shape,) = fig.layout.shapes
    assert shape.x0 == shape.x1 == 40
    assert "40" in fig.layout.annotations[0].text
    if builder is fig_losses:
        assert fig.data[0].x[-1] == 39


def test_accuracy_figure_is_in_percent_and_refuses_regression():
    run = fake_run("multiclass")
    fig = fig_accuracy(run, _tr("en"))
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.hovermode == "x unified"
    assert np.allclose(fig.data[1].y, run.test_accuracy)
    with pytest.raises(ValueError, match="regression"):
        fig_accuracy(fake_run("regression"), _tr("en"))


def test_updates_sit_between_epochs_on_one_epoch_axis():
    run = fake_run("binary", n=100, batch=10, epochs=20)
    fig = fig_updates(run, _tr("en"))
    per_update, per_epoch = fig.data
    assert per_update.mode == "lines"
    assert per_epoch.mode == "markers"
    # 100 rows, batch 10: ten updates an epoch, the tenth of epoch 1 at 1.0.
    assert len(per_update.x) == 10 * 20
    assert np.allclose(per_update.x[:10], np.arange(1, 11) / 10)
    assert np.array_equal(per_update.customdata[:3], [1, 2, 3])
    assert np.array_equal(per_epoch.x, np.arange(21))
    assert fig.layout.yaxis.type == "log"


def test_long_runs_show_every_kth_update():
    run = fake_run("binary", n=500, batch=1, epochs=30, snapshots=10)
    assert len(run.update_loss) == 15_000
    fig = fig_updates(run, _tr("en"))
    k = update_stride(15_000)
    assert k == 5
    assert len(fig.data[0].x) == 15_000 // k <= MAX_UPDATE_POINTS
    assert fig.data[0].customdata[1] == 1 + k
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


def test_confusion_of_an_empty_class_stays_finite():
    assert np.array_equal(row_shares(np.array([[0, 0], [3, 1]])), [[0, 0], [0.75, 0.25]])
    assert figure_finite(fig_confusion(np.zeros((3, 3), int), _tr("ko")))


def test_thumbnail_has_no_words():
    run = fake_run("binary")
    fig = fig_thumbnail(run.grid, run.surface[-1], run.x_train, run.y_train)
    assert not fig.layout.annotations
    assert not fig.layout.title.text
    assert fig.layout.xaxis.visible is False
    assert all(not t.name for t in fig.data)
    assert figure_finite(fig)
    assert len(fig.to_json()) < 60_000


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("task", TASKS)
def test_every_figure_of_a_run_is_finite(lang, task):
    run = fake_run(task, diverged_epoch=100)
    tr = _tr(lang)
    figures = [fig_boundary(run, 0, False, tr), fig_losses(run, tr), fig_updates(run, tr)]
    if task != "regression":
        figures += [fig_accuracy(run, tr), fig_confusion(run.confusion_test[-1], tr)]
    assert all(figure_finite(f) for f in figures)
