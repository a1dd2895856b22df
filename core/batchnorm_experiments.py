"""What the Batch normalization page shows, computed from core.batchnorm's layer.

Each function takes the page's scalar settings (a distribution's name, a batch size, a seed, ε,
…) and returns a small dataclass ready to plot. One feature throughout: the batch of N values is
``sample_batch(distribution, N, seed)[:, 0]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core import activations, optimizers, validate
from core.batchnorm import (
    BETA_INIT,
    GAMMA_INIT,
    FloatArray,
    GammaBetaLoss,
    GradientCheck,
    NormalizeSteps,
    SaturationComparison,
    gamma_beta_loss,
    gradient_check,
    normalize_steps,
    population_stats,
    recover_params,
    running_stats_stream,
    sample_batch,
    saturation_before_after,
)

START = (GAMMA_INIT, BETA_INIT)  # a learning run starts where the layer does
CURVE_POINTS = 401  # points of f′ drawn under the saturation histograms
CURVE_REACH = 6.0  # f′ is drawn over at least [−6, 6], where tanh and sigmoid saturate
CURVE_PAD = 0.5  # and half a unit past the furthest pre-activation


def batch(distribution: str, batch_size: int, seed: int) -> FloatArray:
    """The page's batch (N,): one feature of sample_batch(distribution, N, seed)."""
    return sample_batch(distribution, batch_size, seed)[:, 0]


# --- x → x̂ → y, and recovering x ---------------------------------------------------------------


@dataclass(frozen=True)
class Moments:
    """Mean and biased standard deviation of one stage, as printed on its histogram."""

    mean: float
    std: float


def moments(values: npt.ArrayLike) -> Moments:
    """(1/N)Σvᵢ and √((1/N)Σ(vᵢ − mean)²), by the same routine that measures the input."""
    steps = normalize_steps(values)
    return Moments(steps.mu_B, math.sqrt(steps.var_B))


def tex_number(value: float, digits: int = 4) -> str:
    """A number for LaTeX: 1e-05 as 10^{-5}, 2.5e-07 as 2.5·10^{-7}, else `digits` digits."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = rf"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa}\cdot {power}"


def _tex_term(value: float) -> str:
    """' + 5.187' or ' - 5.187': a term added to what precedes it."""
    return (" - " if value < 0 else " + ") + tex_number(abs(value))


def worked_formulas(
    steps: NormalizeSteps, gamma: float, beta: float, eps: float
) -> tuple[str, str, str]:
    """The forward's three lines with this batch's numbers in them, as LaTeX: μ_B and σ_B²,
    x̂ᵢ = (xᵢ − μ_B)/√(σ_B² + ε), and yᵢ = γx̂ᵢ + β (γ and β to the sliders' two decimals)."""
    mean, var = tex_number(steps.mu_B), tex_number(steps.var_B)
    centred = rf"x_i{_tex_term(-steps.mu_B)}"
    return (
        rf"\mu_B = {mean},\quad \sigma_B^2 = {var}",
        rf"\hat x_i = \frac{{{centred}}}{{\sqrt{{{var} + {tex_number(eps)}}}}}"
        rf" = \frac{{{centred}}}{{{tex_number(steps.std_B)}}}",
        rf"y_i = {gamma:.2f}\,\hat x_i {'-' if beta < 0 else '+'} {abs(beta):.2f}",
    )


@dataclass(frozen=True)
class Stages:
    """One batch through the layer: x, x̂, y (NormalizeSteps), the moments of x, x̂ and y,
    max|y − x| (how far γ and β leave the output from the input) and worked_formulas."""

    steps: NormalizeSteps
    moments: tuple[Moments, Moments, Moments]
    distance_to_input: float
    formulas: tuple[str, str, str]


def stages(
    distribution: str, batch_size: int, seed: int, eps: float, gamma: float, beta: float
) -> Stages:
    """x → x̂ = (x − μ_B)/√(σ_B² + ε) → y = γx̂ + β, each stage's mean and std, and max|y − x|."""
    x = batch(distribution, batch_size, seed)
    s = normalize_steps(x, gamma, beta, eps)
    measured = (moments(s.x), moments(s.x_hat), moments(s.y))
    distance = float(np.max(np.abs(s.y - x)))
    return Stages(s, measured, distance, worked_formulas(s, gamma, beta, eps))


@dataclass(frozen=True)
class Recovery:
    """(γ*, β*) = (√(σ_B² + ε), μ_B), which undo the normalization, and max|y − x| at them."""

    gamma: float
    beta: float
    error: float


def recovery(distribution: str, batch_size: int, seed: int, eps: float) -> Recovery:
    """The γ and β that give the input back, and the rounding they leave (≈ 1e-15)."""
    x = batch(distribution, batch_size, seed)
    g_star, b_star = recover_params(x, eps)
    exact = normalize_steps(x, g_star, b_star, eps)
    return Recovery(g_star, b_star, float(np.max(np.abs(exact.y - x))))


# --- learning γ and β ---------------------------------------------------------------------------


def plane_window(
    start: Sequence[float], points: Sequence[Sequence[float]]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square (γ, β) view around the start and the marked points, never degenerate: drawn at
    one scale on both axes, a round bowl of the loss looks round."""
    pts = np.array([start, *points], dtype=float)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = 0.5 * (lo + hi)
    half = np.full(2, max(float(np.max(0.5 * (hi - lo) * 1.35)), 0.75))
    return (
        (float(centre[0] - half[0]), float(centre[0] + half[0])),
        (float(centre[1] - half[1]), float(centre[1] + half[1])),
    )


@dataclass(frozen=True)
class LearningRun:
    """An optimizer on L(γ, β) from (1, 0): its path (T + 1, 2), L along it (T + 1,), the step it
    diverged at (None if it did not), the recovery point, and L on the plane's grid: gammas (G,),
    betas (G,), grid (G, G) with grid[j, i] = L(gammas[i], betas[j])."""

    loss: GammaBetaLoss
    path: FloatArray
    path_loss: FloatArray
    diverged_at: int | None
    recovery: tuple[float, float]
    gammas: FloatArray
    betas: FloatArray
    grid: FloatArray


def learning_run(
    distribution: str,
    batch_size: int,
    seed: int,
    eps: float,
    target: tuple,
    optimizer: str,
    lr: float,
    steps: int,
    resolution: int,
) -> LearningRun:
    """`steps` steps of torch's `optimizer` at `lr` on gamma_beta_loss(x, target, eps), and the
    loss on a resolution × resolution grid around the start, the minimum and the recovery point.
    Raises ValueError for a constant batch (γ then has no effect: no single minimum)."""
    resolution = validate.integer("resolution", resolution, lo=2)
    x = batch(distribution, batch_size, seed)
    loss = gamma_beta_loss(x, target, eps)
    run = optimizers.trace(optimizer, loss.gradient, np.array(START), steps, lr=lr)
    rec = recover_params(x, eps)
    (g_lo, g_hi), (b_lo, b_hi) = plane_window(START, [loss.minimum, rec])
    gammas, betas = np.linspace(g_lo, g_hi, resolution), np.linspace(b_lo, b_hi, resolution)
    return LearningRun(
        loss=loss,
        path=run.points,
        path_loss=loss.value(run.points[:, 0], run.points[:, 1]),
        diverged_at=run.diverged_at,
        recovery=rec,
        gammas=gammas,
        betas=betas,
        grid=loss.value(gammas[None, :], betas[:, None]),
    )


# --- train vs eval ------------------------------------------------------------------------------


def settled_gap(stream: pd.DataFrame) -> float:
    """mean |y_train − y_eval| over the second half of a running_stats_stream table, once the
    running statistics have forgotten where they started (μ̂ = 0, σ̂² = 1)."""
    gaps = stream["train_eval_gap"].to_numpy()
    return float(gaps[len(gaps) // 2 :].mean())


@dataclass(frozen=True)
class TrainEval:
    """A stream of batches through a training BatchNorm (running_stats_stream's table), the
    population's (E[x], Var[x]) the running statistics should approach, and the settled gap."""

    stream: pd.DataFrame
    population: tuple[float, float]
    settled_gap: float


def train_eval(
    distribution: str, batch_size: int, steps: int, momentum: float, seed: int
) -> TrainEval:
    """running_stats_stream(distribution, batch_size, steps, momentum, seed), with its truth and
    its settled train/eval gap."""
    stream = running_stats_stream(distribution, batch_size, steps, momentum, seed)
    return TrainEval(stream, population_stats(distribution), settled_gap(stream))


@dataclass(frozen=True)
class GapByBatch:
    """The settled train/eval gap (K,) for each batch size (K,) of a stream of `steps` batches."""

    sizes: tuple[int, ...]
    gaps: FloatArray


def gap_by_batch(
    distribution: str, momentum: float, seed: int, sizes: Sequence[int], steps: int
) -> GapByBatch:
    """settled_gap of one stream of `steps` batches per batch size: it falls roughly like 1/√N,
    the rate at which the noise of μ_B and σ_B falls."""
    sizes = tuple(validate.integer("batch size", size, lo=2) for size in sizes)
    gaps = [
        settled_gap(running_stats_stream(distribution, size, steps, momentum, seed))
        for size in sizes
    ]
    return GapByBatch(sizes, np.array(gaps, dtype=np.float64))


# --- why it helps: saturation -------------------------------------------------------------------


@dataclass(frozen=True)
class Saturation:
    """saturation_before_after's comparison, f′ on a grid z (CURVE_POINTS,) that spans every
    pre-activation before BN and at least [−6, 6], and the grid's runs where |f′| < threshold."""

    comparison: SaturationComparison
    z: FloatArray
    derivative: FloatArray
    saturated: list[tuple[float, float]]


def saturation(distribution: str, batch_size: int, seed: int, activation: str) -> Saturation:
    """How many pre-activations sit where |f′| < 0.05 before and after BN, and f′ to draw them
    under."""
    s = saturation_before_after(distribution, batch_size, seed, activation)
    lo = min(-CURVE_REACH, float(np.min(s.before)) - CURVE_PAD)
    hi = max(CURVE_REACH, float(np.max(s.before)) + CURVE_PAD)
    z = np.linspace(lo, hi, CURVE_POINTS)
    df = activations.get(activation).derivative(z)
    return Saturation(s, z, df, activations.saturated_intervals(z, df, s.threshold))


# --- the gradient check -------------------------------------------------------------------------


def gradient_check_of_batch(
    distribution: str, batch_size: int, seed: int, eps: float
) -> GradientCheck:
    """gradient_check of the page's batch (N, 1) against an upstream dy drawn from N(0, 1) with
    seed + 1: a fixed random dy makes L = Σ y·dy a generic scalar loss."""
    x = sample_batch(distribution, batch_size, seed)
    dy = sample_batch("normal", batch_size, seed + 1)
    return gradient_check(x, dy, eps)
