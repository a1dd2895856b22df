"""core.initialization.kernels and .scaled: the fused kernels against core.activations."""

import numpy as np
import pytest
from initialization_cases import (
    ELU_AS_RELU,
    KERNEL_CASES,
    kernel_ids,
    strict,
)

from core import activations
from core.initialization.kernels import KERNELS, Traits, traits
from core.initialization.kernels import evaluate as _evaluate
from core.initialization.scaled import asymptotes as _asymptotes
from core.initialization.scaled import zero_tails as _zero_tails

KERNEL_CASES = [*KERNEL_CASES, ELU_AS_RELU]
KERNEL_IDS = kernel_ids(KERNEL_CASES)


# --- activation kernels and the registry ------------------------------------------------------

GRID = np.concatenate(
    [np.linspace(-60, 60, 24001), np.geomspace(1e-30, 1e3, 300), -np.geomspace(1e-30, 1e3, 300)]
)[None, :]


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES, ids=KERNEL_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_kernels_match_the_registry(name, params, dtype):
    act = activations.get(name, **params)
    x = GRID.astype(dtype)
    with strict():
        f, df = _evaluate(act, x)
    df = np.ones_like(f) if df is None else df
    exact = x.astype(np.float64)
    # Absolute below 1, relative above: float32 rounding, and A&S 7.1.26's 1.5e-7 in GELU's Φ.
    tol = 3e-7 if dtype == np.float32 or name == "gelu" else 1e-14
    for got, want in ((f, act.forward(exact)), (df, act.derivative(exact))):
        assert got.dtype == dtype
        err = np.abs(got - want) / np.maximum(np.abs(want), 1.0)
        assert err.max() <= tol


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES, ids=KERNEL_IDS)
def test_kernels_are_finite_at_float32_extremes(name, params):
    act = activations.get(name, **params)
    top = float(np.finfo(np.float32).max) / 2
    x = np.array([[-top, -1e30, -1e-38, 0.0, 1e-38, 1e30, top]], dtype=np.float32)
    with strict():
        f, df = _evaluate(act, x)
    assert np.all(np.isfinite(f))
    assert df is None or np.all(np.isfinite(df))


@pytest.mark.parametrize("name", activations.NAMES)
def test_zero_tails_are_exactly_where_the_registry_derivative_vanishes(name):
    act = activations.get(name)
    lo, hi = _zero_tails(act)
    x = np.concatenate([np.linspace(-2000, 2000, 800_001), [-1e300, 1e300]])
    zero = act.derivative(x) == 0
    if name == "relu":  # flat, not a tail: propagate counts f' == 0 directly
        np.testing.assert_array_equal(zero, x <= 0)
    else:
        np.testing.assert_array_equal(zero, (x <= lo) | (x >= hi))


@pytest.mark.parametrize("name", [n for n in activations.NAMES if n not in ("relu", "linear")])
def test_activations_are_affine_far_out_and_near_zero(name):
    # propagate evaluates f this way beyond 2^±100: check that it holds to float precision.
    act = activations.get(name)
    asy = _asymptotes(act)
    far = np.array([1.0, 3.0, 1e10]) * 2.0**100
    sides = (
        (far, asy.far_slopes[0], asy.far_consts[0]),
        (-far, asy.far_slopes[1], asy.far_consts[1]),
    )
    for x, slope, const in sides:
        np.testing.assert_allclose(act.forward(x), slope * x + const, rtol=1e-15, atol=1e-15)
    near = np.array([1.0, 3.0, 1e10, -1.0, -3.0, -1e10]) * 2.0**-110
    slopes = np.where(near > 0, asy.near_slopes[0], asy.near_slopes[1])
    np.testing.assert_allclose(act.forward(near), asy.f0 + slopes * near, rtol=1e-15)


def test_every_registry_activation_has_a_fused_kernel():
    assert set(KERNELS) == set(activations.NAMES)


# What the pass's shortcuts rely on, written out by hand: traits() reads them off the registry.
EXPECTED_TRAITS = {
    "sigmoid": Traits(homogeneous=False, flat=False, steps=False, nonnegative=True),
    "tanh": Traits(homogeneous=False, flat=False, steps=False, nonnegative=True),
    "relu": Traits(homogeneous=True, flat=True, steps=True, nonnegative=True),
    "leaky_relu": Traits(homogeneous=True, flat=False, steps=False, nonnegative=True),
    "leaky_relu-negative_slope=0.2": Traits(True, False, False, True),
    "leaky_relu-negative_slope=0.0": Traits(True, True, True, True),
    "elu": Traits(homogeneous=False, flat=False, steps=False, nonnegative=True),
    "elu-alpha=0.5": Traits(False, False, False, True),
    "elu-alpha=0.0": Traits(True, True, True, True),  # ELU with α = 0 is ReLU
    "selu": Traits(homogeneous=False, flat=False, steps=False, nonnegative=True),
    "gelu": Traits(homogeneous=False, flat=False, steps=False, nonnegative=False),
    "gelu-approximate=tanh": Traits(False, False, False, False),
    "silu": Traits(homogeneous=False, flat=False, steps=False, nonnegative=False),
    "softplus": Traits(homogeneous=False, flat=False, steps=False, nonnegative=True),
    "softplus-beta=3.0": Traits(False, False, False, True),
    "linear": Traits(homogeneous=True, flat=False, steps=False, nonnegative=True),
}


@pytest.mark.parametrize(("name", "params"), KERNEL_CASES, ids=KERNEL_IDS)
def test_traits_read_off_the_registry_are_the_known_ones(name, params):
    key = name + "".join(f"-{k}={v}" for k, v in params.items())
    assert traits(activations.get(name, **params)) == EXPECTED_TRAITS[key]


def test_a_negative_leaky_slope_is_not_nonnegative():
    assert not traits(activations.get("leaky_relu", negative_slope=-0.5)).nonnegative
