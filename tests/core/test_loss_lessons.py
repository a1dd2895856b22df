"""Sections 4–6 of the backprop page: every number the page states, checked on core's data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import loss_lessons as L


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --- the loss curves -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(L.CURVES),
    y=st.sampled_from([0, 1]),
    z=st.floats(-8.0, 8.0),
    convention=st.sampled_from(L.CONVENTIONS),
    target_class=st.integers(0, 2),
)
def test_every_curve_s_gradient_matches_central_differences(name, y, z, convention, target_class):
    h = 1e-5
    zs = np.array([z - h, z, z + h])
    c = L.curve(name, y, zs, convention, target_class)
    numeric = (c.loss[2] - c.loss[0]) / (2 * h)
    assert c.grad[1] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("y", [0, 1])
def test_mse_on_the_sigmoid_is_torch_s_without_the_half_and_half_of_it_with(y):
    z = np.array([-2.0, 0.5, 3.0])
    torch = L.curve("mse_sigmoid", y, z, "torch")
    half = L.curve("mse_sigmoid", y, z, "half")
    sigma = np.array([_sigmoid(v) for v in z])
    np.testing.assert_allclose(torch.loss, (sigma - y) ** 2, rtol=1e-12)
    np.testing.assert_allclose(half.loss, 0.5 * torch.loss, rtol=1e-12)
    np.testing.assert_allclose(torch.grad, 2 * (sigma - y) * sigma * (1 - sigma), rtol=1e-12)


@pytest.mark.parametrize("y", [0, 1])
def test_bce_on_the_sigmoid_and_bce_with_logits_agree_and_their_gradient_is_sigma_minus_y(y):
    z = np.linspace(-10, 10, 41)
    a, b = L.curve("bce_sigmoid", y, z), L.curve("bce_with_logits", y, z)
    np.testing.assert_allclose(a.loss, b.loss, rtol=1e-9, atol=1e-12)
    sigma = np.array([_sigmoid(v) for v in z])
    np.testing.assert_allclose(b.grad, sigma - y, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("target_class", [0, 1, 2])
def test_softmax_cross_entropy_s_gradient_is_p_minus_onehot(target_class):
    z = np.linspace(-5, 5, 11)
    c = L.curve("cross_entropy", 0, z, target_class=target_class)
    p0 = np.exp(z) / (np.exp(z) + 2.0)
    np.testing.assert_allclose(c.grad, p0 - (target_class == 0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(c.loss, -np.log(p0 if target_class == 0 else 1 / (np.exp(z) + 2)))


def test_the_squared_error_gradient_vanishes_at_both_ends_while_cross_entropy_s_does_not():
    cs = L.curves(0)
    mse, ce = cs["mse_sigmoid"], cs["bce_with_logits"]
    right = cs["mse_sigmoid"].z == L.Z_RANGE[1]
    assert abs(mse.grad[right][0]) < 1e-3  # wrong and sure of it: σ = 0.99995 yet no push
    assert ce.grad[right][0] > 0.9999


def test_curves_cover_the_z_range_evenly():
    cs = L.curves(1, points=11)
    assert set(cs) == set(L.CURVES)
    np.testing.assert_allclose(cs["bce_sigmoid"].z, np.linspace(-10, 10, 11))


def test_curve_refuses_an_unknown_name_and_a_bad_target():
    with pytest.raises(ValueError, match="unknown curve"):
        L.curve("hinge", 0, [0.0])
    with pytest.raises(ValueError, match="unknown target"):
        L.curve("mse_sigmoid", 2, [0.0])
    with pytest.raises(ValueError, match="unknown convention"):
        L.curve("mse_sigmoid", 0, [0.0], "keras")


# --- the saturated sigmoid -------------------------------------------------------------------


def test_the_saturated_sigmoid_s_numbers_at_z_4_are_the_ones_the_page_states():
    s = L.saturation()
    assert s.z == 4.0
    assert s.y == 0.0
    assert round(s.sigma, 3) == 0.982
    assert round(s.dsigma, 4) == 0.0177
    assert s.sigma == pytest.approx(_sigmoid(4.0), rel=1e-12)
    assert s.dsigma == pytest.approx(_sigmoid(4.0) * (1 - _sigmoid(4.0)), rel=1e-12)
    # ½(σ − y)²: (σ − y)σ′ = 0.01735, 0.0173 to three figures (the 0.0174 is the
    # product of the rounded factors 0.982 × 0.0177 = 0.01738); torch's (σ − y)² gives twice it
    assert round(s.grad_half, 5) == 0.01735
    assert round(s.grad_half, 4) == 0.0173
    assert round(0.982 * 0.0177, 4) == 0.0174
    assert s.grad_torch == pytest.approx(2 * s.grad_half, rel=1e-12)
    assert round(s.grad_torch, 4) == 0.0347
    assert round(s.grad_ce, 3) == 0.982
    assert s.ratio == pytest.approx(1 / (s.sigma * (1 - s.sigma)), rel=1e-12)
    assert round(s.ratio, 1) == 56.6
    assert round(s.ratio_torch, 1) == 28.3


@given(z=st.floats(-20, 20), y=st.sampled_from([0, 1]))
def test_cross_entropy_over_half_squared_error_is_one_over_sigma_prime(z, y):
    s = L.saturation(z, y)
    if s.grad_half != 0.0:
        assert s.ratio == pytest.approx(1 / s.dsigma, rel=1e-9)
        assert s.ratio >= 4.0 * (
            1 - 1e-12
        )  # σ′ ≤ ¼: cross-entropy's push is never less than 4× ½-MSE's


# --- Nielsen's experiment --------------------------------------------------------------------


@pytest.mark.parametrize("loss_name", L.NIELSEN_LOSSES)
@pytest.mark.parametrize("start", L.NIELSEN_STARTS)
def test_nielsen_s_first_step_matches_the_hand_computed_one(loss_name, start):
    w0, b0 = start
    run = L.nielsen(loss_name, w0, b0, 0.15, 10)
    a = _sigmoid(w0 + b0)
    dz = a * a * (1 - a) if loss_name == "quadratic" else a  # ½a² → a·σ′; CE → a − 0
    assert run.w[0] == w0
    assert run.b[0] == b0
    assert run.output[0] == pytest.approx(a, rel=1e-12)
    assert run.loss[0] == pytest.approx(
        0.5 * a * a if loss_name == "quadratic" else -math.log(1 - a)
    )
    assert run.w[1] == pytest.approx(w0 - 0.15 * dz, rel=1e-12)
    assert run.b[1] == pytest.approx(b0 - 0.15 * dz, rel=1e-12)
    assert len(run.loss) == 11


@pytest.mark.parametrize("loss_name", L.NIELSEN_LOSSES)
def test_with_input_1_w_and_b_get_the_same_update_so_w_minus_b_never_changes(loss_name):
    for w0, b0 in L.NIELSEN_STARTS:
        run = L.nielsen(loss_name, w0, b0)
        np.testing.assert_allclose(run.w - run.b, w0 - b0, atol=1e-12)


def test_nielsen_s_start_0_6_0_9_outputs_0_82_and_2_2_outputs_0_98():
    assert round(L.nielsen("quadratic", 0.6, 0.9).output[0], 2) == 0.82
    assert round(L.nielsen("quadratic", 2.0, 2.0).output[0], 2) == 0.98


def test_from_2_2_the_quadratic_cost_barely_moves_for_100_epochs_while_cross_entropy_learns():
    q, c = L.nielsen_pair(2.0, 2.0, L.NIELSEN_LR, L.NIELSEN_LR, L.NIELSEN_EPOCHS)
    assert q.loss[100] > 0.95 * q.loss[0]  # the saturated start
    assert (round(q.loss[0], 3), round(q.loss[100], 3)) == (0.482, 0.465)
    assert (round(c.loss[0], 2), round(c.loss[100], 3)) == (4.02, 0.042)
    assert c.loss[100] < 0.02 * c.loss[0]  # 4.02 → 0.042
    assert q.loss[-1] < 0.05  # it gets there in the end (0.021 at 300)
    assert L.epochs_to_reach(c, 0.1) < 60 < L.epochs_to_reach(q, 0.1)


def test_from_0_6_0_9_both_costs_fall_from_the_start():
    q, c = L.nielsen_pair(0.6, 0.9, L.NIELSEN_LR, L.NIELSEN_LR, L.NIELSEN_EPOCHS)
    assert q.loss[50] < 0.3 * q.loss[0]
    assert c.loss[50] < 0.1 * c.loss[0]


def test_with_nielsen_s_own_rate_0_005_cross_entropy_still_starts_learning_at_once_from_2_2():
    c = L.nielsen("cross_entropy", 2.0, 2.0, 0.005, 300)
    q = L.nielsen("quadratic", 2.0, 2.0, 0.15, 300)
    early_c = (c.loss[0] - c.loss[20]) / c.loss[0]
    early_q = (q.loss[0] - q.loss[20]) / q.loss[0]
    assert early_c > 10 * early_q


@given(lr=st.floats(0.001, 0.5), start=st.sampled_from(L.NIELSEN_STARTS))
@settings(max_examples=25, deadline=None)
def test_a_small_enough_step_never_raises_either_cost(lr, start):
    for run in L.nielsen_pair(*start, lr, lr, 50):
        assert np.all(np.diff(run.loss) <= 1e-15)


def test_nielsen_refuses_a_rate_out_of_range():
    with pytest.raises(ValueError, match="lr must be in"):
        L.nielsen("quadratic", 0.6, 0.9, 5.0)
    with pytest.raises(ValueError, match="unknown loss"):
        L.nielsen("mse", 0.6, 0.9)


# --- which output for which task -------------------------------------------------------------


def test_a_sigmoid_output_cannot_fit_targets_past_1_and_a_linear_one_can():
    lin, sig = L.regression("linear"), L.regression("sigmoid")
    assert lin.y.max() == 3.0
    assert sig.prediction.max() < 1.0
    assert sig.loss[-1] > 1.0  # stuck above the floor: the targets above 1 are out of reach
    assert lin.loss[-1] < 1e-3
    floor = float(np.mean(np.maximum(sig.y - 1.0, 0.0) ** 2))
    assert sig.loss[-1] > floor


def test_mse_on_one_hot_targets_through_a_softmax_learns_slowly_from_a_confident_mistake():
    ce, mse = L.softmax_classify("cross_entropy"), L.softmax_classify("mse_softmax")
    assert ce.p_true[0] == mse.p_true[0] < 0.01
    assert ce.p_true[100] > 0.95
    assert mse.p_true[100] < 0.01  # still sure of the wrong class after 100 epochs
    assert mse.loss[100] > 0.99 * mse.loss[0]
    assert round(ce.p_true[0], 4) == 0.0025
    assert round(mse.p_true[300], 2) == 0.83  # it does get there, after 300 epochs


# --- numerical stability ---------------------------------------------------------------------


def test_bce_with_logits_is_exact_at_every_logit_of_the_table():
    for y in (0, 1):
        s = L.stability(y)
        sign = 1.0 if y == 0 else -1.0  # the loss is softplus(z) for y = 0, softplus(−z) for y = 1
        exact = np.array([math.log1p(math.exp(-abs(v))) + max(sign * v, 0) for v in s.z])
        np.testing.assert_allclose(s.exact, exact, rtol=1e-12, atol=0)
        assert np.all(np.isfinite(s.exact))


def test_sigmoid_then_log_is_inf_once_sigma_rounds_to_1_from_z_37_and_torch_clamps_it_at_100():
    s = L.stability(0)
    broken = s.z[np.isinf(s.naive)]
    assert broken.min() == 37.0
    assert np.all(s.z[np.isfinite(s.naive)] < 37.0)
    assert np.all(s.clamped[s.z >= 37.0] == 100.0)  # the true losses are 37, 40, 100, 710, 1000
    np.testing.assert_allclose(s.exact[s.z >= 37.0], s.z[s.z >= 37.0], rtol=1e-12)
    assert s.clamped[s.z == 1000.0][0] == 100.0
    assert s.exact[s.z == 1000.0][0] == 1000.0


def test_for_target_1_the_naive_loss_is_inf_only_once_e_to_minus_z_overflows_past_709():
    s = L.stability(1)
    assert set(s.z[np.isinf(s.naive)]) == {-1000.0, -710.0}
    assert set(s.z[s.overflow]) == {-1000.0, -710.0}
    assert np.all(s.clamped[s.z <= -100.0] == 100.0)
    assert s.exact[s.z == -710.0][0] == 710.0


def test_torch_s_gradient_through_the_sigmoid_collapses_while_sigma_minus_y_stays_1():
    s = L.stability(0)
    np.testing.assert_allclose(s.exact_grad[s.z >= 30.0], 1.0, rtol=1e-12)
    assert np.all(s.clamped_grad[s.z >= 37.0] == 0.0)
    assert s.clamped_grad[s.z == 30.0][0] < 0.1  # p(1 − p) below torch's 1e-12 floor
    assert s.clamped_grad[s.z == 10.0][0] == pytest.approx(s.exact_grad[s.z == 10.0][0], rel=1e-9)


def test_log_sum_exp_stays_finite_where_the_naive_softmax_returns_inf():
    lse = L.log_sum_exp()
    exact = 2 * lse.scale + np.log1p(np.exp(-lse.scale) + np.exp(-2 * lse.scale))
    np.testing.assert_allclose(lse.stable, exact, rtol=1e-12)
    assert np.all(np.isfinite(lse.stable))
    assert set(lse.scale[np.isinf(lse.naive)]) == {400.0, 1000.0}
    finite = np.isfinite(lse.naive)
    np.testing.assert_allclose(lse.naive[finite], exact[finite], rtol=1e-9)
