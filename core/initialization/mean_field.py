"""The mean-field prediction: the variance recursion that the page's dashed curves draw."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import activations, validate
from core.gradient_flow import normal_grid
from core.initialization.kernels import activation_of
from core.initialization.propagation import COLUMNS, MAX_BATCH, MAX_DEPTH, MAX_WIDTH
from core.initialization.scaled import VALUE_CEILING
from core.initialization.schemes import std

_LOG_Q_MAX = 2.0 * math.log(1e250)  # quadrature nodes stay finite; predictions saturate there


@dataclass(frozen=True)
class _GaussianMoments:
    """For z ~ N(0, q) and s = max(√q, 1): E f/s, E f²/s², Var f/s², E f'², and log s."""

    mean: float
    square: float
    var: float
    derivative_square: float
    log_scale: float


def _gaussian_moments(act: activations.Activation, log_q: float) -> _GaussianMoments:
    """Moments of f(z), z ~ N(0, e^{log_q}) (q = 0 when log_q = −inf), by quadrature."""
    if log_q == -math.inf:
        z, wts = np.array([0.0]), np.array([1.0])
    else:
        z, wts = normal_grid(0.0, math.exp(0.5 * log_q))
    # Dividing by s keeps f² finite for σ up to 1e250; s ≥ 1 keeps f(0) ≠ 0 from blowing up.
    log_scale = max(0.5 * log_q, 0.0)
    f = act.forward(z) / math.exp(log_scale)
    d = act.derivative(z)
    mean = float(wts @ f)
    centred = f - mean  # two-pass variance: E f² − (E f)² cancels when σ ≪ |f(0)|
    return _GaussianMoments(
        mean=mean,
        square=float(wts @ (f * f)),
        var=float(wts @ (centred * centred)),
        derivative_square=float(wts @ (d * d)),
        log_scale=log_scale,
    )


def _log(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _from_log(log_x: float) -> float:
    """e^{log_x}, clipped to VALUE_CEILING; 0 for −inf."""
    return 0.0 if log_x == -math.inf else math.exp(min(log_x, math.log(VALUE_CEILING)))


def predicted_std(
    scheme: str,
    activation: str | activations.Activation,
    depth: int,
    width: int,
    *,
    batch: int | None = None,
) -> pd.DataFrame:
    """Mean-field prediction of propagate()'s columns (without batchnorm), one row per layer:
    layer, preactivation_std, activation_mean, activation_std, gradient_std, and with `batch`
    also weight_gradient_std.

    Second moments, not variances, are what propagate: z = h @ W with zero-mean W independent
    of h gives E[z] = 0 and q_l = E[z_l²] = n·Var(w)·E[h_{l−1}²] exactly (E[x²] = 1).
    Assuming z_l ~ N(0, q_l) (the wide-layer limit), E[h_l²] = E f(z)², by quadrature. For
    homogeneous f this is the gain recursion E[h_l²] = g·q_l (linear g = 1, ReLU 1/2, leaky
    (1 + a²)/2), so ReLU with He (n·Var(w) = 2) keeps E[h²] constant; tanh has g → 1 as q → 0
    and saturates for large q. activation_std = √Var f(z) accounts for non-zero means.
    Backward, under the gradient-independence assumption (Schoenholz et al. 2017),
    E[(∂L/∂h_{l−1})²] = n·Var(w)·E[f'(z_l)²]·E[(∂L/∂h_l)²] from E[u²] = 1, and
    weight_gradient_std = √(batch·E[h_{l−1}²]·E[f'(z_l)²]·E[(∂L/∂h_l)²]): per-sample terms of
    ∂L/∂W are uncorrelated because u is independent across samples.

    Exact in expectation over the weights for linear f; a finite-width network scatters around
    it by a relative O(√(depth/width)). For non-linear f it is the infinite-width limit.
    Variances beyond ~1e500 are not tracked (q is capped at 1e500), outputs are clipped to 1e300.
    """
    act = activation_of(activation)
    depth = validate.integer("depth", depth, lo=1, hi=MAX_DEPTH)
    width = validate.integer("width", width, lo=1, hi=MAX_WIDTH)
    if batch is not None:
        batch = validate.integer("batch", batch, lo=1, hi=MAX_BATCH)
    log_nv = _log(width * std(scheme, width, width) ** 2)
    log_h2 = [0.0]  # log E[h_l²] for l = 0…depth
    log_fd2 = []  # log E[f'(z_l)²] for l = 1…depth
    rows = []
    for layer in range(1, depth + 1):
        log_q = min(log_nv + log_h2[-1], _LOG_Q_MAX)
        m = _gaussian_moments(act, log_q)
        log_h2.append(_log(m.square) + 2.0 * m.log_scale)
        log_fd2.append(_log(m.derivative_square))
        # An odd f's quadrature mean is rounding noise (1e-17·σ): report it as exactly 0.
        log_mean = _log(abs(m.mean)) if abs(m.mean) > 1e-12 * math.sqrt(m.square) else -math.inf
        rows.append(
            {
                "layer": layer,
                "preactivation_std": _from_log(0.5 * log_q),
                "activation_mean": math.copysign(_from_log(log_mean + m.log_scale), m.mean)
                if log_mean > -math.inf
                else 0.0,
                "activation_std": _from_log(0.5 * _log(m.var) + m.log_scale),
            }
        )
    log_g2 = 0.0  # log E[(∂L/∂h_l)²], from l = depth down
    for layer in range(depth, 0, -1):
        row = rows[layer - 1]
        row["gradient_std"] = _from_log(0.5 * log_g2)
        log_dz2 = log_fd2[layer - 1] + log_g2
        if batch is not None:
            log_gw2 = math.log(batch) + log_h2[layer - 1] + log_dz2
            row["weight_gradient_std"] = _from_log(0.5 * log_gw2)
        log_g2 = log_nv + log_dz2
    return pd.DataFrame(rows, columns=[c for c in COLUMNS if c in rows[0]])
