"""Capacity and data: polynomial and MLP fits of noisy samples, train and test MSE against
capacity (the U curve) and against the number of training points (the learning curve).

Targets. ``"d2l"`` is d2l's polynomial-regression setup: x ~ N(0, 1) and
y = Σᵢ wᵢ xⁱ/i! + ε with w = (5, 1.2, −3.4, 5.6), a cubic. ``"sin"`` is y = sin(πx) + ε with
x ~ U(−1, 1). ε ~ N(0, σ²). The test set (TEST_POINTS points) is drawn from its own stream of the
seed, so it stays fixed while the training set's size changes.

Degree. This page counts a polynomial's degree as its highest power: degree d has d + 1
coefficients (d2l's "20 features" are degree 19 here).

Conditioning. The fits are least squares (numpy.linalg.lstsq) in the Legendre basis
P₀ … P_d of x mapped affinely from the training points' range onto [−1, 1]: the same polynomials
as 1, x, …, x^d, in a basis whose columns are nearly orthogonal. On 100 points of N(0, 1) at
degree 20 its condition number is about 10⁵, against about 10¹⁰ for the monomials and 10¹⁹ for
d2l's xⁱ/i! (``condition`` measures it; the tests hold the bound). Ridge adds λ‖c‖² on every
coefficient but the constant's, solved as lstsq of the stacked system [Φ; √λ·D] c ≈ [y; 0]:
c = (ΦᵀΦ + λD)⁻¹Φᵀy with D = diag(0, 1, …, 1).

Where there are fewer points than coefficients lstsq returns the minimum-norm interpolant.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.polynomial import legendre

from core import ensemble, validate

FloatArray = npt.NDArray[np.float64]

TARGETS: tuple[str, ...] = ("d2l", "sin")
D2L_WEIGHTS = (5.0, 1.2, -3.4, 5.6)
MAX_DEGREE = 20
DEGREES = tuple(range(MAX_DEGREE + 1))
TEST_POINTS = 100
POINTS_RANGE = (5, 200)
NOISE_RANGE = (0.0, 2.0)
GRID = 161  # points of the fitted curves
# The learning curve's training-set sizes (log-spaced) and its resamples per size.
SIZES = (5, 7, 10, 14, 20, 30, 50, 70, 100, 140, 200)
RESAMPLES_RANGE = (1, 50)
# The MLP variant: capacities on a log scale of width (one hidden layer) or depth.
MLP_WIDTHS = (1, 2, 4, 8, 16, 32, 64)
MLP_DEPTHS = (1, 2, 3, 4)
MLP_EPOCHS_RANGE = (100, 5000)
MLP_RECORD_EVERY = 25


def truth(target: str, x: npt.ArrayLike) -> FloatArray:
    """The noiseless target: Σᵢ wᵢ xⁱ/i! (d2l) or sin(πx)."""
    return _truth(validate.choice("target", target, TARGETS), np.asarray(x, dtype=np.float64))


def _truth(target: str, x: FloatArray) -> FloatArray:
    if target == "sin":
        return np.sin(np.pi * x)
    return sum(w * x**i / math.factorial(i) for i, w in enumerate(D2L_WEIGHTS))


def _draw_x(target: str, n: int, rng: np.random.Generator) -> FloatArray:
    return rng.normal(size=n) if target == "d2l" else rng.uniform(-1.0, 1.0, size=n)


def sample(
    target: str, n: int, noise: float, seed: int, stream: int
) -> tuple[FloatArray, FloatArray]:
    """(x (n,), y (n,)) from default_rng([seed, stream]): 0 training, 1 test, 2 + … resamples."""
    target = validate.choice("target", target, TARGETS)
    n = validate.integer("n", n, lo=1, hi=10_000)
    noise = validate.real("noise", noise, lo=NOISE_RANGE[0], hi=NOISE_RANGE[1])
    return _sample(target, n, noise, validate.integer("seed", seed, lo=0), stream)


@functools.lru_cache(maxsize=1024)
def _draws(target: str, n: int, seed: int, stream: int) -> tuple[FloatArray, FloatArray]:
    """(x, ε) of one stream, read-only and kept: a nudge of σ redraws nothing (y = f(x) + σε)."""
    rng = np.random.default_rng([seed, stream])
    x, eps = _draw_x(target, n, rng), rng.normal(size=n)
    x.flags.writeable = eps.flags.writeable = False
    return x, eps


def _sample(
    target: str, n: int, noise: float, seed: int, stream: int
) -> tuple[FloatArray, FloatArray]:
    x, eps = _draws(target, n, seed, stream)
    return x.copy(), _truth(target, x) + noise * eps


@dataclass(frozen=True)
class Fit:
    """A polynomial of degree d: Legendre coefficients c (d + 1,) on x mapped from [lo, hi]."""

    coef: FloatArray
    lo: float
    hi: float
    ridge: float

    @property
    def degree(self) -> int:
        return self.coef.size - 1


def _mapped(x: FloatArray, lo: float, hi: float) -> FloatArray:
    return (2.0 * x - (lo + hi)) / (hi - lo)


def _range(x: FloatArray) -> tuple[float, float]:
    lo, hi = float(np.min(x)), float(np.max(x))
    if hi - lo < 1e-9:  # a single distinct point: any unit interval around it
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def basis(x: npt.ArrayLike, degree: int, lo: float, hi: float) -> FloatArray:
    """Φ (N, d + 1): Pⱼ((2x − lo − hi)/(hi − lo)), j = 0 … d."""
    return legendre.legvander(_mapped(np.asarray(x, dtype=np.float64), lo, hi), degree)


def condition(x: npt.ArrayLike, degree: int = MAX_DEGREE) -> float:
    """The 2-norm condition number of the basis matrix on the points x."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.linalg.cond(basis(x, degree, *_range(x))))


def _solve(phi: FloatArray, y: FloatArray, ridge: float) -> FloatArray:
    if ridge > 0.0:
        d = np.sqrt(ridge) * np.eye(phi.shape[1])[1:]  # no penalty on the constant
        phi, y = np.vstack([phi, d]), np.concatenate([y, np.zeros(d.shape[0])])
    return np.linalg.lstsq(phi, y, rcond=None)[0]


def fit(x: npt.ArrayLike, y: npt.ArrayLike, degree: int, ridge: float = 0.0) -> Fit:
    """argmin_c ‖Φc − y‖² + λ‖c₁…c_d‖², Φ the Legendre basis on the points' own range."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.size != y.size or x.size == 0:
        raise ValueError(f"x and y must be non-empty and of one length, got {x.size}, {y.size}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    degree = validate.integer("degree", degree, lo=0, hi=MAX_DEGREE)
    ridge = validate.real("ridge", ridge, lo=0.0)
    lo, hi = _range(x)
    return Fit(_solve(basis(x, degree, lo, hi), y, ridge), lo, hi, ridge)


def predict(f: Fit, x: npt.ArrayLike) -> FloatArray:
    """ŷ = Σⱼ cⱼ Pⱼ(mapped x)."""
    return legendre.legval(_mapped(np.asarray(x, dtype=np.float64), f.lo, f.hi), f.coef)


def mse(prediction: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """(1/n) Σ (ŷ − y)², as torch's mse_loss."""
    diff = np.asarray(prediction, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    return float(np.mean(diff * diff))


def _check(target: str, points: int, noise: float, seed: int) -> tuple[str, int, float, int]:
    return (
        validate.choice("target", target, TARGETS),
        validate.integer("points", points, lo=POINTS_RANGE[0], hi=POINTS_RANGE[1]),
        validate.real("noise", noise, lo=NOISE_RANGE[0], hi=NOISE_RANGE[1]),
        validate.integer("seed", seed, lo=0),
    )


def _grid(*xs: FloatArray) -> FloatArray:
    allx = np.concatenate(xs)
    return np.linspace(float(allx.min()), float(allx.max()), GRID)


@dataclass(frozen=True)
class Sweep:
    """Train and test MSE for each capacity, the fitted curves of the shown ones, the data."""

    capacities: tuple[int, ...]  # degrees 0 … 20, or the MLP's widths or depths
    train_mse: FloatArray  # (C,)
    test_mse: FloatArray  # (C,)
    shown: tuple[int, ...]  # the capacities whose curves are drawn
    curves: FloatArray  # (len(shown), GRID) on grid
    grid: FloatArray  # (GRID,)
    truth: FloatArray  # (GRID,) the noiseless target on grid
    x_train: FloatArray
    y_train: FloatArray
    x_test: FloatArray
    y_test: FloatArray
    noise: float
    condition: float  # of the basis at the highest degree on the training points (polynomials)
    diverged: tuple[bool, ...] = ()  # per capacity, MLP only

    @property
    def best(self) -> int:
        """The capacity of least test MSE."""
        return self.capacities[int(np.argmin(self.test_mse))]


def sweep(
    target: str,
    points: int,
    noise: float,
    seed: int,
    ridge: float = 0.0,
    shown: tuple[int, ...] = (1, 3, MAX_DEGREE),
) -> Sweep:
    """Polynomials of degree 0 … 20 fitted to one training set, scored on the fixed test set."""
    target, points, noise, seed = _check(target, points, noise, seed)
    ridge = validate.real("ridge", ridge, lo=0.0)
    shown = tuple(validate.integer("shown degree", d, lo=0, hi=MAX_DEGREE) for d in shown)
    x, y = sample(target, points, noise, seed, 0)
    xt, yt = sample(target, TEST_POINTS, noise, seed, 1)
    lo, hi = _range(x)
    phi, phi_test = basis(x, MAX_DEGREE, lo, hi), basis(xt, MAX_DEGREE, lo, hi)
    grid = _grid(x, xt)
    phi_grid = basis(grid, MAX_DEGREE, lo, hi)
    train, test, coefs = [], [], {}
    for d in DEGREES:  # nested bases: degree d uses the first d + 1 columns
        c = _solve(phi[:, : d + 1], y, ridge)
        coefs[d] = c
        train.append(mse(phi[:, : d + 1] @ c, y))
        test.append(mse(phi_test[:, : d + 1] @ c, yt))
    curves = np.array([phi_grid[:, : d + 1] @ coefs[d] for d in shown])
    return Sweep(
        capacities=DEGREES,
        train_mse=np.array(train),
        test_mse=np.array(test),
        shown=shown,
        curves=curves,
        grid=grid,
        truth=truth(target, grid),
        x_train=x,
        y_train=y,
        x_test=xt,
        y_test=yt,
        noise=noise,
        condition=float(np.linalg.cond(phi)),
    )


def mlp_sweep(
    target: str,
    points: int,
    noise: float,
    seed: int,
    axis: str = "width",
    width: int = 16,
    epochs: int = 2000,
    lr: float = 0.01,
) -> Sweep:
    """tanh MLPs of growing width (one hidden layer) or depth (hidden layers of `width`) trained
    together by core.ensemble (full-batch Adam, MSE) on x and y standardized by the training
    set's mean and standard deviation; MSE reported in y's own units."""
    target, points, noise, seed = _check(target, points, noise, seed)
    axis = validate.choice("axis", axis, ("width", "depth"))
    width = validate.integer("width", width, lo=1, hi=max(MLP_WIDTHS))
    epochs = validate.integer("epochs", epochs, lo=MLP_EPOCHS_RANGE[0], hi=MLP_EPOCHS_RANGE[1])
    lr = validate.real("lr", lr, lo=0.0, lo_open=True, hi=1.0)
    x, y = sample(target, points, noise, seed, 0)
    xt, yt = sample(target, TEST_POINTS, noise, seed, 1)
    grid = _grid(x, xt)
    mx, sx = float(x.mean()), float(x.std()) or 1.0
    my, sy = float(y.mean()), float(y.std()) or 1.0
    caps = MLP_WIDTHS if axis == "width" else MLP_DEPTHS
    widths = list(caps) if axis == "width" else [width] * len(caps)
    depths = 1 if axis == "width" else list(caps)
    rows = np.concatenate([xt, grid])
    ens = ensemble.train(
        ((x - mx) / sx)[:, None], (y - my) / sy, ((rows - mx) / sx)[:, None], widths, lr,
        depth=depths, epochs=epochs, seed=seed, every=MLP_RECORD_EVERY,
    )  # fmt: skip
    out = my + sy * ens.predictions  # (K, TEST_POINTS + GRID)
    test_pred, curves = out[:, :TEST_POINTS], out[:, TEST_POINTS:]
    train = sy * sy * ens.final_train
    test = np.array([mse(p, yt) for p in test_pred])
    best = int(np.argmin(test))
    shown_idx = sorted({0, best, len(caps) - 1})
    return Sweep(
        capacities=tuple(caps),
        train_mse=train,
        test_mse=test,
        shown=tuple(caps[i] for i in shown_idx),
        curves=curves[shown_idx],
        grid=grid,
        truth=truth(target, grid),
        x_train=x,
        y_train=y,
        x_test=xt,
        y_test=yt,
        noise=noise,
        condition=float("nan"),
        diverged=ens.diverged,
    )


def resample_stream(size_index: int, resample: int) -> int:
    """The random stream of the learning curve's training set (size, resample)."""
    return 2 + size_index * RESAMPLES_RANGE[1] + resample


def lstsq_stack(phi: FloatArray, y: FloatArray) -> FloatArray:
    """numpy.linalg.lstsq's solution (rcond=None: singular values ≤ eps·max(M, N)·s_max dropped,
    so the minimum-norm one when rank-deficient) for each of B systems: phi (B, M, N), y (B, M)."""
    u, s, vt = np.linalg.svd(phi, full_matrices=False)
    keep = s > np.finfo(np.float64).eps * max(phi.shape[1:]) * s[:, :1]
    inverse = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    return np.einsum("bji,bj->bi", vt, inverse * np.einsum("bmj,bm->bj", u, y))


def _ridged(phi: FloatArray, ridge: float) -> FloatArray:
    """[Φ; √λ·D] for a stack of Φ (B, M, N): the ridge rows under each system."""
    if ridge == 0.0:
        return phi
    d = np.sqrt(ridge) * np.eye(phi.shape[2])[1:]
    return np.concatenate([phi, np.broadcast_to(d, (phi.shape[0], *d.shape))], axis=1)


def _padded(y: FloatArray, degree: int, ridge: float) -> FloatArray:
    return y if ridge == 0.0 else np.concatenate([y, np.zeros((y.shape[0], degree))], axis=1)


def _mse_rows(prediction: FloatArray, y: FloatArray) -> FloatArray:
    diff = prediction - y
    return np.mean(diff * diff, axis=-1)


@dataclass(frozen=True)
class LearningCurve:
    """Train and test MSE per (model, training-set size, resample), the test set fixed."""

    sizes: tuple[int, ...]
    degrees: tuple[int, int]  # (the low-capacity model's, the high-capacity model's)
    resamples: int
    train: FloatArray  # (2, S, R)
    test: FloatArray  # (2, S, R)
    noise: float

    def median(self, which: str) -> FloatArray:
        """(2, S) the median over resamples of "train" or "test"."""
        return np.median(self.train if which == "train" else self.test, axis=2)

    def quartiles(self, which: str) -> tuple[FloatArray, FloatArray]:
        """(2, S) each: the 25th and 75th percentiles over resamples (the band)."""
        values = self.train if which == "train" else self.test
        return np.percentile(values, 25, axis=2), np.percentile(values, 75, axis=2)


def learning_curve(
    target: str,
    noise: float,
    seed: int,
    low: int = 1,
    high: int = 12,
    resamples: int = 20,
    ridge: float = 0.0,
) -> LearningCurve:
    """For each size in SIZES and each of `resamples` training sets of that size, fit degree `low`
    and degree `high` and score both on the same test set (the one of ``sweep`` for this seed).
    The resamples of one size are solved together (lstsq_stack: one batched SVD per model)."""
    target = validate.choice("target", target, TARGETS)
    noise = validate.real("noise", noise, lo=NOISE_RANGE[0], hi=NOISE_RANGE[1])
    seed = validate.integer("seed", seed, lo=0)
    low = validate.integer("low degree", low, lo=0, hi=MAX_DEGREE)
    high = validate.integer("high degree", high, lo=0, hi=MAX_DEGREE)
    resamples = validate.integer(
        "resamples", resamples, lo=RESAMPLES_RANGE[0], hi=RESAMPLES_RANGE[1]
    )
    ridge = validate.real("ridge", ridge, lo=0.0)
    xt, yt = sample(target, TEST_POINTS, noise, seed, 1)
    train = np.zeros((2, len(SIZES), resamples))
    test = np.zeros_like(train)
    top = max(low, high)
    for s, n in enumerate(SIZES):
        drawn = [_sample(target, n, noise, seed, resample_stream(s, r)) for r in range(resamples)]
        x, y = np.array([d[0] for d in drawn]), np.array([d[1] for d in drawn])  # (R, n)
        lo, hi = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
        phi = legendre.legvander(_mapped(x, lo, hi), top)  # (R, n, top + 1)
        phi_test = legendre.legvander(_mapped(xt[None, :], lo, hi), top)  # (R, 100, top + 1)
        for m, d in enumerate((low, high)):
            c = lstsq_stack(_ridged(phi[:, :, : d + 1], ridge), _padded(y, d, ridge))  # (R, d + 1)
            train[m, s] = _mse_rows(np.einsum("rnj,rj->rn", phi[:, :, : d + 1], c), y)
            test[m, s] = _mse_rows(np.einsum("rnj,rj->rn", phi_test[:, :, : d + 1], c), yt[None])
    return LearningCurve(SIZES, (low, high), resamples, train, test, noise)
