"""Maxout with k learned linear pieces, f(x) = maxᵢ (wᵢx + bᵢ), fitted to a 1-D target.

The fit is the convex piecewise-linear heuristic of Magnani & Boyd (2009, "Convex piecewise-
linear fitting", Optim. Eng. 10:1-17): alternately assign each point to the piece attaining
the max and refit every piece by least squares on its points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Target:
    """A 1-D target function for the maxout demo, with its formula and convexity."""

    fn: Callable[[FloatArray], FloatArray]
    latex: str
    convex: bool


TARGETS: Mapping[str, Target] = MappingProxyType(
    {
        "square": Target(np.square, r"x^2", convex=True),
        "abs": Target(np.abs, r"|x|", convex=True),
        "exp": Target(np.exp, r"e^{x}", convex=True),
        "softplus": Target(lambda x: np.logaddexp(0.0, x), r"\log(1 + e^{x})", convex=True),
        "relu": Target(lambda x: np.maximum(x, 0.0), r"\max(0,\,x)", convex=True),
        # A single maxout unit is a max of affine maps, hence convex: sine shows the limit.
        "sine": Target(np.sin, r"\sin(x)", convex=False),
    }
)


@dataclass(frozen=True)
class MaxoutFit:
    """Best iterate of the fit: pieces w, b (k,), y_hat = max(w·x + b), per-iteration MSE."""

    x: FloatArray
    y: FloatArray
    w: FloatArray
    b: FloatArray
    y_hat: FloatArray
    mse: float
    mse_history: FloatArray
    assignment: IntArray

    @property
    def k(self) -> int:
        return int(self.w.size)

    @property
    def pieces(self) -> FloatArray:
        """Each line wᵢx + bᵢ on the grid x, shape (k, n); y_hat is their pointwise max."""
        return self.w[:, None] * self.x[None, :] + self.b[:, None]

    def predict(self, x: npt.ArrayLike) -> FloatArray:
        """maxᵢ (wᵢx + bᵢ) at new points."""
        x = np.asarray(x, dtype=np.float64)
        return np.max(x[..., None] * self.w + self.b, axis=-1)


def _least_squares_lines(
    x: FloatArray, y: FloatArray, labels: IntArray, w_prev: FloatArray, b_prev: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per-label 1-D regression y ≈ w·x + b; labels with < 2 points or no x-spread keep (w, b)."""
    k = w_prev.size
    count = np.bincount(labels, minlength=k)
    safe = np.maximum(count, 1)
    mx = np.bincount(labels, x, minlength=k) / safe
    my = np.bincount(labels, y, minlength=k) / safe
    dx = x - mx[labels]  # centred sums: no cancellation in Σxx − (Σx)²/n
    dy = y - my[labels]
    sxx = np.bincount(labels, dx * dx, minlength=k)
    sxy = np.bincount(labels, dx * dy, minlength=k)
    ok = (count >= 2) & (sxx > 0)
    w = np.where(ok, sxy / np.where(ok, sxx, 1.0), w_prev)
    b = np.where(ok, my - w * mx, b_prev)
    return w, b


def _alternate(
    x: FloatArray, y: FloatArray, w: FloatArray, b: FloatArray, iterations: int
) -> MaxoutFit:
    """Alternate assignment and refit from lines (w, b); the lowest-MSE iterate wins."""
    history: list[float] = []
    best: tuple[float, FloatArray, FloatArray, FloatArray, IntArray] | None = None
    previous: IntArray | None = None
    for _ in range(iterations):
        pieces = x[:, None] * w + b
        assignment = np.argmax(pieces, axis=1)
        y_hat = pieces[np.arange(x.size), assignment]
        mse = float(np.mean((y_hat - y) ** 2))
        history.append(mse)
        if best is None or mse < best[0]:
            best = (mse, w, b, y_hat, assignment)
        if previous is not None and np.array_equal(assignment, previous):
            break
        previous = assignment
        w, b = _least_squares_lines(x, y, assignment, w, b)
    assert best is not None  # iterations >= 1
    mse, w, b, y_hat, assignment = best
    return MaxoutFit(x, y, w, b, y_hat, mse, np.asarray(history), assignment.astype(np.int64))


def _split_worst_piece(fit: MaxoutFit) -> tuple[FloatArray, FloatArray]:
    """k+1 lines: fit's piece with the largest squared error refitted as two halves (by x)."""
    sse = np.bincount(fit.assignment, (fit.y_hat - fit.y) ** 2, minlength=fit.k)
    worst = int(np.argmax(sse))
    members = np.flatnonzero(fit.assignment == worst)
    members = members[np.argsort(fit.x[members], kind="stable")]
    halves = (np.arange(members.size) >= members.size // 2).astype(np.int64)
    line = np.array([fit.w[worst]] * 2), np.array([fit.b[worst]] * 2)
    w2, b2 = _least_squares_lines(fit.x[members], fit.y[members], halves, *line)
    keep = np.arange(fit.k) != worst
    return np.concatenate([fit.w[keep], w2]), np.concatenate([fit.b[keep], b2])


def fit_maxout(x: npt.ArrayLike, y: npt.ArrayLike, k: int, iterations: int = 50) -> MaxoutFit:
    """Fit f(x) = maxᵢ₌₁..ₖ (wᵢx + bᵢ) to points (x, y) of shape (n,), n ≥ 2k, by Magnani-Boyd."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of equal length, got {x.shape} and {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    k = validate.integer("k", k, lo=1)
    iterations = validate.integer("iterations", iterations, lo=1)
    if x.size < 2 * k:
        raise ValueError(f"need at least 2k points, got k={k}, n={x.size}")

    # Deterministic start: k contiguous equal-size chunks of the sorted x, one line each.
    chunk_of_rank = np.repeat(np.arange(k), [len(c) for c in np.array_split(np.arange(x.size), k)])
    labels = np.empty(x.size, dtype=np.int64)
    labels[np.argsort(x, kind="stable")] = chunk_of_rank
    w, b = _least_squares_lines(x, y, labels, np.zeros(k), np.zeros(k))
    fit = _alternate(x, y, w, b, iterations)
    if k == 1:
        return fit

    # On a non-convex target the chunk lines overshoot each other and the heuristic can stall
    # far above the k−1 optimum (sine, k = 3: MSE 4.6 vs 0.12). A second deterministic start
    # grows the k−1 fit by splitting its worst piece; and the k−1 fit itself, padded with a
    # duplicate line, is a k-piece candidate, so the MSE never increases with k.
    smaller = fit_maxout(x, y, k - 1, iterations)
    grown = _alternate(x, y, *_split_worst_piece(smaller), iterations)
    padded = MaxoutFit(
        x,
        y,
        np.append(smaller.w, smaller.w[-1]),
        np.append(smaller.b, smaller.b[-1]),
        smaller.y_hat,
        smaller.mse,
        smaller.mse_history,
        smaller.assignment,
    )
    return min((fit, grown, padded), key=lambda candidate: candidate.mse)


def maxout_curve(
    target: str, k: int, lo: float = -3.0, hi: float = 3.0, n: int = 400, iterations: int = 50
) -> MaxoutFit:
    """fit_maxout of TARGETS[target] sampled at n equispaced points on [lo, hi]."""
    target = validate.choice("target", target, TARGETS)
    lo, hi = validate.real("lo", lo), validate.real("hi", hi)
    if not lo < hi:
        raise ValueError(f"need lo < hi, got lo={lo}, hi={hi}")
    x = np.linspace(lo, hi, validate.integer("n", n, lo=2))
    return fit_maxout(x, TARGETS[target].fn(x), k, iterations)


def maxout_sweep(target: str, max_k: int) -> tuple[MaxoutFit, ...]:
    """maxout_curve(target, k) for k = 1..max_k: the fits and, through their mse, the error
    against the number of pieces."""
    max_k = validate.integer("max_k", max_k, lo=1)
    return tuple(maxout_curve(target, k) for k in range(1, max_k + 1))
