"""core.initialization.mean_field: the variance recursion against closed forms and wide nets."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from initialization_cases import (
    HYPOTHESIS,
    NONZERO,
)

from core.initialization import (
    VALUE_CEILING,
    predicted_std,
    propagate,
    std,
)

# --- predicted_std --------------------------------------------------------------------------


@HYPOTHESIS
@given(scheme=st.sampled_from(NONZERO), depth=st.integers(1, 40), width=st.integers(1, 2048))
def test_prediction_for_linear_is_the_closed_form(scheme, depth, width):
    table = predicted_std(scheme, "linear", depth, width)
    gain = math.sqrt(width) * std(scheme, width, width)
    layers = np.arange(1, depth + 1)
    np.testing.assert_allclose(table["activation_std"], gain**layers, rtol=1e-9)
    np.testing.assert_allclose(table["preactivation_std"], gain**layers, rtol=1e-9)
    np.testing.assert_allclose(table["gradient_std"], gain ** (depth - layers), rtol=1e-9)
    assert (table["activation_mean"] == 0).all()


def test_prediction_for_he_relu_keeps_the_second_moment():
    table = predicted_std("he_normal", "relu", 30, 300, batch=10)
    np.testing.assert_allclose(table["preactivation_std"], math.sqrt(2), rtol=1e-9)
    # E[relu(z)²] = q/2 = 1 and E[relu(z)] = √(q/2π) for q = 2.
    mean = math.sqrt(2 / (2 * math.pi))
    np.testing.assert_allclose(table["activation_mean"], mean, rtol=1e-6)
    np.testing.assert_allclose(table["activation_std"], math.sqrt(1 - mean**2), rtol=1e-6)
    np.testing.assert_allclose(table["gradient_std"], 1.0, rtol=1e-6)
    # √(batch·E[h²]·E[f'²]·E[g²]) with E[h_0²] = 1 and E[h²] = 1 after.
    np.testing.assert_allclose(table["weight_gradient_std"], math.sqrt(10 * 0.5), rtol=1e-6)


def test_prediction_for_tanh_with_small_weights_uses_unit_gain_near_zero():
    table = predicted_std("small_normal", "tanh", 20, 256)
    ratio = table["activation_std"].to_numpy()[1:] / table["activation_std"].to_numpy()[:-1]
    np.testing.assert_allclose(ratio[5:], math.sqrt(256) * 0.01, rtol=1e-4)


def test_prediction_for_zero_weights():
    table = predicted_std("zeros", "sigmoid", 4, 8, batch=8)
    np.testing.assert_allclose(table["activation_mean"], 0.5, rtol=1e-12)
    assert (table["activation_std"] == 0).all()
    np.testing.assert_array_equal(table["gradient_std"], [0, 0, 0, 1])
    assert (table["weight_gradient_std"].iloc[:-1] == 0).all()
    assert table["weight_gradient_std"].iloc[-1] > 0


def test_prediction_has_weight_gradients_only_with_a_batch():
    assert "weight_gradient_std" not in predicted_std("he_normal", "relu", 3, 8)
    assert "weight_gradient_std" in predicted_std("he_normal", "relu", 3, 8, batch=4)


@pytest.mark.parametrize(
    ("scheme", "name", "tolerance"),
    [
        ("lecun_normal", "linear", 0.05),
        ("xavier_normal", "tanh", 0.05),
        ("lecun_normal", "selu", 0.05),
        ("he_normal", "relu", 0.25),  # ReLU nets scatter most between realisations
        ("he_uniform", "gelu", 0.25),
    ],
)
def test_prediction_agrees_with_a_wide_network(scheme, name, tolerance):
    table = propagate(scheme, name, 10, 512, 512, 31, weight_gradients=True)
    predicted = predicted_std(scheme, name, 10, 512, batch=512)
    for column in ("activation_std", "preactivation_std", "gradient_std", "weight_gradient_std"):
        ratio = table[column] / predicted[column]
        assert ratio.between(1 - tolerance, 1 + tolerance).all(), column


def test_prediction_stays_finite_at_the_extremes():
    table = predicted_std("standard_normal", "linear", 100, 2048, batch=8192)
    values = table.drop(columns="layer").to_numpy()
    assert np.all(np.isfinite(values))
    assert values.max() <= VALUE_CEILING
