"""The reference forward and backward pass: the definition the page's formulas describe.

A (width × width)·depth MLP without biases, layer by layer in float64, with no scaling tricks:

    z_l = h_{l−1} @ W_l,   a_l = BN(z_l) or z_l,   h_l = f(a_l),   L = Σ h_depth ⊙ u

and backward ∂L/∂h_depth = u, ∂L/∂a_l = ∂L/∂h_l ⊙ f'(a_l), through BN's backward to ∂L/∂z_l,
∂L/∂W_l = h_{l−1}ᵀ ∂L/∂z_l and ∂L/∂h_{l−1} = ∂L/∂z_l @ W_lᵀ. `propagate` computes the same
table (`table`) from the same draws in float32 and much faster, and is tested against this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core import activations
from core.initialization.schemes import sample, standard_normals

FloatArray = npt.NDArray[np.float64]

BN_EPS = 1e-5  # PyTorch's BatchNorm1d default
SATURATION_THRESHOLD = 0.05  # |f'(a)| below it counts as saturated


@dataclass(frozen=True)
class Pass:
    """Every array of one forward and backward pass; index l−1 is layer l, each (batch, width)
    except h (h_0 = x … h_depth, depth + 1 arrays) and dw ((width, width) each)."""

    h: list[FloatArray]
    z: list[FloatArray]
    a: list[FloatArray]  # f's input: z, or BN(z)
    dh: list[FloatArray]  # ∂L/∂h_l
    dz: list[FloatArray]  # ∂L/∂z_l
    dw: list[FloatArray]  # ∂L/∂W_l
    loss: float


def batchnorm_forward(z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(x̂, 1/σ): training-mode BN of z (batch, width) with γ = 1, β = 0, x̂ = (z − μ)/σ,
    σ = √(var + eps), μ and the biased var over the batch (as PyTorch normalises)."""
    mean, var = z.mean(axis=0), z.var(axis=0)
    inv = 1.0 / np.sqrt(var + BN_EPS)
    return (z - mean) * inv, inv


def batchnorm_backward(g: FloatArray, xhat: FloatArray, inv: FloatArray) -> FloatArray:
    """∂L/∂z = (g − mean(g) − x̂·mean(g·x̂))/σ for g = ∂L/∂x̂ (means over the batch)."""
    return inv * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))


def forward_backward(
    act: activations.Activation,
    x: FloatArray,
    ws: list[FloatArray],
    u: FloatArray,
    batchnorm: bool = False,
) -> Pass:
    """The pass above for input x (batch, width), weights ws (depth of (width, width)) and the
    loss's direction u (batch, width)."""
    h, zs, a_s = [x], [], []
    for w in ws:
        z = h[-1] @ w
        a = batchnorm_forward(z)[0] if batchnorm else z
        zs.append(z)
        a_s.append(a)
        h.append(act.forward(a))
    depth = len(ws)
    dh, dz, dw = [np.empty(0)] * depth, [np.empty(0)] * depth, [np.empty(0)] * depth
    g = u
    for k in reversed(range(depth)):
        dh[k] = g
        d = g * act.derivative(a_s[k])
        if batchnorm:
            xhat, inv = batchnorm_forward(zs[k])
            d = batchnorm_backward(d, xhat, inv)
        dz[k], dw[k] = d, h[k].T @ d
        g = d @ ws[k].T
    return Pass(h, zs, a_s, dh, dz, dw, float(np.sum(h[-1] * u)))


def _normals(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    return standard_normals(rng, np.empty(shape, dtype=np.float32)).astype(np.float64)


def draws(
    scheme: str, depth: int, width: int, batch: int, seed: int
) -> tuple[FloatArray, list[FloatArray], FloatArray]:
    """(x, ws, u) as propagate draws them from default_rng(seed): x (batch, width), then
    W_1 … W_depth by sample(scheme, width, width, rng), then u like x."""
    rng = np.random.default_rng(seed)
    x = _normals(rng, (batch, width))
    ws = [sample(scheme, width, width, rng) for _ in range(depth)]
    return x, ws, _normals(rng, (batch, width))


def reference_pass(
    scheme: str,
    act: activations.Activation,
    depth: int,
    width: int,
    batch: int,
    seed: int,
    batchnorm: bool = False,
) -> Pass:
    """forward_backward on propagate's draws for these settings."""
    x, ws, u = draws(scheme, depth, width, batch, seed)
    return forward_backward(act, x, ws, u, batchnorm)


def table(p: Pass, act: activations.Activation) -> pd.DataFrame:
    """propagate's table, by definition: one row per layer l of the statistics of h_l, z_l,
    f'(a_l), ∂L/∂h_l and ∂L/∂W_l (std over all entries; dead means f'(a) == 0 exactly)."""
    rows = []
    for k in range(len(p.z)):
        d = act.derivative(p.a[k])
        rows.append(
            {
                "layer": k + 1,
                "activation_mean": p.h[k + 1].mean(),
                "activation_std": p.h[k + 1].std(),
                "preactivation_std": p.z[k].std(),
                "saturated_fraction": np.mean(np.abs(d) < SATURATION_THRESHOLD),
                "dead_fraction": np.mean(d == 0),
                "gradient_std": p.dh[k].std(),
                "weight_gradient_std": p.dw[k].std(),
            }
        )
    return pd.DataFrame(rows)
