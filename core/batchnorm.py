"""Batch normalization (Ioffe & Szegedy, 2015) with torch.nn.BatchNorm1d's conventions.

The layer itself is a cs231n-style pair, ``batchnorm_forward`` / ``batchnorm_backward`` (plus the
eval-mode ``batchnorm_eval_forward``), wrapped by ``BatchNorm`` which keeps γ, β and the running
statistics. Around it sit the pure helpers built on it: sample batches from five
distributions, the normalization step by step, a loss over (γ, β), running statistics over a
stream of batches, saturation of an activation before and after BN, and a gradient check.
core.batchnorm_experiments turns them into what the page plots.

Inputs are (batch N, features D) float64 arrays. Entries must be finite with |value| ≤ 1e150,
so every square and sum of squares below stays finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from core import activations, validate

FloatArray = npt.NDArray[np.float64]

# torch.nn.BatchNorm1d's defaults, declared once: the layer, the helpers and the page read them.
EPS = 1e-5  # added to σ_B² under the square root
MOMENTUM = 0.1  # the running statistics' weight on each new batch
MOMENTUM_RANGE = (0.0, 1.0)
GAMMA_INIT, BETA_INIT = 1.0, 0.0  # γ = 1, β = 0: the layer starts as plain normalization

MAX_ABS = 1e150  # (2·1e150)² = 4e300: squared deviations of any accepted batch stay finite
SATURATION_THRESHOLD = 0.05  # |f'(x)| below this counts as saturated
GRADIENT_CHECK_MAX_SIZE = 1024  # the check runs N·D perturbed forwards of the whole (N, D) batch
GRADIENT_CHECK_PASS = 1e-6  # relative error below which a float64 backward counts as right

LATEX_FORWARD = r"""\begin{aligned}
\mu_B &= \frac{1}{N}\sum_{i=1}^{N} x_i \\
\sigma_B^2 &= \frac{1}{N}\sum_{i=1}^{N} \left(x_i - \mu_B\right)^2 \\
\hat{x}_i &= \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} \\
y_i &= \gamma\,\hat{x}_i + \beta
\end{aligned}"""

LATEX_BACKWARD = r"""\begin{aligned}
\frac{\partial L}{\partial \beta} &= \sum_{i=1}^{N} \frac{\partial L}{\partial y_i} \\
\frac{\partial L}{\partial \gamma} &= \sum_{i=1}^{N} \frac{\partial L}{\partial y_i}\,\hat{x}_i \\
\frac{\partial L}{\partial x_i} &= \frac{\gamma}{N\sqrt{\sigma_B^2 + \epsilon}}
\Bigl(N\,\frac{\partial L}{\partial y_i} - \sum_{j=1}^{N} \frac{\partial L}{\partial y_j} \\
&\qquad - \hat{x}_i \sum_{j=1}^{N} \frac{\partial L}{\partial y_j}\,\hat{x}_j\Bigr)
\end{aligned}"""

LATEX_RUNNING = r"""\begin{aligned}
\hat{\mu} &\leftarrow (1 - m)\,\hat{\mu} + m\,\mu_B \\
\hat{\sigma}^2 &\leftarrow (1 - m)\,\hat{\sigma}^2 + m\,\frac{N}{N - 1}\,\sigma_B^2
\end{aligned}"""

LATEX_EVAL = r"y = \gamma\,\frac{x - \hat{\mu}}{\sqrt{\hat{\sigma}^2 + \epsilon}} + \beta"


# --- validation ------------------------------------------------------------------------------


def _check_eps(eps: object) -> float:
    # eps > 0 is what keeps a constant batch (σ_B² = 0) finite.
    return validate.real("eps", eps, lo=0.0, lo_open=True)


def _check_momentum(momentum: object) -> float | None:
    # None is torch's cumulative average (factor 1/t); a number is the EMA's weight.
    if momentum is None:
        return None
    lo, hi = MOMENTUM_RANGE
    return validate.real("momentum", momentum, lo=lo, hi=hi)


def _as_array(a: npt.ArrayLike, name: str) -> FloatArray:
    """a as a float64 array whose entries are finite and at most MAX_ABS in magnitude."""
    raw = np.asarray(a)
    if raw.dtype == np.bool_ or not (
        np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
    ):
        raise ValueError(f"{name} must hold real numbers, got dtype {raw.dtype}")
    arr = raw.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if arr.size and np.max(np.abs(arr)) > MAX_ABS:
        raise ValueError(f"{name} entries must satisfy |value| <= {MAX_ABS:g}")
    return arr


def _as_batch(x: npt.ArrayLike, name: str = "x") -> FloatArray:
    """x as a non-empty (N, D) float64 batch."""
    arr = _as_array(x, name)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D (batch, features) array, got {arr.shape}")
    return arr


def _as_vector(x: npt.ArrayLike, name: str = "x") -> FloatArray:
    """x as a non-empty 1-D float64 array (one feature over the batch)."""
    arr = _as_array(x, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    return arr


def _as_params(a: npt.ArrayLike, name: str, features: int) -> FloatArray:
    """γ, β or a running statistic: a (D,) array for D features."""
    arr = _as_array(a, name)
    if arr.shape != (features,):
        raise ValueError(f"{name} must have shape ({features},), got {arr.shape}")
    return arr


# --- the layer: forward beside backward ------------------------------------------------------


@dataclass(frozen=True)
class BatchNormCache:
    """What backward needs: x̂ (N, D), the mean/var used (D,), √(var+ε) (D,), γ (D,), mode."""

    x_hat: FloatArray
    mean: FloatArray
    var: FloatArray
    std: FloatArray
    gamma: FloatArray
    training: bool


def _standardize(x: FloatArray, eps: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(x̂, μ_B, σ_B²) over axis −2 (the batch): x̂ = (x − μ_B)/√(σ_B² + ε), σ_B² biased."""
    mean = x.mean(axis=-2, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-2, keepdims=True)  # two-pass: no cancellation
    return centred / np.sqrt(var + eps), mean, var


def batchnorm_forward(
    x: npt.ArrayLike, gamma: npt.ArrayLike, beta: npt.ArrayLike, eps: float = EPS
) -> tuple[FloatArray, BatchNormCache]:
    """Training mode: y = γ·(x − μ_B)/√(σ_B² + ε) + β with batch statistics; x (N, D) → y (N, D)."""
    x = _as_batch(x)
    eps = _check_eps(eps)
    gamma = _as_params(gamma, "gamma", x.shape[1])
    beta = _as_params(beta, "beta", x.shape[1])
    if x.shape[0] < 2:
        # torch refuses too: one sample has no spread, so x̂ would be 0 whatever x is.
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input shape {x.shape}"
        )
    x_hat, mean, var = _standardize(x, eps)
    mean, var = mean[0], var[0]
    cache = BatchNormCache(x_hat, mean, var, np.sqrt(var + eps), gamma.copy(), training=True)
    return gamma * x_hat + beta, cache


def batchnorm_eval_forward(
    x: npt.ArrayLike,
    gamma: npt.ArrayLike,
    beta: npt.ArrayLike,
    running_mean: npt.ArrayLike,
    running_var: npt.ArrayLike,
    eps: float = EPS,
) -> tuple[FloatArray, BatchNormCache]:
    """Eval mode: y = γ·(x − μ̂)/√(σ̂² + ε) + β with the running statistics; (N, D) → (N, D)."""
    x = _as_batch(x)
    eps = _check_eps(eps)
    d = x.shape[1]
    gamma = _as_params(gamma, "gamma", d)
    beta = _as_params(beta, "beta", d)
    mean = _as_params(running_mean, "running_mean", d).copy()
    var = _as_params(running_var, "running_var", d).copy()
    if np.any(var < 0):
        raise ValueError("running_var must be >= 0")
    std = np.sqrt(var + eps)
    x_hat = (x - mean) / std
    cache = BatchNormCache(x_hat, mean, var, std, gamma.copy(), training=False)
    return gamma * x_hat + beta, cache


def batchnorm_backward(
    dy: npt.ArrayLike, cache: BatchNormCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(dx (N, D), dγ = Σ dy·x̂ (D,), dβ = Σ dy (D,)) for the forward that made `cache`."""
    dy = _as_array(dy, "dy")
    if dy.shape != cache.x_hat.shape:
        raise ValueError(f"dy must have the forward's shape {cache.x_hat.shape}, got {dy.shape}")
    return _backward(dy, cache)


def _backward(dy: FloatArray, cache: BatchNormCache) -> tuple[FloatArray, FloatArray, FloatArray]:
    dbeta = dy.sum(axis=0)
    dgamma = np.sum(dy * cache.x_hat, axis=0)
    if not cache.training:
        # Running statistics are constants, so eval mode is an affine map of x.
        return dy * (cache.gamma / cache.std), dgamma, dbeta
    n = dy.shape[0]
    # Compact form: μ_B and σ_B² depend on every x_i, which gives the two subtracted sums.
    dx = (cache.gamma / (n * cache.std)) * (n * dy - dbeta - cache.x_hat * dgamma)
    return dx, dgamma, dbeta


class BatchNorm:
    """torch.nn.BatchNorm1d on (N, D) input: γ, β, running statistics, forward and backward."""

    def __init__(
        self, num_features: int, eps: float = EPS, momentum: float | None = MOMENTUM
    ) -> None:
        self.num_features = validate.integer("num_features", num_features, lo=1)
        self.eps = _check_eps(eps)
        self.momentum = _check_momentum(momentum)
        self.gamma: FloatArray = np.full(self.num_features, GAMMA_INIT)
        self.beta: FloatArray = np.full(self.num_features, BETA_INIT)
        self.running_mean: FloatArray = np.zeros(self.num_features)
        self.running_var: FloatArray = np.ones(self.num_features)
        self.num_batches_tracked = 0
        self.dgamma: FloatArray | None = None
        self.dbeta: FloatArray | None = None
        self._cache: BatchNormCache | None = None

    def forward(self, x: npt.ArrayLike, training: bool = True) -> FloatArray:
        """y (N, D): batch statistics (updating the running ones) if training, else running ones."""
        training = validate.flag("training", training)
        x = _as_batch(x)
        if x.shape[1] != self.num_features:
            raise ValueError(f"x must have {self.num_features} features, got shape {x.shape}")
        if training and x.shape[0] < 2:
            # torch refuses too: one sample has no spread, so x̂ would be 0 whatever x is.
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input shape {x.shape}"
            )
        _as_params(self.gamma, "gamma", self.num_features)
        _as_params(self.beta, "beta", self.num_features)
        _as_params(self.running_mean, "running_mean", self.num_features)
        if np.any(_as_params(self.running_var, "running_var", self.num_features) < 0):
            raise ValueError("running_var must be >= 0")
        return self.forward_unchecked(x, training)

    def forward_unchecked(self, x: FloatArray, training: bool) -> FloatArray:
        """forward() for a (N, D) float64 batch already known to be valid: a training loop's
        inner step, where the checks would cost more than the arithmetic."""
        if not training:
            std = np.sqrt(self.running_var + self.eps)
            x_hat = (x - self.running_mean) / std
            self._cache = BatchNormCache(
                x_hat, self.running_mean.copy(), self.running_var.copy(), std, self.gamma.copy(),
                training=False,
            )  # fmt: skip
            return self.gamma * x_hat + self.beta
        x_hat, mean, var = _standardize(x, self.eps)
        mean, var = mean[0], var[0]
        self._cache = BatchNormCache(
            x_hat, mean, var, np.sqrt(var + self.eps), self.gamma.copy(), training=True
        )
        self.num_batches_tracked += 1
        # momentum=None: factor 1/t makes the running values the plain average of all batches.
        factor = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
        n = x.shape[0]
        # running_var uses the unbiased variance, as PyTorch does; x̂ used the biased one.
        unbiased = var * (n / (n - 1))
        self.running_mean = (1.0 - factor) * self.running_mean + factor * mean
        self.running_var = (1.0 - factor) * self.running_var + factor * unbiased
        return self.gamma * x_hat + self.beta

    def backward(self, dy: npt.ArrayLike) -> FloatArray:
        """dx (N, D) for the last forward (training or eval); sets dgamma and dbeta (D,)."""
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        dx, self.dgamma, self.dbeta = batchnorm_backward(dy, self._cache)
        return dx

    def backward_unchecked(self, dy: FloatArray) -> FloatArray:
        """backward() for a dy of the forward's shape, already known to be valid."""
        dx, self.dgamma, self.dbeta = _backward(dy, self._cache)
        return dx

    def __repr__(self) -> str:
        return (
            f"BatchNorm({self.num_features}, eps={self.eps!r}, momentum={self.momentum!r}, "
            f"num_batches_tracked={self.num_batches_tracked})"
        )


# --- distributions ---------------------------------------------------------------------------

_BIMODAL_CENTRE = 3.0
_OUTLIER_RATE = 0.03
_OUTLIER_SCALE = 10.0


@dataclass(frozen=True)
class Distribution:
    """A population to draw batches from: closed-form mean and variance beside the sampler."""

    name: str
    latex: str
    mean: float
    var: float
    draw: Callable[[np.random.Generator, tuple[int, int]], FloatArray]


def _draw_bimodal(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    centre = np.where(rng.random(shape) < 0.5, -_BIMODAL_CENTRE, _BIMODAL_CENTRE)
    return centre + rng.standard_normal(shape)


def _draw_outliers(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    scale = np.where(rng.random(shape) < _OUTLIER_RATE, _OUTLIER_SCALE, 1.0)
    return scale * rng.standard_normal(shape)


_DISTRIBUTION_SPECS = (
    Distribution("normal", r"\mathcal{N}(0,\,1)", 0.0, 1.0, lambda rng, s: rng.standard_normal(s)),
    Distribution(
        "shifted_scaled", r"\mathcal{N}(5,\,3^2)", 5.0, 9.0, lambda rng, s: rng.normal(5.0, 3.0, s)
    ),
    # Standard log-normal e^Z: mean e^{1/2}, variance (e − 1)·e, skewness ≈ 6.2.
    Distribution(
        "skewed",
        r"e^{Z},\ Z \sim \mathcal{N}(0,\,1)",
        math.exp(0.5),
        (math.e - 1.0) * math.e,
        lambda rng, s: rng.lognormal(0.0, 1.0, s),
    ),
    # Equal mixture: variance = within (1) + between (3²).
    Distribution(
        "bimodal",
        r"\tfrac12\,\mathcal{N}(-3,\,1) + \tfrac12\,\mathcal{N}(3,\,1)",
        0.0,
        1.0 + _BIMODAL_CENTRE**2,
        _draw_bimodal,
    ),
    # Contaminated normal: 3 % of values come from N(0, 10²); variance 0.97·1 + 0.03·100.
    Distribution(
        "outliers",
        r"0.97\,\mathcal{N}(0,\,1) + 0.03\,\mathcal{N}(0,\,10^2)",
        0.0,
        (1.0 - _OUTLIER_RATE) + _OUTLIER_RATE * _OUTLIER_SCALE**2,
        _draw_outliers,
    ),
)

DISTRIBUTION_REGISTRY: Mapping[str, Distribution] = MappingProxyType(
    {spec.name: spec for spec in _DISTRIBUTION_SPECS}
)
DISTRIBUTIONS: tuple[str, ...] = tuple(DISTRIBUTION_REGISTRY)


def _distribution(name: object) -> Distribution:
    return DISTRIBUTION_REGISTRY[validate.choice("distribution", name, DISTRIBUTIONS)]


def sample_batch(distribution: str, batch_size: int, seed: int, features: int = 1) -> FloatArray:
    """(batch_size, features) i.i.d. draws from `distribution`, deterministic in seed."""
    spec = _distribution(distribution)
    shape = (
        validate.integer("batch_size", batch_size, lo=1),
        validate.integer("features", features, lo=1),
    )
    rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
    return np.asarray(spec.draw(rng, shape), dtype=np.float64)


def population_stats(distribution: str) -> tuple[float, float]:
    """(E[x], Var[x]) of the population, in closed form."""
    spec = _distribution(distribution)
    return spec.mean, spec.var


# --- one feature, step by step ---------------------------------------------------------------


@dataclass(frozen=True)
class NormalizeSteps:
    """One feature through BN: μ_B, biased σ_B², √(σ_B² + ε), x̂ = (x − μ_B)/√(σ_B² + ε), y."""

    x: FloatArray
    mu_B: float
    var_B: float
    std_B: float
    x_hat: FloatArray
    y: FloatArray


def normalize_steps(
    x: npt.ArrayLike, gamma: float = GAMMA_INIT, beta: float = BETA_INIT, eps: float = EPS
) -> NormalizeSteps:
    """The forward's intermediate values for a 1-D batch x (N,); N = 1 gives x̂ = 0, y = β."""
    x = _as_vector(x)
    gamma = validate.real("gamma", gamma)
    beta = validate.real("beta", beta)
    eps = _check_eps(eps)
    x_hat, mean, var = _standardize(x[:, None], eps)
    mu_b, var_b = float(mean[0, 0]), float(var[0, 0])
    x_hat = x_hat[:, 0]
    return NormalizeSteps(
        x.copy(), mu_b, var_b, math.sqrt(var_b + eps), x_hat, gamma * x_hat + beta
    )


def recover_params(x: npt.ArrayLike, eps: float = EPS) -> tuple[float, float]:
    """(γ, β) = (√(σ_B² + ε), μ_B): the choice that makes y = x, i.e. undoes the normalization."""
    steps = normalize_steps(x, eps=eps)
    return steps.std_B, steps.mu_B


# --- learning γ and β ------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaBetaLoss:
    """L(γ, β) = (s·(γ − γ*))² + (β − β*)² with s = std(x̂) = √(σ_B²/(σ_B² + ε)): a bowl."""

    kind: Literal["moments", "recover"]
    std_x_hat: float
    minimum: tuple[float, float]
    latex: str

    def value(self, gamma: npt.ArrayLike, beta: npt.ArrayLike) -> FloatArray:
        """L at every (γ, β) of the broadcast of gamma and beta (e.g. two meshgrid arrays)."""
        g = np.asarray(gamma, dtype=np.float64)
        b = np.asarray(beta, dtype=np.float64)
        g_star, b_star = self.minimum
        dg = self.std_x_hat * (g - g_star)
        db = b - b_star
        return dg * dg + db * db

    def gradient(self, p: npt.ArrayLike) -> FloatArray:
        """∇L = (2s²(γ − γ*), 2(β − β*)) at p = (γ, β); p of shape (..., 2) gives (..., 2)."""
        p = np.asarray(p, dtype=np.float64)
        if p.ndim == 0 or p.shape[-1] != 2:
            raise ValueError(f"p must have a last axis of length 2 (γ, β), got shape {p.shape}")
        curvature = np.array([self.std_x_hat**2, 1.0])
        return 2.0 * curvature * (p - np.array(self.minimum))


_LOSS_LATEX = {
    "moments": r"L(\gamma, \beta) = \bigl(\overline{y} - m\bigr)^2"
    r" + \bigl(\gamma\,\mathrm{std}(\hat{x}) - s\bigr)^2",
    "recover": r"L(\gamma, \beta) = \frac{1}{N}\sum_{i=1}^{N} \bigl(y_i - x_i\bigr)^2",
}


def gamma_beta_loss(x: npt.ArrayLike, target: tuple, eps: float = EPS) -> GammaBetaLoss:
    """Loss over (γ, β) for y = γx̂ + β: target ("moments", m, s) or ("recover",); x (N,)."""
    # With mean(x̂) = 0 and mean(x̂²) = s_x̂²: mean(y) = β and std(y) = |γ|·s_x̂. Both targets
    # are then exact quadratics in (γ, β); "recover" because y − x = (γ − √(σ_B²+ε))x̂ + (β − μ_B).
    # "moments" uses the signed std γ·s_x̂ (= std(y) for γ > 0): with |γ| the loss would have
    # a kink at γ = 0 and a mirror minimum at −γ*; signed, it is smooth with one minimum.
    steps = normalize_steps(x, eps=eps)
    if steps.var_B == 0:
        raise ValueError(
            "x is constant (σ_B² = 0): x̂ = 0, so γ has no effect and no unique minimum"
        )
    kind = target[0] if isinstance(target, tuple | list) and len(target) > 0 else None
    s_hat = math.sqrt(steps.var_B) / steps.std_B
    if kind == "moments" and len(target) == 3:
        mean_target = validate.real("target mean", target[1])
        std_target = validate.real("target std", target[2], lo=0.0)
        minimum = (std_target / s_hat, mean_target)
        if abs(minimum[0]) > MAX_ABS or abs(mean_target) > MAX_ABS:
            # Only for a batch whose spread is ~1e-150 or less: γ* = s/std(x̂) would not fit.
            raise ValueError("target is out of reach: γ* = target std / std(x̂) exceeds 1e150")
    elif kind == "recover" and len(target) == 1:
        minimum = (steps.std_B, steps.mu_B)
    else:
        raise ValueError(f"target must be ('moments', mean, std) or ('recover',), got {target!r}")
    return GammaBetaLoss(kind, s_hat, minimum, _LOSS_LATEX[kind])


# --- train vs eval ---------------------------------------------------------------------------


def running_stats_stream(
    distribution: str, batch_size: int, steps: int, momentum: float | None = MOMENTUM, seed: int = 0
) -> pd.DataFrame:
    """One row per training step of a 1-feature BatchNorm fed batches of `distribution`.

    Columns: step, batch_mean, batch_var (unbiased), batch_var_biased, running_mean,
    running_var (after the step's update) and train_eval_gap = mean |y_train − y_eval| on the
    step's batch, with y_eval from the just-updated running statistics. Batch t (from 1) is
    rows (t − 1)·N … t·N − 1 of sample_batch(distribution, N·steps, seed).
    """
    batch_size = validate.integer("batch_size", batch_size, lo=2)
    steps = validate.integer("steps", steps, lo=1)
    xs = sample_batch(distribution, batch_size * steps, seed).reshape(steps, batch_size, 1)
    bn = BatchNorm(1, momentum=momentum)
    running = np.empty((steps, 2))
    gaps = np.empty(steps)
    for t, x in enumerate(xs):  # a recursion: each step needs the previous running values
        y_train = bn.forward(x, training=True)
        y_eval = bn.forward(x, training=False)
        running[t] = bn.running_mean[0], bn.running_var[0]
        gaps[t] = np.mean(np.abs(y_train - y_eval))
    _, mean, var = _standardize(xs, bn.eps)
    biased = var[:, 0, 0]
    return pd.DataFrame(
        {
            "step": np.arange(1, steps + 1),
            "batch_mean": mean[:, 0, 0],
            "batch_var": biased * (batch_size / (batch_size - 1)),
            "batch_var_biased": biased,
            "running_mean": running[:, 0],
            "running_var": running[:, 1],
            "train_eval_gap": gaps,
        }
    )


# --- why it helps: saturation ----------------------------------------------------------------


@dataclass(frozen=True)
class SaturationComparison:
    """Pre-activations before/after BN (N,), f' at each, and the fractions with |f'| < threshold."""

    activation: str
    before: FloatArray
    after: FloatArray
    derivative_before: FloatArray
    derivative_after: FloatArray
    fraction_before: float
    fraction_after: float
    threshold: float


def saturation_before_after(
    distribution: str, batch_size: int, seed: int, activation_name: str
) -> SaturationComparison:
    """How many pre-activations sit where |f'| < 0.05, before and after BN (γ = 1, β = 0)."""
    act = activations.get(activation_name)
    before = sample_batch(distribution, batch_size, seed)
    after, _ = batchnorm_forward(before, np.full(1, GAMMA_INIT), np.full(1, BETA_INIT))
    before, after = before[:, 0], after[:, 0]
    d_before = act.derivative(before)
    d_after = act.derivative(after)
    return SaturationComparison(
        activation=act.name,
        before=before,
        after=after,
        derivative_before=d_before,
        derivative_after=d_after,
        fraction_before=float(np.mean(np.abs(d_before) < SATURATION_THRESHOLD)),
        fraction_after=float(np.mean(np.abs(d_after) < SATURATION_THRESHOLD)),
        threshold=SATURATION_THRESHOLD,
    )


# --- gradient check --------------------------------------------------------------------------


@dataclass(frozen=True)
class GradientCheck:
    """Analytic vs central-difference gradients of L = Σ y·dy, and their relative errors.

    Each error is max|analytic − numeric| / (max|analytic| + max|numeric|), the denominator
    floored at 1e-8; for dx it is floored at the size of the terms that cancel in it,
    max|γ/√(σ_B² + ε)|·max|dy|. With N = 2 the true dx is O(ε) (x̂ = ±1 whatever x is): against
    its own size the rounding noise of the central difference would look like a large error.
    """

    dx: FloatArray
    dx_numeric: FloatArray
    dgamma: FloatArray
    dgamma_numeric: FloatArray
    dbeta: FloatArray
    dbeta_numeric: FloatArray
    rel_error_dx: float
    rel_error_dgamma: float
    rel_error_dbeta: float
    max_rel_error: float

    @property
    def dx_sum(self) -> float:
        """Σᵢ ∂L/∂xᵢ: 0 up to rounding, since shifting every xᵢ by one amount leaves y as it is."""
        return float(self.dx.sum())


def _rel_error(a: FloatArray, b: FloatArray, floor: float = 1e-8) -> float:
    """max|a − b| / max(max|a| + max|b|, floor): relative to the array's scale, not per entry."""
    # Per entry (cs231n's form) an entry that is ~0 would turn rounding noise into a big error.
    scale = float(np.max(np.abs(a)) + np.max(np.abs(b)))
    return float(np.max(np.abs(a - b))) / max(scale, floor)


def _stacked_forward(
    xs: FloatArray, gammas: FloatArray, betas: FloatArray, eps: float
) -> FloatArray:
    """K training-mode forwards at once: xs (K, N, D), gammas/betas (K, D) → y (K, N, D)."""
    x_hat, _, _ = _standardize(xs, eps)
    return gammas[:, None, :] * x_hat + betas[:, None, :]


def _central_difference(
    plus: FloatArray, minus: FloatArray, dy: FloatArray, h: float
) -> FloatArray:
    """dL/dθ_k ≈ (L(θ + h·e_k) − L(θ − h·e_k))/2h for L = Σ y·dy, from the K perturbed outputs."""
    # Differencing y before summing: entries a perturbation leaves alone cancel exactly.
    return np.sum((plus - minus) * dy, axis=(-2, -1)) / (2.0 * h)


def gradient_check(
    x: npt.ArrayLike,
    dy: npt.ArrayLike,
    eps: float = EPS,
    h: float = 1e-6,
    *,
    gamma: npt.ArrayLike | None = None,
    beta: npt.ArrayLike | None = None,
) -> GradientCheck:
    """Training-mode backward vs central differences of L = Σ y·dy in every entry of x, γ, β."""
    x = _as_batch(x)
    n, d = x.shape
    if x.size > GRADIENT_CHECK_MAX_SIZE:
        raise ValueError(f"gradient_check takes at most {GRADIENT_CHECK_MAX_SIZE} entries in x")
    dy = _as_array(dy, "dy")
    if dy.shape != x.shape:
        raise ValueError(f"dy must have x's shape {x.shape}, got {dy.shape}")
    h = validate.real("h", h, lo=0.0, lo_open=True)
    gamma = np.full(d, GAMMA_INIT) if gamma is None else _as_params(gamma, "gamma", d)
    beta = np.full(d, BETA_INIT) if beta is None else _as_params(beta, "beta", d)
    _, cache = batchnorm_forward(x, gamma, beta, eps)
    eps = float(eps)
    dx, dgamma, dbeta = batchnorm_backward(dy, cache)

    # Every perturbation is a forward of the whole batch: nothing about BN's structure
    # (features are independent, x̂ ignores γ) is assumed.
    k = x.size
    bump_x = h * np.eye(k).reshape(k, n, d)
    g_k, b_k = np.broadcast_to(gamma, (k, d)), np.broadcast_to(beta, (k, d))
    dx_numeric = _central_difference(
        _stacked_forward(x + bump_x, g_k, b_k, eps),
        _stacked_forward(x - bump_x, g_k, b_k, eps),
        dy,
        h,
    ).reshape(n, d)
    bump_p = h * np.eye(d)
    x_d = np.broadcast_to(x, (d, n, d))
    g_d, b_d = np.broadcast_to(gamma, (d, d)), np.broadcast_to(beta, (d, d))
    dgamma_numeric = _central_difference(
        _stacked_forward(x_d, gamma + bump_p, b_d, eps),
        _stacked_forward(x_d, gamma - bump_p, b_d, eps),
        dy,
        h,
    )
    dbeta_numeric = _central_difference(
        _stacked_forward(x_d, g_d, beta + bump_p, eps),
        _stacked_forward(x_d, g_d, beta - bump_p, eps),
        dy,
        h,
    )
    # dx is γ/√(σ_B² + ε)·(dy − mean(dy) − x̂·mean(dy·x̂)): its numeric error is rounding of
    # terms this large, however much of them cancels (all of it when N = 2).
    dx_scale = float(np.max(np.abs(gamma / cache.std)) * np.max(np.abs(dy)))
    errors = (
        _rel_error(dx, dx_numeric, max(dx_scale, 1e-8)),
        _rel_error(dgamma, dgamma_numeric),
        _rel_error(dbeta, dbeta_numeric),
    )
    return GradientCheck(
        dx, dx_numeric, dgamma, dgamma_numeric, dbeta, dbeta_numeric, *errors, max(errors)
    )
