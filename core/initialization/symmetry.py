"""The symmetry problem: a 2 → 4 tanh → 1 net on XOR from zero, constant and random weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import validate
from core.initialization.schemes import sample

FloatArray = npt.NDArray[np.float64]

SYMMETRY_INITS = ("zeros", "constant", "random")
SYMMETRY_HIDDEN = 4
CONSTANT = 0.5


def xor_blobs(n: int = 64, noise: float = 0.25, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """(x (n, 2), y (n,) ±1): Gaussian blobs at the four corners (±1, ±1), y = sign(x₁·x₂)."""
    n, noise = validate.integer("n", n, lo=4), noise_level(noise)
    rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    label = np.array([1.0, 1.0, -1.0, -1.0])
    k = np.arange(n) % 4
    return corners[k] + noise * rng.standard_normal((n, 2)), label[k]


@dataclass(frozen=True)
class SymmetryRun:
    """A 2 → 4 tanh → 1 net trained by full-batch gradient descent on xor_blobs().

    loss[t] and distinctness[t] are after t updates (t = 0…steps); snapshot_steps (k,) are the
    steps at which w1 (k, 2, 4), b1 (k, 4) and w2 (k, 4) were recorded, first and last included.
    distinctness = the largest difference between two hidden units in any of their parameters
    (incoming weights, bias, outgoing weight): 0 means every unit is the same unit.
    """

    init: str
    loss: FloatArray
    distinctness: FloatArray
    snapshot_steps: npt.NDArray[np.int64]
    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: float
    x: FloatArray
    y: FloatArray

    def predict(self, x: npt.ArrayLike) -> FloatArray:
        """The trained net's output at points x (m, 2)."""
        x = np.asarray(x, dtype=np.float64)
        return np.tanh(x @ self.w1[-1] + self.b1[-1]) @ self.w2[-1] + self.b2


def _unit_spread(w1: FloatArray, b1: FloatArray, w2: FloatArray) -> float:
    params = np.vstack([w1, b1, w2])  # (4, units): one column per hidden unit
    return float(np.max(params.max(axis=1) - params.min(axis=1)))


def train_symmetry(init: str, steps: int = 300, lr: float = 0.5, seed: int = 0) -> SymmetryRun:
    """Train 2 → 4 tanh → 1 (linear output, L = ½·mean((ŷ − y)²)) on xor_blobs() from `init`.

    - "zeros": all weights and biases 0. Every hidden pre-activation is 0, so h = tanh 0 = 0,
      ∂L/∂W2 = hᵀδ = 0 and ∂L/∂h = δ·W2ᵀ = 0, hence ∂L/∂W1 = ∂L/∂b1 = 0: only the output bias
      b2 learns (to mean(y)). W1, b1, W2 stay exactly 0 forever.
    - "constant": every weight CONSTANT = 0.5, biases 0. All units compute the same h and so
      receive the same gradient: they move, but stay identical, and the net is one hidden unit
      four times over (XOR needs two).
    - "random": W1, W2 from xavier_normal with default_rng(seed), biases 0: units differ from
      the start and specialise.

    Identical units stay bitwise identical: the forward and backward pass use only elementwise
    operations and sums over the batch (no BLAS kernel whose order could differ per column).
    """
    validate.choice("init", init, SYMMETRY_INITS)
    steps = validate.integer("steps", steps, lo=0, hi=100_000)
    lr = rate(lr)
    seed = validate.integer("seed", seed, lo=0)
    x, y = xor_blobs()
    units = SYMMETRY_HIDDEN
    b1, b2 = np.zeros(units), 0.0
    if init == "zeros":
        w1, w2 = np.zeros((2, units)), np.zeros(units)
    elif init == "constant":
        w1, w2 = np.full((2, units), CONSTANT), np.full(units, CONSTANT)
    else:
        rng = np.random.default_rng(seed)
        w1, w2 = (
            sample("xavier_normal", 2, units, rng),
            sample("xavier_normal", units, 1, rng)[:, 0],
        )
    n = y.size
    snapshots = set(np.linspace(0, steps, min(steps + 1, 11)).round().astype(int).tolist())
    loss, spread, recorded = [], [], []
    for t in range(steps + 1):
        h = np.tanh(x[:, :1] * w1[0] + x[:, 1:] * w1[1] + b1)  # (n, units), per unit alike
        err = (h * w2).sum(axis=1) + b2 - y
        loss.append(0.5 * float(np.mean(err * err)))
        spread.append(_unit_spread(w1, b1, w2))
        if t in snapshots:
            recorded.append((t, w1.copy(), b1.copy(), w2.copy()))
        if t == steps:
            break
        delta = err / n  # ∂L/∂ŷ
        grad_w2 = (h * delta[:, None]).sum(axis=0)
        grad_z = delta[:, None] * w2 * (1.0 - h * h)
        grad_w1 = (x[:, :, None] * grad_z[:, None, :]).sum(axis=0)
        w1 = w1 - lr * grad_w1
        b1 = b1 - lr * grad_z.sum(axis=0)
        w2 = w2 - lr * grad_w2
        b2 = b2 - lr * float(delta.sum())
    return SymmetryRun(
        init=init,
        loss=np.array(loss),
        distinctness=np.array(spread),
        snapshot_steps=np.array([r[0] for r in recorded], dtype=np.int64),
        w1=np.stack([r[1] for r in recorded]),
        b1=np.stack([r[2] for r in recorded]),
        w2=np.stack([r[3] for r in recorded]),
        b2=b2,
        x=x,
        y=y,
    )


def noise_level(noise: object) -> float:
    """A toy data set's noise: a real number in [0, 10]."""
    return validate.real("noise", noise, lo=0.0, hi=10.0)


def rate(lr: object) -> float:
    """A learning rate: a real number in (0, 100]."""
    return validate.real("lr", lr, lo=0.0, hi=100.0, lo_open=True)


# --- the experiment the page shows -----------------------------------------------------------

SYMMETRY_GRID = np.linspace(-2.5, 2.5, 45)  # where the trained nets are evaluated on the plane
PLANE_CLIP = 1.5  # the net's outputs on the plane are clipped to ±1.5 (the targets are ±1)


def unit_matrix(w1: FloatArray, b1: FloatArray, w2: FloatArray) -> FloatArray:
    """One column per hidden unit: its two input weights, its bias and its output weight (4, u)."""
    return np.vstack([w1, b1[None, :], w2[None, :]])


@dataclass(frozen=True)
class StartCurves:
    """One start's run, ready to draw: loss and distinctness (their finite part), the unit
    matrices at the snapshots (k, 4, units) and the trained net's output on the grid (g, g),
    z[x₂][x₁], non-finite values as 0."""

    loss: FloatArray
    distinctness: FloatArray
    units: FloatArray
    plane: npt.NDArray[np.float32]


@dataclass(frozen=True)
class SymmetryExperiment:
    """train_symmetry for every start in SYMMETRY_INITS, on the same data and settings."""

    grid: FloatArray
    x: FloatArray
    y: FloatArray
    steps: npt.NDArray[np.int64]  # the snapshot steps, the same for every start
    runs: dict[str, StartCurves]
    diverged: tuple[str, ...]  # starts whose step was too large (the weights overflowed)


def symmetry_experiment(steps: int, lr: float, seed: int) -> SymmetryExperiment:
    """train_symmetry(init, steps, lr, seed) for each start, with each net's output on
    SYMMETRY_GRID² and the starts whose run overflowed."""
    grid = SYMMETRY_GRID
    plane = np.column_stack([np.repeat(grid, grid.size), np.tile(grid, grid.size)])
    runs: dict[str, StartCurves] = {}
    diverged = []
    for init in SYMMETRY_INITS:
        with np.errstate(all="ignore"):  # a too-large step overflows: detected below
            r = train_symmetry(init, steps, lr, seed)
            units = np.stack([unit_matrix(*p) for p in zip(r.w1, r.b1, r.w2, strict=True)])
            # plane is (x₁ slow, x₂ fast): row i of the reshaped grid is x₁ = grid[i], so
            # transpose to z[x₂][x₁].
            fit = r.predict(plane).reshape(grid.size, grid.size).T
        finite = np.isfinite(r.loss) & np.isfinite(r.distinctness)
        if not (finite.all() and np.isfinite(units).all() and np.isfinite(fit).all()):
            diverged.append(init)
        runs[init] = StartCurves(
            loss=r.loss[finite],
            distinctness=r.distinctness[finite],
            units=np.nan_to_num(units, nan=0.0, posinf=0.0, neginf=0.0),
            plane=np.clip(np.nan_to_num(fit), -PLANE_CLIP, PLANE_CLIP).astype(np.float32),
        )
    return SymmetryExperiment(grid, r.x, r.y, r.snapshot_steps, runs, tuple(diverged))
