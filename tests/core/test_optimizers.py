"""torch.optim's update rules, checked step by step against arithmetic written out by hand.

Most hand computations use f(p) = ½|p|² (∇f = p) or a constant gradient, lr = 0.1, so every
intermediate is a short decimal. rel=1e-12 absorbs the last-bit rounding of literals like 0.9
against 1 − 0.1 in binary; any slip in a rule (a missing bias correction, eps in the wrong
place, a dampened first momentum step) changes the result in the third digit or earlier.
"""

import math
import pickle
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import surfaces
from core.optimizers import DEFAULTS, LATEX, NAMES, REGISTRY, Trace, hparams, run, trace

HYPOTHESIS = settings(max_examples=100, deadline=None, database=None)
REL = 1e-12
EPS8 = 1e-8  # Adam's and RMSprop's default eps


def quadratic(p):
    """∇ of f(p) = ½|p|²."""
    return np.array(p, dtype=float)


def constant(*values):
    """A gradient that ignores p."""
    g = np.array(values, dtype=float)
    return lambda p: g.copy()


def scripted(*values):
    """A gradient returning the given 1-D values in turn, whatever p is."""
    it = iter(values)
    return lambda p: np.array([next(it)], dtype=float)


def path(name, gradient, start, steps, **hp):
    return run(name, gradient, np.atleast_1d(np.asarray(start, dtype=float)), steps, **hp)


def strict(fn, *args, **kwargs):
    """fn(*args) with every floating-point warning or error raised as an exception."""
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


# --- contract ---------------------------------------------------------------------------------


def test_names_include_the_seven_required_optimizers_in_registry_order():
    assert {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"} <= set(NAMES)
    assert tuple(REGISTRY) == NAMES
    assert tuple(DEFAULTS) == NAMES
    assert tuple(LATEX) == NAMES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "sgd",
            {
                "lr": 1e-3,
                "momentum": 0.0,
                "dampening": 0.0,
                "weight_decay": 0.0,
                "nesterov": False,
                "maximize": False,
            },
        ),
        (
            "momentum",
            {
                "lr": 1e-3,
                "momentum": 0.9,
                "dampening": 0.0,
                "weight_decay": 0.0,
                "nesterov": False,
                "maximize": False,
            },
        ),
        (
            "nesterov",
            {
                "lr": 1e-3,
                "momentum": 0.9,
                "dampening": 0.0,
                "weight_decay": 0.0,
                "nesterov": True,
                "maximize": False,
            },
        ),
        (
            "adagrad",
            {
                "lr": 1e-2,
                "lr_decay": 0.0,
                "weight_decay": 0.0,
                "initial_accumulator_value": 0.0,
                "eps": 1e-10,
                "maximize": False,
            },
        ),
        (
            "rmsprop",
            {
                "lr": 1e-2,
                "alpha": 0.99,
                "eps": 1e-8,
                "weight_decay": 0.0,
                "momentum": 0.0,
                "centered": False,
                "maximize": False,
            },
        ),
        (
            "adadelta",
            {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0, "maximize": False},
        ),
        (
            "adam",
            {
                "lr": 1e-3,
                "betas": (0.9, 0.999),
                "eps": 1e-8,
                "weight_decay": 0.0,
                "amsgrad": False,
                "maximize": False,
            },
        ),
        (
            "adamw",
            {
                "lr": 1e-3,
                "betas": (0.9, 0.999),
                "eps": 1e-8,
                "weight_decay": 1e-2,
                "amsgrad": False,
                "maximize": False,
            },
        ),
        (
            "adamax",
            {
                "lr": 2e-3,
                "betas": (0.9, 0.999),
                "eps": 1e-8,
                "weight_decay": 0.0,
                "maximize": False,
            },
        ),
        (
            "nadam",
            {
                "lr": 2e-3,
                "betas": (0.9, 0.999),
                "eps": 1e-8,
                "weight_decay": 0.0,
                "momentum_decay": 4e-3,
                "decoupled_weight_decay": False,
                "maximize": False,
            },
        ),
    ],
)
def test_defaults_are_torchs(name, expected):
    assert DEFAULTS[name] == expected
    assert list(DEFAULTS[name]) == list(expected)  # torch's argument order
    assert hparams(name) == expected


def test_torch_class_of_each_entry():
    classes = {name: REGISTRY[name].torch_class for name in NAMES}
    assert classes["momentum"] == classes["nesterov"] == classes["sgd"] == "SGD"
    assert classes["adamw"] == "AdamW"
    assert classes["rmsprop"] == "RMSprop"


def test_editing_defaults_does_not_change_runs():
    DEFAULTS["sgd"]["lr"] = 0.5
    try:
        assert path("sgd", quadratic, 1.0, 1)[1, 0] == pytest.approx(1.0 - 1e-3, rel=REL)
    finally:
        DEFAULTS["sgd"]["lr"] = 1e-3


@pytest.mark.parametrize("name", NAMES)
def test_latex_is_an_aligned_block_of_update_equations(name):
    latex = LATEX[name]
    assert latex.startswith(r"\begin{aligned}")
    assert latex.endswith(r"\end{aligned}")
    assert r"\theta_t" in latex
    assert latex.count(r"\begin{") == latex.count(r"\end{")


def test_latex_shows_each_optimizers_distinguishing_term():
    assert r"(g_t + \mu\,b_t)" in LATEX["nesterov"]
    assert r"(1 - \tau)" in LATEX["momentum"]
    assert r"1 - \beta_1^t" in LATEX["adam"]
    assert r"(1 - \gamma\lambda)" in LATEX["adamw"]
    assert r"\sqrt{\hat v_t} + \epsilon" in LATEX["adam"]
    assert r"\bar g_t" in LATEX["rmsprop"]


@pytest.mark.parametrize("name", NAMES)
def test_run_returns_steps_plus_one_points_starting_at_start(name):
    start = np.array([0.5, -0.25])
    points = run(name, quadratic, start, 7)
    assert points.shape == (8, 2)
    assert points.dtype == np.float64
    np.testing.assert_array_equal(points[0], start)
    assert start.tolist() == [0.5, -0.25]  # not modified in place
    np.testing.assert_array_equal(points, trace(name, quadratic, start, 7).points)


def test_zero_steps_return_only_the_start():
    tr = trace("adam", quadratic, [1.0, 2.0], 0)
    assert tr.points.tolist() == [[1.0, 2.0]]
    assert tr.grads.shape == (0, 2)
    assert tr.updates.shape == (0, 2)
    assert all(v.shape == (0, 2) for v in tr.state.values())
    assert tr.diverged_at is None
    assert tr.steps == 0


def test_specs_pickle_for_caching():
    spec = REGISTRY["adam"]
    assert pickle.loads(pickle.dumps(spec)) == spec


# --- SGD family -------------------------------------------------------------------------------


def test_sgd_first_steps_by_hand():
    points = path("sgd", quadratic, [1.0, -2.0], 2, lr=0.1)
    # p₁ = p₀ − 0.1·p₀ = (0.9, −1.8); p₂ = 0.9·p₁ = (0.81, −1.62)
    np.testing.assert_allclose(points, [[1.0, -2.0], [0.9, -1.8], [0.81, -1.62]], rtol=REL)


def test_momentum_first_step_uses_the_gradient_itself_as_buffer():
    tr = trace("momentum", quadratic, [1.0], 3, lr=0.1)
    # t=1: b = g₁ = 1 (torch clones the gradient; not 0.1 = (1 − 0.9)·g, not 0·0.9 + g)
    #      p₁ = 1 − 0.1·1 = 0.9
    # t=2: g₂ = 0.9, b = 0.9·1 + 0.9 = 1.8, p₂ = 0.9 − 0.18 = 0.72
    # t=3: g₃ = 0.72, b = 0.9·1.8 + 0.72 = 2.34, p₃ = 0.72 − 0.234 = 0.486
    np.testing.assert_allclose(tr.points[:, 0], [1.0, 0.9, 0.72, 0.486], rtol=REL)
    np.testing.assert_allclose(tr.state["momentum_buffer"][:, 0], [1.0, 1.8, 2.34], rtol=REL)


def test_dampening_skips_the_first_step_and_scales_later_gradients():
    points = path("momentum", quadratic, 1.0, 3, lr=0.1, dampening=0.5)
    # t=1: b = g₁ = 1 (no dampening on the first step), p₁ = 0.9
    # t=2: b = 0.9·1 + (1 − 0.5)·0.9 = 1.35, p₂ = 0.9 − 0.135 = 0.765
    # t=3: b = 0.9·1.35 + 0.5·0.765 = 1.5975, p₃ = 0.765 − 0.15975 = 0.60525
    np.testing.assert_allclose(points[:, 0], [1.0, 0.9, 0.765, 0.60525], rtol=REL)


def test_nesterov_steps_along_gradient_plus_momentum_times_buffer():
    tr = trace("nesterov", quadratic, [1.0], 2, lr=0.1)
    # t=1: b = g₁ = 1, step direction g₁ + 0.9·b = 1.9, p₁ = 1 − 0.19 = 0.81
    # t=2: g₂ = 0.81, b = 0.9·1 + 0.81 = 1.71, direction 0.81 + 0.9·1.71 = 2.349,
    #      p₂ = 0.81 − 0.2349 = 0.5751
    np.testing.assert_allclose(tr.points[:, 0], [1.0, 0.81, 0.5751], rtol=REL)
    np.testing.assert_allclose(tr.state["momentum_buffer"][:, 0], [1.0, 1.71], rtol=REL)


def test_sgd_weight_decay_is_added_to_the_gradient():
    tr = trace("sgd", constant(2.0), [1.0], 2, lr=0.1, weight_decay=0.5)
    # t=1: d = 2 + 0.5·1 = 2.5, p₁ = 1 − 0.25 = 0.75
    # t=2: d = 2 + 0.5·0.75 = 2.375, p₂ = 0.75 − 0.2375 = 0.5125
    np.testing.assert_allclose(tr.points[:, 0], [1.0, 0.75, 0.5125], rtol=REL)
    assert tr.grads[:, 0].tolist() == [2.0, 2.0]  # grads are ∇f as the callable returned it


def test_sgd_weight_decay_enters_the_momentum_buffer():
    tr = trace("momentum", constant(2.0), [1.0], 2, lr=0.1, weight_decay=0.5)
    # t=1: d = 2.5, b = 2.5, p₁ = 0.75
    # t=2: d = 2 + 0.375 = 2.375, b = 0.9·2.5 + 2.375 = 4.625, p₂ = 0.75 − 0.4625 = 0.2875
    np.testing.assert_allclose(tr.points[:, 0], [1.0, 0.75, 0.2875], rtol=REL)
    np.testing.assert_allclose(tr.state["momentum_buffer"][:, 0], [2.5, 4.625], rtol=REL)


def test_plain_sgd_has_no_state():
    assert trace("sgd", quadratic, [1.0, 1.0], 3).state == {}


# --- Adagrad ----------------------------------------------------------------------------------


def test_adagrad_first_steps_by_hand():
    tr = trace("adagrad", quadratic, [1.0, -2.0], 2, lr=0.1)
    e = 1e-10
    # t=1: s = g² = (1, 4), p₁ = p₀ − 0.1·g/(√s + eps) = (1 − 0.1/(1 + e), −2 + 0.2/(2 + e))
    p1 = [1.0 - 0.1 * 1.0 / (1.0 + e), -2.0 + 0.1 * 2.0 / (2.0 + e)]
    # t=2: g = p₁, s = (1 + p₁[0]², 4 + p₁[1]²)
    s2 = [1.0 + p1[0] ** 2, 4.0 + p1[1] ** 2]
    p2 = [p1[i] - 0.1 * p1[i] / (math.sqrt(s2[i]) + e) for i in range(2)]
    np.testing.assert_allclose(tr.points, [[1.0, -2.0], p1, p2], rtol=REL)
    np.testing.assert_allclose(tr.state["sum"], [[1.0, 4.0], s2], rtol=REL)
    assert p1 == pytest.approx([0.9, -1.9], rel=1e-9)


def test_adagrad_lr_decay_and_initial_accumulator():
    points = path("adagrad", quadratic, 1.0, 2, lr=0.1, lr_decay=0.5, initial_accumulator_value=3)
    e = 1e-10
    # t=1: clr = 0.1/(1 + 0·0.5) = 0.1, s = 3 + 1 = 4, p₁ = 1 − 0.1·1/(2 + e) ≈ 0.95
    p1 = 1.0 - 0.1 * 1.0 / (2.0 + e)
    # t=2: clr = 0.1/(1 + 1·0.5), s = 4 + p₁², p₂ = p₁ − clr·p₁/(√s + e)
    p2 = p1 - (0.1 / 1.5) * p1 / (math.sqrt(4.0 + p1 * p1) + e)
    np.testing.assert_allclose(points[:, 0], [1.0, p1, p2], rtol=REL)


def test_adagrad_eps_is_added_after_the_square_root():
    # g = 1e-10 = eps: √s = 1e-10, step = lr·1e-10/(1e-10 + 1e-10) = lr/2 exactly.
    points = path("adagrad", constant(1e-10), 0.0, 1, lr=0.1)
    assert points[1, 0] == pytest.approx(-0.05, rel=REL)


# --- RMSprop ----------------------------------------------------------------------------------


def test_rmsprop_first_steps_by_hand():
    tr = trace("rmsprop", constant(2.0), [0.0], 2, lr=0.01)
    # t=1: v = 0.01·4 = 0.04, p₁ = −0.01·2/(√0.04 + 1e-8) = −0.02/0.20000001
    # t=2: v = 0.99·0.04 + 0.01·4 = 0.0796, p₂ = p₁ − 0.02/(√0.0796 + 1e-8)
    p1 = -0.02 / (0.2 + EPS8)
    p2 = p1 - 0.02 / (math.sqrt(0.0796) + EPS8)
    np.testing.assert_allclose(tr.points[:, 0], [0.0, p1, p2], rtol=REL)
    np.testing.assert_allclose(tr.state["square_avg"][:, 0], [0.04, 0.0796], rtol=REL)
    assert set(tr.state) == {"square_avg"}


def test_rmsprop_centered_subtracts_the_squared_mean_gradient():
    tr = trace("rmsprop", constant(2.0), [0.0], 2, lr=0.01, centered=True)
    # t=1: v = 0.04, ḡ = 0.01·2 = 0.02, denominator √(0.04 − 0.02²) + eps = √0.0396 + eps
    # t=2: v = 0.0796, ḡ = 0.99·0.02 + 0.01·2 = 0.0398, denominator √(0.0796 − 0.0398²) + eps
    p1 = -0.02 / (math.sqrt(0.0396) + EPS8)
    p2 = p1 - 0.02 / (math.sqrt(0.0796 - 0.0398**2) + EPS8)
    np.testing.assert_allclose(tr.points[:, 0], [0.0, p1, p2], rtol=REL)
    np.testing.assert_allclose(tr.state["grad_avg"][:, 0], [0.02, 0.0398], rtol=REL)


def test_rmsprop_momentum_buffer_starts_at_zero():
    tr = trace("rmsprop", constant(2.0), [0.0], 2, lr=0.01, momentum=0.9)
    # t=1: b = 0.9·0 + 2/(√0.04 + eps) ≈ 10, p₁ = −0.01·b₁ ≈ −0.1
    # t=2: b = 0.9·b₁ + 2/(√0.0796 + eps), p₂ = p₁ − 0.01·b₂
    b1 = 2.0 / (0.2 + EPS8)
    b2 = 0.9 * b1 + 2.0 / (math.sqrt(0.0796) + EPS8)
    np.testing.assert_allclose(tr.points[:, 0], [0.0, -0.01 * b1, -0.01 * b1 - 0.01 * b2], rtol=REL)
    np.testing.assert_allclose(tr.state["momentum_buffer"][:, 0], [b1, b2], rtol=REL)


def test_rmsprop_centered_with_momentum():
    tr = trace("rmsprop", constant(2.0), [1.0], 2, lr=0.01, momentum=0.5, centered=True)
    b1 = 2.0 / (math.sqrt(0.0396) + EPS8)
    b2 = 0.5 * b1 + 2.0 / (math.sqrt(0.0796 - 0.0398**2) + EPS8)
    np.testing.assert_allclose(
        tr.points[:, 0], [1.0, 1 - 0.01 * b1, 1 - 0.01 * (b1 + b2)], rtol=REL
    )
    assert set(tr.state) == {"square_avg", "momentum_buffer", "grad_avg"}


def test_rmsprop_weight_decay_is_added_to_the_gradient():
    points = path("rmsprop", constant(1.0), 2.0, 1, lr=0.01, weight_decay=0.5)
    # g = 1 + 0.5·2 = 2: the same step as test_rmsprop_first_steps_by_hand
    assert points[1, 0] == pytest.approx(2.0 - 0.02 / (0.2 + EPS8), rel=REL)


# --- Adadelta ---------------------------------------------------------------------------------


def test_adadelta_first_steps_by_hand():
    tr = trace("adadelta", constant(2.0), [0.0], 2)
    e = 1e-6
    # t=1: v = 0.1·4 = 0.4, Δ = √(0 + e)/√(0.4 + e)·2, u = 0.1·Δ², p₁ = −1·Δ
    d1 = math.sqrt(e) / math.sqrt(0.4 + e) * 2.0
    u1 = 0.1 * d1 * d1
    # t=2: v = 0.9·0.4 + 0.4 = 0.76, Δ = √(u₁ + e)/√(0.76 + e)·2
    d2 = math.sqrt(u1 + e) / math.sqrt(0.76 + e) * 2.0
    np.testing.assert_allclose(tr.points[:, 0], [0.0, -d1, -d1 - d2], rtol=REL)
    np.testing.assert_allclose(
        tr.state["acc_delta"][:, 0], [u1, 0.9 * u1 + 0.1 * d2 * d2], rtol=REL
    )


# --- Adam family ------------------------------------------------------------------------------


def test_adam_first_steps_by_hand_with_bias_corrections():
    tr = trace("adam", quadratic, [1.0], 2, lr=0.1)
    # t=1: m = 0.1·1 = 0.1, v = 0.001·1 = 0.001, m̂ = 0.1/(1 − 0.9) = 1, v̂ = 0.001/(1 − 0.999) = 1
    #      p₁ = 1 − 0.1·1/(√1 + 1e-8) ≈ 0.9
    p1 = 1.0 - (0.1 / 0.1) * 0.1 / (math.sqrt(0.001) / math.sqrt(0.001) + EPS8)
    # t=2: g = p₁, m = 0.09 + 0.1·p₁, v = 0.999·0.001 + 0.001·p₁²,
    #      bias corrections 1 − 0.81 = 0.19 and 1 − 0.998001 = 0.001999
    m2 = 0.9 * 0.1 + 0.1 * p1
    v2 = 0.999 * 0.001 + 0.001 * p1 * p1
    p2 = p1 - (0.1 / 0.19) * m2 / (math.sqrt(v2) / math.sqrt(0.001999) + EPS8)
    np.testing.assert_allclose(tr.points[:, 0], [1.0, p1, p2], rtol=REL)
    assert p1 == pytest.approx(0.9, rel=1e-7)
    assert p2 == pytest.approx(0.80041223, rel=1e-8)
    np.testing.assert_allclose(tr.state["exp_avg"][:, 0], [0.1, m2], rtol=REL)
    np.testing.assert_allclose(tr.state["exp_avg_sq"][:, 0], [0.001, v2], rtol=REL)
    np.testing.assert_allclose(tr.state["m_hat"][:, 0], [1.0, m2 / 0.19], rtol=REL)
    np.testing.assert_allclose(tr.state["v_hat"][:, 0], [1.0, v2 / 0.001999], rtol=REL)


def test_adam_eps_is_added_after_the_square_root_of_the_corrected_second_moment():
    # g = 1e-8 = eps: √v̂ = 1e-8, so the step is lr·1e-8/(1e-8 + 1e-8) = lr/2. With eps inside the
    # root it would be ~lr·1e-4; with eps before the bias correction ~lr·0.03.
    points = path("adam", constant(1e-8), 0.0, 1, lr=0.1)
    assert points[1, 0] == pytest.approx(-0.05, rel=1e-9)


def test_amsgrad_keeps_the_largest_second_moment():
    # g = 10 then 0.1: v drops from 0.1 to 0.999·0.1 + 0.001·0.01 = 0.09991 but v_max stays 0.1.
    ams = trace("adam", scripted(10.0, 0.1), [0.0], 2, lr=0.1, amsgrad=True)
    plain = trace("adam", scripted(10.0, 0.1), [0.0], 2, lr=0.1)
    p1 = -(0.1 / 0.1) * 1.0 / (math.sqrt(0.1) / math.sqrt(0.001) + EPS8)
    m2 = 0.9 * 1.0 + 0.1 * 0.1
    p2_ams = p1 - (0.1 / 0.19) * m2 / (math.sqrt(0.1) / math.sqrt(0.001999) + EPS8)
    p2_plain = p1 - (0.1 / 0.19) * m2 / (math.sqrt(0.09991) / math.sqrt(0.001999) + EPS8)
    np.testing.assert_allclose(ams.points[:, 0], [0.0, p1, p2_ams], rtol=REL)
    np.testing.assert_allclose(plain.points[:, 0], [0.0, p1, p2_plain], rtol=REL)
    np.testing.assert_allclose(ams.state["max_exp_avg_sq"][:, 0], [0.1, 0.1], rtol=REL)
    np.testing.assert_allclose(ams.state["exp_avg_sq"][:, 0], [0.1, 0.09991], rtol=REL)
    np.testing.assert_allclose(ams.state["v_hat"][:, 0], [100.0, 0.1 / 0.001999], rtol=REL)
    assert "max_exp_avg_sq" not in plain.state


def test_adam_weight_decay_is_coupled_through_the_gradient():
    points = path("adam", constant(0.0), 2.0, 1, lr=0.1, weight_decay=0.5)
    # g = 0 + 0.5·2 = 1, m̂ = 1, v̂ = 1: a normalised step of lr, p₁ = 2 − 0.1/(1 + 1e-8)
    assert points[1, 0] == pytest.approx(2.0 - 0.1 / (1.0 + EPS8), rel=REL)


def test_adamw_decay_is_decoupled_from_the_gradient():
    points = path("adamw", constant(0.0), 2.0, 2, lr=0.1, weight_decay=0.5)
    # p ← p·(1 − 0.1·0.5) each step, and with g = 0 the Adam part moves 0/(0 + eps) = 0.
    np.testing.assert_allclose(points[:, 0], [2.0, 1.9, 1.805], rtol=REL)


def test_adamw_shrinks_before_the_adam_step_using_the_gradient_at_the_old_point():
    points = path("adamw", quadratic, 1.0, 1, lr=0.1, weight_decay=0.5)
    # g₁ = ∇f(1) = 1; p ← 1·0.95 = 0.95; m̂ = 1, v̂ = 1; p₁ = 0.95 − 0.1/(1 + 1e-8)
    assert points[1, 0] == pytest.approx(0.95 - 0.1 / (1.0 + EPS8), rel=REL)


def test_adamw_amsgrad():
    ams = path("adamw", scripted(10.0, 0.1), 0.0, 2, lr=0.1, weight_decay=0.0, amsgrad=True)
    adam = path("adam", scripted(10.0, 0.1), 0.0, 2, lr=0.1, amsgrad=True)
    np.testing.assert_array_equal(ams, adam)  # without decay AdamW is Adam


def test_adamax_first_steps_by_hand():
    tr = trace("adamax", scripted(2.0, 1.0), [0.0], 2, lr=0.1)
    # t=1: m = 0.2, u = max(0.999·0, 2 + 1e-8), p₁ = −(0.1/0.1)·0.2/u
    u1 = 2.0 + EPS8
    p1 = -1.0 * 0.2 / u1
    # t=2: g = 1: m = 0.2 + 0.1·(1 − 0.2) = 0.28, u = max(0.999·u₁, 1 + 1e-8) = 0.999·u₁
    p2 = p1 - (0.1 / 0.19) * 0.28 / (0.999 * u1)
    np.testing.assert_allclose(tr.points[:, 0], [0.0, p1, p2], rtol=REL)
    np.testing.assert_allclose(tr.state["exp_inf"][:, 0], [u1, 0.999 * u1], rtol=REL)


def test_nadam_first_steps_by_hand():
    tr = trace("nadam", constant(2.0), [0.0], 2, lr=0.1)
    mu = [0.9 * (1.0 - 0.5 * 0.96 ** (t * 0.004)) for t in (1, 2, 3)]
    # t=1: m = 0.2, v = 0.004, v̂ = 0.004/0.001 = 4, denominator √4 + eps
    d = 2.0 + EPS8
    p1 = -0.1 * (1 - mu[0]) / (1 - mu[0]) * 2.0 / d - 0.1 * mu[1] / (1 - mu[0] * mu[1]) * 0.2 / d
    # t=2: m = 0.38, v = 0.999·0.004 + 0.004, v̂ = 0.007996/0.001999 = 4 again
    prod2 = mu[0] * mu[1]
    p2 = (
        p1
        - 0.1 * (1 - mu[1]) / (1 - prod2) * 2.0 / d
        - 0.1 * mu[2] / (1 - prod2 * mu[2]) * 0.38 / d
    )
    np.testing.assert_allclose(tr.points[:, 0], [0.0, p1, p2], rtol=REL)
    np.testing.assert_allclose(tr.state["v_hat"][:, 0], [4.0, 4.0], rtol=REL)


def test_nadam_decoupled_weight_decay():
    coupled = path("nadam", constant(0.0), 2.0, 1, lr=0.1, weight_decay=0.5)
    decoupled = path(
        "nadam", constant(0.0), 2.0, 1, lr=0.1, weight_decay=0.5, decoupled_weight_decay=True
    )
    assert decoupled[1, 0] == pytest.approx(2.0 * (1 - 0.05), rel=REL)
    assert coupled[1, 0] < 1.9


# --- properties (hypothesis) ------------------------------------------------------------------

lrs = st.floats(1e-4, 0.5)
starts = st.lists(st.floats(-5, 5), min_size=1, max_size=4)


@HYPOTHESIS
@given(lr=st.floats(1e-4, 1.0), start=starts, steps=st.integers(0, 30))
def test_sgd_on_a_quadratic_follows_the_closed_form(lr, start, steps):
    points = run("sgd", quadratic, start, steps, lr=lr)
    t = np.arange(steps + 1)[:, None]
    # p − lr·p cancels near lr = 1, so the error is absolute, of order eps·|p|.
    np.testing.assert_allclose(points, (1 - lr) ** t * np.array(start), rtol=1e-12, atol=1e-14)


@HYPOTHESIS
@given(g=st.lists(st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-3), min_size=1, max_size=4))
def test_adam_first_step_has_length_lr_in_every_coordinate(g):
    signs = np.sign(g)
    # m̂₁ = g and v̂₁ = g², so the first step is lr·g/(|g| + eps) whatever the scale of g.
    points = run("adam", constant(*g), np.zeros(len(g)), 1, lr=0.01)
    g = np.abs(g)
    np.testing.assert_allclose(np.abs(points[1]), 0.01 * g / (g + EPS8), rtol=1e-12)
    np.testing.assert_allclose(np.abs(points[1]), 0.01, rtol=1e-4)  # eps/|g| ≤ 1e-5
    assert np.all(points[1] * np.array(signs) < 0)


@HYPOTHESIS
@given(scale=st.floats(1e-3, 1e3), lr=lrs)
def test_adam_without_eps_is_invariant_to_gradient_scale(scale, lr):
    a = run("adam", surfaces.get("rosenbrock").gradient, [-1.2, 1.0], 50, lr=lr, eps=0.0)
    g = surfaces.get("rosenbrock").gradient
    b = run("adam", lambda p: scale * g(p), [-1.2, 1.0], 50, lr=lr, eps=0.0)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
@HYPOTHESIS
@given(lr=lrs, wd=st.sampled_from([0.0, 0.1]))
def test_maximize_on_minus_f_equals_minimize_on_f(name, lr, wd):
    grad = surfaces.get("himmelblau").gradient
    a = run(name, grad, [0.5, -1.0], 40, lr=lr, weight_decay=wd)
    b = run(name, lambda p: -grad(p), [0.5, -1.0], 40, lr=lr, weight_decay=wd, maximize=True)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", NAMES)
@HYPOTHESIS
@given(lr=st.floats(1e-4, 0.1), a=st.floats(0.1, 10), b=st.floats(0.1, 10))
def test_coordinates_update_independently(name, lr, a, b):
    # Every rule is elementwise: a run on a separable 2-D gradient is two 1-D runs side by side.
    # (lr·a ≤ 1 keeps every run stable: divergence is judged on the whole vector.)
    both = run(name, lambda p: np.array([a * p[0], b * p[1]]), [1.0, -2.0], 30, lr=lr)
    first = run(name, lambda p: a * p, [1.0], 30, lr=lr)
    second = run(name, lambda p: b * p, [-2.0], 30, lr=lr)
    np.testing.assert_allclose(both, np.hstack([first, second]), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", NAMES)
@HYPOTHESIS
@given(lr=st.floats(1e-4, 100.0), start=starts, steps=st.integers(0, 200))
def test_trace_arrays_are_consistent(name, lr, start, steps):
    gradient = surfaces.get("ravine").gradient if len(start) == 2 else quadratic
    tr = trace(name, gradient, start, steps, lr=lr)
    k = tr.steps
    assert tr.points.shape == (k + 1, len(start))
    assert tr.updates.shape == tr.grads.shape == (k, len(start))
    np.testing.assert_array_equal(tr.updates, np.diff(tr.points, axis=0))
    assert all(v.shape == (k, len(start)) for v in tr.state.values())
    assert np.all(np.isfinite(tr.points))
    assert np.all(np.linalg.norm(tr.points, axis=1) <= 1e6)
    if tr.diverged_at is None:
        assert k == steps
        assert tr.reason is None
    else:
        assert tr.diverged_at == len(tr.points) == k + 1 <= steps
        assert tr.reason in ("nan", "overflow")


@pytest.mark.parametrize("name", NAMES)
def test_state_buffers_are_named_as_in_torch(name):
    tr = trace(name, quadratic, [1.0, 1.0], 3)
    expected = {
        "sgd": set(),
        "momentum": {"momentum_buffer"},
        "nesterov": {"momentum_buffer"},
        "adagrad": {"sum"},
        "rmsprop": {"square_avg"},
        "adadelta": {"square_avg", "acc_delta"},
        "adam": {"exp_avg", "exp_avg_sq", "m_hat", "v_hat"},
        "adamw": {"exp_avg", "exp_avg_sq", "m_hat", "v_hat"},
        "adamax": {"exp_avg", "exp_inf"},
        "nadam": {"exp_avg", "exp_avg_sq", "v_hat"},
    }[name]
    assert set(tr.state) == expected


def test_gradient_returning_its_argument_is_safe():
    # ∇(½|p|²) = p returned as the very array: the optimizer must not see it change mid-step.
    for name in NAMES:
        np.testing.assert_array_equal(
            run(name, lambda p: p, [1.0, -1.0], 20, lr=0.05),
            run(name, quadratic, [1.0, -1.0], 20, lr=0.05),
        )


def test_optimizers_reach_the_rosenbrock_minimum():
    grad = surfaces.get("rosenbrock").gradient
    assert np.allclose(run("adam", grad, [-1.2, 1.0], 5000, lr=0.02)[-1], [1.0, 1.0], atol=1e-3)
    assert np.allclose(run("momentum", grad, [-1.2, 1.0], 5000, lr=1e-3)[-1], [1.0, 1.0], atol=1e-2)


def test_noisy_runs_are_reproducible_by_seed():
    grad = surfaces.get("saddle").gradient
    a = run("sgd", surfaces.noisy(grad, 0.1, seed=4), [-2.5, 0.0], 200, lr=0.01)
    b = run("sgd", surfaces.noisy(grad, 0.1, seed=4), [-2.5, 0.0], 200, lr=0.01)
    exact = run("sgd", grad, [-2.5, 0.0], 200, lr=0.01)
    np.testing.assert_array_equal(a, b)
    assert np.all(exact[:, 1] == 0.0)  # on the ridge, without noise, y never moves
    assert np.abs(a[-1, 1]) > 0.1  # noise knocks the path off the saddle


def test_minibatch_sgd_on_logistic_regression_walks_epochs():
    surface = surfaces.get("logistic")
    sgd = surface.stochastic_gradient(20, seed=0)
    tr = trace("sgd", sgd, surface.starts[0], 50, lr=0.5)
    assert sgd.epoch == 5  # 50 updates of 10 batches each
    full = np.array([surface.gradient(p) for p in tr.points[:-1]])
    assert not np.allclose(tr.grads, full)
    assert surface.value(*tr.points[-1]) < surface.value(*tr.points[0])


# --- divergence -------------------------------------------------------------------------------


def test_large_lr_on_the_ravine_stops_cleanly():
    ravine = surfaces.get("ravine", condition=10.0)
    # y is multiplied by 1 − 0.5·10 = −4 each step: 2·4⁹ ≈ 5.2e5 stays in bound, 2·4¹⁰ does not.
    tr = strict(trace, "sgd", ravine.gradient, ravine.starts[0], 100, lr=0.5)
    assert tr.diverged_at == 10
    assert tr.reason == "overflow"
    assert tr.points.shape == (10, 2)
    assert np.all(np.isfinite(tr.points))
    assert tr.points[-1, 1] == pytest.approx(2.0 * (-4.0) ** 9)
    np.testing.assert_array_equal(
        tr.points, strict(run, "sgd", ravine.gradient, [-4, 2], 100, lr=0.5)
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_optimizer_stops_cleanly_when_the_lr_is_absurd(name):
    beale = surfaces.get("beale")
    tr = strict(trace, name, beale.gradient, [3.0, 4.0], 3000, lr=1e6)
    assert tr.diverged_at is not None
    assert np.all(np.isfinite(tr.points))
    assert np.all(np.isfinite(tr.grads))


def test_nan_gradient_stops_at_the_first_step():
    tr = strict(trace, "adam", constant(math.nan, 0.0), [1.0, 2.0], 10)
    assert tr.diverged_at == 1
    assert tr.reason == "nan"
    assert tr.points.tolist() == [[1.0, 2.0]]


def test_nan_after_some_steps_keeps_the_finite_prefix():
    def gradient(p):
        return np.array([math.nan]) if p[0] < 0.5 else np.array([1.0])

    tr = strict(trace, "sgd", gradient, [1.0], 100, lr=0.1)
    # 1 → 0.9 → … → 0.4 (step 6); step 7 meets the NaN.
    assert tr.diverged_at == 7
    assert tr.reason == "nan"
    np.testing.assert_allclose(tr.points[:, 0], [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4], atol=1e-12)


def test_bound_sets_where_a_run_counts_as_diverged():
    ravine = surfaces.get("ravine", condition=10.0)
    tr = trace("sgd", ravine.gradient, [0.0, 1.0], 100, lr=0.3, bound=100.0)
    # y is multiplied by |1 − 3| = 2 each step: 64 is inside |p| ≤ 100, 128 is not.
    assert tr.diverged_at == 7
    assert tr.reason == "overflow"
    assert np.abs(tr.points[-1, 1]) == 64.0


def test_converging_run_reports_no_divergence():
    tr = trace("adam", surfaces.get("beale").gradient, [1.0, 1.5], 500, lr=0.01)
    assert tr.diverged_at is None
    assert tr.reason is None
    assert tr.steps == 500


# --- validation -------------------------------------------------------------------------------


def test_unknown_optimizer_lists_valid_choices():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'") as info:
        run("lbfgs", quadratic, [0.0], 1)
    assert all(name in str(info.value) for name in NAMES)


def test_unknown_hyperparameter_lists_valid_ones():
    with pytest.raises(ValueError, match="valid hyperparameters: lr, betas, eps") as info:
        run("adam", quadratic, [0.0], 1, beta1=0.9)
    assert "'beta1'" in str(info.value)
    with pytest.raises(ValueError, match="unknown hyperparameter 'betas' for sgd"):
        run("sgd", quadratic, [0.0], 1, betas=(0.9, 0.99))


@pytest.mark.parametrize(
    ("name", "hp", "message"),
    [
        ("sgd", {"lr": -0.1}, "Invalid learning rate: -0.1"),
        ("momentum", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
        ("sgd", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
        ("nesterov", {"dampening": 0.1}, "Nesterov momentum requires a momentum and zero damp"),
        ("nesterov", {"momentum": 0.0}, "Nesterov momentum requires a momentum"),
        ("sgd", {"nesterov": True}, "Nesterov momentum requires a momentum"),
        ("adagrad", {"lr_decay": -1.0}, "Invalid lr_decay value: -1.0"),
        ("adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value"),
        ("adagrad", {"eps": -1e-10}, "Invalid epsilon value"),
        ("rmsprop", {"alpha": -0.1}, "Invalid alpha value: -0.1"),
        ("rmsprop", {"momentum": -0.1}, "Invalid momentum value"),
        ("adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
        ("adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
        ("adamw", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
        ("adam", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
        ("adamw", {"weight_decay": -0.01}, "Invalid weight_decay value"),
        ("nadam", {"momentum_decay": -1.0}, "Invalid momentum_decay value"),
        ("adamax", {"lr": -1.0}, "Invalid learning rate"),
    ],
)
def test_invalid_values_raise_torchs_message_with_the_valid_range(name, hp, message):
    with pytest.raises(ValueError, match=message) as info:
        run(name, quadratic, [0.0], 1, **hp)
    assert "must be" in str(info.value) or "need" in str(info.value) or "got" in str(info.value)


@pytest.mark.parametrize(
    ("hp", "message"),
    [
        ({"lr": "0.1"}, "real number"),
        ({"lr": None}, "real number"),
        ({"lr": True}, "real number"),
        ({"lr": math.nan}, "finite"),
        ({"eps": math.inf}, "finite"),
        ({"amsgrad": 1}, "True or False"),
        ({"betas": 0.9}, "pair"),
        ({"betas": (0.9,)}, "pair"),
        ({"betas": "ab"}, "pair"),
        ({"betas": (0.9, "x")}, "real number"),
    ],
)
def test_hyperparameter_types_are_checked(hp, message):
    with pytest.raises(ValueError, match=message):
        run("adam", quadratic, [0.0], 1, **hp)


def test_integer_and_list_hyperparameters_are_accepted():
    assert hparams("adam", lr=1, betas=[0.5, 0.6])["betas"] == (0.5, 0.6)
    assert hparams("adam", lr=1)["lr"] == 1.0
    assert hparams("adam", amsgrad=np.bool_(True))["amsgrad"] is True


@pytest.mark.parametrize(
    ("start", "steps", "message"),
    [
        ([], 1, "non-empty"),
        ([[1.0, 2.0]], 1, "1-D"),
        (1.0, 1, "1-D"),
        ([math.nan, 0.0], 1, "finite"),
        (["a", "b"], 1, "real numbers"),
        ([0.0, 0.0], -1, "steps"),
        ([0.0, 0.0], 2.5, "steps"),
        ([0.0, 0.0], True, "steps"),
        ([2e6, 0.0], 1, "bound"),
    ],
)
def test_bad_start_or_steps_are_rejected(start, steps, message):
    with pytest.raises(ValueError, match=message):
        run("sgd", quadratic, start, steps)


def test_bad_bound_and_gradient_are_rejected():
    with pytest.raises(ValueError, match="bound"):
        run("sgd", quadratic, [0.0], 1, bound=0.0)
    with pytest.raises(ValueError, match="callable"):
        run("sgd", "not a function", [0.0], 1)
    with pytest.raises(ValueError, match=r"gradient must return shape \(2,\)"):
        run("sgd", lambda p: 1.0, [0.0, 0.0], 1)
    with pytest.raises(ValueError, match=r"gradient must return shape \(2,\)"):
        run("sgd", lambda p: np.zeros(3), [0.0, 0.0], 1)


def test_trace_is_a_frozen_dataclass():
    tr = trace("sgd", quadratic, [1.0], 1)
    assert isinstance(tr, Trace)
    with pytest.raises(AttributeError):
        tr.reason = "nan"


# --- speed ------------------------------------------------------------------------------------


def test_seven_optimizers_for_a_thousand_steps_are_fast():
    grad = surfaces.get("rosenbrock").gradient
    names = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        for name in names:
            trace(name, grad, [-1.2, 1.0], 1000)
        best = min(best, time.perf_counter() - t0)
    # ~60 ms on a small CI VM; a per-step allocation or Python loop over coordinates would
    # push it well past this generous ceiling.
    assert best < 0.5


# --- the claims of each optimizer's text on the page (content/*/optimizers/opt_*.md) ----------


def ravine79():
    return surfaces.get("ravine", condition=79.0)


def test_momentum_velocity_builds_to_one_over_one_minus_mu_and_cancels_when_signs_flip():
    steady = trace("momentum", constant(1.0), np.zeros(1), 300, lr=0.1, momentum=0.9)
    assert steady.state["momentum_buffer"][-1][0] == pytest.approx(10.0, rel=1e-6)
    flips = trace("momentum", scripted(*[(-1.0) ** k for k in range(300)]), np.zeros(1), 300,
                  lr=0.1, momentum=0.9)  # fmt: skip
    assert np.abs(flips.state["momentum_buffer"][-50:]).max() < 1.0  # about 1/(1 + μ)


def test_nesterov_brakes_earlier_and_oscillates_less_than_momentum_with_the_same_mu():
    s = ravine79()
    heavy = trace("momentum", s.gradient, (-4.0, 2.0), 100, lr=0.01, momentum=0.9)
    ahead = trace("nesterov", s.gradient, (-4.0, 2.0), 100, lr=0.01, momentum=0.9)
    assert ahead.points[:, 0].max() < heavy.points[:, 0].max()  # overshoots x = 0 less
    assert np.abs(ahead.points[10:, 1]).max() < 0.1 * np.abs(heavy.points[10:, 1]).max()


def test_adagrad_steps_shrink_like_one_over_root_t():
    run_ = trace("adagrad", constant(2.0), np.zeros(1), 100, lr=0.5)
    t = np.arange(1, 101)
    np.testing.assert_allclose(np.abs(run_.updates[:, 0]), 0.5 / np.sqrt(t), rtol=1e-6)
    assert (np.diff(run_.state["sum"][:, 0]) > 0).all()  # the sum only grows


def test_rmsprop_first_step_is_ten_times_lr_and_then_about_lr_times_the_sign():
    run_ = trace("rmsprop", constant(1.0, -2.0), np.zeros(2), 1000, lr=0.1)
    np.testing.assert_allclose(run_.updates[0], [-1.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(run_.updates[-1], [-0.1, 0.1], rtol=1e-3)


def test_adadelta_starts_at_root_eps_over_one_minus_rho_and_speeds_up():
    run_ = trace("adadelta", constant(1.0), np.zeros(1), 50, lr=1.0)
    first = abs(run_.updates[0, 0])
    assert first == pytest.approx(math.sqrt(1e-6 / (1 - 0.9)), rel=1e-3)  # 0.003
    assert (np.diff(np.abs(run_.updates[:, 0])) > 0).all()


def test_adam_step_has_about_lr_length_in_steep_and_flat_coordinates_alike():
    s = ravine79()
    run_ = trace("adam", s.gradient, (-4.0, 2.0), 5, lr=0.2)
    np.testing.assert_allclose(np.abs(run_.updates[0]), [0.2, 0.2], rtol=1e-6)
    assert abs(run_.grads[0, 1]) > 30 * abs(run_.grads[0, 0])  # though y is 40× steeper here


def test_adamax_after_one_large_gradient_stays_small_longer_than_adam():
    grads = [100.0 if k == 9 else 1.0 for k in range(60)]
    adam = np.abs(trace("adam", scripted(*grads), np.zeros(1), 60, lr=0.1).updates[:, 0])
    adamax = np.abs(trace("adamax", scripted(*grads), np.zeros(1), 60, lr=0.1).updates[:, 0])
    assert adamax[9] / adamax[8] < adam[9] / adam[8]
    assert adamax[40] / adamax[8] < adam[40] / adam[8]
    assert "max_exp_avg_sq" not in trace("adamax", constant(1.0), np.zeros(1), 3).state


def test_nadam_overshoots_less_than_adam_on_the_ravine():
    s = ravine79()
    adam = trace("adam", s.gradient, (-4.0, 2.0), 100, lr=0.2)
    nadam = trace("nadam", s.gradient, (-4.0, 2.0), 100, lr=0.2)
    assert nadam.points[:, 0].max() < adam.points[:, 0].max()


def test_adamw_decay_pulls_the_end_point_toward_the_origin():
    s = surfaces.get("rosenbrock")
    plain = trace("adamw", s.gradient, (-1.2, 1.0), 3000, lr=0.02, weight_decay=0.0)
    decayed = trace("adamw", s.gradient, (-1.2, 1.0), 3000, lr=0.02, weight_decay=0.5)
    assert np.hypot(*plain.points[-1]) == pytest.approx(math.sqrt(2), abs=0.05)
    assert np.hypot(*decayed.points[-1]) < np.hypot(*plain.points[-1]) - 0.05
