"""core.residual: the residual stack's gradients against central differences, its plain stack
against core.initialization's, the first-layer sweep against its definition, and the lessons."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import activations, residual
from core.initialization import propagate, reference

ACTS = st.sampled_from(residual.ACTIVATIONS)


def _network(seed: int, depth: int, width: int, batch: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    ws = [rng.standard_normal((width, width)) / math.sqrt(width) for _ in range(depth)]
    return x, ws, rng.standard_normal((batch, width))


@settings(max_examples=40, deadline=None)
@given(
    act=ACTS,
    depth=st.integers(1, 4),
    width=st.integers(1, 4),
    batch=st.integers(1, 3),
    alpha=st.floats(0.1, 1.5),
    skip=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_every_layer_gradient_matches_central_differences(
    act, depth, width, batch, alpha, skip, seed
):
    f = activations.get(act)
    x, ws, u = _network(seed, depth, width, batch)
    hs, zs = residual.forward(f, x, ws, alpha, skip)
    grads = residual.backward(f, zs, ws, u, alpha, skip)
    eps = 1e-6
    assume(act != "relu" or min(np.abs(z).min() for z in zs) > 1e-3)  # away from ReLU's kink
    for layer in range(depth + 1):

        def loss(h, layer=layer):
            return float(np.sum(residual.forward(f, h, ws[layer:], alpha, skip)[0][-1] * u))

        numeric = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[index] = eps
            numeric[index] = (loss(hs[layer] + step) - loss(hs[layer] - step)) / (2 * eps)
        np.testing.assert_allclose(grads[layer], numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    ("scheme", "act"),
    [("xavier_normal", "sigmoid"), ("he_uniform", "relu"), ("standard_normal", "tanh")],
)
def test_plain_stack_statistics_equal_the_initialization_reference_pass(scheme, act):
    depth, width, seed = 12, 16, 3
    c = residual.compare(scheme, act, depth, width, 0.5, seed)
    f = activations.get(act)
    table = reference.table(
        reference.reference_pass(scheme, f, depth, width, residual.BATCH, seed), f
    )
    np.testing.assert_allclose(c.plain.activation_std[1:], table["activation_std"], rtol=1e-12)
    np.testing.assert_allclose(c.plain.gradient_std[1:], table["gradient_std"], rtol=1e-12)
    x = reference.draws(scheme, depth, width, residual.BATCH, seed)[0]
    assert c.plain.activation_std[0] == pytest.approx(x.std(), rel=1e-12)


def test_plain_stack_statistics_match_the_initialization_page_propagate():
    c = residual.compare("lecun_normal", "tanh", 20, 64, 1.0, 7)
    table = propagate("lecun_normal", "tanh", 20, 64, residual.BATCH, 7)
    np.testing.assert_allclose(c.plain.activation_std[1:], table["activation_std"], rtol=1e-4)
    np.testing.assert_allclose(c.plain.gradient_std[1:], table["gradient_std"], rtol=1e-4)


@settings(max_examples=20, deadline=None)
@given(act=ACTS, depth=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_a_residual_stack_with_a_zero_branch_is_the_identity_both_ways(act, depth, seed):
    f = activations.get(act)
    x, ws, u = _network(seed, depth, 4, 3)
    hs, zs = residual.forward(f, x, ws, 0.0, True)
    for h, g in zip(hs, residual.backward(f, zs, ws, u, 0.0, True), strict=True):
        np.testing.assert_array_equal(h, x)
        np.testing.assert_array_equal(g, u)


def test_both_stacks_share_the_input_and_the_loss_direction():
    c = residual.compare("he_normal", "relu", 10, 32, 1.0, 0)
    assert c.plain.activation_std[0] == c.residual.activation_std[0]
    assert c.plain.gradient_std[-1] == c.residual.gradient_std[-1]


@pytest.mark.parametrize("per_depth", [False, True])
@pytest.mark.parametrize(("scheme", "act"), [("xavier_normal", "sigmoid"), ("he_normal", "relu")])
def test_sweep_equals_a_comparison_of_each_prefix(scheme, act, per_depth):
    depth, width, alpha, seed = 20, 16, 0.8, 2
    s = residual.sweep(scheme, act, depth, width, alpha, seed, per_depth)
    f = activations.get(act)
    x, ws, u = reference.draws(scheme, depth, width, residual.BATCH, seed)
    for n, plain, res, a in zip(s.depths, s.plain, s.residual, s.alphas, strict=True):
        assert a == pytest.approx(alpha / math.sqrt(n) if per_depth else alpha, rel=1e-15)
        c = residual._compare(f, x, ws[:n], u, a)
        assert plain == pytest.approx(c.plain.gradient_std[0], rel=1e-10)
        assert res == pytest.approx(c.residual.gradient_std[0], rel=1e-10)


def test_sweep_ends_at_the_comparison_of_the_whole_depth():
    args = ("xavier_uniform", "tanh", 40, 32, 1.0, 5, True)
    s, c = residual.sweep(*args), residual.compare(*args)
    assert s.depths[-1] == 40
    assert s.plain[-1] == pytest.approx(c.plain.gradient_std[0], rel=1e-10)
    assert s.residual[-1] == pytest.approx(c.residual.gradient_std[0], rel=1e-10)


@given(depth=st.integers(1, 100))
def test_sweep_depths_are_increasing_from_one_to_the_depth(depth):
    depths = residual.sweep_depths(depth)
    assert depths[0] == 1
    assert depths[-1] == depth
    assert all(a < b for a, b in itertools.pairwise(depths))
    assert len(depths) <= residual.SWEEP_POINTS + 1


def test_std_of_tiny_values_does_not_underflow():
    x = np.random.default_rng(0).standard_normal((8, 8)) * 1e-200
    assert residual._std(x) == pytest.approx((x * 1e200).std() * 1e-200, rel=1e-12)


def test_statistics_stay_finite_and_within_the_ceiling_at_the_extremes():
    for args in [
        ("standard_normal", "relu", 100, 32, 2.0, 0),
        ("small_normal", "sigmoid", 100, 16, 0.05, 0),
    ]:
        c = residual.compare(*args)
        for stack in (c.plain, c.residual):
            for values in (stack.activation_std, stack.gradient_std):
                assert np.isfinite(values).all()
                assert (values >= 1 / residual.CEILING).all()
                assert (values <= residual.CEILING).all()


# --- the lessons the section states ------------------------------------------------------------


def test_sigmoid_plain_gradient_vanishes_and_the_residual_one_is_kept():
    c = residual.compare("xavier_normal", "sigmoid", 30, 64)
    assert c.plain.gradient_std[0] < 1e-10 * c.plain.gradient_std[-1]
    assert 0.5 < c.residual.gradient_std[0] / c.residual.gradient_std[-1] < 2


def test_tiny_weights_kill_the_plain_stack_and_leave_the_residual_one_the_identity():
    c = residual.compare("small_normal", "tanh", 30, 64)
    assert c.plain.gradient_std[0] < 1e-20
    assert c.plain.activation_std[-1] < 1e-20
    assert abs(c.residual.activation_std[-1] / c.residual.activation_std[0] - 1) < 0.2
    assert abs(c.residual.gradient_std[0] / c.residual.gradient_std[-1] - 1) < 0.2


def test_he_relu_skips_grow_the_activations_about_geometrically():
    c = residual.compare("he_normal", "relu", 30, 64)
    growth = residual.rate(c.residual.activation_std[0], c.residual.activation_std[-1], 30)
    assert growth > 1.4
    plain = c.plain.activation_std[-1] / c.plain.activation_std[0]
    assert 0.5 < plain < 2  # He keeps the plain ReLU stack's scale


def test_branch_scaled_by_one_over_root_depth_keeps_both_sides_bounded():
    free = residual.compare("he_normal", "relu", 30, 64)
    scaled = residual.compare("he_normal", "relu", 30, 64, per_depth=True)
    assert scaled.alpha == pytest.approx(1 / math.sqrt(30))
    assert scaled.residual.activation_std[-1] < 10 < free.residual.activation_std[-1]
    assert scaled.residual.gradient_std[0] < 10 < free.residual.gradient_std[0]


def test_bad_arguments_are_refused_with_their_name():
    with pytest.raises(ValueError, match="unknown scheme 'zeros'"):
        residual.compare("zeros", "tanh", 3, 4)
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        residual.compare("he_normal", "gelu", 3, 4)
    with pytest.raises(ValueError, match="depth must be in"):
        residual.sweep("he_normal", "relu", 0, 4)
    with pytest.raises(ValueError, match="alpha must be finite"):
        residual.compare("he_normal", "relu", 3, 4, float("nan"))
    with pytest.raises(ValueError, match="width must be in"):
        residual.compare("he_normal", "relu", 3, 4096)
