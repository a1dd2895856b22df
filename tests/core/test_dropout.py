"""core.dropout: torch's inverted dropout on a small network, measured statistically.

Every statistical check is a bound of five standard errors from its own sample size, at fixed
seeds (and a few hypothesis-drawn p), so a failure means a wrong rule, not bad luck.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import dropout as D
from core import nn

HYPOTHESIS = settings(max_examples=15, deadline=None, database=None)
Z = 5.0  # standard errors


@pytest.fixture(scope="module")
def views():
    """(run, passes, mc) at three drop probabilities."""
    out = {}
    for p in (0.2, 0.5, 0.8):
        run = D.train(p, 0)
        view = D.passes(run)
        out[p] = (run, view, D.monte_carlo(view))
    return out


@HYPOTHESIS
@given(p=st.floats(0.05, 0.9), seed=st.integers(0, 2**16))
def test_train_mode_expectation_equals_eval_mode_for_a_linear_layer(p, seed):
    """E over masks of Linear(Dropout(x)) in train() is Linear(x) in eval()."""
    net = nn.Sequential(nn.Dropout(p, seed=seed), nn.Linear(6, 3, seed=seed))
    x = np.random.default_rng(seed).normal(size=(1, 6))
    draws = 20_000
    outs = net.train().forward(np.repeat(x, draws, axis=0))
    expected = net.eval().forward(x)[0]
    se = outs.std(axis=0, ddof=1) / np.sqrt(draws)
    assert np.all(np.abs(outs.mean(axis=0) - expected) <= Z * se + 1e-12)


@HYPOTHESIS
@given(p=st.floats(0.0, 1.0), seed=st.integers(0, 2**16))
def test_keep_mask_keeps_one_minus_p_of_the_units(p, seed):
    n = 50_000
    rate = D.keep_mask((n,), p, np.random.default_rng(seed)).mean()
    assert abs(rate - (1 - p)) <= Z * np.sqrt(p * (1 - p) / n) + 1e-12


def test_keep_mask_is_core_nn_dropouts_mask_for_the_same_generator():
    layer = nn.Dropout(0.3, seed=5)
    x = np.ones((40, 8))
    layer.forward(x)
    assert np.array_equal(layer.mask, D.keep_mask(x.shape, 0.3, np.random.default_rng(5)))


def test_inverted_is_core_nn_dropouts_training_forward_given_its_mask():
    layer = nn.Dropout(0.4, seed=2)
    x = np.random.default_rng(0).normal(size=(10, 8))
    y = layer.forward(x)
    assert np.array_equal(y, D.inverted(x, layer.mask, 0.4))
    assert np.array_equal(D.inverted(x, np.ones_like(x, bool), 1.0), np.zeros_like(x))


def test_classic_rules_scale_by_the_keep_probability_at_test_time():
    x = np.array([2.0, -4.0])
    assert np.array_equal(D.classic_train(x, [True, False]), [2.0, 0.0])
    assert np.allclose(D.classic_test(x, 0.25), [1.5, -3.0])


def test_eval_output_is_deterministic_and_is_the_sequential_in_eval_mode(views):
    run = views[0.5][0]
    net = D.network(0.5, 0)
    net.load_parameters(run.weights)
    net.eval()
    a = net.forward(D.GRID[:, None])[:, 0]
    b = net.forward(D.GRID[:, None])[:, 0]
    assert np.array_equal(a, b)
    assert np.allclose(D.eval_output(run, D.GRID), a, rtol=0, atol=1e-13)


def test_train_mode_passes_on_the_sequential_match_ours_in_distribution(views):
    """Our vectorized train-mode forward against core.nn's Sequential in train(): same mean and
    spread at x = X0 within five standard errors (their random streams differ)."""
    run, view, _ = views[0.5]
    net = D.network(0.5, 0)
    net.load_parameters(run.weights)
    theirs = net.train().forward(np.full((D.T_MAX, 1), D.X0))[:, 0]
    ours = view.at_x0
    se = np.sqrt(ours.var(ddof=1) / len(ours) + theirs.var(ddof=1) / len(theirs))
    assert abs(ours.mean() - theirs.mean()) <= Z * se
    assert abs(ours.std() / theirs.std() - 1) < 0.1


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_inverted_and_classic_each_agree_with_their_test_time_value(p, views):
    u = D.unit(views[p][0])
    se_i = u.inverted.std(ddof=1) / np.sqrt(u.draws)
    se_c = u.classic.std(ddof=1) / np.sqrt(u.draws)
    assert abs(u.inverted.mean() - u.eval_value) <= Z * se_i
    assert abs(u.classic.mean() - u.classic_value) <= Z * se_c


def test_convnetjs_scaling_by_p_is_right_only_at_one_half(views):
    half = D.unit(views[0.5][0])
    assert half.convnetjs_value == pytest.approx(half.classic_value, abs=1e-12)
    low = D.unit(views[0.2][0])
    se = low.classic.std(ddof=1) / np.sqrt(low.draws)
    assert abs(low.convnetjs_value - low.classic.mean()) > Z * se


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_mc_average_converges_to_its_limit_at_one_over_sqrt_t(p, views):
    _, _, mc = views[p]
    assert -0.65 < D.slope(mc.ts, mc.to_limit) < -0.35
    ratio = mc.to_limit * np.sqrt(mc.ts) / mc.sigma
    assert np.all((ratio > 0.2) & (ratio < 3.0))


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_exact_mc_limit_is_the_mean_of_many_passes(p, views):
    _, view, _ = views[p]
    se = view.outputs.std(axis=0, ddof=1) / np.sqrt(len(view.outputs))
    assert np.all(np.abs(view.outputs.mean(axis=0) - view.limit) <= Z * se)


def test_mc_limit_enumeration_matches_both_masks_enumerated():
    """Enumerating only the first mask is exact: against a brute force over a 3-unit net's
    2³ × 2³ mask pairs, written out here."""
    run = D.train(0.4, 1)
    x = np.array([-1.0, 0.5, 2.0])
    w, p = run.weights, run.p
    masks = np.array(np.meshgrid(*[[0.0, 1.0]] * D.WIDTH, indexing="ij")).reshape(D.WIDTH, -1).T
    prob = np.prod(np.where(masks == 1, 1 - p, p), axis=1)
    h1 = np.tanh(x[:, None] @ w["0.weight"].T + w["0.bias"])
    total = np.zeros(len(x))
    for m1, q1 in zip(masks, prob, strict=True):
        h2 = np.tanh((h1 * m1 / (1 - p)) @ w["3.weight"].T + w["3.bias"])
        # the second mask, summed out exactly: E[m₂]/(1 − p) = 1 per unit
        second = (h2 * masks[:, None, :] / (1 - p)) @ w["6.weight"][0] + w["6.bias"][0]
        total += q1 * (prob @ second)
    assert np.allclose(D.mc_limit(run, x), total, rtol=0, atol=1e-12)


def test_mc_average_stops_at_a_gap_from_eval_for_the_nonlinear_network(views):
    """E[f(x; m)] ≠ f(x): the gap is far above what T_MAX passes still miss."""
    for p in (0.5, 0.8):
        _, _, mc = views[p]
        assert mc.gap > 3 * mc.reference()[-1]
        assert mc.to_eval[-1] > 0.5 * mc.gap


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropconnect_keeps_one_minus_p_of_the_weights(p, views):
    _, view, _ = views[p]
    n = D.CONNECT_PASSES * (len(D.GRID) + 1) * D.WIDTH * (D.WIDTH + 1)
    assert abs(view.connect_keep_rate - (1 - p)) <= Z * np.sqrt(p * (1 - p) / n)
    drawn = view.weight_mask.mean()
    assert abs(drawn - (1 - p)) <= Z * np.sqrt(p * (1 - p) / view.weight_mask.size)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropconnect_spreads_less_than_dropout_at_the_same_p(p, views):
    """drop_mc.md: a dropped unit silences all its weights at once, DropConnect one by one."""
    _, view, _ = views[p]
    passes = len(view.dropconnect)
    assert view.dropconnect.std(axis=0).mean() < view.outputs[:passes].std(axis=0).mean()


def test_p_zero_keeps_every_unit_and_train_mode_is_eval_mode():
    run = D.train(0.0, 0)
    view = D.passes(run)
    assert run.masks.all()
    assert np.allclose(view.outputs, view.eval_out, rtol=0, atol=1e-12)
    assert np.allclose(view.dropconnect, view.eval_out, rtol=0, atol=1e-12)
    assert view.connect_keep_rate == 1.0


def test_training_masks_keep_about_one_minus_p():
    run = D.train(0.5, 3)
    n = run.masks.size
    assert abs(run.masks.mean() - 0.5) <= Z * np.sqrt(0.25 / n)
    assert np.isfinite(run.loss).all()


def test_training_fits_the_data_better_than_its_mean():
    run = D.train(0.2, 0)
    fit = D.eval_output(run, run.x[:, 0])
    assert np.mean((fit - run.y[:, 0]) ** 2) < 0.5 * np.var(run.y)


def test_network_refuses_a_drop_probability_outside_its_range():
    with pytest.raises(ValueError, match=r"dropout probability p must be in \[0, 0.9\]"):
        D.network(0.95, 0)
    with pytest.raises(ValueError, match="T must be in"):
        D.mc_mean(D.passes(D.train(0.1, 0)), 0)


def test_a_dropped_unit_passes_no_gradient():
    """drop_masks.md: the backward pass uses the same mask."""
    layer = nn.Dropout(0.5, seed=1)
    layer.forward(np.ones((20, 8)))
    g = layer.backward(np.ones((20, 8)))
    assert np.all(g[~layer.mask] == 0)
    assert np.allclose(g[layer.mask], 2.0)


def test_train_mode_outputs_spread_more_as_p_grows(views):
    """drop_spread.md: predictions scatter more as p grows (at every input of the grid)."""
    spreads = [views[p][1].outputs.std(axis=0) for p in (0.2, 0.5, 0.8)]
    assert np.all(spreads[0] < spreads[1])
    assert np.all(spreads[1] < spreads[2])


@HYPOTHESIS
@given(n=st.integers(1, 60), window=st.integers(1, 30), seed=st.integers(0, 99))
def test_running_mean_is_the_mean_of_the_last_window_values(n, window, seed):
    v = np.random.default_rng(seed).normal(size=n)
    expected = [v[max(0, i + 1 - window) : i + 1].mean() for i in range(n)]
    np.testing.assert_allclose(D.running_mean(v, window), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.5])
def test_the_training_loss_trend_falls_after_the_steps_shown(p):
    """The loss chart's trend line: the mini-batch loss falls after the recorded steps."""
    trend = D.running_mean(D.train(p, 0).loss)
    assert trend[-1] < 0.8 * trend[D.SHOWN_STEPS]
