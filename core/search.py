"""A random search over two hyperparameters, learning rate and width, judged on validation data.

Trials draw lr log-uniformly from LR_RANGE and the hidden width uniformly from WIDTH_RANGE
(Bergstra and Bengio 2012: random beats a grid when one of the two matters more). Every trial is
a one-hidden-layer tanh MLP trained full batch with Adam on the training split, all of them in
one batched call of core.ensemble. The best trial is the argmin of validation MSE; the test
split is scored once, for that trial only: choosing on it would make it one more validation set,
and its error would no longer estimate the error on new data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import ensemble, validate

FloatArray = npt.NDArray[np.float64]

LR_RANGE = (1e-4, 1.0)
WIDTH_RANGE = (1, 64)
TRIALS_RANGE = (4, 40)
EPOCHS = 400
SPLITS = (24, 24, 200)  # train, validation, test points
NOISE = 0.2


def data(seed: int) -> tuple[FloatArray, ...]:
    """(x, y) of train, validation and test: x ~ U(−3, 3), y = sin(1.5x) + N(0, 0.2²)."""
    rng = np.random.default_rng([validate.integer("seed", seed, lo=0), 21])
    out: list[FloatArray] = []
    for n in SPLITS:
        x = rng.uniform(-3.0, 3.0, (n, 1))
        out += [x, np.sin(1.5 * x[:, 0]) + NOISE * rng.normal(size=n)]
    return tuple(out)


def sample(trials: int, seed: int) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """(lrs, widths) of `trials` draws: log10 lr ~ U(−4, 0), width ~ U{1, …, 64}."""
    trials = validate.integer("trials", trials, lo=TRIALS_RANGE[0], hi=TRIALS_RANGE[1])
    rng = np.random.default_rng([validate.integer("seed", seed, lo=0), 22])
    lo, hi = (math.log10(v) for v in LR_RANGE)
    lrs = 10.0 ** rng.uniform(lo, hi, trials)
    widths = rng.integers(WIDTH_RANGE[0], WIDTH_RANGE[1] + 1, trials)
    return lrs, widths


@dataclass(frozen=True)
class Search:
    """Every trial's lr, width, train and validation MSE; the best trial and its one test MSE."""

    lrs: FloatArray
    widths: npt.NDArray[np.int64]
    train_error: FloatArray
    val_error: FloatArray
    diverged: npt.NDArray[np.bool_]
    best: int
    test_error: float  # of the best trial only

    @property
    def running_best(self) -> FloatArray:
        """min of the validation errors of trials 1 … t, for each t."""
        return np.minimum.accumulate(self.val_error)


def cost(trials: int, seed: int = 0) -> tuple[float, float]:
    """(multiply-adds, cells) of run(trials, seed), for ui.heavy: ~12 per point, width, epoch."""
    rows = SPLITS[0] + SPLITS[1] + SPLITS[2]
    return float(12 * trials * WIDTH_RANGE[1] * rows * EPOCHS), float(
        trials * WIDTH_RANGE[1] * rows
    )


def run(trials: int, seed: int) -> Search:
    """Sample, train all trials at once, pick the argmin of validation MSE, test it once."""
    lrs, widths = sample(trials, seed)
    x, y, x_val, y_val, x_test, y_test = data(seed)
    both = np.concatenate([x_val, x_test])
    ens = ensemble.train(
        x, y, both, [int(w) for w in widths], [float(r) for r in lrs],
        epochs=EPOCHS, seed=seed, every=EPOCHS,
    )  # fmt: skip
    pred = ens.predictions
    n_val = len(x_val)
    val = np.mean((pred[:, :n_val] - y_val) ** 2, axis=1)
    best = int(np.argmin(val))
    test = float(np.mean((pred[best, n_val:] - y_test) ** 2))
    return Search(
        lrs=lrs,
        widths=widths,
        train_error=ens.final_train.copy(),
        val_error=val,
        diverged=np.array(ens.diverged, dtype=bool),
        best=best,
        test_error=test,
    )
