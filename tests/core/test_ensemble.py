"""core.ensemble: K padded networks trained at once equal K core.nn networks trained one by one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ensemble, losses, optimizers


def _data(n=12, m=7, d=1, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, d))
    y = np.sin(3 * x[:, 0]) + 0.1 * rng.normal(size=n)
    xe = rng.uniform(-1, 1, size=(m, d))
    ye = np.sin(3 * xe[:, 0])
    return x, y, xe, ye


def _reference(x, y, xe, ye, width, depth, activation, optimizer, lr, epochs, seed, k, wd=0.0):
    """Network k trained alone: core.nn, core.losses.mse_loss and the registry's step."""
    net = ensemble.network(x.shape[1], width, depth, activation, seed, k)
    spec = optimizers.REGISTRY[optimizer]
    h = optimizers.hparams(optimizer, lr=lr, weight_decay=wd)
    state = {name: np.zeros_like(net.parameters) for name in spec.buffers(h)}
    if spec.init is not None:
        spec.init(state, h)
    train, evals = [], []
    for e in range(epochs + 1):
        evals.append(losses.mse_loss(net.forward(xe), ye[:, None])[0])
        out = net.forward(x)
        loss, grad = losses.mse_loss(out, y[:, None])
        train.append(loss)
        if e == epochs:
            break
        net.backward(grad)
        spec.step(net.parameters, net.gradients, state, h, e + 1)
    return np.array(train), np.array(evals), net.parameters.copy(), net.forward(xe)[:, 0]


@pytest.mark.parametrize(
    ("optimizer", "activation", "depth", "wd"),
    [
        ("adam", "tanh", 1, 0.0),
        ("sgd", "relu", 2, 0.0),
        ("momentum", "sigmoid", 1, 1e-3),
        ("adamw", "tanh", 3, 1e-2),
        ("adam", "gelu", 2, 1e-3),
    ],
)
def test_each_padded_network_equals_its_own_core_nn_network_trained_alone(
    optimizer, activation, depth, wd
):
    x, y, xe, ye = _data(d=2)
    widths, lrs = [1, 5, 3, 8], [0.01, 0.03, 0.02, 0.005]
    got = ensemble.train(
        x, y, xe, widths, lrs, y_eval=ye, depth=depth, activation=activation,
        optimizer=optimizer, epochs=60, seed=4, weight_decay=wd,
    )  # fmt: skip
    for k, (w, lr) in enumerate(zip(widths, lrs, strict=True)):
        train, evals, params, pred = _reference(
            x, y, xe, ye, w, depth, activation, optimizer, lr, 60, 4, k, wd
        )
        np.testing.assert_allclose(got.train_loss[k], train, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(got.eval_loss[k], evals, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(got.parameters[k], params, rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(got.predictions[k], pred, rtol=1e-11, atol=1e-12)
    assert got.diverged == (False,) * 4
    assert got.epochs_run == (60,) * 4


def test_depths_may_differ_per_network_and_each_matches_its_reference():
    x, y, xe, ye = _data()
    got = ensemble.train(x, y, xe, [4, 4, 2], 0.02, y_eval=ye, depth=[1, 3, 2], epochs=30, seed=1)
    for k, (w, d) in enumerate([(4, 1), (4, 3), (2, 2)]):
        train, _, params, _ = _reference(x, y, xe, ye, w, d, "tanh", "adam", 0.02, 30, 1, k)
        np.testing.assert_allclose(got.train_loss[k], train, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(got.parameters[k], params, rtol=1e-11, atol=1e-12)
    assert got.depths == (1, 3, 2)


def test_network_k_depends_on_the_seed_and_its_position_only():
    x, y, xe, _ = _data()
    alone = ensemble.train(x, y, xe, [6], 0.01, epochs=0, seed=9)
    among = ensemble.train(x, y, xe, [6, 64, 2], 0.01, epochs=0, seed=9)
    other = ensemble.train(x, y, xe, [6], 0.01, epochs=0, seed=10)
    np.testing.assert_array_equal(alone.parameters[0], among.parameters[0])
    assert not np.array_equal(alone.parameters[0], other.parameters[0])


def test_initial_weights_are_torch_linear_s_uniform_with_each_layer_s_own_fan_in():
    x, y, xe, _ = _data(d=3)
    got = ensemble.train(x, y, xe, [50], 0.01, depth=2, epochs=0, seed=2)
    p = got.parameters[0]
    sizes = [50 * 3, 50, 50 * 50, 50, 50, 1]
    fans = [3, 3, 50, 50, 50, 50]
    parts = np.split(p, np.cumsum(sizes)[:-1])
    for part, fan in zip(parts, fans, strict=True):
        assert np.all(np.abs(part) <= 1 / np.sqrt(fan))
    assert p.size == sum(sizes)


def _padded(**kwargs):
    """Train and return the padded (K, …) arrays the trainer read the final parameters from."""
    seen = {}
    original = ensemble._unpad

    def spy(views, net, k):
        seen.setdefault("views", [v.copy() for v in views])
        return original(views, net, k)

    ensemble._unpad = spy
    try:
        got = ensemble.train(**kwargs)
    finally:
        ensemble._unpad = original
    return got, seen["views"]


@settings(max_examples=15, deadline=None)
@given(
    widths=st.lists(st.integers(1, 9), min_size=1, max_size=5),
    depth=st.integers(1, 3),
    optimizer=st.sampled_from(["sgd", "momentum", "adam", "adamw", "rmsprop", "nadam"]),
    activation=st.sampled_from(["tanh", "sigmoid", "softplus", "relu"]),
    seed=st.integers(0, 1000),
)
def test_masked_units_keep_exactly_zero_weights_and_biases(
    widths, depth, optimizer, activation, seed
):
    x, y, xe, _ = _data(seed=seed)
    got, views = _padded(
        x=x, y=y, x_eval=xe, widths=widths, lrs=0.05, depth=depth, activation=activation,
        optimizer=optimizer, epochs=25, seed=seed, weight_decay=0.01,
    )  # fmt: skip
    for k, w in enumerate(widths):
        for i in range(depth):
            weight, bias = views[2 * i][k], views[2 * i + 1][k]
            assert np.all(weight[w:] == 0.0)
            assert np.all(bias[w:] == 0.0)
            if i > 0:
                assert np.all(weight[:, w:] == 0.0)
        assert np.all(views[-2][k][:, w:] == 0.0)
        assert got.parameters[k].size == w + w + (depth - 1) * (w * w + w) + w + 1


def test_a_diverging_network_stops_alone_with_finite_curves_cut_at_its_last_good_epoch():
    x, y, xe, ye = _data()
    got = ensemble.train(
        x, 50 * y, xe, [8, 8], [1e-3, 5.0], y_eval=ye, optimizer="sgd", epochs=200, seed=0
    )
    assert got.diverged == (False, True)
    assert got.epochs_run[0] == 200
    assert got.epochs_run[1] < 200
    assert len(got.train_loss[1]) == got.epochs_run[1] + 1 == len(got.eval_loss[1])
    for k in range(2):
        assert np.all(np.isfinite(got.train_loss[k]))
        assert np.all(np.isfinite(got.eval_loss[k]))
        assert np.all(np.isfinite(got.parameters[k]))
        assert np.all(np.isfinite(got.predictions[k]))
    alone = ensemble.train(x, 50 * y, xe, [8], 1e-3, y_eval=ye, optimizer="sgd", epochs=200, seed=0)
    np.testing.assert_array_equal(alone.train_loss[0], got.train_loss[0])


def test_the_curves_record_every_epoch_from_the_initial_parameters():
    x, y, xe, ye = _data()
    got = ensemble.train(x, y, xe, [3], 0.01, y_eval=ye, epochs=17, seed=0)
    assert got.train_loss[0].shape == (18,) == got.eval_loss[0].shape
    np.testing.assert_array_equal(got.recorded, np.arange(18))
    assert got.final_train[0] == got.train_loss[0][-1]
    np.testing.assert_allclose(got.final_eval[0], got.eval_loss[0][-1], rtol=1e-14)
    without = ensemble.train(x, y, xe, [3], 0.01, epochs=17, seed=0)
    assert without.eval_loss[0].size == 0
    assert without.final_eval is None


def test_every_subsamples_the_curves_and_keeps_the_last_epoch_without_changing_training():
    x, y, xe, ye = _data()
    full = ensemble.train(x, y, xe, [3, 5], 0.01, y_eval=ye, epochs=23, seed=0)
    sparse = ensemble.train(x, y, xe, [3, 5], 0.01, y_eval=ye, epochs=23, seed=0, every=5)
    np.testing.assert_array_equal(sparse.recorded, [0, 5, 10, 15, 20, 23])
    for k in range(2):
        np.testing.assert_array_equal(sparse.train_loss[k], full.train_loss[k][sparse.recorded])
        np.testing.assert_array_equal(sparse.eval_loss[k], full.eval_loss[k][sparse.recorded])
        np.testing.assert_array_equal(sparse.parameters[k], full.parameters[k])


def test_predict_reproduces_the_predictions_through_core_nn():
    x, y, xe, _ = _data(d=2)
    got = ensemble.train(x, y, xe, [3, 6], 0.02, depth=[2, 1], activation="relu", epochs=20, seed=5)
    for k in range(2):
        np.testing.assert_allclose(ensemble.predict(got, k, xe), got.predictions[k], rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"widths": []}, "at least one network"),
        ({"widths": [0]}, r"width must be in \[1"),
        ({"widths": 3}, "widths must be a sequence"),
        ({"lrs": [0.1, 0.2]}, r"one entry per network \(1\)"),
        ({"lrs": -1.0}, r"lr must be in \[0"),
        ({"depth": 0}, r"depth must be in \[1"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"activation": "swishy"}, "unknown activation 'swishy'"),
        ({"epochs": -1}, r"epochs must be in \[0"),
        ({"every": 0}, r"every must be in \[1"),
        ({"y": np.zeros(3)}, "same number of rows"),
        ({"x_eval": np.zeros((2, 2))}, r"x_eval must have shape \(N, 1\)"),
        ({"y_eval": np.zeros(2)}, "x_eval and y_eval need the same number of rows"),
        ({"x": np.full((12, 1), np.nan)}, "x must be finite"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_naming_them(kwargs, match):
    x, y, xe, _ = _data()
    args = {"x": x, "y": y, "x_eval": xe, "widths": [3], "lrs": 0.1, "epochs": 5, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ensemble.train(
            args.pop("x"), args.pop("y"), args.pop("x_eval"), args.pop("widths"),
            args.pop("lrs"), **args,
        )  # fmt: skip
