"""core.playground: the training run against a hand replay, its record, its limits."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from core import datasets, losses, nn
from core import playground as pg
from core.initialization import schemes

SMALL = pg.Settings(points=60, epochs=6, batch_size=7)


def _replay(s: pg.Settings):
    """The run done by hand: core.nn's readable layers, torch's loss, SGD written out."""
    x_train, y_train, _, _ = pg.data(s)
    f = pg.features(x_train, s.features)
    target = {"mse": 2.0 * y_train - 1.0, "bce": y_train.astype(float), "ce": y_train}[s.loss]
    net = pg.network(s)
    rng = np.random.default_rng([s.seed, 1])
    n, b = len(f), s.batch_size
    seen = []
    for _ in range(s.epochs):
        order = rng.permutation(n)
        stops = range(b, n + 1 if s.drop_last else n + b, b)
        for start, stop in zip(range(0, n, b), stops, strict=False):
            rows = order[start:stop]
            if s.drop_last and len(rows) < b:
                break
            out = net.forward(f[rows])
            if s.loss == "ce":
                value, grad = losses.cross_entropy(out, target[rows])
            elif s.loss == "bce":
                value, grad = losses.binary_cross_entropy_with_logits(out[:, 0], target[rows])
                grad = grad[:, None]
            else:
                value, grad = losses.mse_loss(out[:, 0], target[rows])
                grad = grad[:, None]
            net.backward(grad)
            seen.append(value)
            p, g = net.parameters, net.gradients
            p -= s.lr * (g + s.l1 * np.sign(p) + s.l2 * p)  # SGD, L1 added, L2 as weight decay
    return np.array(seen), net.parameters.copy()


@pytest.mark.parametrize(
    "change",
    [{}, {"drop_last": True}, {"loss": "mse"}, {"loss": "ce"}, {"l1": 0.01, "l2": 0.05},
     {"activations": ("relu", "sigmoid"), "lr": 0.3}, {"hidden": (), "activations": ()},
     {"dataset": "spiral3", "loss": "ce", "features": ("x1", "x2", "x1x2")}],
)  # fmt: skip
def test_run_matches_a_hand_replay_update_for_update(change):
    s = dataclasses.replace(SMALL, **change)
    r = pg.run(s)
    seen, final = _replay(s)
    np.testing.assert_allclose(r.update_loss, seen, rtol=1e-12)
    np.testing.assert_allclose(r.parameters[-1], final, rtol=1e-10, atol=1e-14)


def test_updates_per_epoch_is_rows_over_batch_rounded_up_or_down_with_drop_last():
    assert pg.updates_per_epoch(100, 10, False) == 10  # the notes' example
    assert pg.updates_per_epoch(255, 10, False) == 26
    assert pg.updates_per_epoch(255, 10, True) == 25
    r = pg.run(dataclasses.replace(SMALL, points=100, train_share=0.5, batch_size=8))
    assert (r.rows, r.updates_per_epoch) == (50, 7)
    assert r.updates == r.epochs_done * 7
    np.testing.assert_allclose(r.update_epoch[:7], np.arange(1, 8) / 7)
    assert r.update_epoch[-1] == r.epochs_done


def test_a_seeded_run_is_reproducible_bit_for_bit_and_the_seed_matters():
    a, b = pg.run(SMALL), pg.run(SMALL)
    for field in ("update_loss", "train_loss", "test_loss", "surface", "parameters"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    c = pg.run(dataclasses.replace(SMALL, seed=1))
    assert not np.array_equal(a.parameters[0], c.parameters[0])


def test_changing_regularization_keeps_the_initial_weights():
    a = pg.run(SMALL)
    b = pg.run(dataclasses.replace(SMALL, l2=0.1, l1=0.01))
    np.testing.assert_array_equal(a.parameters[0], b.parameters[0])
    assert not np.array_equal(a.parameters[-1], b.parameters[-1])


def test_epoch_curves_are_whole_set_losses_and_accuracies_in_eval_mode():
    s = dataclasses.replace(SMALL, epochs=4)
    r = pg.run(s)
    net = pg.network(s).eval()
    net.parameters[:] = r.parameters[-1]
    out = net.forward(pg.features(r.x_test, s.features))
    value, _ = losses.binary_cross_entropy_with_logits(out[:, 0], r.y_test.astype(float))
    assert r.test_loss[-1] == pytest.approx(value, rel=1e-12)
    assert r.test_accuracy[-1] == np.mean((out[:, 0] > 0) == r.y_test)
    conf = r.confusion_test[-1]
    assert conf.sum() == len(r.y_test)
    assert np.trace(conf) / conf.sum() == r.test_accuracy[-1]
    np.testing.assert_array_equal(conf.sum(axis=1), np.bincount(r.y_test, minlength=2))


def test_snapshots_cover_start_and_end_and_the_surface_is_the_output_over_the_plane():
    s = dataclasses.replace(SMALL, epochs=130)
    r = pg.run(s)
    assert r.snapshot_epochs[0] == 0
    assert r.snapshot_epochs[-1] == 130
    assert len(r.snapshot_epochs) <= pg.MAX_SNAPSHOTS + 2
    assert r.surface.shape == (len(r.snapshot_epochs), pg.GRID, pg.GRID)
    net = pg.network(s).eval()
    net.parameters[:] = r.parameters[-1]
    i, j = 7, 31  # row i is x2 = grid[i], column j is x1 = grid[j]
    point = np.array([[r.grid[j], r.grid[i]]])
    logit = net.forward(pg.features(point, s.features))[0, 0]
    assert r.surface[-1, i, j] == pytest.approx(1 / (1 + math.exp(-logit)), rel=1e-6)
    assert r.prediction[-1, i, j] == int(logit > 0)


def test_neurons_images_agree_with_the_weights_that_feed_the_output():
    r = pg.run(dataclasses.replace(SMALL, epochs=5))
    cells = pg.neurons(r, 5)
    assert cells.inputs.shape == (2, pg.NEURON_GRID, pg.NEURON_GRID)
    assert [a.shape[0] for a in cells.layers] == [4, 2]
    last = cells.layers[-1].reshape(2, -1)
    logit = cells.weights[-1] @ last + cells.biases[-1][:, None]
    np.testing.assert_allclose(cells.output.reshape(1, -1), 1 / (1 + np.exp(-logit)), rtol=1e-5)
    with pytest.raises(ValueError, match="not a snapshot"):
        pg.neurons(r, 6)  # not a snapshot


def test_a_too_large_learning_rate_stops_cleanly_with_finite_records():
    r = pg.run(pg.Settings(loss="mse", lr=5.0, epochs=50))
    assert r.diverged_at is not None
    assert r.reason in ("nan", "overflow")
    assert r.epochs_done < 50
    assert r.diverged_epoch == r.epochs_done + 1
    for field in ("update_loss", "train_loss", "test_loss", "surface", "parameters"):
        assert np.all(np.isfinite(getattr(r, field))), field
    assert r.updates == r.diverged_at


def test_zero_initialization_never_breaks_symmetry():
    r = pg.run(pg.Settings(init="zeros", activations=("relu", "relu"), epochs=20))
    layers = pg.neurons(r, 20).layers
    for images in layers:
        assert np.all(images == images[0])  # every unit of a layer computes the same function


@pytest.mark.parametrize("scheme", ["he_normal", "xavier_uniform"])
def test_a_named_scheme_draws_the_weights_and_zeroes_the_biases(scheme):
    net = pg.network(pg.Settings(init=scheme, hidden=(16, 16), activations=("relu", "relu")))
    linear = net[2]
    assert np.all(linear.bias == 0)
    assert np.std(linear.weight) == pytest.approx(schemes.std(scheme, 16, 16), rel=0.25)


def test_torch_default_initialization_is_uniform_within_one_over_root_fan_in():
    net = pg.network(pg.Settings(features=pg.FEATURES, hidden=(16,), activations=("tanh",)))
    assert isinstance(net[0], nn.Linear)
    assert np.max(np.abs(net[0].weight)) <= 1 / math.sqrt(7)


def test_every_feature_column_is_its_formula():
    x = np.array([[1.5, -2.0]])
    cols = pg.features(x, pg.FEATURES)[0]
    expected = [1.5, -2.0, 2.25, 4.0, -3.0, math.sin(1.5), math.sin(-2.0)]
    np.testing.assert_allclose(cols, expected)


def test_the_update_budget_shortens_runs_that_would_cost_seconds():
    s = pg.Settings(points=1000, train_share=0.9, batch_size=1, epochs=1000, hidden=(2,),
                    activations=("tanh",))  # fmt: skip
    assert pg.planned_epochs(s) * 900 <= pg.MAX_UPDATES
    assert pg.planned_epochs(pg.Settings()) == 300


def test_losses_follow_the_task_and_resolve_picks_an_admitted_one():
    assert pg.losses_for("plane") == ("mse",)
    assert pg.losses_for("spiral3") == ("ce",)
    assert pg.resolve(pg.Settings(dataset="spiral3", loss="bce")).loss == "ce"
    assert pg.resolve(pg.Settings(dataset="bumps", loss="ce")).loss == "mse"
    with pytest.raises(ValueError, match="loss"):
        pg.run(pg.Settings(dataset="spiral3", loss="mse"))


@pytest.mark.parametrize(
    ("change", "named"),
    [({"hidden": (4,) * 7, "activations": ("tanh",) * 7}, "hidden"),
     ({"hidden": (17,), "activations": ("relu",)}, "width"),
     ({"hidden": (4,), "activations": ()}, "activation"), ({"features": ()}, "features"),
     ({"features": ("x3",)}, "feature"), ({"lr": 0.0}, "lr"), ({"lr": float("nan")}, "lr"),
     ({"batch_size": 0}, "batch_size"), ({"epochs": 0}, "epochs"), ({"dropout": 0.95}, "dropout"),
     ({"init": "ones"}, "init"), ({"optimizer": "lbfgs"}, "optimizer"),
     ({"dataset": "ring"}, "dataset"), ({"train_share": 1.0}, "train_share")],
)  # fmt: skip
def test_bad_settings_are_refused_with_a_message_naming_the_setting(change, named):
    with pytest.raises(ValueError, match=named):
        pg.run(dataclasses.replace(SMALL, **change))


def test_regression_runs_record_no_accuracy_and_show_the_prediction():
    r = pg.run(pg.Settings(dataset="plane", loss="mse", epochs=30))
    assert r.task == "regression"
    assert r.train_accuracy is None
    assert r.confusion_test is None
    assert r.test_loss[-1] < 0.5 * r.test_loss[0]
    assert datasets.dataset("plane").classes == r.classes == 0


def test_export_holds_a_torch_state_dict_at_the_epoch_and_the_curves():
    s = dataclasses.replace(SMALL, batchnorm=True)
    r = pg.run(s)
    record = json.loads(pg.export(r, 3))
    net = pg.network(s)
    names = [n for n, _ in net.named_parameters()] + [n for n, _ in net.named_buffers()]
    assert list(record["state_dict"]) == names
    net.parameters[:] = r.parameters[3]
    for name, value in net.named_parameters():
        np.testing.assert_array_equal(record["state_dict"][name], value)
    assert record["state_dict"]["1.num_batches_tracked"] == 3 * r.updates_per_epoch
    assert record["per_epoch"]["test_loss"] == r.test_loss.tolist()
    assert record["settings"]["batchnorm"] is True


def test_export_of_a_diverged_run_is_valid_json_with_nulls_for_what_is_not_finite():
    r = pg.run(pg.Settings(loss="mse", lr=5.0, epochs=20))
    text = pg.export(r)
    assert "NaN" not in text
    assert "Infinity" not in text
    assert json.loads(text)["diverged_at_update"] == r.diverged_at
