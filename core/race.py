"""Optimizers raced on a loss surface: the gradient they are shown, and their paths ready to plot.

An ``Oracle`` says which gradient every optimizer of a race sees: the exact ∇f, ∇f plus
N(0, σ²) noise per coordinate (the analytic surfaces), or the gradient over shuffled
mini-batches (a surface with data rows, when the batch is smaller than the rows). ``run`` races
one optimizer with torch.optim's rule and returns its trace with f(θ_t) − f* and the distance to
the nearest known minimum at every step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from core import optimizers, surfaces, validate

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Oracle:
    """The gradient a race sees on `surface`: a mini-batch of `batch` rows per step when the
    surface has data rows and `batch` is fewer than all of them; otherwise ∇f + σε with
    ε ~ N(0, I) when σ > 0; otherwise ∇f. `seed` fixes the noise or the shuffling."""

    surface: surfaces.Surface
    sigma: float = 0.0
    batch: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma", validate.real("sigma", self.sigma, lo=0.0))
        object.__setattr__(self, "seed", validate.integer("seed", self.seed, lo=0))
        if self.batch is not None:
            if not isinstance(self.surface, surfaces.LogisticSurface):
                raise ValueError(f"batch needs a surface with data rows, not {self.surface.name}")
            batch = validate.integer("batch", self.batch, lo=1, hi=self.surface.rows)
            object.__setattr__(self, "batch", batch)

    @property
    def minibatch(self) -> bool:
        """Whether each step sees only a mini-batch of the rows (then σ is not used)."""
        return self.batch is not None and self.batch < self.surface.rows

    @property
    def stochastic(self) -> bool:
        """Whether the gradient differs from ∇f: a mini-batch, or σ > 0."""
        return self.minibatch or self.sigma > 0

    @property
    def updates_per_epoch(self) -> int:
        """⌈n / batch⌉ steps for one pass over the n rows (the last batch may be smaller); 1 when
        every step sees all of them."""
        if not self.minibatch:
            return 1
        return math.ceil(self.surface.rows / self.batch)

    def epochs(self, steps: int) -> float:
        """How many passes over the rows `steps` mini-batch steps make: steps / ⌈n / batch⌉."""
        return validate.integer("steps", steps, lo=0) / self.updates_per_epoch

    def exact(self) -> Oracle:
        """The same surface without noise or mini-batches: the reference a noisy race is read
        against."""
        return replace(self, sigma=0.0, batch=None)

    def gradient(self) -> surfaces.Gradient:
        """A fresh gradient callable p -> g(p): each starts its own noise or batch walk at `seed`,
        so two optimizers of one race see the same sequence of draws."""
        if self.minibatch:
            return self.surface.stochastic_gradient(self.batch, self.seed)
        if self.sigma > 0:
            return surfaces.noisy(self.surface.gradient, self.sigma, self.seed)
        return self.surface.gradient


@dataclass(frozen=True, eq=False)
class Run:
    """One optimizer's race: its trace (points (k+1, 2), gradients, state buffers, steps), and
    per point θ_0 … θ_k the gap f(θ_t) − f* and the distance ‖θ_t − θ*‖ to the nearest known
    minimum, both (k+1,) and floored at 1e-16 for a log axis."""

    trace: optimizers.Trace
    gap: FloatArray
    distance: FloatArray

    @property
    def points(self) -> FloatArray:
        return self.trace.points

    @property
    def heights(self) -> FloatArray:
        """log(1 + f(θ_t) − f*): where the path lies on the shaded surface, (k+1,)."""
        return surfaces.log_height(self.gap, 0.0)


def run(
    oracle: Oracle,
    name: str,
    start: npt.ArrayLike,
    steps: int,
    **hparams: object,
) -> Run | None:
    """Optimizer `name` (torch's rule, torch's hyperparameter names) for `steps` steps from
    `start` on the oracle's gradient; None if torch would refuse these hyperparameters."""
    validate.choice("optimizer", name, optimizers.NAMES)
    try:
        optimizers.hparams(name, **hparams)
    except ValueError:
        return None
    trace = optimizers.trace(name, oracle.gradient(), start, steps, **hparams)
    gap, distance = surfaces.path_metrics(oracle.surface, trace.points)
    return Run(trace, gap, distance)
