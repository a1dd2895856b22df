"""Residual connections through depth: the initialization page's deep stack with and without a skip.

The plain stack is core.initialization's reference network (no bias, weights drawn by its schemes
from the same generator in the same order, the same loss L = Σ h_depth ⊙ u):

    plain     h_l = f(h_{l−1} W_l)
    residual  h_l = h_{l−1} + α·f(h_{l−1} W_l)

so ∂h_l/∂h_{l−1} is diag(f′(z_l)) W_lᵀ-shaped for the plain stack and I + α·(that) for the
residual one: the identity is an additive path that the product of Jacobians cannot lose.
F is one layer (activation of h W, as on the initialization page), not a ResNet's two-layer block.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import activations, validate
from core.initialization import MAX_DEPTH, SCHEMES
from core.initialization.reference import draws

FloatArray = npt.NDArray[np.float64]

ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid")
# Every scheme of the initialization page but zeros: a zero plain stack has a gradient of
# exactly 0, which a log axis cannot show (the initialization page's symmetry section has it).
RESIDUAL_SCHEMES: tuple[str, ...] = tuple(s for s in SCHEMES if s != "zeros")
WIDTHS: tuple[int, ...] = (16, 32, 64, 128)
MAX_WIDTH = WIDTHS[-1]
BATCH = 32  # samples per pass: enough for a std over batch·width entries, cheap on a nudge
ALPHA_RANGE = (0.05, 2.0)
SWEEP_POINTS = 9  # depths of the first-layer sweep (geometric from 1 to the depth)
CEILING = 1e300  # statistics are kept within [1/CEILING, CEILING] (a log axis past it is a cut)


def _std(x: FloatArray) -> float:
    """std over all entries, computed on x/max|x| so that 1e-200 values do not underflow when
    squared (equal to x.std() up to rounding)."""
    top = float(np.max(np.abs(x)))
    if top == 0.0 or not math.isfinite(top):  # all zero, or an overflow (inf, nan): as it is
        return top
    return float((x / top).std()) * top


def forward(
    act: activations.Activation, x: FloatArray, ws: list[FloatArray], alpha: float, skip: bool
) -> tuple[list[FloatArray], list[FloatArray]]:
    """(h_0 … h_depth, z_1 … z_depth): z_l = h_{l−1} W_l, h_l = f(z_l) or h_{l−1} + α f(z_l);
    x (batch, width), each W_l (width, width)."""
    hs, zs = [x], []
    for w in ws:
        z = hs[-1] @ w
        zs.append(z)
        hs.append(hs[-1] + alpha * act.forward(z) if skip else act.forward(z))
    return hs, zs


def backward(
    act: activations.Activation,
    zs: list[FloatArray],
    ws: list[FloatArray],
    u: FloatArray,
    alpha: float,
    skip: bool,
) -> list[FloatArray]:
    """∂L/∂h_0 … ∂L/∂h_depth for L = Σ h_depth ⊙ u: with d = ∂L/∂h_l ⊙ f′(z_l),
    ∂L/∂h_{l−1} = d W_lᵀ (plain) or ∂L/∂h_l + α·d W_lᵀ (residual)."""
    g, grads = u, [u]
    for z, w in zip(reversed(zs), reversed(ws), strict=True):
        d = g * act.derivative(z)
        g = g + alpha * (d @ w.T) if skip else d @ w.T
        grads.append(g)
    return grads[::-1]


@dataclass(frozen=True)
class Stack:
    """One stack's statistics per layer l = 0 … depth (index l): std of h_l and of ∂L/∂h_l over
    all batch·width entries (the initialization page's activation_std and gradient_std, which
    start at l = 1), kept within [1/CEILING, CEILING]; `clipped` when any was."""

    activation_std: FloatArray
    gradient_std: FloatArray
    clipped: bool


def _stack(hs: list[FloatArray], grads: list[FloatArray]) -> Stack:
    stats = np.array([[_std(h) for h in hs], [_std(g) for g in grads]])
    bad = ~np.isfinite(stats) | (stats > CEILING) | (stats < 1 / CEILING)
    kept = np.clip(np.nan_to_num(stats, nan=CEILING, posinf=CEILING), 1 / CEILING, CEILING)
    return Stack(kept[0], kept[1], bool(bad.any()))


def check(
    scheme: str, activation: str, depth: int, width: int, alpha: float, seed: int
) -> tuple[activations.Activation, int, int, float, int]:
    """The arguments of every function here, checked; the activation resolved."""
    validate.choice("scheme", scheme, RESIDUAL_SCHEMES)
    act = activations.get(validate.choice("activation", activation, ACTIVATIONS))
    depth = validate.integer("depth", depth, lo=1, hi=MAX_DEPTH)
    width = validate.integer("width", width, lo=1, hi=MAX_WIDTH)
    alpha = validate.real("alpha", alpha, lo=0.0, hi=ALPHA_RANGE[1])
    seed = validate.integer("seed", seed, lo=0)
    return act, depth, width, alpha, seed


def branch_scale(alpha: float, depth: int, per_depth: bool) -> float:
    """The residual branch's scale: α, or α/√depth when scaled with depth."""
    return alpha / math.sqrt(depth) if per_depth else alpha


@dataclass(frozen=True)
class Comparison:
    """The plain and the residual stack of one network (the same x, weights and u), and the
    scale α the residual branch used (α/√depth when per_depth)."""

    plain: Stack
    residual: Stack
    alpha: float

    @property
    def depth(self) -> int:
        return self.plain.activation_std.size - 1


def compare(
    scheme: str,
    activation: str,
    depth: int,
    width: int,
    alpha: float = 1.0,
    seed: int = 0,
    per_depth: bool = False,
    batch: int = BATCH,
) -> Comparison:
    """Both stacks on core.initialization's draws (x, W_1 … W_depth, u from default_rng(seed)),
    the residual branch scaled by α, or α/√depth when per_depth."""
    act, depth, width, alpha, seed = check(scheme, activation, depth, width, alpha, seed)
    batch = validate.integer("batch", batch, lo=2, hi=1024)
    per_depth = validate.flag("per_depth", per_depth)
    x, ws, u = draws(scheme, depth, width, batch, seed)
    return _compare(act, x, ws, u, branch_scale(alpha, depth, per_depth))


def _compare(
    act: activations.Activation,
    x: FloatArray,
    ws: list[FloatArray],
    u: FloatArray,
    alpha: float,
) -> Comparison:
    """Both stacks for input x (batch, width), weights ws and the loss's direction u."""
    stacks = []
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for skip in (False, True):
            hs, zs = forward(act, x, ws, alpha, skip)
            stacks.append(_stack(hs, backward(act, zs, ws, u, alpha, skip)))
    return Comparison(stacks[0], stacks[1], alpha)


def sweep_depths(depth: int, points: int = SWEEP_POINTS) -> tuple[int, ...]:
    """Up to `points` depths from 1 to `depth`, spaced geometrically, both ends included."""
    depth = validate.integer("depth", depth, lo=1, hi=MAX_DEPTH)
    grid = np.geomspace(1, depth, min(points, depth))
    return tuple(sorted({round(float(v)) for v in grid} | {1, depth}))


@dataclass(frozen=True)
class Sweep:
    """std of ∂L/∂h_0 for the network of each depth in `depths` (its first L weights of the
    depth-`depths[-1]` draws, the same x and u), plain and residual; the α each one used."""

    depths: tuple[int, ...]
    plain: FloatArray
    residual: FloatArray
    alphas: FloatArray
    clipped: bool


def sweep(
    scheme: str,
    activation: str,
    depth: int,
    width: int,
    alpha: float = 1.0,
    seed: int = 0,
    per_depth: bool = False,
    batch: int = BATCH,
) -> Sweep:
    """First-layer gradient std against depth: for n in sweep_depths(depth), the stack of the
    first n layers with L = Σ h_n ⊙ u (x, W_l and u of the depth-`depth` draws), plain and
    residual; its last point is compare(…, depth)'s gradient_std[0]."""
    act, depth, width, alpha, seed = check(scheme, activation, depth, width, alpha, seed)
    batch = validate.integer("batch", batch, lo=2, hi=1024)
    per_depth = validate.flag("per_depth", per_depth)
    x, ws, u = draws(scheme, depth, width, batch, seed)
    depths = sweep_depths(depth)
    alphas = np.array([branch_scale(alpha, n, per_depth) for n in depths])
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        zs = forward(act, x, ws, 1.0, False)[1]
        plain = first_layer_gradients(act, zs, ws, u, 1.0, False, depths)
        if per_depth:  # each depth's branch has its own α: its own forward and backward
            residual = [
                first_layer_gradients(act, forward(act, x, ws[:n], a, True)[1], ws, u, a, True,
                                      (n,))[0]
                for n, a in zip(depths, alphas, strict=True)
            ]  # fmt: skip
        else:
            zs = forward(act, x, ws, alpha, True)[1]
            residual = first_layer_gradients(act, zs, ws, u, alpha, True, depths)
    stats = np.array([plain, residual])
    bad = ~np.isfinite(stats) | (stats > CEILING) | (stats < 1 / CEILING)
    kept = np.clip(np.nan_to_num(stats, nan=CEILING, posinf=CEILING), 1 / CEILING, CEILING)
    return Sweep(depths, kept[0], kept[1], alphas, bool(bad.any()))


def first_layer_gradients(
    act: activations.Activation,
    zs: list[FloatArray],
    ws: list[FloatArray],
    u: FloatArray,
    alpha: float,
    skip: bool,
    depths: tuple[int, ...],
) -> list[float]:
    """std of ∂L_n/∂h_0 for each n in `depths` (L_n = Σ h_n ⊙ u; zs from forward()): backward()
    of each prefix, all in one sweep down, the gradients of every top above layer l crossing it
    together as one (tops, batch, width) array."""
    tops = sorted(depths, reverse=True)
    g = np.empty((0, *u.shape))
    for layer in range(tops[0], 0, -1):
        if layer in tops:
            g = np.concatenate([g, u[None]])
        d = g * act.derivative(zs[layer - 1])
        g = g + alpha * (d @ ws[layer - 1].T) if skip else d @ ws[layer - 1].T
    by_top = dict(zip(tops, (_std(one) for one in g), strict=True))
    return [by_top[n] for n in depths]


def cost(
    scheme: str, activation: str, depth: int, width: int, alpha: float, seed: int, per_depth: bool
) -> tuple[float, float]:
    """(multiply-adds, cells held) of compare() and sweep() of these settings, for ui.heavy:
    two passes per stack, the sweep's backward of every prefix (and their forwards when
    per_depth); hs, zs and gradients of every layer, and the weights."""
    passes = 4 * depth + (2 + 2 * per_depth) * sum(sweep_depths(depth))
    return float(passes * BATCH * width * width), float(
        4 * depth * BATCH * width + depth * width**2
    )


def rate(first: float, last: float, layers: int) -> float:
    """The geometric mean factor per layer: (last/first)^(1/layers)."""
    return (last / first) ** (1.0 / layers)
