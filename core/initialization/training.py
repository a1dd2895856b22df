"""Does it train? Full-batch gradient descent of a deep MLP on two moons, from each scheme."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import activations, validate
from core.initialization.kernels import activation_of, evaluate_into
from core.initialization.reference import BN_EPS
from core.initialization.schemes import sample, scheme_of
from core.initialization.symmetry import noise_level, rate

FloatArray = npt.NDArray[np.float64]

MAX_TRAIN_DEPTH = 50
MAX_TRAIN_WIDTH = 256
MAX_TRAIN_STEPS = 5000


def two_moons(n: int = 200, noise: float = 0.15, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """(x (n, 2) standardised, y (n,) in {0, 1}): two interleaved half circles with noise."""
    n, noise = validate.integer("n", n, lo=4), noise_level(noise)
    rng = np.random.default_rng(validate.integer("seed", seed, lo=0))
    label = np.arange(n) % 2
    angle = rng.uniform(0.0, math.pi, n)
    x = np.column_stack([np.cos(angle), np.sin(angle)])
    x[label == 1] = 1.0 - x[label == 1] - np.array([0.0, 0.5])  # the lower, shifted moon
    x += noise * rng.standard_normal((n, 2))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x, label.astype(np.float64)


@dataclass(frozen=True)
class DeepRun:
    """Loss and accuracy after t updates (t = 0…len−1); diverged_at is the first step whose
    loss or parameters were not finite (training stopped there), else None; stopped_at is the
    step where the caller's stop() said to stop (a time budget), else None. margin is
    max |σ(logit) − ½| over the points at the last recorded step: how far the outputs are from
    the coin flip that loss log 2 means (accuracy reads only their side of ½)."""

    loss: FloatArray
    accuracy: FloatArray
    diverged_at: int | None
    stopped_at: int | None = None
    margin: float = float("nan")

    @property
    def stuck_at_chance(self) -> bool:
        """The loss sits at log 2 with every output within 1e-3 of ½: the net says "coin flip"
        (its accuracy then only reads which side of ½ the outputs fell on)."""
        return (
            bool(self.loss.size) and abs(self.loss[-1] - math.log(2)) < 1e-4 and self.margin < 1e-3
        )


def train_deep(
    scheme: str,
    activation: str | activations.Activation,
    depth: int = 10,
    width: int = 32,
    steps: int = 200,
    lr: float = 0.1,
    seed: int = 0,
    batchnorm: bool = False,
    stop: Callable[[], bool] | None = None,
) -> DeepRun:
    """Full-batch gradient descent on two_moons() for 2 → width×depth hidden → 1 (sigmoid, BCE).

    Every weight matrix (the 2 → width input and width → 1 output layers too) comes from
    sample(scheme, ·, ·, default_rng(seed)); biases start at 0. With batchnorm each hidden
    z = h @ W goes through training-mode BN with learnable γ (1) and β (0), which replace the
    bias. Plain SGD on the full batch, no momentum, in float32 (as frameworks train) with the
    fast kernels; the loss is accumulated in float64. `stop`, asked before every update, ends
    training early when it returns true (the run records where: stopped_at).
    """
    scheme_of(scheme)
    act = activation_of(activation)
    depth = validate.integer("depth", depth, lo=1, hi=MAX_TRAIN_DEPTH)
    width = validate.integer("width", width, lo=1, hi=MAX_TRAIN_WIDTH)
    steps = validate.integer("steps", steps, lo=0, hi=MAX_TRAIN_STEPS)
    lr = rate(lr)
    seed = validate.integer("seed", seed, lo=0)
    batchnorm = validate.flag("batchnorm", batchnorm)
    x, y = (v.astype(np.float32) for v in two_moons())
    n = y.size
    rng = np.random.default_rng(seed)
    sizes = [2] + [width] * depth
    # sample() draws in float32, so these casts are exact.
    ws = [sample(scheme, a, b, rng).astype(np.float32) for a, b in itertools.pairwise(sizes)]
    w_out = sample(scheme, width, 1, rng)[:, 0].astype(np.float32)
    shifts = [np.zeros(width, dtype=np.float32) for _ in range(depth)]  # bias, or BN's β
    gammas = [np.ones(width, dtype=np.float32) for _ in range(depth)] if batchnorm else []
    b_out = 0.0
    fs = [np.empty((n, width), dtype=np.float32) for _ in range(depth)]  # h_k, reused
    dfs = [np.empty((n, width), dtype=np.float32) for _ in range(depth)]
    scratch = tuple(np.empty((n, width), dtype=np.float32) for _ in range(4))
    losses, accuracy = [], []
    diverged_at = stopped_at = None
    margin = math.nan
    with np.errstate(all="ignore"):  # divergence is detected below, not by warnings
        for t in range(steps + 1):
            h, cache = x, []
            for k in range(depth):
                z = h @ ws[k]
                if batchnorm:
                    z -= z.sum(axis=0) / n
                    inv = 1 / np.sqrt(np.einsum("ij,ij->j", z, z) / n + BN_EPS)
                    z *= inv  # x̂
                    xhat, a = z, z * gammas[k]
                else:
                    xhat = inv = None
                    a = z
                a += shifts[k]
                df = evaluate_into(act, a, fs[k], dfs[k], scratch)
                cache.append((h, df, xhat, inv))
                h = fs[k]
            logit = h @ w_out + b_out
            softplus = np.maximum(logit, 0) + np.log1p(np.exp(-np.abs(logit)))
            loss = float(np.mean(softplus - logit * y, dtype=np.float64))
            if not (math.isfinite(loss) and all(np.isfinite(w).all() for w in ws)):
                diverged_at = t
                break
            losses.append(loss)
            accuracy.append(float(np.mean((logit > 0) == (y > 0.5))))
            # σ(l) − ½ = tanh(l/2)/2, in float64: no cancellation for a logit of 1e-30.
            margin = float(np.max(np.abs(np.tanh(logit.astype(np.float64) / 2)))) / 2
            if t == steps:
                break
            if stop is not None and stop():
                stopped_at = t
                break
            d_logit = (1 / (1 + np.exp(-logit)) - y) / n
            grad = np.outer(d_logit, w_out)
            w_out = w_out - lr * (h.T @ d_logit)
            b_out -= lr * float(d_logit.sum())
            for k in range(depth - 1, -1, -1):
                h_in, df, xhat, inv = cache[k]
                if df is not None:
                    grad *= df
                d_shift = grad.sum(axis=0)
                if batchnorm:
                    # BN backward with the batch means folded into the two parameter grads:
                    # ∂L/∂z = γ/σ·(g − (Σg + x̂·Σ(g·x̂))/n).
                    d_gamma = np.einsum("ij,ij->j", grad, xhat)
                    grad -= (xhat * d_gamma + d_shift) / n
                    grad *= gammas[k] * inv
                    gammas[k] = gammas[k] - lr * d_gamma
                shifts[k] = shifts[k] - lr * d_shift
                grad_w = h_in.T @ grad
                if k > 0:
                    grad = grad @ ws[k].T
                ws[k] = ws[k] - lr * grad_w
    return DeepRun(np.array(losses), np.array(accuracy), diverged_at, stopped_at, margin)
