"""Two-dimensional toy datasets on the plane [−6, 6]², TensorFlow Playground's and a few more.

``make(name, n, noise, seed)`` returns ``(X, y)``: X of shape (n, 2); y integer class labels
0 … C−1 for classification sets, real targets in [−1, 1] for regression sets.

What noise does, honestly: for classification, a point is drawn in its class's region and then
moved by Gaussian jitter of standard deviation ``noise × 5`` (the data's radius); its label stays
the class it was drawn from, and it is drawn where it ended up. So noise makes classes overlap —
points on the wrong side of the true boundary, visible as such. (TensorFlow Playground instead
computes circle and XOR labels at a jittered position but draws the clean one: label noise
shown as clean points.) For regression, noise adds Gaussian noise of standard deviation
``noise`` to the target at the point's true position.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
Task = Literal["binary", "multiclass", "regression"]

RADIUS = 5.0  # the data's extent; the plane drawn is [−DOMAIN, DOMAIN]²
DOMAIN = 6.0
NOISE_RANGE = (0.0, 0.5)
POINTS_RANGE = (4, 1000)

Generator = Callable[[int, np.random.Generator], tuple[FloatArray, np.ndarray]]


@dataclass(frozen=True)
class Dataset:
    """One dataset: its task, number of classes (0 for regression) and clean generator."""

    name: str
    task: Task
    classes: int
    draw: Generator


def _split(n: int, parts: int) -> np.ndarray:
    """Class of each of n points, as even as possible: 0 … parts−1 in blocks."""
    return np.repeat(np.arange(parts), [n // parts + (i < n % parts) for i in range(parts)])


def _circle(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """Class 1 inside r < R/2, class 0 on the ring 0.7R < r < R (TensorFlow Playground's)."""
    y = _split(n, 2)[::-1].copy()  # first half class 1 (inside), as TF Playground lists them
    r = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n)) * RADIUS
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)]), y


def _xor(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """Half the points in the quadrants where x₁x₂ > 0 (class 1), half where x₁x₂ < 0 (class 0),
    uniform in each and kept 0.3 away from the axes."""
    pad = 0.3
    y = _split(n, 2)[::-1].copy()
    magnitude = rng.uniform(pad, RADIUS, (n, 2))
    first = rng.choice([-1.0, 1.0], n)
    second = np.where(y == 1, first, -first)  # same sign: x₁x₂ > 0
    return magnitude * np.column_stack([first, second]), y


def _gaussians(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """Two unit Gaussians centred at (2, 2) (class 1) and (−2, −2) (class 0)."""
    y = _split(n, 2)[::-1].copy()
    centre = np.where(y[:, None] == 1, 2.0, -2.0)
    return centre + rng.normal(size=(n, 2)), y


def _arms(n: int, rng: np.random.Generator, arms: int) -> tuple[FloatArray, np.ndarray]:
    """`arms` interleaved spirals: r = 5t, angle = 1.75·2πt + 2πk/arms for t uniform in (0, 1]."""
    y = _split(n, arms)
    t = rng.uniform(0.0, 1.0, n)
    r = RADIUS * t
    angle = 1.75 * 2.0 * math.pi * t + 2.0 * math.pi * y / arms
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)]), y


def _spiral(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    return _arms(n, rng, 2)


def _spiral3(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    return _arms(n, rng, 3)


def _moons(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """scikit-learn's two half-moons, scaled by 2.5 and centred on the plane."""
    y = _split(n, 2)
    t = rng.uniform(0.0, math.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    x = np.where(y[:, None] == 0, upper, lower)
    return 2.5 * (x - [0.5, 0.25]), y


def _plane(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """A tilted plane: y = (x₁ + x₂)/(2R), in [−1, 1] on the data's square."""
    x = rng.uniform(-RADIUS, RADIUS, (n, 2))
    return x, (x[:, 0] + x[:, 1]) / (2.0 * RADIUS)


_BUMPS = ((-3.0, 2.5, 1.0), (0.0, 2.5, -1.0), (3.0, 2.5, 1.0), (-3.0, -2.5, -1.0),
          (0.0, -2.5, 1.0), (3.0, -2.5, -1.0))  # fmt: skip


def _bumps(n: int, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """Six Gaussian bumps of alternating sign (σ = 1.2): TensorFlow Playground's multi-Gaussian."""
    x = rng.uniform(-RADIUS, RADIUS, (n, 2))
    target = np.zeros(n)
    for cx, cy, sign in _BUMPS:
        target += sign * np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / (2 * 1.2**2))
    return x, np.clip(target, -1.0, 1.0)


_DATASETS = (
    Dataset("circle", "binary", 2, _circle),
    Dataset("xor", "binary", 2, _xor),
    Dataset("gaussians", "binary", 2, _gaussians),
    Dataset("spiral", "binary", 2, _spiral),
    Dataset("moons", "binary", 2, _moons),
    Dataset("spiral3", "multiclass", 3, _spiral3),
    Dataset("plane", "regression", 0, _plane),
    Dataset("bumps", "regression", 0, _bumps),
)

REGISTRY: Mapping[str, Dataset] = MappingProxyType({d.name: d for d in _DATASETS})
NAMES: tuple[str, ...] = tuple(REGISTRY)


def dataset(name: object) -> Dataset:
    """The registered dataset `name` (ValueError listing every name otherwise)."""
    return REGISTRY[validate.choice("dataset", name, NAMES)]


def make(name: str, n: int, noise: float, seed: int) -> tuple[FloatArray, np.ndarray]:
    """(X (n, 2), y (n,)) drawn from dataset `name` with `noise` (see the module docstring)."""
    spec = dataset(name)
    n = validate.integer("n", n, lo=POINTS_RANGE[0], hi=POINTS_RANGE[1])
    noise = validate.real("noise", noise, lo=NOISE_RANGE[0], hi=NOISE_RANGE[1])
    rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
    x, y = spec.draw(n, rng)
    if spec.task == "regression":
        return x, y + noise * rng.normal(size=n)
    return x + noise * RADIUS * rng.normal(size=x.shape), y


def train_rows(n: int, share: float) -> int:
    """⌊share·n⌉ rows, and at least one on each side of the split."""
    return min(max(round(share * n), 1), n - 1)


def split(
    x: FloatArray, y: np.ndarray, train_share: float, seed: int
) -> tuple[FloatArray, np.ndarray, FloatArray, np.ndarray]:
    """(x_train, y_train, x_test, y_test): a seeded shuffle, the first ⌊share·n⌉ rows train."""
    share = validate.real("train_share", train_share, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    n = len(x)
    order = np.random.default_rng(validate.integer("seed", seed, lo=0)).permutation(n)
    k = train_rows(n, share)
    train, test = order[:k], order[k:]
    return x[train], y[train], x[test], y[test]
