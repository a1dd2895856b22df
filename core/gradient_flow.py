"""How an activation treats a Gaussian pre-activation z ~ N(μ, σ²): derivatives, outputs, depth.

Everything is deterministic quadrature against the normal density (no Monte-Carlo noise).
Expectations of smooth integrands are accurate to ~1e-13; integrands with a jump (ReLU's
derivative at 0) are off by at most ~½·du·φ ≈ 4e-4 with the default grid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core import validate
from core.activations import Activation, max_derivative

FloatArray = npt.NDArray[np.float64]

_U_MAX = 8.0  # P(|u| > 8) ≈ 1.2e-15: the truncated tails are below double precision
DEFAULT_NODES = 8_000
# Depth curves are drawn on log axes: clip to [1e-300, 1e300] so they never show 0 or inf.
VALUE_FLOOR = 1e-300
VALUE_CEILING = 1e300
_LOG_FLOOR = math.log(VALUE_FLOOR)
_LOG_CEILING = math.log(VALUE_CEILING)


def _unit_cells(n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Midpoints u, boundaries (n+1) and normalised weights φ(u)·du of n cells tiling [−8, 8]."""
    n = validate.integer("n", n, lo=2)  # quadrature nodes
    du = 2 * _U_MAX / n
    bounds = (np.arange(n + 1) - 0.5 * n) * du  # exactly symmetric about 0, unlike linspace
    u = (np.arange(n) + 0.5 - 0.5 * n) * du
    # Equispaced nodes with φ-weights are the trapezoid rule for a vanishing-at-the-ends
    # integrand: spectrally accurate for smooth f. An even n keeps a node off u = 0.
    w = np.exp(-0.5 * u * u)
    return u, bounds, w / w.sum()


def normal_grid(mu: float, sigma: float, n: int = DEFAULT_NODES) -> tuple[FloatArray, FloatArray]:
    """Nodes z = μ + σu (u: n midpoints on [−8, 8]), weights w ∝ φ(u), Σw = 1; σ = 0: ([μ], [1])."""
    mu, sigma = validate.real("mu", mu), validate.real("sigma", sigma, lo=0.0)
    if sigma == 0:
        return np.array([float(mu)]), np.array([1.0])
    u, _, w = _unit_cells(n)
    return mu + sigma * u, w


def _abs_derivative(act: Activation, mu: float, sigma: float) -> tuple[FloatArray, FloatArray]:
    """(|f'(z)| at the nodes, weights)."""
    z, w = normal_grid(mu, sigma)
    return np.abs(act.derivative(z)), w


def _clipped_exp(log_values: FloatArray) -> FloatArray:
    # Clip in log space with a margin (exp(log v) is only v to ~1e-14), then exactly.
    values = np.exp(np.clip(log_values, _LOG_FLOOR - 1.0, _LOG_CEILING + 1.0))
    return np.clip(values, VALUE_FLOOR, VALUE_CEILING)


def gradient_through_depth(
    act: Activation, mu: float, sigma: float, depths: npt.ArrayLike
) -> pd.DataFrame:
    """Per depth L, with an independent z ~ N(μ, σ²) at each of the L layers of a path:

    expected = E|f'(z₁)·…·f'(z_L)| = (E|f'|)^L, the gradient factor with dead paths included;
    alive = P(every f'(z_ℓ) ≠ 0) = P(f'≠0)^L, the share of paths not cut to zero;
    typical = exp(L·E[log|f'| | f'≠0]), the geometric-mean factor along a path still alive.
    """
    depths = np.asarray(depths)
    if depths.ndim != 1 or not np.issubdtype(depths.dtype, np.integer) or np.any(depths < 0):
        raise ValueError("depths must be a 1-D array of non-negative integers")
    d, w = _abs_derivative(act, mu, sigma)
    alive = d > 0  # exact zeros (ReLU's flat side) cut a path; never take log(0)
    p_alive = min(float(w[alive].sum()), 1.0)
    mean_abs = float(np.dot(w, d))
    # With no live path (or zero mean) the log is −∞; a finite value below the floor stands in
    # so that L = 0 still gives the empty product 1 and every L ≥ 1 lands on VALUE_FLOOR.
    log_zero = _LOG_FLOOR - 1.0
    log_alive = math.log(p_alive) if p_alive > 0 else log_zero
    log_expected = math.log(mean_abs) if mean_abs > 0 else log_zero
    log_typical = float(np.dot(w[alive], np.log(d[alive]))) / p_alive if p_alive > 0 else log_zero
    L = depths.astype(np.float64)
    return pd.DataFrame(
        {
            "depth": depths.astype(np.int64),
            "expected": _clipped_exp(L * log_expected),
            "alive": _clipped_exp(L * log_alive),
            "typical": _clipped_exp(L * log_typical),
        }
    )


@dataclass(frozen=True)
class ThroughDepth:
    """gradient_through_depth's columns for L = 1..depth, and P(f'(z) = 0) at one layer."""

    depths: npt.NDArray[np.int64]
    expected: FloatArray
    alive: FloatArray
    typical: FloatArray
    dead: float


def through_depth(act: Activation, mu: float, sigma: float, depth: int) -> ThroughDepth:
    """(E|f'|)^L, P(f'≠0)^L and the typical live-path factor for L = 1..depth, plus the dead
    fraction, for z ~ N(μ, σ²) at every layer."""
    depths = np.arange(1, validate.integer("depth", depth, lo=1) + 1)
    table = gradient_through_depth(act, mu, sigma, depths)
    return ThroughDepth(
        depths=depths,
        expected=table["expected"].to_numpy(),
        alive=table["alive"].to_numpy(),
        typical=table["typical"].to_numpy(),
        dead=dead_fraction(act, mu, sigma),
    )


def dead_fraction(act: Activation, mu: float, sigma: float) -> float:
    """P(f'(z) = 0) for z ~ N(μ, σ²) (ReLU: Φ(−μ/σ))."""
    d, w = _abs_derivative(act, mu, sigma)
    return float(w[d == 0].sum())


def saturated_mass(act: Activation, mu: float, sigma: float, threshold: float) -> float:
    """P(|f'(z)| < threshold) for z ~ N(μ, σ²)."""
    d, w = _abs_derivative(act, mu, sigma)
    return float(w[d < threshold].sum())


def output_mean_std(act: Activation, mu: float, sigma: float) -> tuple[float, float]:
    """(E[f(z)], sd[f(z)]) for z ~ N(μ, σ²)."""
    z, w = normal_grid(mu, sigma)
    f = act.forward(z)
    mean = float(np.dot(w, f))
    var = float(np.dot(w, (f - mean) ** 2))
    return mean, math.sqrt(max(var, 0.0))


@dataclass(frozen=True)
class OutputDistribution:
    """Histogram of f(z): `bins` edges+1, density with Σ density·width = 1, and mean/std."""

    edges: FloatArray
    density: FloatArray
    mean: float
    std: float


def output_distribution(
    act: Activation, mu: float, sigma: float, bins: int = 60
) -> OutputDistribution:
    """Exact-quadrature histogram of f(z), z ~ N(μ, σ²), over the output range actually reached."""
    bins = validate.integer("bins", bins, lo=1)
    mean, std = output_mean_std(act, mu, sigma)
    if sigma == 0:
        lo_vals = hi_vals = act.forward(np.array([float(mu)]))
        mass = np.array([1.0])
    else:
        _, bounds, mass = _unit_cells(DEFAULT_NODES)
        f_bounds = act.forward(mu + sigma * bounds)
        lo_vals = np.minimum(f_bounds[:-1], f_bounds[1:])
        hi_vals = np.maximum(f_bounds[:-1], f_bounds[1:])
    lo, hi = float(lo_vals.min()), float(hi_vals.max())
    span = hi - lo
    centre = 0.5 * (lo + hi)
    if span <= 1e-9 * max(1.0, abs(centre)):
        half = 0.05 * max(1.0, abs(centre))  # a point mass: show it in a small window
        edges = np.linspace(centre - half, centre + half, bins + 1)
    else:
        edges = np.linspace(lo - 0.01 * span, hi + 0.01 * span, bins + 1)
    # Each cell's mass is spread uniformly over [f(left), f(right)] (f linear within a cell);
    # binning the nodes alone would alias when σ is large and f-steps exceed the bin width.
    # A flat cell (ReLU's z < 0) is a step: all its mass sits at its value.
    width = (hi_vals - lo_vals)[:, None]
    flat = width == 0
    offset = edges[None, :] - lo_vals[:, None]
    # Clip before dividing: a subnormal width would overflow offset/width.
    covered = np.clip(offset, 0.0, width) / np.where(flat, 1.0, width)
    frac = np.where(flat, (offset >= 0).astype(np.float64), covered)
    cdf = np.maximum.accumulate(mass @ frac)  # rounding must not make a bin mass negative
    bin_mass = np.diff(cdf)
    density = bin_mass / bin_mass.sum() / np.diff(edges)
    return OutputDistribution(edges=edges, density=density, mean=mean, std=std)


@dataclass(frozen=True)
class Outputs:
    """What f does to z ~ N(μ, σ²): the histogram of f(z) and P(|f'(z)| < threshold)."""

    histogram: OutputDistribution
    saturated: float


def outputs(act: Activation, mu: float, sigma: float, threshold: float) -> Outputs:
    """output_distribution and saturated_mass of `act` for z ~ N(μ, σ²)."""
    return Outputs(output_distribution(act, mu, sigma), saturated_mass(act, mu, sigma, threshold))


# LaTeX of the spec's output range → the plain text a table cell shows.
_PLAIN = ((r"\,", " "), (r"\infty", "∞"), (r"\alpha", "α"), (r"\lambda", "λ"), (r"\approx ", "≈"))


def plain_range(latex: str) -> str:
    """'(-\\alpha,\\,\\infty)' → '(−α, ∞)'."""
    text = latex
    for old, new in _PLAIN:
        text = text.replace(old, new)
    return text.replace("-", "−")


def properties_table(acts: Mapping[str, Activation]) -> pd.DataFrame:
    """One row per activation: range, zero-centred, monotonic, sup|f'|, E[f(z)] for z ~ N(0, 1),
    where it saturates and its relative cost (1 cheapest … 3)."""
    rows = [
        {
            "name": name,
            "output_range": plain_range(act.output_range),
            "zero_centred": act.zero_centred,
            "monotonic": act.monotonic,
            "max_derivative": max_derivative(act),
            "output_mean": output_mean_std(act, 0.0, 1.0)[0],
            "saturates": act.saturates,
            "cost": act.cost,
        }
        for name, act in acts.items()
    ]
    return pd.DataFrame(rows)
