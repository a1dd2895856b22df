"""Two-dimensional loss surfaces for the optimizer pages: value beside analytic gradient.

Every entry of ``REGISTRY`` keeps f(x, y) beside its gradient plus what the page draws: the
plotting domain, default start points, the known minima, a LaTeX formula and a declaration of
each parameter (default, accepted range, the span worth exploring). ``get(name, **params)``
validates parameters and returns a ``Surface``; ``logistic`` returns a ``LogisticSurface``, a
real loss over a small generated dataset whose mini-batch gradients are true mini-batch
gradients. ``noisy`` imitates stochastic gradients on the analytic surfaces; ``height_map`` is
log(1 + f − f*) on a grid, as the page shades it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Point = tuple[float, float]
Domain = tuple[Point, Point]
Gradient = Callable[[FloatArray], FloatArray]

NAMES: tuple[str, ...] = (
    "ravine",
    "rosenbrock",
    "beale",
    "saddle",
    "himmelblau",
    "plateau",
    "logistic",
)

_FMAX = float(np.finfo(np.float64).max)


# --- the surfaces: value beside gradient ------------------------------------------------------


def _ravine(x: FloatArray, y: FloatArray, condition: float) -> FloatArray:
    return 0.5 * (x * x + condition * y * y)


def _d_ravine(x: FloatArray, y: FloatArray, condition: float) -> tuple[FloatArray, FloatArray]:
    return x, condition * y


def _rosenbrock(x: FloatArray, y: FloatArray, a: float, b: float) -> FloatArray:
    r, u = a - x, y - x * x
    return r * r + b * u * u


def _d_rosenbrock(
    x: FloatArray, y: FloatArray, a: float, b: float
) -> tuple[FloatArray, FloatArray]:
    u = y - x * x
    return -2.0 * (a - x) - 4.0 * b * x * u, 2.0 * b * u


def _beale_terms(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The three residuals 1.5 − x + xy, 2.25 − x + xy², 2.625 − x + xy³."""
    y2 = y * y
    return 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y


def _beale(x: FloatArray, y: FloatArray) -> FloatArray:
    t1, t2, t3 = _beale_terms(x, y)
    return t1 * t1 + t2 * t2 + t3 * t3


def _d_beale(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    t1, t2, t3 = _beale_terms(x, y)
    y2 = y * y
    gx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y2 * y - 1.0))
    gy = 2.0 * x * (t1 + 2.0 * y * t2 + 3.0 * y2 * t3)
    return gx, gy


def _saddle(x: FloatArray, y: FloatArray) -> FloatArray:
    y2 = y * y
    return x * x - y2 + 0.125 * y2 * y2


def _d_saddle(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    return 2.0 * x, y * (0.5 * y * y - 2.0)


def _himmelblau(x: FloatArray, y: FloatArray) -> FloatArray:
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b


def _d_himmelblau(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


# Gaussian wells (centre x, centre y, depth, width): a shallow narrow well sitting on the far
# rim of a deep wide one. Between the default start and the deep well lies the shallow one:
# plain SGD (and RMSprop, Adagrad, Adam at small lr) settles in it, heavy-ball momentum rolls
# through to the global minimum. Away from the wells f ≈ 0: a plateau where |∇f| < 1e-5.
PLATEAU_WELLS: tuple[tuple[float, float, float, float], ...] = (
    (-0.5, 0.5, 0.25, 0.3),
    (0.7, -0.7, 1.0, 0.7),
)


def _plateau_bumps(x: FloatArray, y: FloatArray) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    """Per well: depth·exp(−r²/2s²) and the pull (x − cx)/s², (y − cy)/s² of its gradient."""
    out = []
    for cx, cy, depth, width in PLATEAU_WELLS:
        dx, dy = x - cx, y - cy
        inv_s2 = 1.0 / (width * width)
        bump = depth * np.exp(-0.5 * (dx * dx + dy * dy) * inv_s2)
        out.append((bump, dx * inv_s2, dy * inv_s2))
    return out


def _plateau(x: FloatArray, y: FloatArray) -> FloatArray:
    # exp underflows to 0 on the plateau: the right answer, so the warning is silenced.
    with np.errstate(under="ignore"):
        return -sum(bump for bump, _, _ in _plateau_bumps(x, y))


def _d_plateau(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    with np.errstate(under="ignore"):
        bumps = _plateau_bumps(x, y)
        gx = sum(bump * px for bump, px, _ in bumps)
        gy = sum(bump * py for bump, _, py in bumps)
    return gx, gy


# --- logistic regression on a generated dataset -----------------------------------------------

LOGISTIC_ROWS = 200
LOGISTIC_SEED = 20240601
# Class 1 ~ N(μ, Σ), class 0 ~ N(−μ, Σ). The blobs overlap (the best w classifies ~80% of
# rows), so the unregularised minimum is finite, near (2.5, −1.9); the correlated features
# make the bowl elongated and tilted (Hessian condition number ≈ 7).
LOGISTIC_MEAN = (0.6, -0.2)
LOGISTIC_COV = ((1.0, 0.6), (0.6, 1.0))
_CHUNK_ELEMENTS = 1 << 18  # grid points × rows per block when evaluating the loss on a grid


@lru_cache(maxsize=1)
def logistic_dataset() -> tuple[FloatArray, FloatArray]:
    """(features (200, 2), labels (200,) in {0, 1}): two Gaussian blobs, shuffled, read-only."""
    rng = np.random.default_rng(LOGISTIC_SEED)
    half = LOGISTIC_ROWS // 2
    noise = rng.standard_normal((LOGISTIC_ROWS, 2)) @ np.linalg.cholesky(LOGISTIC_COV).T
    sign = np.repeat([1.0, -1.0], [half, LOGISTIC_ROWS - half])
    features = noise + sign[:, None] * np.asarray(LOGISTIC_MEAN)
    labels = (sign > 0).astype(np.float64)
    # Shuffled once so that any slice of rows holds both classes.
    order = rng.permutation(LOGISTIC_ROWS)
    features, labels = features[order], labels[order]
    features.setflags(write=False)
    labels.setflags(write=False)
    return features, labels


def _sigmoid(z: FloatArray) -> FloatArray:
    """σ(z) via e = exp(−|z|), which never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _logistic(x: FloatArray, y: FloatArray, l2: float) -> FloatArray:
    features, labels = logistic_dataset()
    wx, wy = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    w = np.stack((wx.ravel(), wy.ravel()), axis=-1)
    softplus_mean = np.empty(w.shape[0])
    chunk = max(1, _CHUNK_ELEMENTS // features.shape[0])
    # A matrix product per block of grid points; blocks keep the (points × rows) logits small.
    # logaddexp(0, z) = log(1 + eᶻ) without overflow; the −y·z term is linear in w.
    with np.errstate(under="ignore"):  # e^{−|z|} underflowing to 0 far out is exact enough
        for start in range(0, w.shape[0], chunk):
            z = w[start : start + chunk] @ features.T
            softplus_mean[start : start + chunk] = np.logaddexp(0.0, z).mean(axis=1)
    linear = w @ (features.T @ labels) / labels.shape[0]
    return (softplus_mean - linear).reshape(wx.shape) + 0.5 * l2 * (wx * wx + wy * wy)


def _logistic_gradient(w: FloatArray, rows: IntArray | slice, l2: float) -> FloatArray:
    """∇L_B(w) = X_Bᵀ(σ(X_B w) − y_B)/|B| + λw for the rows B; w of shape (..., 2)."""
    features, labels = logistic_dataset()
    x_b, y_b = features[rows], labels[rows]
    with np.errstate(under="ignore"):  # σ of a very negative logit underflows to 0: fine
        residual = _sigmoid(w @ x_b.T) - y_b
        return residual @ x_b / y_b.shape[0] + l2 * w


def _d_logistic(x: FloatArray, y: FloatArray, l2: float) -> tuple[FloatArray, FloatArray]:
    g = _logistic_gradient(np.stack(np.broadcast_arrays(x, y), axis=-1), slice(None), l2)
    return g[..., 0], g[..., 1]


# --- registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a surface: its default, the closed range [lo, hi] that `get` accepts, and
    `span`, the part of that range an explainer lets a reader move it over (all of it unless
    given)."""

    default: float
    lo: float
    hi: float
    span: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.span is None:
            object.__setattr__(self, "span", (self.lo, self.hi))

    def validated(self, name: str, value: object) -> float:
        """value as a float in [lo, hi], or ValueError naming `name`."""
        return validate.real(name, value, lo=self.lo, hi=self.hi)


@dataclass(frozen=True)
class SurfaceSpec:
    """One surface: f(x, y, **params) and its gradient, both broadcasting, plus page metadata."""

    name: str
    value: Callable[..., FloatArray]
    gradient: Callable[..., tuple[FloatArray, FloatArray]]
    latex: str
    domain: Domain
    starts: tuple[Point, ...]
    # Closed-form minima, or guesses that get() polishes with Newton's method.
    minima: Callable[..., tuple[Point, ...]]
    # A plain dict (treat as read-only) so specs and surfaces pickle and hash for caching.
    parameters: dict[str, Param] = field(default_factory=dict, hash=False)

    @property
    def params(self) -> dict[str, float]:
        """Each parameter's default, by name."""
        return {key: param.default for key, param in self.parameters.items()}


# Minima: exact where known in closed form, otherwise guesses that Newton's method polishes.
# Named functions rather than lambdas so that specs (and surfaces) pickle.


def _at_origin(**params: float) -> tuple[Point, ...]:
    return ((0.0, 0.0),)


def _rosenbrock_minima(a: float, b: float) -> tuple[Point, ...]:
    return ((a, a * a),)


def _beale_minima() -> tuple[Point, ...]:
    return ((3.0, 0.5),)  # (0, 1) is a saddle and the line x = 0 is flat in y: not minima


def _saddle_minima() -> tuple[Point, ...]:
    return ((0.0, 2.0), (0.0, -2.0))


def _himmelblau_minima() -> tuple[Point, ...]:
    return ((3.0, 2.0), (-2.805, 3.131), (-3.779, -3.283), (3.584, -1.848))


def _plateau_minima() -> tuple[Point, ...]:
    # Deep (global) well first, then the shallow one; overlap shifts them off the centres.
    return tuple((cx, cy) for cx, cy, _, _ in PLATEAU_WELLS[::-1])


def _plateau_latex() -> str:
    def shifted(v: str, c: float) -> str:
        return f"({v} {'+' if c < 0 else '-'} {abs(c):g})^2"

    terms = [
        rf"{depth:g}\,\exp\!\Bigl(-\frac{{{shifted('x', cx)} + {shifted('y', cy)}}}"
        rf"{{2\cdot {width:g}^2}}\Bigr)"
        for cx, cy, depth, width in PLATEAU_WELLS
    ]
    return "f(x, y) = -" + " - ".join(terms)


_SPECS = (
    SurfaceSpec(
        "ravine",
        _ravine,
        _d_ravine,
        latex=r"f(x, y) = \tfrac12\bigl(x^2 + \kappa\,y^2\bigr)",
        domain=((-5.0, 5.0), (-2.5, 2.5)),
        starts=((-4.0, 2.0), (4.5, 0.5)),
        minima=_at_origin,
        # κ = 79 by default: SGD's stable limit 2/κ ≈ 0.0253 then sits just above lr = 0.025, a
        # point of the log-spaced lr grid, so SGD at 0.025 zig-zags and barely settles. κ spans
        # three decades: a round bowl at 1, a ravine SGD can hardly use at 1000.
        parameters={"condition": Param(79.0, 1.0, 1000.0)},
    ),
    SurfaceSpec(
        "rosenbrock",
        _rosenbrock,
        _d_rosenbrock,
        latex=r"f(x, y) = (a - x)^2 + b\,(y - x^2)^2",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        starts=((-1.2, 1.0), (-1.5, 2.5), (1.5, -0.5)),
        minima=_rosenbrock_minima,
        parameters={"a": Param(1.0, -1.5, 1.5), "b": Param(100.0, 1.0, 1000.0)},
    ),
    SurfaceSpec(
        "beale",
        _beale,
        _d_beale,
        latex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        starts=((1.0, 1.5), (3.0, 4.0), (-3.0, -1.0)),
        minima=_beale_minima,
    ),
    SurfaceSpec(
        "saddle",
        _saddle,
        _d_saddle,
        # x² − y² near the origin; the quartic wall makes it bounded below, with minima at
        # (0, ±2) where f = −2, so a path that leaves the saddle has somewhere to go.
        latex=r"f(x, y) = x^2 - y^2 + \tfrac18\,y^4",
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        # Just off the ridge y = 0: plain gradient descent lingers near the saddle, then
        # escapes. Exactly on it, only noise (or momentum from noise) can escape.
        starts=((-2.5, 0.01), (-2.5, 0.0), (2.5, -0.5)),
        minima=_saddle_minima,
    ),
    SurfaceSpec(
        "himmelblau",
        _himmelblau,
        _d_himmelblau,
        latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        # Four basins: from (0, 0) SGD ends at (3, 2) but heavy-ball momentum at (3.58, −1.85);
        # from (−4.5, 0) they can split three ways, depending on the learning rates.
        starts=((0.0, 0.0), (-4.5, 0.0), (-0.5, -1.5)),
        minima=_himmelblau_minima,
    ),
    SurfaceSpec(
        "plateau",
        _plateau,
        _d_plateau,
        latex=_plateau_latex(),
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        # From the first start the path meets the shallow well; the second sits on the
        # plateau itself (|∇f| ≈ 3e-6), where SGD does not move and adaptive methods do.
        starts=((-1.5, 1.3), (-2.0, 2.0), (2.0, 2.0)),
        minima=_plateau_minima,
    ),
    SurfaceSpec(
        "logistic",
        _logistic,
        _d_logistic,
        latex=(
            r"L(w_1, w_2) = \frac{1}{n}\sum_{i=1}^{n}\Bigl[\log\bigl(1 + e^{w^\top x_i}\bigr)"
            r" - y_i\,w^\top x_i\Bigr] + \frac{\lambda}{2}\lVert w\rVert^2"
        ),
        domain=((-4.0, 4.0), (-4.0, 4.0)),
        starts=((-3.0, 3.0), (0.0, 0.0), (3.5, 3.5)),
        # The data overlap, so a finite minimiser exists even at λ = 0; the default tiny
        # λ = 1e-3 makes the loss strictly convex whatever the data. Newton finds the minimum.
        minima=_at_origin,
        # Past λ = 0.1 the penalty, not the data, shapes the bowl (at 0.1 the minimum has
        # already moved more than halfway to the origin): worth exploring up to there.
        parameters={"l2": Param(1e-3, 0.0, 1.0, span=(0.0, 0.1))},
    ),
)

REGISTRY: Mapping[str, SurfaceSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
assert tuple(REGISTRY) == NAMES


# --- minima by Newton's method ----------------------------------------------------------------


def _polish(spec: SurfaceSpec, guess: Point, params: Mapping[str, float]) -> Point:
    """A stationary point near guess: damped Newton with a central-difference Hessian."""
    p = np.array(guess, dtype=np.float64)

    def grad(q: FloatArray) -> FloatArray:
        return np.array(spec.gradient(q[0], q[1], **params), dtype=np.float64)

    def value(q: FloatArray) -> float:
        return float(spec.value(q[0], q[1], **params))

    for _ in range(100):
        g = grad(p)
        if not np.any(g):
            break
        h = 1e-5 * max(1.0, float(np.abs(p).max()))
        hess = np.column_stack([(grad(p + e) - grad(p - e)) / (2 * h) for e in np.eye(2) * h])
        step = np.linalg.solve(0.5 * (hess + hess.T), g)
        # Backtracking keeps Newton from overshooting far from the minimum (logistic at λ = 0).
        t, f0 = 1.0, value(p)
        while t > 1e-6 and value(p - t * step) > f0 + 1e-12 * (1.0 + abs(f0)):
            t *= 0.5
        p = p - t * step
        if np.abs(t * step).max() <= 1e-15 * (1.0 + np.abs(p).max()):
            break
    return float(p[0]), float(p[1])


@lru_cache(maxsize=64)
def _minima(spec: SurfaceSpec, param_items: tuple[tuple[str, float], ...]) -> tuple[Point, ...]:
    params = dict(param_items)
    return tuple(_polish(spec, guess, params) for guess in spec.minima(**params))


# --- public API -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A surface with its parameters bound: value(x, y) on grids, gradient(p) at points."""

    spec: SurfaceSpec
    param_items: tuple[tuple[str, float], ...] = ()
    _kwargs: dict[str, float] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # The params as keyword arguments, built once: gradient() runs once per optimizer step.
        object.__setattr__(self, "_kwargs", dict(self.param_items))

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def params(self) -> dict[str, float]:
        return dict(self.param_items)

    @property
    def latex(self) -> str:
        return self.spec.latex

    @property
    def domain(self) -> Domain:
        """((xmin, xmax), (ymin, ymax)) for plotting."""
        return self.spec.domain

    @property
    def starts(self) -> FloatArray:
        """Default start points, shape (k, 2); the first is the default."""
        return np.array(self.spec.starts, dtype=np.float64)

    @property
    def minima(self) -> FloatArray:
        """Known minima, shape (m, 2); the global minimum (or one of them) first."""
        return np.array(_minima(self.spec, self.param_items), dtype=np.float64)

    @property
    def minimum_values(self) -> FloatArray:
        """f at each of the minima, shape (m,)."""
        m = self.minima
        return self.value(m[:, 0], m[:, 1])

    @property
    def min_value(self) -> float:
        """The global minimum value (the smallest of minimum_values)."""
        return float(self.minimum_values.min())

    def value(self, x: npt.ArrayLike, y: npt.ArrayLike) -> FloatArray:
        """f(x, y), broadcasting x against y; float64 array of the broadcast shape."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        out = self.spec.value(x, y, **self._kwargs)
        return np.broadcast_to(
            np.asarray(out, dtype=np.float64), np.broadcast_shapes(x.shape, y.shape)
        )

    def gradient(self, p: npt.ArrayLike) -> FloatArray:
        """∇f at p: shape (2,) → (2,), or (..., 2) → (..., 2) for a field of points."""
        p = np.asarray(p, dtype=np.float64)
        if p.shape == (2,):
            # The optimizer loop's case. Python floats: a fifth of the cost of 0-d arrays, and
            # the formulas use only + − × (and np.exp, which accepts floats), so it is exact.
            x, y = p.tolist()
            return np.array(self.spec.gradient(x, y, **self._kwargs), dtype=np.float64)
        if p.ndim == 0 or p.shape[-1] != 2:
            raise ValueError(f"p must have shape (2,) or (..., 2), got {p.shape}")
        gx, gy = self.spec.gradient(p[..., 0], p[..., 1], **self._kwargs)
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1).astype(np.float64, copy=False)

    def __repr__(self) -> str:
        return f"Surface(name={self.name!r}, params={self.params!r})"


@dataclass(frozen=True)
class LogisticSurface(Surface):
    """The logistic-regression loss of (w₁, w₂) with mini-batch gradients over its dataset."""

    @property
    def features(self) -> FloatArray:
        """The inputs xᵢ, shape (n, 2) (read-only)."""
        return logistic_dataset()[0]

    @property
    def labels(self) -> FloatArray:
        """The targets yᵢ ∈ {0, 1}, shape (n,) (read-only)."""
        return logistic_dataset()[1]

    @property
    def rows(self) -> int:
        return int(self.labels.shape[0])

    def gradient(self, p: npt.ArrayLike) -> FloatArray:
        """∇L at p over all rows: shape (2,) → (2,), or (..., 2) → (..., 2)."""
        p = np.asarray(p, dtype=np.float64)
        if p.ndim == 0 or p.shape[-1] != 2:
            raise ValueError(f"p must have shape (2,) or (..., 2), got {p.shape}")
        return _logistic_gradient(p, slice(None), self._kwargs["l2"])

    def batch_gradient(self, p: npt.ArrayLike, rows: npt.ArrayLike) -> FloatArray:
        """∇L_B(p) = X_Bᵀ(σ(X_B p) − y_B)/|B| + λp: the mean gradient over the given rows."""
        rows = np.asarray(rows)
        if rows.ndim != 1 or rows.size == 0 or not np.issubdtype(rows.dtype, np.integer):
            raise ValueError("rows must be a non-empty 1-D array of integer row indices")
        if rows.min() < 0 or rows.max() >= self.rows:
            raise ValueError(f"row indices must lie in [0, {self.rows - 1}]")
        p = np.asarray(p, dtype=np.float64)
        if p.shape != (2,):
            raise ValueError(f"p must have shape (2,), got {p.shape}")
        return _logistic_gradient(p, rows, self._kwargs["l2"])

    def stochastic_gradient(self, batch_size: int, seed: int = 0) -> MiniBatchGradient:
        """A gradient callable that walks shuffled mini-batches, epoch after epoch."""
        return MiniBatchGradient(self, batch_size, seed)


class MiniBatchGradient:
    """gradient(p) over the next mini-batch of a reshuffled-every-epoch pass over the rows.

    Like a DataLoader with shuffle=True, drop_last=False: an epoch is ceil(n / batch_size)
    calls and the last batch is smaller when batch_size does not divide n. Deterministic given
    the seed: two instances with equal arguments return equal gradients call by call.
    """

    def __init__(self, surface: LogisticSurface, batch_size: int, seed: int = 0) -> None:
        n = surface.rows
        self.surface = surface
        self.batch_size = validate.integer("batch_size", batch_size, lo=1, hi=n)
        self.updates_per_epoch = -(-n // self.batch_size)
        self.epoch = 0  # completed epochs
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(n)
        self._batch = 0  # index of the next batch within the epoch

    def next_rows(self) -> IntArray:
        """The row indices of the next mini-batch (advances the walk)."""
        start = self._batch * self.batch_size
        rows = self._order[start : start + self.batch_size]
        self._batch += 1
        if self._batch == self.updates_per_epoch:
            self._batch = 0
            self.epoch += 1
            self._order = self._rng.permutation(self._order.size)
        return rows

    def __call__(self, p: npt.ArrayLike) -> FloatArray:
        return self.surface.batch_gradient(p, self.next_rows())


class NoisyGradient:
    """gradient(p) + N(0, σ²) noise per coordinate, fresh each call, reproducible by seed."""

    def __init__(self, gradient: Gradient, sigma: float, seed: int = 0) -> None:
        sigma = validate.real("noisy sigma", sigma, lo=0.0)
        self.gradient = gradient
        self.sigma = sigma
        self._rng = np.random.default_rng(seed)

    def __call__(self, p: npt.ArrayLike) -> FloatArray:
        g = np.asarray(self.gradient(p), dtype=np.float64)
        return g + self.sigma * self._rng.standard_normal(g.shape)


def noisy(gradient: Gradient, sigma: float, seed: int = 0) -> NoisyGradient:
    """g̃(p) = ∇f(p) + σ·ε, ε ~ N(0, I) drawn per call: a stand-in for stochastic gradients."""
    return NoisyGradient(gradient, sigma, seed)


def get(name: str, **params: float) -> Surface:
    """The surface `name` with its parameters (defaults filled in, ranges checked)."""
    spec = REGISTRY[validate.choice("surface", name, NAMES)]
    unknown = sorted(set(params) - set(spec.parameters))
    if unknown:
        valid = ", ".join(spec.parameters) if spec.parameters else None
        hint = f"valid parameters: {valid}" if valid else f"{name} takes no parameters"
        raise ValueError(f"unknown parameter {unknown[0]!r} for {name}; {hint}")
    values = {
        key: param.validated(f"{name} {key}", params.get(key, param.default))
        for key, param in spec.parameters.items()
    }
    cls = LogisticSurface if name == "logistic" else Surface
    return cls(spec, tuple(values.items()))


def grid(surface: Surface, n: int = 200) -> tuple[FloatArray, FloatArray, FloatArray]:
    """xs (n,), ys (n,) spanning the domain and Z (n, n) with Z[i, j] = f(xs[j], ys[i])."""
    n = validate.integer("n", n, lo=2)
    (x0, x1), (y0, y1) = surface.domain
    xs = np.linspace(x0, x1, n)
    ys = np.linspace(y0, y1, n)
    with np.errstate(over="ignore", invalid="ignore"):
        z = surface.value(xs[np.newaxis, :], ys[:, np.newaxis])
    # Rows follow y, as plotly's contour and surface traces expect. Plots need finite numbers.
    return xs, ys, np.nan_to_num(z, nan=_FMAX, posinf=_FMAX, neginf=-_FMAX)


def log_height(z: npt.ArrayLike, floor: float | None = None) -> FloatArray:
    """log(1 + z − floor), clipped at 0 below the floor; floor defaults to min(z)."""
    z = np.asarray(z, dtype=np.float64)
    base = float(np.min(z)) if floor is None else float(floor)
    with np.errstate(over="ignore", invalid="ignore"):
        gap = np.maximum(z - base, 0.0)
    return np.log1p(np.nan_to_num(gap, nan=0.0, posinf=_FMAX))


@dataclass(frozen=True, eq=False)
class HeightMap:
    """log(1 + f − f*) on an n × n grid: xs (n,), ys (n,), heights (n, n) with rows following y,
    and the known minima (m, 2) with their heights (m,) on the same scale."""

    xs: FloatArray
    ys: FloatArray
    heights: FloatArray
    minima: FloatArray
    minima_heights: FloatArray


def height_map(surface: Surface, n: int = 200) -> HeightMap:
    """The surface as the page shades it: log(1 + f − f*) over the domain, f* the global minimum."""
    xs, ys, z = grid(surface, n)
    floor = surface.min_value
    minima = surface.minima
    return HeightMap(
        xs, ys, log_height(z, floor), minima, log_height(surface.minimum_values, floor)
    )


GAP_FLOOR = 1e-16  # f − f* and distances below this sit at the floor of a log axis


def path_metrics(surface: Surface, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(θ_t) − f* (floored for a log axis) and the distance to the nearest known minimum."""
    values = surface.value(points[:, 0], points[:, 1])
    gap = np.maximum(np.nan_to_num(values - surface.min_value, nan=1e300, posinf=1e300), 0.0)
    gap = np.minimum(gap, 1e300)
    diff = points[:, None, :] - surface.minima[None, :, :]
    distance = np.sqrt(np.einsum("tmd,tmd->tm", diff, diff)).min(axis=1)
    return np.maximum(gap, GAP_FLOOR), np.maximum(distance, GAP_FLOOR)
