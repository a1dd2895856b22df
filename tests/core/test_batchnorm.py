import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import activations, batchnorm
from core import batchnorm_experiments as experiments
from core.batchnorm import (
    DISTRIBUTION_REGISTRY,
    DISTRIBUTIONS,
    LATEX_BACKWARD,
    LATEX_EVAL,
    LATEX_FORWARD,
    LATEX_RUNNING,
    MAX_ABS,
    SATURATION_THRESHOLD,
    BatchNorm,
    batchnorm_backward,
    batchnorm_eval_forward,
    batchnorm_forward,
    gamma_beta_loss,
    gradient_check,
    normalize_steps,
    population_stats,
    recover_params,
    running_stats_stream,
    sample_batch,
    saturation_before_after,
)

HYPOTHESIS = settings(max_examples=60, deadline=None, database=None)
seeds = st.integers(0, 2**32 - 1)
distributions = st.sampled_from(DISTRIBUTIONS)


def strict(fn, *args, **kwargs):
    """fn(...) with every warning and every floating-point error except underflow raised."""
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def random_layer(rng, n, d, scale=1.0, offset=0.0):
    """A batch (n, d), an upstream gradient and a BatchNorm with random γ, β."""
    x = offset + scale * rng.normal(size=(n, d))
    dy = rng.normal(size=(n, d))
    bn = BatchNorm(d)
    bn.gamma = rng.uniform(-2, 2, d)
    bn.beta = rng.normal(size=d)
    return x, dy, bn


def numeric_gradients(loss, x, gamma, beta, h=1e-6):
    """Central differences of loss(x, γ, β), one entry at a time (the slow, obvious way)."""
    grads = []
    for which in range(3):
        args = [x.copy(), gamma.copy(), beta.copy()]
        target = args[which]
        grad = np.zeros_like(target)
        for idx in np.ndindex(target.shape):
            old = target[idx]
            target[idx] = old + h
            plus = loss(*args)
            target[idx] = old - h
            minus = loss(*args)
            target[idx] = old
            grad[idx] = (plus - minus) / (2 * h)
        grads.append(grad)
    return grads


def train_loss(dy, eps=1e-5):
    def loss(x, gamma, beta):
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        return np.sum((gamma * (x - mean) / np.sqrt(var + eps) + beta) * dy)

    return loss


# --- forward ----------------------------------------------------------------------------------


@HYPOTHESIS
@given(n=st.integers(2, 40), d=st.integers(1, 5), seed=seeds)
def test_training_forward_matches_the_formula_with_biased_batch_variance(n, d, seed):
    rng = np.random.default_rng(seed)
    x, _, bn = random_layer(rng, n, d, scale=rng.uniform(0.1, 10), offset=rng.normal(0, 5))
    expected = bn.gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=0) + bn.eps) + bn.beta
    np.testing.assert_allclose(bn.forward(x, training=True), expected, rtol=1e-12, atol=1e-12)


@HYPOTHESIS
@given(n=st.integers(2, 40), d=st.integers(1, 5), seed=seeds)
def test_training_forward_output_has_mean_beta_and_std_gamma_per_feature(n, d, seed):
    x, _, bn = random_layer(np.random.default_rng(seed), n, d, scale=3.0, offset=5.0)
    y = bn.forward(x, training=True)
    var = x.var(axis=0)
    np.testing.assert_allclose(y.mean(axis=0), bn.beta, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), np.abs(bn.gamma) * np.sqrt(var / (var + bn.eps)))


def test_defaults_are_torchs():
    bn = BatchNorm(3)
    assert bn.eps == 1e-5
    assert bn.momentum == 0.1
    assert bn.num_batches_tracked == 0
    np.testing.assert_array_equal(bn.gamma, np.ones(3))
    np.testing.assert_array_equal(bn.beta, np.zeros(3))
    np.testing.assert_array_equal(bn.running_mean, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var, np.ones(3))
    assert all(a.dtype == np.float64 for a in (bn.gamma, bn.beta, bn.running_mean, bn.running_var))


def test_class_agrees_with_the_pure_forward_and_backward():
    x, dy, bn = random_layer(np.random.default_rng(1), 7, 3)
    y, cache = batchnorm_forward(x, bn.gamma, bn.beta, bn.eps)
    dx, dgamma, dbeta = batchnorm_backward(dy, cache)
    np.testing.assert_array_equal(bn.forward(x, training=True), y)
    np.testing.assert_array_equal(bn.backward(dy), dx)
    np.testing.assert_array_equal(bn.dgamma, dgamma)
    np.testing.assert_array_equal(bn.dbeta, dbeta)


def test_features_are_normalized_independently():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(10, 3)) * [1.0, 100.0, 0.01] + [0.0, -50.0, 3.0]
    y = BatchNorm(3).forward(x, training=True)
    for j in range(3):
        alone = BatchNorm(1).forward(x[:, j : j + 1])[:, 0]
        np.testing.assert_allclose(y[:, j], alone, rtol=1e-12, atol=1e-12)  # summation order


# --- backward ---------------------------------------------------------------------------------


@HYPOTHESIS
@given(
    n=st.integers(2, 8),
    d=st.integers(1, 4),
    seed=seeds,
    scale=st.floats(0.1, 10),
    offset=st.floats(-20, 20),
)
def test_training_backward_matches_central_finite_differences(n, d, seed, scale, offset):
    x, dy, bn = random_layer(np.random.default_rng(seed), n, d, scale, offset)
    bn.forward(x, training=True)
    dx = bn.backward(dy)
    num_dx, num_dgamma, num_dbeta = numeric_gradients(train_loss(dy), x, bn.gamma, bn.beta)
    np.testing.assert_allclose(dx, num_dx, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.dgamma, num_dgamma, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.dbeta, num_dbeta, rtol=1e-5, atol=1e-6)


@HYPOTHESIS
@given(n=st.integers(1, 8), d=st.integers(1, 4), seed=seeds)
def test_eval_backward_matches_central_finite_differences(n, d, seed):
    rng = np.random.default_rng(seed)
    x, dy, bn = random_layer(rng, n, d)
    bn.running_mean = rng.normal(size=d)
    bn.running_var = rng.uniform(0.1, 4, d)
    bn.forward(x, training=False)
    dx = bn.backward(dy)

    def loss(x, gamma, beta):
        std = np.sqrt(bn.running_var + bn.eps)
        return np.sum((gamma * (x - bn.running_mean) / std + beta) * dy)

    num_dx, num_dgamma, num_dbeta = numeric_gradients(loss, x, bn.gamma, bn.beta)
    np.testing.assert_allclose(dx, num_dx, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(bn.dgamma, num_dgamma, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(bn.dbeta, num_dbeta, rtol=1e-6, atol=1e-7)


def test_eval_backward_is_the_affine_derivative():
    x, dy, bn = random_layer(np.random.default_rng(3), 6, 2)
    bn.running_mean = np.array([0.5, -1.0])
    bn.running_var = np.array([2.0, 0.25])
    y = bn.forward(x, training=False)
    dx = bn.backward(dy)
    std = np.sqrt(bn.running_var + bn.eps)
    np.testing.assert_allclose(dx, dy * bn.gamma / std, rtol=1e-15)
    np.testing.assert_allclose(bn.dgamma, np.sum(dy * (y - bn.beta) / bn.gamma, axis=0))
    np.testing.assert_allclose(bn.dbeta, dy.sum(axis=0), rtol=1e-15)


def test_backward_follows_the_mode_of_the_last_forward():
    x, dy, bn = random_layer(np.random.default_rng(4), 5, 2)
    bn.forward(x, training=True)
    train_dx = bn.backward(dy)
    bn.forward(x, training=False)
    eval_dx = bn.backward(dy)
    np.testing.assert_allclose(eval_dx, dy * bn.gamma / np.sqrt(bn.running_var + bn.eps))
    assert not np.allclose(train_dx, eval_dx)
    bn.forward(x, training=True)
    np.testing.assert_allclose(bn.backward(dy), train_dx, rtol=1e-12)


def test_backward_uses_gamma_as_it_was_at_forward_time():
    x, dy, bn = random_layer(np.random.default_rng(5), 5, 2)
    bn.forward(x, training=True)
    expected = bn.backward(dy)
    bn.gamma = bn.gamma * 10  # an optimiser step between forward and backward
    np.testing.assert_array_equal(bn.backward(dy), expected)


def test_training_dx_sums_to_zero_and_is_almost_orthogonal_to_x_hat():
    # μ_B absorbs any shift of x, so Σdx = 0; σ_B² absorbs scaling, except for the ε part:
    # Σ dx·x̂ = (γ/σ)·Σ(dy·x̂)·ε/(σ_B² + ε), with σ = √(σ_B² + ε).
    x, dy, bn = random_layer(np.random.default_rng(6), 12, 3, scale=0.01, offset=2.0)
    y = bn.forward(x, training=True)
    dx = bn.backward(dy)
    x_hat = (y - bn.beta) / bn.gamma
    var = x.var(axis=0)
    expected = bn.gamma / np.sqrt(var + bn.eps) * bn.dgamma * bn.eps / (var + bn.eps)
    np.testing.assert_allclose(dx.sum(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(np.sum(dx * x_hat, axis=0), expected, rtol=1e-6)
    assert np.all(np.abs(expected) > 1e-3)  # ε matters at this scale: the test can tell


# --- running statistics -----------------------------------------------------------------------


@pytest.mark.parametrize("momentum", [0.1, 0.3, 0.0, 1.0])
def test_running_statistics_match_a_hand_written_loop(momentum):
    rng = np.random.default_rng(7)
    bn = BatchNorm(3, momentum=momentum)
    mean, var = np.zeros(3), np.ones(3)
    for step in range(1, 201):
        n = int(rng.integers(2, 20))
        x = rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [0.0, 3.0, -1.0]
        y = bn.forward(x, training=True)
        # Normalization uses the biased variance, the running update the unbiased one.
        x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=0) + bn.eps)
        np.testing.assert_allclose(y, x_hat, rtol=1e-12, atol=1e-12)
        mean = (1 - momentum) * mean + momentum * x.mean(axis=0)
        var = (1 - momentum) * var + momentum * x.var(axis=0, ddof=1)
        assert bn.num_batches_tracked == step
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-12)


def test_running_var_takes_the_unbiased_batch_variance():
    bn = BatchNorm(1, momentum=1.0)  # running values = this batch's
    bn.forward(np.array([[0.0], [2.0]]), training=True)
    assert bn.running_mean[0] == 1.0
    assert bn.running_var[0] == 2.0  # n/(n−1)·σ_B² = 2·1, not σ_B² = 1


def test_momentum_none_is_the_cumulative_average_of_batch_statistics():
    rng = np.random.default_rng(8)
    bn = BatchNorm(2, momentum=None)
    means, variances = [], []
    for _ in range(50):
        x = rng.normal(size=(int(rng.integers(2, 10)), 2)) * [1.0, 5.0] + [2.0, -2.0]
        bn.forward(x, training=True)
        means.append(x.mean(axis=0))
        variances.append(x.var(axis=0, ddof=1))
        # The first batch replaces the initial 0 and 1 entirely (factor 1/1).
        np.testing.assert_allclose(bn.running_mean, np.mean(means, axis=0), rtol=1e-12)
        np.testing.assert_allclose(bn.running_var, np.mean(variances, axis=0), rtol=1e-12)
    assert bn.num_batches_tracked == 50


def test_eval_forward_counts_no_batch_and_leaves_running_statistics_alone():
    rng = np.random.default_rng(9)
    bn = BatchNorm(2)
    bn.forward(rng.normal(size=(8, 2)), training=True)
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    bn.forward(rng.normal(size=(8, 2)), training=False)
    assert bn.num_batches_tracked == 1
    np.testing.assert_array_equal(bn.running_mean, mean)
    np.testing.assert_array_equal(bn.running_var, var)


# --- eval mode --------------------------------------------------------------------------------


def test_eval_mode_uses_running_statistics():
    rng = np.random.default_rng(10)
    bn = BatchNorm(3, momentum=0.2)
    bn.gamma = np.array([2.0, -1.0, 0.5])
    bn.beta = np.array([0.0, 1.0, -3.0])
    for _ in range(30):
        bn.forward(rng.normal(4.0, 2.0, size=(16, 3)), training=True)
    x = rng.normal(4.0, 2.0, size=(5, 3))
    expected = bn.gamma * (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps) + bn.beta
    y = bn.forward(x, training=False)
    np.testing.assert_allclose(y, expected, rtol=1e-14)
    assert not np.allclose(y, bn.forward(x, training=True))  # batch statistics differ


def test_home_card_lesson_eval_mode_makes_a_prediction_independent_of_the_batch():
    # Why eval mode uses running statistics: one sample's output must not depend on what else
    # is in its batch. In training mode it does; in eval mode it does not.
    bn = BatchNorm(1)
    for batch in sample_batch("shifted_scaled", 8 * 200, 0).reshape(200, 8, 1):
        bn.forward(batch, training=True)
    sample = np.array([[6.0]])
    others = [sample_batch("shifted_scaled", 7, seed) for seed in (1, 2, 3)]
    train = [bn.forward(np.vstack([sample, o]), training=True)[0, 0] for o in others]
    evals = [bn.forward(np.vstack([sample, o]), training=False)[0, 0] for o in others]
    assert max(train) - min(train) > 0.1
    assert max(evals) - min(evals) == 0.0


def test_eval_mode_of_a_fresh_layer_is_almost_the_identity():
    x = np.array([[1.0, -2.0], [3.0, 4.0]])
    np.testing.assert_allclose(BatchNorm(2).forward(x, training=False), x / math.sqrt(1 + 1e-5))


def test_eval_mode_accepts_a_single_sample():
    y = BatchNorm(2).forward(np.array([[1.0, 2.0]]), training=False)
    assert y.shape == (1, 2)


def test_pure_eval_forward_matches_the_class():
    x, _, bn = random_layer(np.random.default_rng(11), 4, 2)
    bn.running_mean, bn.running_var = np.array([1.0, 2.0]), np.array([0.5, 3.0])
    y, cache = batchnorm_eval_forward(x, bn.gamma, bn.beta, bn.running_mean, bn.running_var)
    np.testing.assert_array_equal(bn.forward(x, training=False), y)
    assert not cache.training


# --- batch of one, constant batches, validation -----------------------------------------------


def test_training_with_a_batch_of_one_raises_like_torch():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        bn.forward(np.ones((1, 3)), training=True)
    assert bn.num_batches_tracked == 0
    np.testing.assert_array_equal(bn.running_var, np.ones(3))


@pytest.mark.parametrize("value", [0.0, 7.5, -1e6, 1e150])
def test_constant_batch_is_finite_and_warning_free(value):
    bn = BatchNorm(2)
    bn.gamma = np.array([3.0, -2.0])
    bn.beta = np.array([0.5, 1.5])
    x = np.full((6, 2), value)
    dy = np.random.default_rng(12).normal(size=(6, 2))
    y = strict(bn.forward, x, training=True)
    np.testing.assert_array_equal(y, np.broadcast_to(bn.beta, (6, 2)))  # σ_B² = 0, x̂ = 0
    dx = strict(bn.backward, dy)
    assert np.all(np.isfinite(dx))
    np.testing.assert_array_equal(bn.dgamma, [0.0, 0.0])
    # With x̂ = 0 the compact form reduces to γ/√ε · (dy − mean(dy)).
    np.testing.assert_allclose(dx, bn.gamma / math.sqrt(bn.eps) * (dy - dy.mean(axis=0)))
    np.testing.assert_array_equal(bn.running_var, [0.9, 0.9])


def test_huge_but_accepted_inputs_stay_finite():
    x = np.array([[-MAX_ABS], [MAX_ABS], [0.0]])
    bn = BatchNorm(1)
    y = strict(bn.forward, x, training=True)
    dx = strict(bn.backward, np.array([[1e150], [-1e150], [1.0]]))
    assert np.all(np.isfinite(y))
    assert np.all(np.isfinite(dx))
    assert np.all(np.isfinite(bn.running_var))


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (np.ones(4), "2-D"),
        (np.ones((2, 3, 1)), "2-D"),
        (np.ones((0, 3)), "non-empty"),
        (np.ones((4, 2)), "3 features"),
        (np.array([[1.0, np.nan, 0.0], [1.0, 2.0, 3.0]]), "finite"),
        (np.array([[1.0, np.inf, 0.0], [1.0, 2.0, 3.0]]), "finite"),
        (np.array([[1e151, 0.0, 0.0], [1.0, 2.0, 3.0]]), "1e\\+150"),
        (np.ones((2, 3), dtype=bool), "real numbers"),
        (np.array([["a", "b", "c"], ["d", "e", "f"]]), "real numbers"),
        (np.ones((2, 3), dtype=complex), "real numbers"),
    ],
)
@pytest.mark.parametrize("training", [True, False])
def test_invalid_input_raises_a_clear_value_error(x, match, training):
    with pytest.raises(ValueError, match=match):
        BatchNorm(3).forward(x, training=training)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"num_features": 0}, "num_features"),
        ({"num_features": 2.0}, "num_features"),
        ({"num_features": True}, "num_features"),
        ({"num_features": 2, "eps": 0.0}, "eps"),
        ({"num_features": 2, "eps": -1e-5}, "eps"),
        ({"num_features": 2, "eps": math.nan}, "eps"),
        ({"num_features": 2, "momentum": -0.1}, "momentum"),
        ({"num_features": 2, "momentum": 1.5}, "momentum"),
        ({"num_features": 2, "momentum": math.inf}, "momentum"),
        ({"num_features": 2, "momentum": "0.1"}, "momentum"),
    ],
)
def test_invalid_constructor_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BatchNorm(**kwargs)


def test_training_flag_must_be_a_bool():
    with pytest.raises(ValueError, match="training"):
        BatchNorm(1).forward(np.ones((2, 1)), training="yes")


def test_gamma_of_the_wrong_shape_or_non_finite_is_rejected():
    bn = BatchNorm(2)
    bn.gamma = np.ones(3)
    with pytest.raises(ValueError, match="gamma"):
        bn.forward(np.ones((4, 2)), training=True)
    bn.gamma = np.array([1.0, np.nan])
    with pytest.raises(ValueError, match="gamma"):
        bn.forward(np.ones((4, 2)), training=False)


def test_running_statistics_of_the_wrong_shape_are_rejected_in_both_modes():
    for training in (True, False):
        bn = BatchNorm(2)
        bn.running_var = np.ones(3)
        with pytest.raises(ValueError, match="running_var"):
            bn.forward(np.arange(8.0).reshape(4, 2), training=training)
        assert bn.num_batches_tracked == 0


def test_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="before forward"):
        BatchNorm(2).backward(np.ones((3, 2)))


@pytest.mark.parametrize(
    ("dy", "match"), [(np.ones((3, 2)), "shape"), (np.full((4, 2), np.nan), "finite")]
)
def test_invalid_upstream_gradient_raises(dy, match):
    bn = BatchNorm(2)
    bn.forward(np.arange(8.0).reshape(4, 2), training=True)
    with pytest.raises(ValueError, match=match):
        bn.backward(dy)


def test_lists_are_accepted_as_input():
    y = BatchNorm(2).forward([[1, 2], [3, 5]], training=True)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, BatchNorm(2).forward(np.array([[1.0, 2.0], [3.0, 5.0]])))
    r = np.sqrt(np.array([1.0, 2.25]) / (np.array([1.0, 2.25]) + 1e-5))  # |x̂| = √(σ²/(σ²+ε))
    np.testing.assert_allclose(y, [[-r[0], -r[1]], [r[0], r[1]]], rtol=1e-15)


# --- distributions ----------------------------------------------------------------------------


def test_distribution_names():
    assert DISTRIBUTIONS == ("normal", "shifted_scaled", "skewed", "bimodal", "outliers")
    assert all(DISTRIBUTION_REGISTRY[name].latex for name in DISTRIBUTIONS)


def test_population_stats_closed_forms():
    assert population_stats("normal") == (0.0, 1.0)
    assert population_stats("shifted_scaled") == (5.0, 9.0)
    skewed = population_stats("skewed")
    assert skewed == pytest.approx((math.sqrt(math.e), math.e * (math.e - 1)), rel=1e-15)
    assert population_stats("bimodal") == (0.0, 10.0)
    assert population_stats("outliers") == pytest.approx((0.0, 0.97 + 0.03 * 100), rel=1e-15)


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_population_stats_match_a_huge_sample(name):
    n = 2_000_000
    x = sample_batch(name, n, seed=2024)[:, 0]
    mean, var = population_stats(name)
    centred = x - x.mean()
    sample_var = np.mean(centred**2)
    se_mean = math.sqrt(sample_var / n)
    se_var = math.sqrt((np.mean(centred**4) - sample_var**2) / n)
    assert abs(x.mean() - mean) < 5 * se_mean
    assert abs(sample_var - var) < 5 * se_var


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_sample_batch_shape_and_determinism(name):
    a = sample_batch(name, 32, seed=5, features=3)
    assert a.shape == (32, 3)
    assert a.dtype == np.float64
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, sample_batch(name, 32, seed=5, features=3))
    assert not np.array_equal(a, sample_batch(name, 32, seed=6, features=3))
    assert not np.array_equal(a[:, 0], a[:, 1])
    assert sample_batch(name, 4, seed=5).shape == (4, 1)


def test_distribution_shapes_are_what_the_names_say():
    x = {name: sample_batch(name, 200_000, seed=1)[:, 0] for name in DISTRIBUTIONS}
    assert np.all(x["skewed"] > 0)
    skew = np.mean((x["skewed"] - x["skewed"].mean()) ** 3) / x["skewed"].std() ** 3
    assert skew > 3
    near_zero = np.mean(np.abs(x["bimodal"]) < 0.5)
    near_mode = np.mean(np.abs(x["bimodal"] - 3) < 0.5)
    assert near_zero < 0.01 < 0.15 < near_mode
    assert 0.01 < np.mean(np.abs(x["outliers"]) > 5) < 0.05  # a few large values
    assert np.mean(np.abs(x["normal"]) > 5) < 1e-5


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("uniform", 4, 0), "unknown distribution 'uniform'"),
        (("normal", 0, 0), "batch_size"),
        (("normal", 2.5, 0), "batch_size"),
        (("normal", True, 0), "batch_size"),
        (("normal", 4, -1), "seed"),
        (("normal", 4, 0, 0), "features"),
    ],
)
def test_sample_batch_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        sample_batch(*args)


def test_unknown_distribution_lists_the_choices():
    with pytest.raises(ValueError, match="unknown distribution 'uniform'") as info:
        population_stats("uniform")
    assert all(name in str(info.value) for name in DISTRIBUTIONS)


# --- normalize_steps / recover_params ---------------------------------------------------------


def test_normalize_steps_intermediate_values():
    x = np.array([1.0, 2.0, 4.0, 9.0])
    steps = normalize_steps(x, gamma=2.0, beta=-1.0, eps=1e-3)
    assert steps.mu_B == 4.0
    assert steps.var_B == pytest.approx(np.var(x), rel=1e-15)  # biased: 38/4 = 9.5
    assert steps.var_B == 9.5
    assert steps.std_B == pytest.approx(math.sqrt(9.5 + 1e-3), rel=1e-15)
    np.testing.assert_allclose(steps.x_hat, (x - 4.0) / math.sqrt(9.501), rtol=1e-15)
    np.testing.assert_allclose(steps.y, 2.0 * steps.x_hat - 1.0, rtol=1e-15)
    np.testing.assert_array_equal(steps.x, x)


@HYPOTHESIS
@given(name=distributions, n=st.integers(2, 64), seed=seeds)
def test_normalize_steps_agrees_with_the_layer(name, n, seed):
    x = sample_batch(name, n, seed)
    bn = BatchNorm(1)
    bn.gamma, bn.beta = np.array([1.7]), np.array([-0.4])
    steps = normalize_steps(x[:, 0], 1.7, -0.4)
    np.testing.assert_allclose(steps.y, bn.forward(x, training=True)[:, 0], rtol=1e-14, atol=1e-14)


def test_normalize_steps_of_one_value_gives_beta():
    steps = strict(normalize_steps, [3.0], gamma=5.0, beta=2.0)
    assert (steps.mu_B, steps.var_B) == (3.0, 0.0)
    np.testing.assert_array_equal(steps.y, [2.0])


@HYPOTHESIS
@given(
    name=distributions,
    n=st.integers(2, 512),
    seed=seeds,
    eps=st.sampled_from([1e-5, 1e-3, 0.1, 1.0]),
)
def test_recovered_gamma_and_beta_give_back_x(name, n, seed, eps):
    x = sample_batch(name, n, seed)[:, 0]
    gamma, beta = recover_params(x, eps)
    assert np.max(np.abs(normalize_steps(x, gamma, beta, eps).y - x)) < 1e-9
    bn = BatchNorm(1, eps=eps)
    bn.gamma, bn.beta = np.array([gamma]), np.array([beta])
    assert np.max(np.abs(bn.forward(x[:, None], training=True)[:, 0] - x)) < 1e-9


def test_recovery_is_the_batch_mean_and_std():
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])  # μ = 5, σ² = 4
    assert recover_params(x, eps=1e-5) == (math.sqrt(4 + 1e-5), 5.0)


def test_recovery_of_a_constant_batch():
    x = np.full(5, -2.5)
    gamma, beta = strict(recover_params, x)
    assert (gamma, beta) == (math.sqrt(1e-5), -2.5)
    np.testing.assert_array_equal(normalize_steps(x, gamma, beta).y, x)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": np.ones((2, 2))}, "1-D"),
        ({"x": []}, "non-empty"),
        ({"x": [1.0, np.nan]}, "finite"),
        ({"x": [1.0, 2.0], "gamma": math.inf}, "gamma"),
        ({"x": [1.0, 2.0], "beta": "0"}, "beta"),
        ({"x": [1.0, 2.0], "eps": 0.0}, "eps"),
    ],
)
def test_normalize_steps_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        normalize_steps(**kwargs)


# --- gamma_beta_loss --------------------------------------------------------------------------

TARGETS = [("moments", 0.0, 1.0), ("moments", 2.0, 0.5), ("moments", -1.0, 3.0), ("recover",)]


def loss_from_the_definition(x, target, gamma, beta, eps=1e-5):
    """The loss computed literally over the batch, for one (γ, β)."""
    x_hat = (x - x.mean()) / np.sqrt(x.var() + eps)
    y = gamma * x_hat + beta
    if target[0] == "recover":
        return np.mean((y - x) ** 2)
    _, m, s = target
    return (y.mean() - m) ** 2 + (np.sign(gamma) * y.std() - s) ** 2


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_loss_value_matches_its_definition_on_a_grid(name, target):
    x = sample_batch(name, 50, seed=3)[:, 0]
    loss = gamma_beta_loss(x, target)
    g, b = np.meshgrid(np.linspace(-3, 4, 15), np.linspace(-4, 6, 11))
    values = loss.value(g, b)
    assert values.shape == g.shape
    expected = np.vectorize(lambda gg, bb: loss_from_the_definition(x, target, gg, bb))(g, b)
    np.testing.assert_allclose(values, expected, rtol=1e-9, atol=1e-9 * loss.value(0, 0))


@HYPOTHESIS
@given(
    name=distributions,
    seed=seeds,
    target=st.sampled_from(TARGETS),
    gamma=st.floats(-5, 5),
    beta=st.floats(-5, 5),
)
def test_loss_gradient_matches_finite_differences(name, seed, target, gamma, beta):
    loss = gamma_beta_loss(sample_batch(name, 16, seed)[:, 0], target)
    h = 1e-6
    numeric = [
        (loss.value(gamma + h, beta) - loss.value(gamma - h, beta)) / (2 * h),
        (loss.value(gamma, beta + h) - loss.value(gamma, beta - h)) / (2 * h),
    ]
    np.testing.assert_allclose(loss.gradient([gamma, beta]), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("start", [(0.1, 0.0), (-2.0, 5.0), (4.0, -3.0)])
def test_gradient_descent_converges_to_the_minimum(target, start):
    loss = gamma_beta_loss(sample_batch("shifted_scaled", 32, seed=4)[:, 0], target)
    p = np.array(start)
    for _ in range(300):
        p = p - 0.2 * loss.gradient(p)
    np.testing.assert_allclose(p, loss.minimum, atol=1e-9)
    assert loss.value(*p) < 1e-15
    assert np.all(loss.gradient(np.array(loss.minimum)) == 0)


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_recover_minimum_is_the_recovery_point(name):
    x = sample_batch(name, 40, seed=5)[:, 0]
    loss = gamma_beta_loss(x, ("recover",))
    assert loss.minimum == recover_params(x)
    assert loss_from_the_definition(x, ("recover",), *loss.minimum) < 1e-24


@pytest.mark.parametrize("name", DISTRIBUTIONS)
@pytest.mark.parametrize(("m", "s"), [(0.0, 1.0), (3.0, 0.2), (-2.0, 4.0)])
def test_moments_minimum_gives_the_target_mean_and_std(name, m, s):
    x = sample_batch(name, 40, seed=6)[:, 0]
    gamma, beta = gamma_beta_loss(x, ("moments", m, s)).minimum
    y = normalize_steps(x, gamma, beta).y
    assert y.mean() == pytest.approx(m, abs=1e-12)
    assert y.std() == pytest.approx(s, rel=1e-12)
    assert gamma > 0


def test_moments_minimum_is_unique_strictly_convex_bowl():
    loss = gamma_beta_loss(sample_batch("normal", 20, seed=7)[:, 0], ("moments", 1.0, 2.0))
    g0, b0 = loss.minimum
    angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    around = loss.value(g0 + 0.01 * np.cos(angles), b0 + 0.01 * np.sin(angles))
    assert np.all(around > loss.value(g0, b0))
    assert loss.value(-g0, b0) > 1.0  # the mirror point −γ* is not a minimum


def test_loss_gradient_is_vectorised_over_points():
    loss = gamma_beta_loss(sample_batch("bimodal", 20, seed=8)[:, 0], ("recover",))
    points = np.random.default_rng(0).normal(size=(4, 5, 2))
    grads = loss.gradient(points)
    assert grads.shape == (4, 5, 2)
    np.testing.assert_array_equal(grads[2, 3], loss.gradient(points[2, 3]))


def test_loss_exposes_latex_and_kind():
    x = sample_batch("normal", 10, seed=9)[:, 0]
    assert gamma_beta_loss(x, ("recover",)).kind == "recover"
    assert "(y_i - x_i" in gamma_beta_loss(x, ("recover",)).latex
    assert r"\hat{x}" in gamma_beta_loss(x, ("moments", 0, 1)).latex


def test_loss_on_a_constant_batch_raises():
    with pytest.raises(ValueError, match="constant"):
        gamma_beta_loss(np.full(8, 2.0), ("recover",))


@pytest.mark.parametrize(
    "target",
    [
        ("moments", 1.0),
        ("moments", 0.0, -1.0),
        ("moments", math.nan, 1.0),
        ("moments", 0.0, "1"),
        ("recover", 1.0),
        ("shape",),
        (),
        "recover",
        None,
    ],
)
def test_loss_rejects_bad_targets(target):
    with pytest.raises(ValueError, match="target"):
        gamma_beta_loss(np.arange(5.0), target)


def test_target_std_beyond_reach_of_a_tiny_spread_raises():
    with pytest.raises(ValueError, match="out of reach"):
        strict(gamma_beta_loss, [0.0, 1e-160], ("moments", 0.0, 1e100))


def test_gradient_rejects_a_point_that_is_not_a_pair():
    loss = gamma_beta_loss(np.arange(5.0), ("recover",))
    with pytest.raises(ValueError, match="length 2"):
        loss.gradient([1.0, 2.0, 3.0])


# --- running_stats_stream ---------------------------------------------------------------------


def test_stream_columns_and_steps():
    df = running_stats_stream("normal", batch_size=8, steps=25, momentum=0.1, seed=0)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == [
        "step",
        "batch_mean",
        "batch_var",
        "batch_var_biased",
        "running_mean",
        "running_var",
        "train_eval_gap",
    ]
    assert df["step"].tolist() == list(range(1, 26))
    assert np.all(np.isfinite(df.drop(columns="step").to_numpy()))


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_stream_follows_the_running_update_from_its_own_batch_columns(momentum):
    n = 5
    df = running_stats_stream("skewed", batch_size=n, steps=60, momentum=momentum, seed=1)
    np.testing.assert_allclose(df["batch_var"], df["batch_var_biased"] * n / (n - 1), rtol=1e-15)
    mean, var = 0.0, 1.0
    for t, row in enumerate(df.itertuples(), start=1):
        f = 1 / t if momentum is None else momentum
        mean = (1 - f) * mean + f * row.batch_mean
        var = (1 - f) * var + f * row.batch_var
        assert row.running_mean == pytest.approx(mean, rel=1e-12, abs=1e-15)
        assert row.running_var == pytest.approx(var, rel=1e-12)


def test_stream_batches_are_consecutive_chunks_of_one_sample():
    n, steps = 6, 10
    df = running_stats_stream("bimodal", batch_size=n, steps=steps, momentum=0.1, seed=2)
    xs = sample_batch("bimodal", n * steps, seed=2).reshape(steps, n)
    np.testing.assert_allclose(df["batch_mean"], xs.mean(axis=1), rtol=1e-14)
    np.testing.assert_allclose(df["batch_var"], xs.var(axis=1, ddof=1), rtol=1e-14)
    np.testing.assert_allclose(df["batch_var_biased"], xs.var(axis=1), rtol=1e-14)
    x_train = (xs - xs.mean(axis=1, keepdims=True)) / np.sqrt(xs.var(axis=1, keepdims=True) + 1e-5)
    rm, rv = df["running_mean"].to_numpy()[:, None], df["running_var"].to_numpy()[:, None]
    x_eval = (xs - rm) / np.sqrt(rv + 1e-5)
    np.testing.assert_allclose(df["train_eval_gap"], np.abs(x_train - x_eval).mean(axis=1))


def test_small_batches_make_train_and_eval_outputs_differ_more():
    def late_gap(n):
        df = running_stats_stream("shifted_scaled", batch_size=n, steps=300, momentum=0.1, seed=3)
        return df["train_eval_gap"].iloc[100:].mean()

    assert late_gap(2) > 5 * late_gap(256)
    assert late_gap(256) < 0.1


def test_stream_running_statistics_approach_the_population():
    df = running_stats_stream("shifted_scaled", batch_size=64, steps=400, momentum=None, seed=4)
    mean, var = population_stats("shifted_scaled")
    assert df["running_mean"].iloc[-1] == pytest.approx(mean, abs=0.05)
    assert df["running_var"].iloc[-1] == pytest.approx(var, rel=0.03)


def test_stream_is_deterministic_in_seed():
    a = running_stats_stream("outliers", 4, 20, 0.1, seed=5)
    pd.testing.assert_frame_equal(a, running_stats_stream("outliers", 4, 20, 0.1, seed=5))
    assert not a.equals(running_stats_stream("outliers", 4, 20, 0.1, seed=6))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 1}, "batch_size"),
        ({"steps": 0}, "steps"),
        ({"momentum": 2.0}, "momentum"),
        ({"distribution": "cauchy"}, "distribution"),
    ],
)
def test_stream_rejects_bad_arguments(kwargs, match):
    args = {"distribution": "normal", "batch_size": 4, "steps": 3, "momentum": 0.1, "seed": 0}
    with pytest.raises(ValueError, match=match):
        running_stats_stream(**(args | kwargs))


# --- saturation -------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_batchnorm_pulls_shifted_inputs_out_of_saturation(activation):
    result = saturation_before_after("shifted_scaled", 2000, seed=0, activation_name=activation)
    assert result.fraction_before > 0.6
    assert result.fraction_after < 0.05


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_saturation_fractions_and_arrays_are_consistent(name):
    result = saturation_before_after(name, 500, seed=1, activation_name="sigmoid")
    assert result.threshold == SATURATION_THRESHOLD == 0.05
    assert result.activation == "sigmoid"
    np.testing.assert_array_equal(result.before, sample_batch(name, 500, seed=1)[:, 0])
    assert result.after.mean() == pytest.approx(0.0, abs=1e-12)
    assert result.after.std() == pytest.approx(1.0, abs=1e-5)
    sigmoid = 1 / (1 + np.exp(-result.after))
    np.testing.assert_allclose(result.derivative_after, sigmoid * (1 - sigmoid), rtol=1e-9)
    assert result.fraction_before == np.mean(np.abs(result.derivative_before) < 0.05)
    assert result.fraction_after == np.mean(np.abs(result.derivative_after) < 0.05)


def test_relu_saturation_is_the_fraction_of_negative_inputs():
    result = saturation_before_after("shifted_scaled", 1000, seed=2, activation_name="relu")
    assert result.fraction_before == np.mean(result.before <= 0)
    assert result.fraction_after == np.mean(result.after <= 0)
    assert result.fraction_after > 0.35 > 0.1 > result.fraction_before


def test_saturation_rejects_unknown_activation_and_a_batch_of_one():
    with pytest.raises(ValueError, match="unknown activation"):
        saturation_before_after("normal", 10, 0, "swish")
    with pytest.raises(ValueError, match="more than 1 value"):
        saturation_before_after("normal", 1, 0, "tanh")


# --- gradient_check ---------------------------------------------------------------------------


@HYPOTHESIS
@given(n=st.integers(3, 12), d=st.integers(1, 4), seed=seeds, name=distributions)
def test_gradient_check_agrees_for_the_correct_backward(n, d, seed, name):
    rng = np.random.default_rng([seed, 1])  # not sample_batch's stream: dy independent of x
    x = sample_batch(name, n, seed, features=d)
    dy = rng.normal(size=(n, d))
    gamma, beta = rng.uniform(-2, 2, d), rng.normal(size=d)
    check = gradient_check(x, dy, gamma=gamma, beta=beta)
    assert check.max_rel_error < 1e-6
    assert check.max_rel_error == max(
        check.rel_error_dx, check.rel_error_dgamma, check.rel_error_dbeta
    )
    _, cache = batchnorm_forward(x, gamma, beta)
    for analytic, expected in zip(
        (check.dx, check.dgamma, check.dbeta), batchnorm_backward(dy, cache), strict=True
    ):
        np.testing.assert_array_equal(analytic, expected)


def test_gradient_check_numeric_gradients_match_a_slow_loop():
    rng = np.random.default_rng(13)
    x, dy = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    check = gradient_check(x, dy)
    slow = numeric_gradients(train_loss(dy), x, np.ones(2), np.zeros(2))
    for fast, expected in zip(
        (check.dx_numeric, check.dgamma_numeric, check.dbeta_numeric), slow, strict=True
    ):
        np.testing.assert_allclose(fast, expected, rtol=1e-7, atol=1e-8)


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    def wrong_backward(dy, cache):
        dx, dgamma, dbeta = batchnorm.__dict__["_real_backward"](dy, cache)
        return dx * 1.01, dgamma, dbeta

    monkeypatch.setitem(batchnorm.__dict__, "_real_backward", batchnorm.batchnorm_backward)
    monkeypatch.setattr(batchnorm, "batchnorm_backward", wrong_backward)
    rng = np.random.default_rng(14)
    check = gradient_check(rng.normal(size=(6, 2)), rng.normal(size=(6, 2)))
    assert check.rel_error_dx > 1e-3
    assert check.rel_error_dgamma < 1e-6


def test_gradient_check_with_two_samples_differs_only_by_rounding():
    # N = 2: x̂ = ±√(σ²/(σ²+ε)) whatever x is, so dx is O(ε) and the difference is pure noise.
    check = gradient_check([[0.0], [1.0]], [[1.0], [-0.5]])
    assert 0 < np.max(np.abs(check.dx)) < 1e-4
    assert np.max(np.abs(check.dx - check.dx_numeric)) < 1e-9


@pytest.mark.parametrize("name", DISTRIBUTIONS)
@pytest.mark.parametrize("n", [2, 3, 128, 512])
@pytest.mark.parametrize("eps", [1e-8, 1e-5, 1.0])
def test_gradient_check_passes_the_mark_for_every_batch_the_page_can_draw(name, n, eps):
    # The page's chart draws the pass mark; a correct backward must sit under it for every
    # setting, N = 2 included (dx is zero by cancellation there, not wrong).
    for seed in (0, 999):
        x = sample_batch(name, n, seed)
        check = gradient_check(x, sample_batch("normal", n, seed + 1), eps)
        assert check.max_rel_error < batchnorm.GRADIENT_CHECK_PASS


def test_gradient_check_on_a_constant_batch_is_finite():
    check = strict(gradient_check, np.full((4, 2), 3.0), np.arange(8.0).reshape(4, 2))
    assert np.isfinite(check.max_rel_error)
    assert check.max_rel_error < 1e-6


@pytest.mark.parametrize(
    ("x", "dy", "kwargs", "match"),
    [
        (np.ones((40, 40)), np.ones((40, 40)), {}, "at most"),
        (np.ones((4, 2)), np.ones((4, 3)), {}, "shape"),
        (np.ones((4, 2)), np.ones((4, 2)), {"h": 0.0}, "h must be in \\(0, inf\\)"),
        (np.ones((1, 2)), np.ones((1, 2)), {}, "more than 1 value"),
        (np.ones((4, 2)), np.ones((4, 2)), {"gamma": [1.0]}, "gamma"),
    ],
)
def test_gradient_check_rejects_bad_input(x, dy, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gradient_check(x, dy, **kwargs)


# --- LaTeX and module hygiene -----------------------------------------------------------------


@pytest.mark.parametrize("latex", [LATEX_FORWARD, LATEX_BACKWARD, LATEX_RUNNING, LATEX_EVAL])
def test_latex_is_balanced(latex):
    depth = 0
    for char in latex:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert len(re.findall(r"\\left\W", latex)) == len(re.findall(r"\\right\W", latex))
    assert latex.count(r"\begin{aligned}") == latex.count(r"\end{aligned}")


def test_latex_states_the_formulas():
    for piece in (r"\mu_B", r"\sigma_B^2", r"\hat{x}_i", r"\epsilon", r"\gamma\,\hat{x}_i + \beta"):
        assert piece in LATEX_FORWARD
    # The compact backward: γ/(N·σ) · (N·dy − Σdy − x̂·Σ(dy·x̂)).
    assert r"\frac{\gamma}{N\sqrt{\sigma_B^2 + \epsilon}}" in LATEX_BACKWARD
    assert r"N\,\frac{\partial L}{\partial y_i}" in LATEX_BACKWARD
    assert r"- \hat{x}_i \sum_{j=1}^{N}" in LATEX_BACKWARD
    assert r"\frac{N}{N - 1}" in LATEX_RUNNING


def test_core_batchnorm_imports_no_streamlit_or_plotly():
    code = (
        "import sys, core.batchnorm, core.batchnorm_experiments; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')]; "
        "assert not bad, bad"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- core.batchnorm_experiments: what the page shows ---------------------------------------------


def test_gradient_check_dx_sum_is_the_sum_of_dx_and_vanishes():
    # Shifting every x_i by one amount leaves y unchanged, so Σᵢ ∂L/∂xᵢ = 0.
    x, dy = sample_batch("skewed", 50, 4), sample_batch("normal", 50, 5)
    check = gradient_check(x, dy)
    assert check.dx_sum == pytest.approx(float(check.dx.sum()), abs=0)
    assert abs(check.dx_sum) < 1e-12


def test_moments_are_the_mean_and_the_biased_std():
    m = experiments.moments([1.0, 2.0, 3.0, 4.0])
    assert m.mean == 2.5
    assert m.std == pytest.approx(math.sqrt(1.25), rel=1e-15)  # (2.25 + 0.25 + 0.25 + 2.25)/4


def test_the_page_s_batch_is_one_feature_of_the_sampled_batch():
    np.testing.assert_array_equal(
        experiments.batch("bimodal", 9, 3), sample_batch("bimodal", 9, 3)[:, 0]
    )


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_stages_moments_are_those_of_x_of_normalized_x_and_of_y(dist):
    s = experiments.stages(dist, 64, 2, 1e-5, 2.5, -1.0)
    x = sample_batch(dist, 64, 2)[:, 0]
    m_x, m_hat, m_y = s.moments
    assert (m_x.mean, m_x.std) == pytest.approx((x.mean(), x.std()), rel=1e-12)
    std_hat = math.sqrt(x.var() / (x.var() + 1e-5))  # std(x̂) = √(σ_B²/(σ_B² + ε))
    assert abs(m_hat.mean) < 1e-12
    assert m_hat.std == pytest.approx(std_hat, rel=1e-9)
    assert (m_y.mean, m_y.std) == pytest.approx((-1.0, 2.5 * std_hat), rel=1e-9)
    assert s.distance_to_input == np.max(np.abs(s.steps.y - x))


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_recovery_gives_sqrt_var_plus_eps_and_the_mean_and_only_rounding_is_left(dist):
    x = sample_batch(dist, 40, 6)[:, 0]
    r = experiments.recovery(dist, 40, 6, 1e-3)
    assert r.gamma == pytest.approx(math.sqrt(x.var() + 1e-3), rel=1e-12)
    assert r.beta == pytest.approx(x.mean(), rel=1e-12, abs=1e-15)
    assert r.error < 1e-13 * max(1.0, np.abs(x).max())
    # the stages at (γ*, β*) are the same measurement
    assert experiments.stages(dist, 40, 6, 1e-3, r.gamma, r.beta).distance_to_input == r.error


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.18734, "5.187"),
        (1e-5, "10^{-5}"),
        (2.5e-7, r"2.5\cdot 10^{-7}"),
        (0.0, "0"),
        (128, "128"),
    ],
)
def test_tex_number_writes_powers_of_ten_as_latex(value, text):
    assert experiments.tex_number(value) == text


def test_worked_formulas_put_this_batch_s_numbers_into_the_forward():
    # x = (1, 3): μ_B = 2, σ_B² = 1, √(1 + 10⁻⁵) = 1.000005 (to 4 digits: 1).
    steps = normalize_steps([1.0, 3.0], 1.5, -0.25, 1e-5)
    moments, x_hat, y = experiments.worked_formulas(steps, 1.5, -0.25, 1e-5)
    assert moments == r"\mu_B = 2,\quad \sigma_B^2 = 1"
    assert x_hat == r"\hat x_i = \frac{x_i - 2}{\sqrt{1 + 10^{-5}}} = \frac{x_i - 2}{1}"
    assert y == r"y_i = 1.50\,\hat x_i - 0.25"
    shifted = experiments.worked_formulas(normalize_steps([-3.0, -1.0]), 1.0, 0.5, 1e-5)
    assert "x_i + 2" in shifted[1]
    assert shifted[2].endswith("+ 0.50")
    for latex in (moments, x_hat, y):
        test_latex_is_balanced(latex)


def test_plane_window_is_never_degenerate():
    (g0, g1), (b0, b1) = experiments.plane_window((1.0, 0.0), [(1.0, 0.0)])
    assert g1 - g0 > 1
    assert b1 - b0 > 1


def test_plane_window_is_a_square_holding_every_point_with_a_margin():
    points = [(3.0, 5.0), (0.5, -2.0)]
    (g0, g1), (b0, b1) = experiments.plane_window((1.0, 0.0), points)
    assert g1 - g0 == pytest.approx(b1 - b0)
    assert b1 - b0 == pytest.approx(7.0 * 1.35)  # the wider (β) span, 35 % larger
    for g, b in [(1.0, 0.0), *points]:
        assert g0 < g < g1
        assert b0 < b < b1


@pytest.mark.parametrize("target", [("recover",), ("moments", 2.0, 0.5)])
def test_learning_run_records_the_path_its_loss_and_the_loss_grid(target):
    run = experiments.learning_run("shifted_scaled", 64, 0, 1e-5, target, "momentum", 0.1, 30, 12)
    assert run.path.shape == (31, 2)
    np.testing.assert_array_equal(run.path[0], [1.0, 0.0])
    np.testing.assert_array_equal(run.path_loss, run.loss.value(run.path[:, 0], run.path[:, 1]))
    assert run.gammas.shape == run.betas.shape == (12,)
    assert run.grid.shape == (12, 12)
    assert run.grid[3, 7] == run.loss.value(run.gammas[7], run.betas[3])  # grid[j, i] = L(γᵢ, βⱼ)
    assert run.diverged_at is None
    x = sample_batch("shifted_scaled", 64, 0)[:, 0]
    assert run.recovery == recover_params(x, 1e-5)
    for g, b in [(1.0, 0.0), run.loss.minimum, run.recovery]:
        assert run.gammas[0] < g < run.gammas[-1]
        assert run.betas[0] < b < run.betas[-1]


def test_learning_run_with_sgd_at_one_half_lands_on_beta_star_in_one_step():
    # ∂²L/∂β² = 2, so lr = ½ is exactly the Newton step along β.
    run = experiments.learning_run("normal", 32, 1, 1e-5, ("moments", 2.0, 0.5), "sgd", 0.5, 3, 4)
    assert run.path[1, 1] == pytest.approx(2.0, abs=1e-12)


def test_learning_run_says_where_a_too_large_learning_rate_diverged():
    run = experiments.learning_run("normal", 32, 1, 1e-5, ("recover",), "sgd", 2.0, 500, 4)
    assert run.diverged_at is not None
    assert run.path.shape == (run.diverged_at, 2)  # the points before it left the chart
    assert np.isfinite(run.path_loss).all()


def test_settled_gap_averages_the_second_half_of_the_stream():
    stream = pd.DataFrame({"train_eval_gap": [9.0, 7.0, 3.0, 4.0, 5.0]})
    assert experiments.settled_gap(stream) == 4.0  # rows 2, 3, 4: from len // 2 on


def test_train_eval_carries_the_stream_its_truth_and_its_settled_gap():
    run = experiments.train_eval("skewed", 8, 60, 0.1, 4)
    pd.testing.assert_frame_equal(run.stream, running_stats_stream("skewed", 8, 60, 0.1, 4))
    assert run.population == population_stats("skewed")
    assert run.settled_gap == pytest.approx(run.stream["train_eval_gap"][30:].mean(), rel=1e-12)


def test_gap_by_batch_is_each_size_s_settled_gap_and_falls_like_one_over_root_n():
    sizes = (2, 8, 32, 128)
    gap = experiments.gap_by_batch("normal", 0.1, 0, sizes, 100)
    assert gap.sizes == sizes
    for size, value in zip(sizes, gap.gaps, strict=True):
        assert value == experiments.settled_gap(running_stats_stream("normal", size, 100, 0.1, 0))
    slope = np.polyfit(np.log(sizes), np.log(gap.gaps), 1)[0]
    assert -0.65 < slope < -0.3


def test_gap_by_batch_refuses_a_batch_of_one():
    with pytest.raises(ValueError, match="batch size"):
        experiments.gap_by_batch("normal", 0.1, 0, (1, 4), 10)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("dist", ["normal", "shifted_scaled"])
def test_saturation_draws_f_prime_over_every_input_and_shades_where_it_is_small(dist, activation):
    s = experiments.saturation(dist, 200, 0, activation)
    c = s.comparison
    assert c.fraction_before == saturation_before_after(dist, 200, 0, activation).fraction_before
    assert s.z.size == experiments.CURVE_POINTS
    assert s.z[0] == min(-6.0, c.before.min() - 0.5)
    assert s.z[-1] == max(6.0, c.before.max() + 0.5)
    np.testing.assert_array_equal(s.derivative, activations.get(activation).derivative(s.z))
    for lo, hi in s.saturated:
        inside = (s.z >= lo) & (s.z <= hi)
        assert np.all(np.abs(s.derivative[inside]) < c.threshold)


def test_gradient_check_of_batch_uses_a_normal_upstream_gradient_from_the_next_seed():
    check = experiments.gradient_check_of_batch("bimodal", 30, 7, 1e-3)
    again = gradient_check(sample_batch("bimodal", 30, 7), sample_batch("normal", 30, 8), 1e-3)
    np.testing.assert_array_equal(check.dx, again.dx)
    assert check.max_rel_error == again.max_rel_error < batchnorm.GRADIENT_CHECK_PASS
