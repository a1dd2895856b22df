"""Loss functions with torch.nn.functional's definitions, reductions and gradients.

Each ``loss(input, target, reduction="mean") -> (value, grad_input)`` computes the loss and its
gradient with respect to ``input`` in one pass, the way torch's backward kernels do. ``value`` is
a float for ``"mean"`` and ``"sum"`` and an array of the elementwise losses for ``"none"``, whose
gradient is that of their sum (torch's ``backward(ones)``).

Targets must be finite. Inputs may be inf or NaN (except probabilities, which torch also checks
lie in [0, 1]): a diverging network then gets an inf or NaN loss to report, not an exception, and
no floating-point warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
Loss = Callable[..., tuple[float | FloatArray, FloatArray]]

NAMES: tuple[str, ...] = ("mse", "bce", "bce_with_logits", "cross_entropy")
REDUCTIONS: tuple[str, ...] = ("mean", "sum", "none")

LOG_CLAMP = -100.0  # torch clamps log p and log(1 − p) at −100, so p = 0 or 1 gives 100, not inf
# torch's floor on p(1 − p) in binary_cross_entropy's gradient: its EPSILON = 1e-12 is a C++
# float, so in float64 the floor is 1e-12 rounded to single precision, 9.99999996e-13.
BCE_GRAD_EPS = float(np.float32(1e-12))

LATEX: MappingProxyType[str, str] = MappingProxyType(
    {
        "mse": r"\ell = \frac{1}{n}\sum_{i=1}^{n} (x_i - y_i)^2",
        "bce": (
            r"\ell = -\frac{1}{n}\sum_{i=1}^{n} \bigl[y_i \log p_i"
            r" + (1 - y_i)\log(1 - p_i)\bigr]"
        ),
        "bce_with_logits": (
            r"\ell = \frac{1}{n}\sum_{i=1}^{n} \bigl[\max(x_i, 0) - x_i y_i"
            r" + \log\bigl(1 + e^{-|x_i|}\bigr)\bigr]"
        ),
        "cross_entropy": (
            r"\ell = -\frac{1}{N}\sum_{i=1}^{N}"
            r" \log \frac{e^{x_{i,y_i}}}{\sum_{c=1}^{C} e^{x_{i,c}}}"
        ),
    }
)


# --- validation ------------------------------------------------------------------------------


def _real_array(a: npt.ArrayLike, name: str) -> FloatArray:
    """a as a non-empty float64 array of real numbers (ints and floats; not bools)."""
    raw = np.asarray(a)
    if raw.dtype == np.bool_ or not (
        np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
    ):
        raise ValueError(f"{name} must hold real numbers, got dtype {raw.dtype}")
    if raw.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {raw.shape}")
    return raw.astype(np.float64)


def _finite(a: FloatArray, name: str) -> FloatArray:
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return a


def _pair(input: npt.ArrayLike, target: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """(input, target) as float64 arrays of one shape; target finite."""
    x = _real_array(input, "input")
    y = _finite(_real_array(target, "target"), "target")
    if x.shape != y.shape:
        # torch broadcasts with a warning (MSE) or refuses (BCE); a silent broadcast of (N, 1)
        # against (N,) would average an N×N table of wrong pairs.
        raise ValueError(f"target must have input's shape {x.shape}, got {y.shape}")
    return x, y


def _unit_interval(a: FloatArray, name: str) -> FloatArray:
    if not np.all((a >= 0.0) & (a <= 1.0)):  # NaN fails both comparisons, as in torch's check
        raise ValueError(f"all elements of {name} should be between 0 and 1")
    return a


def _reduction(reduction: object) -> str:
    return validate.choice("reduction", reduction, REDUCTIONS)


def _reduce(
    losses: FloatArray, grad: FloatArray, reduction: str
) -> tuple[float | FloatArray, FloatArray]:
    """(mean, ∇/n), (sum, ∇) or (the losses, ∇) for ∇ the gradient of Σ losses."""
    if reduction == "none":
        return losses, grad
    if reduction == "sum":
        return float(losses.sum()), grad
    return float(losses.mean()), grad / losses.size


# --- the losses ------------------------------------------------------------------------------


def mse_loss(
    input: npt.ArrayLike, target: npt.ArrayLike, reduction: str = "mean"
) -> tuple[float | FloatArray, FloatArray]:
    """ℓᵢ = (xᵢ − yᵢ)² (no ½, as torch), ∂ℓᵢ/∂xᵢ = 2(xᵢ − yᵢ); input and target of one shape."""
    reduction = _reduction(reduction)
    x, y = _pair(input, target)
    with np.errstate(over="ignore", invalid="ignore"):
        return _reduce(*_mse_terms(x, y), reduction)


def _mse_terms(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(ℓᵢ, ∂ℓᵢ/∂xᵢ) of the squared error."""
    diff = x - y
    return diff * diff, 2.0 * diff


def _mse_values(x: FloatArray, y: FloatArray) -> FloatArray:
    return _mse_terms(x, y)[0]


def _mse_grad(x: FloatArray, y: FloatArray) -> FloatArray:
    return 2.0 * (x - y)


def binary_cross_entropy(
    input: npt.ArrayLike, target: npt.ArrayLike, reduction: str = "mean"
) -> tuple[float | FloatArray, FloatArray]:
    """ℓᵢ = −[yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)], logs clamped at −100; p, y in [0, 1]."""
    reduction = _reduction(reduction)
    p, y = _pair(input, target)
    _unit_interval(p, "input")
    _unit_interval(y, "target")
    with np.errstate(divide="ignore"):  # log 0 = −inf, clamped to −100 next
        log_p = np.maximum(np.log(p), LOG_CLAMP)
        log_q = np.maximum(np.log1p(-p), LOG_CLAMP)
    losses = (y - 1.0) * log_q - y * log_p  # torch's order of terms
    # torch's gradient floors p(1 − p) rather than differentiating the clamp: finite at p = 0, 1.
    grad = (p - y) / np.maximum((1.0 - p) * p, BCE_GRAD_EPS)
    return _reduce(losses, grad, reduction)


def _sigmoid(x: FloatArray) -> FloatArray:
    """σ(x) = 1/(1 + e^−x), torch's formula; e^−x = inf for x < −709 gives 0, as it should
    (callers silence that overflow's warning)."""
    return 1.0 / (1.0 + np.exp(-x))


def binary_cross_entropy_with_logits(
    input: npt.ArrayLike, target: npt.ArrayLike, reduction: str = "mean"
) -> tuple[float | FloatArray, FloatArray]:
    """ℓᵢ = max(xᵢ, 0) − xᵢyᵢ + log(1 + e^−|xᵢ|), ∂ℓᵢ/∂xᵢ = σ(xᵢ) − yᵢ; y in [0, 1]."""
    reduction = _reduction(reduction)
    x, y = _pair(input, target)
    _unit_interval(y, "target")
    with np.errstate(over="ignore", invalid="ignore"):
        return _reduce(*_bce_with_logits_terms(x, y), reduction)


def _bce_with_logits_terms(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(ℓᵢ, ∂ℓᵢ/∂xᵢ) of BCE on logits."""
    # −log σ(x) written so that neither e^x nor e^−x is ever taken of a large positive
    # number: stable for logits of ±1000, where the naive form gives log 0 or inf − inf.
    return _bce_with_logits_values(x, y), _bce_with_logits_grad(x, y)


def _bce_with_logits_values(x: FloatArray, y: FloatArray) -> FloatArray:
    return np.maximum(x, 0.0) - x * y + np.log1p(np.exp(-np.abs(x)))


def _bce_with_logits_grad(x: FloatArray, y: FloatArray) -> FloatArray:
    return _sigmoid(x) - y


def _labels(target: npt.ArrayLike, n: int, classes: int) -> npt.NDArray[np.intp]:
    """target as (N,) integer class labels in [0, C)."""
    raw = np.asarray(target)
    if raw.dtype == np.bool_ or not np.issubdtype(raw.dtype, np.integer):
        raise ValueError(f"target must hold integer class labels, got dtype {raw.dtype}")
    if raw.shape != (n,):
        raise ValueError(f"target must have shape ({n},), one label per row, got {raw.shape}")
    if np.any((raw < 0) | (raw >= classes)):
        bad = raw[(raw < 0) | (raw >= classes)][0]
        raise ValueError(f"target labels must be in [0, {classes - 1}], got {bad}")
    return raw.astype(np.intp)


def log_softmax(x: FloatArray) -> FloatArray:
    """log softmax over the last axis: (xᵢ − m) − log Σⱼ e^(xⱼ − m), m = maxⱼ xⱼ."""
    # Subtracting the max keeps every exponent ≤ 0 (no overflow, Σ ≥ 1); subtracting it before
    # the log term, not with it, keeps xᵢ − m exact when xᵢ is near the max.
    shifted = x - np.max(x, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def cross_entropy(
    input: npt.ArrayLike, target: npt.ArrayLike, reduction: str = "mean"
) -> tuple[float | FloatArray, FloatArray]:
    """ℓᵢ = −log softmax(xᵢ)[yᵢ], ∂ℓᵢ/∂xᵢ = softmax(xᵢ) − onehot(yᵢ); x (N, C), y (N,) ints."""
    reduction = _reduction(reduction)
    x = _real_array(input, "input")
    if x.ndim != 2:
        raise ValueError(f"input must be 2-D (N, C) logits, got shape {x.shape}")
    labels = _labels(target, *x.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        return _reduce(*_cross_entropy_terms(x, labels), reduction)


def _cross_entropy_terms(
    x: FloatArray, labels: npt.NDArray[np.intp]
) -> tuple[FloatArray, FloatArray]:
    """(ℓᵢ, ∂ℓᵢ/∂xᵢ) of softmax cross-entropy, x (N, C), labels (N,)."""
    return _cross_entropy_values(x, labels), _cross_entropy_grad(x, labels)


def _cross_entropy_values(x: FloatArray, labels: npt.NDArray[np.intp]) -> FloatArray:
    return -log_softmax(x)[np.arange(x.shape[0]), labels]


def _cross_entropy_grad(x: FloatArray, labels: npt.NDArray[np.intp]) -> FloatArray:
    # nll_loss's gradient −onehot through log_softmax's backward g − softmax·Σg.
    grad = np.exp(log_softmax(x))
    grad[np.arange(x.shape[0]), labels] -= 1.0
    return grad


LOSSES: MappingProxyType[str, Loss] = MappingProxyType(
    {
        "mse": mse_loss,
        "bce": binary_cross_entropy,
        "bce_with_logits": binary_cross_entropy_with_logits,
        "cross_entropy": cross_entropy,
    }
)


Kernel = Callable[[FloatArray, np.ndarray], FloatArray]
# (ℓᵢ, ∂ℓᵢ/∂xᵢ) kernels behind the public losses, without their checks.
_KERNELS: Mapping[str, tuple[Kernel, Kernel]] = MappingProxyType(
    {
        "mse": (_mse_values, _mse_grad),
        "bce_with_logits": (_bce_with_logits_values, _bce_with_logits_grad),
        "cross_entropy": (_cross_entropy_values, _cross_entropy_grad),
    }
)


def unchecked(name: str) -> tuple[Kernel, Kernel]:
    """(ℓ, ∂ℓ/∂x) of loss `name` elementwise (per row for cross_entropy), with no checks of their
    arguments: the numbers behind LOSSES[name]. For a training loop that checked its targets once
    (x float64, y of x's shape, or (N,) class labels); run them under np.errstate(all="ignore")."""
    return _KERNELS[validate.choice("loss", name, tuple(_KERNELS))]


def get(name: str) -> Loss:
    """The loss function registered under one of NAMES."""
    return LOSSES[validate.choice("loss", name, NAMES)]
