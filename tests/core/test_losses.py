import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core import losses
from core.losses import (
    LATEX,
    NAMES,
    REDUCTIONS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
)

HYPOTHESIS = settings(max_examples=60, deadline=None, database=None)
H = 1e-6  # central-difference step
FD_TOL = 1e-6  # |analytic − numeric| ≤ FD_TOL·max(1, |analytic|)


def strict(fn, *args, **kwargs):
    """fn(...) with every warning and every floating-point error except underflow raised."""
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def scalar(loss, x, target, reduction):
    """The loss as one number: the reduced value, or Σ of the elementwise losses for "none"."""
    value, _ = loss(x, target, reduction)
    return float(np.sum(value))


def numeric_gradient(loss, x, target, reduction):
    """Central differences of `scalar` in every entry of x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += H
        down[i] -= H
        grad[i] = (scalar(loss, up, target, reduction) - scalar(loss, down, target, reduction)) / (
            2 * H
        )
    return grad


def assert_gradient_matches_finite_differences(loss, x, target, reduction):
    _, grad = loss(x, target, reduction)
    numeric = numeric_gradient(loss, x, target, reduction)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, numeric, rtol=FD_TOL, atol=FD_TOL)


shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4)
reductions = st.sampled_from(REDUCTIONS)


def arrays(shape, lo, hi):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_subnormal=False))


@st.composite
def regression_pairs(draw):
    shape = draw(shapes)
    return draw(arrays(shape, -10, 10)), draw(arrays(shape, -10, 10))


@st.composite
def probability_pairs(draw):
    # p away from 0 and 1: there the clamp and the 1e-12 floor are inactive and torch's
    # gradient is the true derivative.
    shape = draw(shapes)
    return draw(arrays(shape, 0.02, 0.98)), draw(arrays(shape, 0.0, 1.0))


@st.composite
def logit_pairs(draw):
    shape = draw(shapes)
    return draw(arrays(shape, -20, 20)), draw(arrays(shape, 0.0, 1.0))


@st.composite
def class_batches(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    x = draw(arrays((n, c), -20, 20))
    y = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=np.int64)
    return x, y


# --- hand-computed values -----------------------------------------------------------------------


def test_mse_matches_hand_computed_values_without_a_half():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])  # differences 0, 2, −2
    losses_, grad = mse_loss(x, y, "none")
    np.testing.assert_array_equal(losses_, [0.0, 4.0, 4.0])
    np.testing.assert_array_equal(grad, [0.0, 4.0, -4.0])
    assert mse_loss(x, y, "sum") == (8.0, pytest.approx(grad))
    value, grad_mean = mse_loss(x, y)
    assert value == pytest.approx(8 / 3, rel=1e-15)
    np.testing.assert_allclose(grad_mean, [0.0, 4 / 3, -4 / 3], rtol=1e-15)


def test_mse_on_plus_minus_one_labels():
    # TensorFlow Playground's setting: one output against labels ±1.
    value, grad = mse_loss([[0.5], [-0.5]], [[1.0], [-1.0]])
    assert value == 0.25
    np.testing.assert_array_equal(grad, [[-0.5], [0.5]])


def test_bce_matches_hand_computed_values():
    p, y = np.array([0.5, 0.8, 0.25]), np.array([1.0, 0.0, 0.5])
    values, grad = binary_cross_entropy(p, y, "none")
    # −log ½; −log 0.2; −½(log ¼ + log ¾)
    expected = [math.log(2), math.log(5), -0.5 * (math.log(0.25) + math.log(0.75))]
    np.testing.assert_allclose(values, expected, rtol=1e-15)
    # (p − y)/(p(1 − p)): −½/¼, 0.8/0.16, −¼/(3/16)
    np.testing.assert_allclose(grad, [-2.0, 5.0, -4 / 3], rtol=1e-14)
    value, grad_mean = binary_cross_entropy(p, y)
    assert value == pytest.approx(sum(expected) / 3, rel=1e-15)
    np.testing.assert_allclose(grad_mean, np.array([-2.0, 5.0, -4 / 3]) / 3, rtol=1e-14)


def test_bce_at_p_zero_and_one_is_clamped_at_100_with_torch_s_finite_gradient():
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    values, grad = strict(binary_cross_entropy, p, y, "none")
    np.testing.assert_array_equal(values, [100.0, 100.0, 0.0, 0.0, 50.0])
    # (p − y)/max(p(1 − p), 1e-12), torch's 1e-12 being a single-precision float
    assert abs(losses.BCE_GRAD_EPS - 1e-12) < 1e-20
    floor = losses.BCE_GRAD_EPS
    np.testing.assert_array_equal(grad, [-1 / floor, 1 / floor, 0.0, 0.0, -0.5 / floor])
    value, grad_mean = strict(binary_cross_entropy, p, y)
    assert value == 50.0
    assert np.all(np.isfinite(grad_mean))


def test_bce_log_clamp_is_active_only_below_e_to_the_minus_100():
    tiny = math.exp(-120)  # log p = −120 → clamped to −100
    values, _ = binary_cross_entropy([tiny, math.exp(-50)], [1.0, 1.0], "none")
    np.testing.assert_allclose(values, [100.0, 50.0], rtol=1e-15)


def test_bce_with_logits_matches_hand_computed_values():
    x, y = np.array([0.0, math.log(3), -math.log(3)]), np.array([1.0, 1.0, 0.25])
    values, grad = binary_cross_entropy_with_logits(x, y, "none")
    # σ(0) = ½, σ(log 3) = ¾, σ(−log 3) = ¼
    expected = [math.log(2), -math.log(0.75), -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))]
    np.testing.assert_allclose(values, expected, rtol=1e-14)
    np.testing.assert_allclose(grad, [-0.5, -0.25, 0.0], atol=1e-15)


def test_bce_with_logits_is_finite_and_exact_at_plus_minus_1000():
    x = np.array([1000.0, -1000.0, 1000.0, -1000.0, 1000.0])
    y = np.array([1.0, 1.0, 0.0, 0.0, 0.5])
    values, grad = strict(binary_cross_entropy_with_logits, x, y, "none")
    np.testing.assert_array_equal(values, [0.0, 1000.0, 1000.0, 0.0, 500.0])
    np.testing.assert_array_equal(grad, [0.0, -1.0, 1.0, 0.0, 0.5])
    value, grad_mean = strict(binary_cross_entropy_with_logits, x, y)
    assert value == 500.0
    np.testing.assert_array_equal(grad_mean, np.array([0.0, -1.0, 1.0, 0.0, 0.5]) / 5)


def test_cross_entropy_matches_hand_computed_values():
    x = np.array([[0.0, 0.0, 0.0], [math.log(2), 0.0, 0.0]])
    y = np.array([2, 0])
    values, grad = cross_entropy(x, y, "none")
    # softmax rows (⅓, ⅓, ⅓) and (½, ¼, ¼)
    np.testing.assert_allclose(values, [math.log(3), math.log(2)], rtol=1e-15)
    np.testing.assert_allclose(
        grad, [[1 / 3, 1 / 3, -2 / 3], [-0.5, 0.25, 0.25]], rtol=1e-15, atol=1e-16
    )
    value, grad_mean = cross_entropy(x, y)
    assert value == pytest.approx((math.log(3) + math.log(2)) / 2, rel=1e-15)
    np.testing.assert_allclose(grad_mean, grad / 2, rtol=1e-15)


def test_cross_entropy_is_finite_and_exact_at_plus_minus_1000():
    x = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0]])
    y = np.array([0, 1, 2])
    values, grad = strict(cross_entropy, x, y, "none")
    np.testing.assert_allclose(values, [0.0, 2000.0, 2000.0 + math.log(2)], rtol=1e-15)
    np.testing.assert_allclose(
        grad, [[0.0, 0.0, 0.0], [1.0, -1.0, 0.0], [0.5, 0.5, -1.0]], rtol=0, atol=1e-300
    )


def test_cross_entropy_with_one_class_is_zero():
    values, grad = cross_entropy([[3.0], [-7.0]], [0, 0], "none")
    np.testing.assert_array_equal(values, [0.0, 0.0])
    np.testing.assert_array_equal(grad, [[0.0], [0.0]])


# --- gradients against central differences -------------------------------------------------------


@HYPOTHESIS
@given(regression_pairs(), reductions)
def test_mse_gradient_matches_finite_differences(pair, reduction):
    assert_gradient_matches_finite_differences(mse_loss, *pair, reduction)


@HYPOTHESIS
@given(probability_pairs(), reductions)
def test_bce_gradient_matches_finite_differences(pair, reduction):
    assert_gradient_matches_finite_differences(binary_cross_entropy, *pair, reduction)


@HYPOTHESIS
@given(logit_pairs(), reductions)
def test_bce_with_logits_gradient_matches_finite_differences(pair, reduction):
    assert_gradient_matches_finite_differences(binary_cross_entropy_with_logits, *pair, reduction)


@HYPOTHESIS
@given(class_batches(), reductions)
def test_cross_entropy_gradient_matches_finite_differences(batch, reduction):
    assert_gradient_matches_finite_differences(cross_entropy, *batch, reduction)


# --- consistency between the losses ------------------------------------------------------------


@HYPOTHESIS
@given(logit_pairs(), reductions)
def test_bce_with_logits_equals_bce_of_the_sigmoid(pair, reduction):
    x, y = pair
    x = np.clip(x, -5, 5)  # beyond, 1 − σ(x) loses digits: why the logits form exists
    p = 1.0 / (1.0 + np.exp(-x))
    with_logits, grad_logits = binary_cross_entropy_with_logits(x, y, reduction)
    plain, grad_p = binary_cross_entropy(p, y, reduction)
    np.testing.assert_allclose(with_logits, plain, rtol=1e-9, atol=1e-12)
    # chain rule: ∂ℓ/∂x = ∂ℓ/∂p · p(1 − p)
    np.testing.assert_allclose(grad_logits, grad_p * p * (1 - p), rtol=1e-9, atol=1e-12)


@HYPOTHESIS
@given(class_batches(), st.floats(-500, 500), reductions)
def test_cross_entropy_ignores_a_constant_added_to_every_logit(batch, shift, reduction):
    x, y = batch
    value, grad = cross_entropy(x, y, reduction)
    shifted, grad_shifted = cross_entropy(x + shift, y, reduction)
    np.testing.assert_allclose(shifted, value, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(grad_shifted, grad, rtol=1e-9, atol=1e-9)


@HYPOTHESIS
@given(arrays(st.integers(1, 6).map(lambda n: (n, 2)), -30, 30), reductions)
def test_two_class_cross_entropy_is_bce_with_logits_of_the_logit_difference(x, reduction):
    y = (x[:, 0] < x[:, 1]).astype(np.int64)
    ce, grad_ce = cross_entropy(x, y, reduction)
    bce, grad_bce = binary_cross_entropy_with_logits(x[:, 1] - x[:, 0], y.astype(float), reduction)
    np.testing.assert_allclose(ce, bce, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_ce[:, 1], grad_bce, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_ce[:, 0], -grad_bce, rtol=1e-12, atol=1e-14)


# --- reductions ---------------------------------------------------------------------------------

CASES = {
    "mse": (np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([[1.0, 1.0], [-1.0, 0.0]])),
    "bce": (np.array([[0.1, 0.9], [0.5, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])),
    "bce_with_logits": (np.array([[-2.0, 3.0], [0.0, 1000.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])),
    "cross_entropy": (np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]]), np.array([0, 2])),
}


@pytest.mark.parametrize("name", NAMES)
def test_sum_mean_and_none_agree(name):
    loss = losses.get(name)
    x, y = CASES[name]
    values, grad_none = loss(x, y, "none")
    total, grad_sum = loss(x, y, "sum")
    mean, grad_mean = loss(x, y, "mean")
    assert isinstance(values, np.ndarray)
    assert values.shape == (x.shape if name != "cross_entropy" else x.shape[:1])
    assert type(total) is float
    assert type(mean) is float
    assert total == pytest.approx(values.sum(), rel=1e-15)
    assert mean == pytest.approx(values.mean(), rel=1e-15)
    np.testing.assert_array_equal(grad_none, grad_sum)
    np.testing.assert_allclose(grad_mean, grad_sum / values.size, rtol=1e-15)
    assert grad_mean.shape == x.shape
    assert grad_mean.dtype == np.float64


@pytest.mark.parametrize("name", NAMES)
def test_mean_is_the_default_reduction(name):
    loss = losses.get(name)
    x, y = CASES[name]
    value, grad = loss(x, y)
    expected, expected_grad = loss(x, y, "mean")
    assert value == expected
    np.testing.assert_array_equal(grad, expected_grad)


@pytest.mark.parametrize("name", NAMES)
def test_a_loss_leaves_its_arguments_alone(name):
    loss = losses.get(name)
    x, y = CASES[name]
    x0, y0 = x.copy(), y.copy()
    loss(x, y, "none")
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_integer_inputs_are_taken_as_floats():
    value, grad = mse_loss([1, 2], [0, 0], "sum")
    assert value == 5.0
    assert grad.dtype == np.float64


# --- a diverging network's outputs ---------------------------------------------------------------


def test_non_finite_inputs_give_non_finite_losses_without_warnings():
    value, grad = strict(mse_loss, [np.inf, 1.0], [0.0, 0.0])
    assert value == np.inf
    assert np.isinf(grad[0])
    value, _ = strict(mse_loss, [1e200, 0.0], [0.0, 0.0])
    assert value == np.inf
    value, _ = strict(binary_cross_entropy_with_logits, [np.nan, 0.0], [1.0, 0.0])
    assert np.isnan(value)
    value, _ = strict(cross_entropy, [[np.inf, 0.0]], [1])
    assert not np.isfinite(value)


# --- the registry --------------------------------------------------------------------------------


def test_every_name_has_a_function_and_a_formula():
    assert set(LATEX) == set(NAMES)
    assert set(losses.LOSSES) == set(NAMES)
    for name in NAMES:
        assert callable(losses.get(name))
        assert LATEX[name].startswith(r"\ell = ")


def test_an_unknown_loss_name_lists_the_names():
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; choose one of: mse, bce, "):
        losses.get("hinge")


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_reduction_lists_the_three(name):
    x, y = CASES[name]
    with pytest.raises(
        ValueError, match=r"unknown reduction 'avg'; choose one of: mean, sum, none"
    ):
        losses.get(name)(x, y, "avg")


@pytest.mark.parametrize("loss", [mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits])
def test_a_target_of_another_shape_is_refused_not_broadcast(loss):
    with pytest.raises(ValueError, match=r"target must have input's shape \(3, 1\), got \(3,\)"):
        loss(np.full((3, 1), 0.5), np.full(3, 0.5))


@pytest.mark.parametrize("name", NAMES)
def test_empty_input_is_refused(name):
    target = np.zeros(0, dtype=np.int64 if name == "cross_entropy" else np.float64)
    x = np.zeros((0, 2)) if name == "cross_entropy" else np.zeros(0)
    with pytest.raises(ValueError, match="input must not be empty"):
        losses.get(name)(x, target)


@pytest.mark.parametrize("bad", [[True, False], ["a", "b"], [1 + 2j, 0j]])
def test_input_must_hold_real_numbers(bad):
    with pytest.raises(ValueError, match="input must hold real numbers, got dtype"):
        mse_loss(bad, [0.0, 0.0])


@pytest.mark.parametrize("loss", [mse_loss, binary_cross_entropy, binary_cross_entropy_with_logits])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_target_is_refused(loss, bad):
    with pytest.raises(ValueError, match=r"target must be finite \(no NaN or inf\)"):
        loss([0.5, 0.5], [bad, 0.0])


@pytest.mark.parametrize("bad", [-0.1, 1.1, np.nan])
def test_bce_refuses_probabilities_outside_0_1_as_torch_does(bad):
    with pytest.raises(ValueError, match="all elements of input should be between 0 and 1"):
        binary_cross_entropy([0.5, bad], [1.0, 0.0])


@pytest.mark.parametrize("loss", [binary_cross_entropy, binary_cross_entropy_with_logits])
@pytest.mark.parametrize("bad", [-1.0, 2.0])
def test_bce_targets_must_be_in_0_1(loss, bad):
    with pytest.raises(ValueError, match="all elements of target should be between 0 and 1"):
        loss([0.5, 0.5], [bad, 0.0])


def test_cross_entropy_needs_2_d_logits():
    with pytest.raises(ValueError, match=r"input must be 2-D \(N, C\) logits, got shape \(3,\)"):
        cross_entropy([1.0, 2.0, 3.0], [0, 1, 2])


@pytest.mark.parametrize("bad", [np.array([0.0, 1.0]), np.array([True, False])])
def test_cross_entropy_needs_integer_labels(bad):
    with pytest.raises(ValueError, match="target must hold integer class labels, got dtype"):
        cross_entropy(np.zeros((2, 3)), bad)


def test_cross_entropy_needs_one_label_per_row():
    with pytest.raises(ValueError, match=r"target must have shape \(2,\), one label per row"):
        cross_entropy(np.zeros((2, 3)), np.array([[0], [1]]))


@pytest.mark.parametrize("bad", [-1, 3, -100])
def test_cross_entropy_labels_must_name_a_class(bad):
    with pytest.raises(ValueError, match=rf"target labels must be in \[0, 2\], got {bad}"):
        cross_entropy(np.zeros((2, 3)), np.array([0, bad]))


# --- the unchecked kernels a training loop uses ----------------------------------------------


def test_unchecked_offers_only_the_playground_s_losses():
    with pytest.raises(
        ValueError, match="unknown loss 'bce'; choose one of: mse, bce_with_logits, cross_entropy"
    ):
        losses.unchecked("bce")


@pytest.mark.parametrize("name", ["mse", "bce_with_logits", "cross_entropy"])
def test_unchecked_kernels_give_the_elementwise_losses_and_gradients(name):
    x, y = CASES[name]
    values, grad = losses.get(name)(x, y, "none")
    value_kernel, grad_kernel = losses.unchecked(name)
    np.testing.assert_array_equal(value_kernel(x, y), values)
    np.testing.assert_array_equal(grad_kernel(x, y), grad)
