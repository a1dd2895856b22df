"""core.regularization: early stopping's rule, the restored weights, the penalties and updates."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import fused
from core import regularization as reg

SHORT = reg.Settings(epochs=30)
CURVES = st.lists(
    st.floats(min_value=0.0, max_value=10.0, allow_nan=False), min_size=2, max_size=80
)


def _keras(values, patience, min_delta):
    """Keras' EarlyStopping.on_epoch_end written out as its source reads (wait, best, stop)."""
    best, best_epoch, wait = math.inf, None, 0
    for epoch, current in enumerate(values[1:], start=1):
        wait += 1
        if current + min_delta < best:  # min_delta *= -1 for mode "min"
            best, best_epoch, wait = current, epoch, 0
        if wait >= patience:
            return best_epoch, epoch
    return best_epoch, None


@given(CURVES, st.integers(1, 30))
@settings(max_examples=300, deadline=None)
def test_early_stopping_restores_the_argmin_of_the_validation_curve_up_to_where_it_stops(
    values, patience
):
    stop = reg.early_stopping(values, patience)
    end = len(values) - 1 if stop.stopped_epoch is None else stop.stopped_epoch
    seen = np.asarray(values[1 : end + 1])
    assert stop.best_epoch == 1 + int(np.argmin(seen))  # the first epoch of the lowest value
    if stop.stopped_epoch is not None:
        assert stop.stopped_epoch == stop.best_epoch + patience  # `patience` epochs, no better
    else:
        assert len(values) - 1 - stop.best_epoch < patience


@given(CURVES, st.integers(1, 30), st.floats(0.0, 1.0))
@settings(max_examples=300, deadline=None)
def test_early_stopping_with_min_delta_is_keras_rule(values, patience, min_delta):
    stop = reg.early_stopping(values, patience, min_delta)
    assert (stop.best_epoch, stop.stopped_epoch) == _keras(values, patience, min_delta)


def test_early_stopping_refuses_a_curve_without_epochs_and_a_zero_patience():
    with pytest.raises(ValueError, match="at least 2 epochs"):
        reg.early_stopping([1.0], 3)
    with pytest.raises(ValueError, match="patience must be in"):
        reg.early_stopping([1.0, 0.5], 0)


def test_a_run_is_the_first_epochs_of_any_longer_run():
    long, short = reg.train(SHORT), reg.train(dataclasses.replace(SHORT, epochs=12))
    for name in ("train_loss", "val_loss", "test_loss", "penalty", "norm"):
        assert np.array_equal(getattr(long, name)[:13], getattr(short, name))


def test_restored_weights_reproduce_the_epoch_s_validation_loss():
    fit = reg.train(reg.Settings())
    stop = reg.early_stopping(fit.val_loss, 10)
    back = reg.restore(reg.Settings(), stop.best_epoch)
    net = reg.network(reg.Settings())
    net.parameters[:] = back.parameters
    d = reg.data(reg.Settings())
    val = float(np.mean((net.forward(d.x_val[:, None])[:, 0] - d.y_val) ** 2))
    assert val == pytest.approx(fit.val_loss[stop.best_epoch], rel=1e-12)
    assert back.test_loss[-1] == fit.test_loss[stop.best_epoch]


def test_the_default_run_overfits_train_falls_while_validation_turns_up():
    fit = reg.train(reg.Settings())
    best = int(np.argmin(fit.val_loss))
    assert 10 < best < fit.epochs_done - 100
    assert fit.val_loss[-1] > 1.5 * fit.val_loss[best]
    assert fit.test_loss[-1] > 1.5 * fit.test_loss[best]
    assert fit.train_loss[-1] < 0.5 * fit.train_loss[best]


def test_three_splits_are_disjoint_draws_of_the_sizes_given():
    d = reg.data(reg.Settings(points=12))
    assert (d.x_train.size, d.x_val.size, d.x_test.size) == (12, 12, reg.TEST_POINTS)
    assert not set(d.x_train) & set(d.x_val)
    assert np.all(np.abs(d.x_test) <= 1.0)


@given(st.floats(0.0, 1.0), st.sampled_from(reg.PENALTIES))
@settings(max_examples=30, deadline=None)
def test_total_loss_minus_data_loss_is_the_penalty_in_closed_form(lam, kind):
    fit = reg.train(dataclasses.replace(SHORT, lam=lam, penalty=kind, epochs=5))
    theta = fit.parameters
    closed = 0.5 * lam * theta @ theta if kind == "l2" else lam * np.abs(theta).sum()
    assert fit.total_loss[-1] - fit.train_loss[-1] == pytest.approx(closed, rel=1e-9, abs=1e-12)


def test_l1_with_the_soft_threshold_gives_exact_zeros_and_l2_and_the_subgradient_none():
    base = reg.Settings(lam=0.03, penalty="l1")
    prox = reg.train(base)
    sub = reg.train(dataclasses.replace(base, l1_method="subgradient"))
    l2 = reg.train(dataclasses.replace(base, penalty="l2", lam=0.01))
    assert reg.zeros(prox.parameters) > prox.parameters.size // 4
    assert reg.zeros(sub.parameters) == 0
    assert np.count_nonzero(np.abs(sub.parameters) < 1e-3) > 200  # hovering near 0, never on it
    assert reg.zeros(l2.parameters) == 0


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=20), st.floats(0.0, 2.0))
def test_soft_threshold_is_zero_within_t_and_shrinks_by_t_beyond(values, t):
    theta = np.array(values)
    out = reg.soft_threshold(theta, t)
    assert np.all(out[np.abs(theta) <= t] == 0.0)
    big = np.abs(theta) > t
    assert np.allclose(np.abs(out[big]), np.abs(theta[big]) - t)
    assert np.all(np.sign(out[big]) == np.sign(theta[big]))


def _first_update(s):
    """θ₀, ∇f(θ₀) and θ₁ of a one-epoch run (the data loss's gradient written by hand)."""
    net = reg.network(s)
    theta0 = net.parameters.copy()
    d = reg.data(s)
    out = net.forward(d.x_train[:, None])
    net.backward(2.0 * (out - d.y_train[:, None]) / s.points)
    return theta0, net.gradients.copy(), reg.train(dataclasses.replace(s, epochs=1)).parameters


@pytest.mark.parametrize("lam", [0.01, 0.3])
def test_coupled_and_decoupled_first_steps_match_the_hand_computed_updates(lam):
    eps, b1, b2 = 1e-8, 0.9, 0.999
    s = reg.Settings(lam=lam, epochs=1)
    theta, g, adam = _first_update(s)
    gc = g + lam * theta  # Adam: λθ joins the gradient, then m̂/√v̂ (t = 1: m̂ = g, v̂ = g²)
    m, v = (1 - b1) * gc / (1 - b1), (1 - b2) * gc**2 / (1 - b2)
    assert np.allclose(adam, theta - 0.02 * m / (np.sqrt(v) + eps), rtol=1e-12, atol=1e-15)
    _, _, adamw = _first_update(dataclasses.replace(s, optimizer="adamw"))
    m, v = g, g**2
    expected = theta * (1 - 0.02 * lam) - 0.02 * m / (np.sqrt(v) + eps)
    assert np.allclose(adamw, expected, rtol=1e-12, atol=1e-15)
    _, _, sgd = _first_update(dataclasses.replace(s, optimizer="sgd"))
    assert np.allclose(sgd, theta * (1 - 0.1 * lam) - 0.1 * g, rtol=1e-12, atol=1e-15)


def test_sgd_s_coupled_weight_decay_is_the_decoupled_shrink():
    """θ − γ(∇f + λθ) = θ(1 − γλ) − γ∇f: the same update, so SGD has nothing to decouple."""
    s = reg.Settings(optimizer="sgd", lam=0.1, epochs=20)
    coupled = reg.train(s)
    net = reg.network(s)
    d = reg.data(s)
    p = net.parameters
    for _ in range(20):
        out = net.forward(d.x_train[:, None])
        net.backward(2.0 * (out - d.y_train[:, None]) / s.points)
        p[:] = p * (1 - 0.1 * 0.1) - 0.1 * net.gradients
    assert np.allclose(coupled.parameters, p, rtol=1e-10, atol=1e-13)


def test_with_the_same_lambda_adam_s_coupled_l2_shrinks_the_weights_more_than_adamw():
    none = reg.train(reg.Settings())
    adam = reg.train(reg.Settings(lam=0.01))
    adamw = reg.train(reg.Settings(lam=0.01, optimizer="adamw"))
    assert adam.norm[-1] < 0.5 * adamw.norm[-1]
    assert adamw.norm[-1] < none.norm[-1]


def test_check_names_the_bad_setting():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        reg.train(reg.Settings(optimizer="lbfgs"))
    with pytest.raises(ValueError, match=r"lam must be in \[0, 1\]"):
        reg.train(reg.Settings(lam=2.0))
    with pytest.raises(ValueError, match=r"epoch must be in \[0, 350\]"):
        reg.restore(reg.Settings(), 351)


@given(CURVES, st.integers(1, 30), st.integers(0, 30))
@settings(max_examples=200, deadline=None)
def test_a_larger_patience_restores_a_validation_loss_as_low_or_lower(values, patience, more):
    small = reg.early_stopping(values, patience)
    large = reg.early_stopping(values, patience + more)
    assert values[large.best_epoch] <= values[small.best_epoch]


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_l1_soft_threshold_is_gamma_lambda_for_sgd_and_divided_by_adams_sqrt_v_hat(optimizer):
    s = reg.Settings(width=8, epochs=1, penalty="l1", lam=0.05, optimizer=optimizer)
    d = reg.data(s)
    net = reg.network(s)
    p0 = net.parameters.copy()
    x, y = d.x_train[:, None], d.y_train[:, None]
    fused.forward_backward(net)(x, lambda out: 2.0 * (out - y) / s.points)
    g = net.gradients.copy()
    if optimizer == "sgd":
        step, scale = s.lr * g, 1.0
    else:  # Adam's first step: m̂ = g, v̂ = g², so D = |g| + ε
        scale = np.abs(g) + 1e-8
        step = s.lr * g / scale
    expected = reg.soft_threshold(p0 - step, s.lr * s.lam / scale)
    assert np.allclose(reg.train(s).parameters, expected, rtol=1e-12, atol=1e-15)


def test_l1_with_adam_shrinks_the_norm_and_never_raises_the_total_loss():
    s = reg.Settings(penalty="l1", lam=0.01)
    fit, plain = reg.train(s), reg.train(dataclasses.replace(s, lam=0.0))
    assert fit.norm[-1] < 0.25 * plain.norm[-1]
    assert np.all(np.diff(fit.total_loss) <= 1e-6 * fit.total_loss[:-1])
