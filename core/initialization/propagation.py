"""propagate: the reference pass's statistics, layer by layer, fast enough to redraw on a nudge.

The same draws and the same table as core.initialization.reference (tested against it), cut to
a few passes over memory: float32 throughout (every statistic within ~1e-5 of the float64
reference, tested), the fused kernels, Box–Muller normals from raw bits, sums through BLAS, one
allocation per kind of per-layer array, ReLU's f' kept as a mask, and the weight-gradient
products only when asked for. Arrays are kept as X·2^e (core.initialization.scaled) so that
growth of 22⁵⁰ and decay of 0.16⁵⁰ stay representable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core import activations, validate
from core.initialization.kernels import KERNELS, Array, Scratch, activation_of, traits
from core.initialization.reference import BN_EPS, SATURATION_THRESHOLD
from core.initialization.scaled import (
    VALUE_CEILING,
    activate,
    in_units,
    moments,
    renormalise,
)
from core.initialization.schemes import draw, scheme_of, standard_normals

FloatArray = npt.NDArray[np.float64]

MAX_DEPTH = 100
MAX_WIDTH = 2048
MAX_BATCH = 8192
MAX_CELLS = 2**25  # depth·width·batch: a pass keeps up to 3 float32 arrays per layer (f', BN's
# x̂, and h_l with weight_gradients), and a plain pass 1 (ReLU: 1 byte per cell)
GRADIENT_RANGE = (-4.0, 4.0)

COLUMNS = (
    "layer",
    "activation_mean",
    "activation_std",
    "preactivation_std",
    "saturated_fraction",
    "dead_fraction",
    "gradient_std",
    "weight_gradient_std",
)


def _batchnorm_forward(z: Array, exponent: int) -> Array:
    """Training-mode BN (batch mean, biased variance, γ = 1, β = 0) of z·2^exponent, in place:
    z ← x̂ = (z − μ)/√(var + eps·4^−exponent) per column, i.e. in true units. Returns 1/σ of
    the scaled z, shape (width,); z: (batch, width)."""
    batch = z.shape[0]
    z -= (z.sum(axis=0) / batch).astype(z.dtype)
    var = np.einsum("ij,ij->j", z, z).astype(np.float64) / batch
    eps = math.ldexp(BN_EPS, -2 * exponent) if exponent > -490 else VALUE_CEILING
    sd = np.sqrt(var + eps)
    # A column without spread has z − μ = 0, and any finite 1/σ keeps x̂ = 0.
    inv = np.divide(1.0, sd, out=np.zeros_like(sd), where=sd > 1e-30).astype(z.dtype)
    z *= inv
    return inv


def _batchnorm_backward(grad: Array, xhat: Array, inv: Array, scratch: Array) -> None:
    """Exact BN backward, in place: grad ← ∂L/∂z = (g − mean(g) − x̂·mean(g·x̂))·(1/σ), means
    over the batch, for g = ∂L/∂x̂. Shapes as in _batchnorm_forward; scratch like grad."""
    batch = grad.shape[0]
    g_xhat = np.einsum("ij,ij->j", grad, xhat) / batch
    grad -= (grad.sum(axis=0) / batch).astype(grad.dtype)
    np.multiply(xhat, g_xhat.astype(grad.dtype), out=scratch)
    grad -= scratch
    grad *= inv


def _histogram(
    x: Array,
    exponent: int,
    edges: FloatArray,
    masses: tuple[tuple[float, int], ...] | None = None,
) -> tuple[FloatArray, float]:
    """(density over `edges` of x·2^exponent, share of values outside the edges); `masses`
    (value, count) stand in for x where the far regime dropped the bounded values."""
    bins = edges.size - 1
    if masses is not None:
        values, weights = zip(*masses, strict=True)
        counts = np.histogram(values, bins=edges, weights=weights)[0].astype(np.float64)
    elif abs(exponent) > 1000:  # all values ≈ 0, or all far outside (a leaky slope of 1e6)
        inside = exponent < 0 and edges[0] <= 0 <= edges[-1]
        counts = np.histogram([0.0], bins=edges, weights=[x.size if inside else 0])[0]
    else:
        scale = 2.0**-exponent
        counts = np.histogram(x, bins=bins, range=(edges[0] * scale, edges[-1] * scale))[0]
        counts = counts.astype(np.float64)
    return counts / (x.size * np.diff(edges)), 1.0 - counts.sum() / x.size


def histogram_range(activation: str | activations.Activation) -> tuple[float, float]:
    """Fixed histogram range for f's outputs: f over z ∈ [−3, 3], widened to a bounded limit
    (tanh's ±1, ELU's −α, …) when f(±1e6) lies within 1.5× of that span."""
    act = activation_of(activation)
    core = act.forward(np.linspace(-3.0, 3.0, 601))
    lo, hi = float(core.min()), float(core.max())
    reach = 1.5 * max(abs(lo), abs(hi))
    for far in act.forward(np.array([-1e6, 1e6])):
        if abs(far) <= reach:
            lo, hi = min(lo, float(far)), max(hi, float(far))
    return lo, hi


@dataclass(frozen=True)
class Propagation:
    """propagate()'s table plus per-layer histograms of h_l and of ∂L/∂h_l.

    density[l−1] (bins,) is the density of layer l's values over `edges` (bins+1, the same for
    every layer, so a collapse to 0 or a pile-up at ±1 shows); outside[l−1] is the share of
    values beyond the edges, which density leaves out. Likewise for gradients on GRADIENT_RANGE.
    Only the layers in `layers` were histogrammed: the other rows are NaN.
    """

    table: pd.DataFrame
    edges: FloatArray
    density: FloatArray
    outside: FloatArray
    gradient_edges: FloatArray
    gradient_density: FloatArray
    gradient_outside: FloatArray
    layers: tuple[int, ...] = ()


def _check_propagate(depth: int, width: int, batch: int, seed: int) -> tuple[int, int, int, int]:
    depth = validate.integer("depth", depth, lo=1, hi=MAX_DEPTH)
    width = validate.integer("width", width, lo=1, hi=MAX_WIDTH)
    batch = validate.integer("batch", batch, lo=2, hi=MAX_BATCH)
    seed = validate.integer("seed", seed, lo=0)
    if depth * width * batch > MAX_CELLS:
        raise ValueError(f"depth·width·batch must be <= {MAX_CELLS}, got {depth}·{width}·{batch}")
    return depth, width, batch, seed


@dataclass
class _Buffers:
    """Every array one pass keeps, allocated once per kind (big blocks get huge pages; a fresh
    array per layer pays its page faults every time). h_l is only needed again for ∂L/∂W_l;
    otherwise two buffers take turns (h_k lives in hs[slot(k)]) and stay in cache."""

    hs: Array  # h_l, scaled: hs[slot(l)] holds h_l / 2^exps[l]
    ws: Array  # (depth, width, width): W_l, kept for the backward pass
    dfs: Array | None  # f'(a_l) per layer (a mask when f' is only 0 or 1); None for linear f
    xhats: Array | None  # BN's x̂ per layer
    work: Array  # six (batch, width) arrays: z, four scratch, and f' of a linear layer
    mask: npt.NDArray[np.bool_]
    grad_w: Array | None  # ∂L/∂W_l, when asked for
    draw_scratch: tuple[Array, Array]
    exps: list[int]
    weight_gradients: bool

    def slot(self, k: int) -> int:
        return k if self.weight_gradients else k & 1

    @property
    def scratch(self) -> Scratch:
        return (self.work[1], self.work[2], self.work[3], self.work[4])


def _allocate(
    act: activations.Activation,
    depth: int,
    width: int,
    batch: int,
    batchnorm: bool,
    weight_gradients: bool,
) -> _Buffers:
    layer = (batch, width)
    # f' that is only ever 0 or 1 is kept as a mask: a quarter of the memory, and the backward
    # product with a mask costs no more than with floats.
    df_type = np.bool_ if _steps(act) else np.float32
    size = (max(width * width, batch * width) + 1) // 2
    return _Buffers(
        hs=np.empty((depth + 1 if weight_gradients else 2, *layer), dtype=np.float32),
        ws=np.empty((depth, width, width), dtype=np.float32),
        dfs=None if act.name == "linear" else np.empty((depth, *layer), dtype=df_type),
        xhats=np.empty((depth, *layer), dtype=np.float32) if batchnorm else None,
        work=np.empty((6, *layer), dtype=np.float32),
        mask=np.empty(layer, dtype=bool),
        grad_w=np.empty((width, width), dtype=np.float32) if weight_gradients else None,
        draw_scratch=(np.empty(size, dtype=np.float32), np.empty(size, dtype=np.float32)),
        exps=[0] * (depth + 1),
        weight_gradients=weight_gradients,
    )


def _steps(act: activations.Activation) -> bool:
    """f' only ever 0 or 1 (ReLU): saturated means dead, and f' is kept as a mask."""
    return act.name in KERNELS and traits(act).steps


def _saturated(act: activations.Activation, d: Array | None, dead: int, b: _Buffers) -> int:
    """#{|f'(a)| < SATURATION_THRESHOLD} for f' = d (None: f' ≡ 1), dead units included."""
    if d is None:
        return 0
    if _steps(act):
        return dead
    if not (act.name in KERNELS and traits(act).nonnegative):
        d = np.abs(d, out=b.scratch[0])
    return int(np.count_nonzero(np.less(d, SATURATION_THRESHOLD, out=b.mask)))


@dataclass
class _Histograms:
    """The histograms a pass records, of the layers in `picked` (0-based), NaN elsewhere."""

    picked: frozenset[int]
    edges: FloatArray
    density: FloatArray
    outside: FloatArray
    gradient_edges: FloatArray
    gradient_density: FloatArray
    gradient_outside: FloatArray

    @classmethod
    def over(cls, act: activations.Activation, depth: int, bins: int, layers: tuple[int, ...]):
        def empty() -> tuple[FloatArray, FloatArray]:
            return np.full((depth, bins), np.nan), np.full(depth, np.nan)

        return cls(
            frozenset(k - 1 for k in layers),
            np.linspace(*histogram_range(act), bins + 1),
            *empty(),
            np.linspace(*GRADIENT_RANGE, bins + 1),
            *empty(),
        )


def _forward(
    scheme: str,
    act: activations.Activation,
    rng: np.random.Generator,
    b: _Buffers,
    rows: list[dict[str, float]],
    hist: _Histograms | None,
) -> list[tuple[Array | None, Array | None, int]]:
    """z_l = h_{l−1} @ W_l (BN'd when b.xhats), h_l = f(·), filling each row's forward
    statistics; returns per layer (f', BN's 1/σ of the scaled z, z's exponent)."""
    width = b.ws.shape[1]
    batchnorm, linear = b.xhats is not None, act.name == "linear"
    scratch, exps, per_layer = b.scratch, b.exps, []
    for k, row in enumerate(rows):
        h_in, h = b.hs[b.slot(k)], b.hs[b.slot(k + 1)]
        z = b.xhats[k] if batchnorm else h if linear else b.work[0]
        np.matmul(h_in, draw(scheme, width, width, rng, b.ws[k], b.draw_scratch), out=z)
        z_mean, z_std = moments(z, scratch[0])
        row["preactivation_std"] = in_units(z_std, exps[k])
        e_z = renormalise(z, exps[k], z_mean, z_std)
        z_rms = math.hypot(z_mean, z_std) * 2.0 ** (exps[k] - e_z)
        inv = _batchnorm_forward(z, e_z) if batchnorm else None
        df_out = b.dfs[k] if b.dfs is not None else b.work[5]
        done = activate(
            act,
            z,
            0 if batchnorm else e_z,
            1.0 if batchnorm else z_rms,
            (h, df_out, scratch, b.mask),
            may_overwrite=not batchnorm,
        )
        h_mean, h_std = moments(h, scratch[0])
        row["activation_mean"] = in_units(h_mean, done.exponent)
        row["activation_std"] = in_units(h_std, done.exponent)
        row["saturated_fraction"] = _saturated(act, done.df, done.dead, b) / h.size
        row["dead_fraction"] = done.dead / h.size
        if hist is not None and k in hist.picked:
            hist.density[k], hist.outside[k] = _histogram(h, done.exponent, hist.edges, done.masses)
        exps[k + 1] = renormalise(h, done.exponent, h_mean, h_std)
        per_layer.append((done.df, inv, e_z))
    return per_layer


def _backward(
    rng: np.random.Generator,
    b: _Buffers,
    rows: list[dict[str, float]],
    per_layer: list[tuple[Array | None, Array | None, int]],
    hist: _Histograms | None,
) -> None:
    """From L = Σ h_depth ⊙ u (∂L/∂h_depth = u) down to layer 1, filling each row's gradient
    statistics."""
    grad, spare = standard_normals(rng, b.work[0], b.draw_scratch), b.work[5]
    e_g = 0  # grad holds ∂L/∂h / 2^e_g
    for k in range(len(rows) - 1, -1, -1):
        df, inv, e_z = per_layer[k]
        g_mean, g_std = moments(grad, b.scratch[0])
        rows[k]["gradient_std"] = in_units(g_std, e_g)
        if hist is not None and k in hist.picked:
            hist.gradient_density[k], hist.gradient_outside[k] = _histogram(
                grad, e_g, hist.gradient_edges
            )
        e_g = renormalise(grad, e_g, g_mean, g_std)
        if df is not None:
            grad *= df  # ∂L/∂a = ∂L/∂h ⊙ f'(a)
        if inv is not None:
            _batchnorm_backward(grad, b.xhats[k], inv, b.scratch[0])
            e_g -= e_z  # 1/σ_true = 2^−e_z/σ_scaled
        if b.grad_w is not None:
            np.matmul(b.hs[k].T, grad, out=b.grad_w)
            rows[k]["weight_gradient_std"] = in_units(moments(b.grad_w)[1], b.exps[k] + e_g)
        if k > 0:
            np.matmul(grad, b.ws[k].T, out=spare)
            grad, spare = spare, grad


def _run(
    scheme: str,
    activation: str | activations.Activation,
    depth: int,
    width: int,
    batch: int,
    seed: int,
    batchnorm: bool,
    bins: int | None,
    weight_gradients: bool,
    layers: tuple[int, ...] = (),
) -> Propagation:
    """The one implementation of propagate and propagate_with_histograms."""
    scheme_of(scheme)
    act = activation_of(activation)
    depth, width, batch, seed = _check_propagate(depth, width, batch, seed)
    batchnorm = validate.flag("batchnorm", batchnorm)
    weight_gradients = validate.flag("weight_gradients", weight_gradients)
    rng = np.random.default_rng(seed)
    rows: list[dict[str, float]] = [{"layer": k} for k in range(1, depth + 1)]
    b = _allocate(act, depth, width, batch, batchnorm, weight_gradients)
    hist = None if bins is None else _Histograms.over(act, depth, bins, layers)
    standard_normals(rng, b.hs[0], b.draw_scratch)
    with np.errstate(under="ignore"):  # tiny tails underflowing to 0 are the right answer
        per_layer = _forward(scheme, act, rng, b, rows, hist)
        _backward(rng, b, rows, per_layer, hist)
    table = pd.DataFrame(rows, columns=list(COLUMNS if weight_gradients else COLUMNS[:-1]))
    if hist is None:
        return Propagation(table, *(np.zeros(0) for _ in range(6)))
    return Propagation(
        table=table,
        edges=hist.edges,
        density=hist.density,
        outside=hist.outside,
        gradient_edges=hist.gradient_edges,
        gradient_density=hist.gradient_density,
        gradient_outside=hist.gradient_outside,
        layers=layers,
    )


def propagate(
    scheme: str,
    activation: str | activations.Activation,
    depth: int,
    width: int,
    batch: int,
    seed: int,
    batchnorm: bool = False,
    weight_gradients: bool = False,
) -> pd.DataFrame:
    """Per-layer statistics of a random (width × width)·depth MLP's forward and backward pass.

    With rng = default_rng(seed): x = standard_normals(rng, float32 (batch, width)), then
    W_l = sample(scheme, width, width, rng) for l = 1…depth, then u likewise shaped like x.
    z_l = h_{l−1} @ W_l (no bias; h_0 = x); with batchnorm, z_l goes through training-mode BN
    (batch mean, biased variance, eps = 1e-5, γ = 1, β = 0) before f; h_l = f(·).
    L = Σ h_depth ⊙ u, so ∂L/∂h_depth = u. One row per layer l = 1…depth:

    - activation_mean, activation_std: over all batch·width entries of h_l;
    - preactivation_std: of z_l = h_{l−1} @ W_l (before BN when batchnorm is on);
    - saturated_fraction: share with |f'(a)| < SATURATION_THRESHOLD = 0.05, a being f's input
      (dead units included: f' = 0 < 0.05);
    - dead_fraction: share with f'(a) == 0 exactly as activations' float64 derivative gives it:
      ReLU's a ≤ 0, and for smooth f the far tails where f' underflows (tanh |a| ≥ 372.57,
      sigmoid |a| ≥ 745.13, ELU/SELU/SiLU/softplus a ≤ −745.13, GELU a ≤ −38.58);
    - gradient_std: of ∂L/∂h_l;
    - weight_gradient_std, only with weight_gradients=True: of the entries of
      ∂L/∂W_l = h_{l−1}ᵀ ∂L/∂z_l. That is one more (width × batch)·(batch × width) product per
      layer, half as much work again as the pass itself, so it is asked for, not the default.

    Computed in float32 (see core.initialization.scaled); statistics are clipped to ≤ 1e300.
    """
    return _run(
        scheme, activation, depth, width, batch, seed, batchnorm, None, weight_gradients
    ).table


def propagate_with_histograms(
    scheme: str,
    activation: str | activations.Activation,
    depth: int,
    width: int,
    batch: int,
    seed: int,
    batchnorm: bool = False,
    bins: int = 60,
    weight_gradients: bool = False,
    layers: Sequence[int] | None = None,
) -> Propagation:
    """propagate() plus histograms of h_l (over histogram_range(f)) and ∂L/∂h_l (over
    GRADIENT_RANGE) for every layer l in `layers` (default: all), from the same single pass."""
    bins = validate.integer("bins", bins, lo=1, hi=1000)
    depth = validate.integer("depth", depth, lo=1, hi=MAX_DEPTH)
    if layers is None:
        picked = tuple(range(1, depth + 1))
    else:
        picked = tuple(sorted({validate.integer("layer", k, lo=1, hi=depth) for k in layers}))
    return _run(
        scheme, activation, depth, width, batch, seed, batchnorm, bins, weight_gradients, picked
    )


def reached_ceiling(table: pd.DataFrame) -> bool:
    """Whether an activation or gradient std of propagate's `table` was clipped at
    VALUE_CEILING (the network overflowed even the scaled arithmetic's range)."""
    return bool((table[["activation_std", "gradient_std"]] >= VALUE_CEILING).to_numpy().any())
