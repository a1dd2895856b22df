"""Arrays kept as X·2^e: how propagate follows a signal that grows 22⁵⁰-fold or shrinks to 0.16⁵⁰.

Each stored float32 array X stands for X·2^e, its integer exponent e kept beside it and X
rescaled by exact powers of two to stay near unit RMS, so statistics are reported in true units.
Homogeneous f (linear, ReLU, leaky ReLU) act on the scaled values; the others see their true
input while it lies within 2^±100, and beyond that are affine to float precision on each side
(ELU: a or −α; GELU: max(a, 0); tanh near 0: a), which is how they are evaluated there.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core import activations
from core.initialization.kernels import KERNELS, Array, Scratch, evaluate_into, top, traits

VALUE_CEILING = 1e300  # statistics are clipped to it, so tables and log axes never meet inf
_BAND = 16  # stored float32 arrays keep their RMS within 2^±16 (exact power-of-two rescaling)
_F32_EXPONENT = 100  # non-homogeneous f sees its true input in float32 while RMS ≤ 2^±100


def moments(x: Array, scratch: Array | None = None) -> tuple[float, float]:
    """(mean, std) over all entries of a 2-D C-contiguous array.

    Row sums in x's dtype, added in float64; the sum of squares as one BLAS dot product, which
    spreads over every core (~1e-6 relative in float32, against ~1e-8 for numpy's row-wise
    sums); when E[x²] − mean² would cancel, a second, centred pass."""
    n = x.size
    mean = float(np.einsum("ij->i", x).sum(dtype=np.float64)) / n
    flat = x.reshape(-1)
    mean_square = float(np.dot(flat, flat)) / n
    var = mean_square - mean * mean
    if var < 0.1 * mean_square or not math.isfinite(mean_square):
        # E[x²] − mean² would cancel digits (or float32 overflowed): centre first, sum rows
        if x.min() == x.max():  # constant (a zero-weight net): exactly no spread
            return float(x.flat[0]), 0.0
        d = np.subtract(x, mean, out=scratch)
        var = float(np.einsum("ij,ij->i", d, d).sum(dtype=np.float64)) / n
    return mean, math.sqrt(max(var, 0.0))


def in_units(value: float, exponent: int) -> float:
    """value·2^exponent, clipped to ±VALUE_CEILING."""
    if value == 0.0:
        return 0.0
    if math.log2(abs(value)) + exponent >= 996:  # 2^996 ≈ 6.7e299
        return math.copysign(VALUE_CEILING, value)
    return math.ldexp(value, exponent)


def renormalise(x: Array, exponent: int, mean: float, sd: float) -> int:
    """Scale x in place by 2^−k if its RMS left 2^±16; returns the new exponent."""
    rms = math.hypot(mean, sd)
    if rms == 0.0 or 2.0**-_BAND <= rms <= 2.0**_BAND:
        return exponent
    k = round(math.log2(rms))
    x *= 2.0**-k
    return exponent + k


def _first_zero(act: activations.Activation, sign: float) -> float:
    """Smallest m ≥ 0 with f'(sign·m) == 0 in float64 (inf if f'(±max) ≠ 0), by bisection
    over the ordered bit patterns of non-negative doubles: 64 steps find the exact float."""
    fmax = float(np.finfo(np.float64).max)
    if act.derivative(sign * fmax) != 0:
        return math.inf
    lo, hi = 0, int(np.float64(fmax).view(np.int64))  # bit patterns of 0.0 and of fmax
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if act.derivative(sign * float(np.int64(mid).view(np.float64))) == 0:
            hi = mid
        else:
            lo = mid
    return float(np.int64(hi).view(np.float64))


@functools.lru_cache(maxsize=64)
def zero_tails(act: activations.Activation) -> tuple[float, float]:
    """(lo, hi): the registry's float64 f'(a) underflows to exactly 0 iff a ≤ lo or a ≥ hi
    (tanh ∓372.57, ELU −745.13, GELU −38.58, …; ±inf if never). Meant for f with f'(0) ≠ 0;
    for every registry activation the zero set is such a pair of half-lines (tested)."""
    return -_first_zero(act, -1.0), _first_zero(act, 1.0)


def _count_beyond(a: Array, lo: float, hi: float, mask: npt.NDArray[np.bool_]) -> int:
    """#{a ≤ lo} + #{a ≥ hi}, skipping a bound that a's dtype cannot even reach."""
    n = 0
    if -top(a) < lo:
        n += int(np.count_nonzero(np.less_equal(a, lo, out=mask)))
    if hi < top(a):
        n += int(np.count_nonzero(np.greater_equal(a, hi, out=mask)))
    return n


def count_zeros(x: Array, mask: npt.NDArray[np.bool_]) -> int:
    if x.dtype == np.bool_:
        return x.size - int(np.count_nonzero(x))
    return int(np.count_nonzero(np.equal(x, 0, out=mask)))


@dataclass(frozen=True)
class Asymptotes:
    """The registry's f far from 0 and near 0, where it is affine to float precision.

    Far: f(a) = slope·a + const on each side (beyond ±2^40 every registry f is: ELU → −α,
    GELU → max(a, 0), tanh → ±1). Near: f(a) = f(0) + slope·a (below 2^-74 the curvature is
    under float32 resolution). Slopes and constants are read off the registry itself."""

    far_slopes: tuple[float, float]  # (a > 0, a < 0)
    far_consts: tuple[float, float]
    near_slopes: tuple[float, float]
    f0: float
    d0: float


_FAR = 2.0**40
_NEAR = 2.0**-80


@functools.lru_cache(maxsize=64)
def asymptotes(act: activations.Activation) -> Asymptotes:
    x = np.array([_FAR, -_FAR, _NEAR, -_NEAR, 0.0])
    f, d = act.forward(x), act.derivative(x)
    return Asymptotes(
        far_slopes=(float(d[0]), float(d[1])),
        far_consts=(float(f[0] - d[0] * x[0]), float(f[1] - d[1] * x[1])),
        near_slopes=(float(d[2]), float(d[3])),
        f0=float(f[4]),
        d0=float(d[4]),
    )


@dataclass(frozen=True)
class Activated:
    """What activate reports: h's exponent, f' (None: ≡ 1), #dead, and for the far regime the
    true values (value, count) that the scaled h cannot hold (ELU's −α), for histograms."""

    exponent: int
    df: Array | None
    dead: int
    masses: tuple[tuple[float, int], ...] | None = None


def activate(
    act: activations.Activation,
    a: Array,
    exponent: int,
    rms: float,
    out: tuple[Array, Array, Scratch, npt.NDArray[np.bool_]],
    may_overwrite: bool,
) -> Activated:
    """f(a·2^exponent) into out's f (as f·2^e_h) and f' into out's df, for a with RMS `rms`
    (scaled units, within 2^±16 unless 0); dead counts f' == 0 as the registry's float64
    derivative gives it."""
    f, df, scratch, mask = out
    if act.name not in KERNELS:
        return _activate_float64(act, a, exponent, f, df)
    flat = traits(act).flat
    if traits(act).homogeneous:  # f(2^e·a) = 2^e·f(a): stay scaled
        d = evaluate_into(act, a, f, df, scratch)
        return Activated(exponent, d, count_zeros(d, mask) if flat else 0)
    if rms == 0.0:  # all zeros, whatever the exponent
        exponent = 0
    elif abs(exponent + math.log2(rms)) > _F32_EXPONENT:
        return _activate_asymptotic(act, a, exponent, out)
    if exponent:  # to true units and back: exact, the factors are powers of two
        a = np.multiply(a, 2.0**exponent, out=a if may_overwrite else None)
    d = evaluate_into(act, a, f, df, scratch)
    dead = count_zeros(d, mask) if flat else _count_beyond(a, *zero_tails(act), mask)
    if exponent:
        f *= 2.0**-exponent
    return Activated(exponent, d, dead)


def _activate_asymptotic(
    act: activations.Activation,
    a: Array,
    exponent: int,
    out: tuple[Array, Array, Scratch, npt.NDArray[np.bool_]],
) -> Activated:
    """activate beyond 2^±100, where f is affine on each side to float32 precision."""
    f, df, scratch, mask = out
    asy = asymptotes(act)
    far = exponent > 0  # a's RMS is within 2^±16, so the exponent tells the side
    slope_pos, slope_neg = asy.far_slopes if far else asy.near_slopes
    n_pos = int(np.count_nonzero(np.greater(a, 0, out=mask)))
    n_neg = int(np.count_nonzero(np.less(a, 0, out=mask)))
    n_zero = a.size - n_pos - n_neg
    if (not far and asy.f0 != 0) or (slope_pos == 0 and slope_neg == 0):
        # Only constants survive (f(0) + tiny, or a bounded f far out): h in true units.
        const_pos, const_neg = asy.far_consts if far else (asy.f0, asy.f0)
        np.greater(a, 0, out=f)
        f *= const_pos - const_neg
        f += const_neg
        e_h = 0
    else:
        # slope·a; far out, constants such as ELU's −α are below float32 resolution next to
        # |a| > 2^84 and are dropped from h (kept in `masses` for the histogram).
        np.clip(a, 0, top(a), out=f)
        f *= slope_pos
        neg = np.clip(a, -top(a), 0, out=scratch[0])
        neg *= slope_neg
        f += neg
        e_h = exponent
    np.greater(a, 0, out=df)
    df *= slope_pos - slope_neg
    df += slope_neg
    if n_zero:
        np.equal(a, 0, out=mask)
        df[mask] = asy.d0
        if e_h == 0:
            f[mask] = asy.f0
    if far:  # every non-zero a is far beyond the zero tails (|a| ≥ 745 at most)
        lo, hi = zero_tails(act)
        dead = (n_neg if lo > -math.inf else 0) + (n_pos if hi < math.inf else 0)
        masses = ((asy.far_consts[0], n_pos) if slope_pos == 0 else (0.0, 0),)
        masses += ((asy.far_consts[1], n_neg) if slope_neg == 0 else (0.0, 0), (asy.f0, n_zero))
    else:
        dead = n_zero if asy.d0 == 0 else 0
        dead += (n_pos if slope_pos == 0 else 0) + (n_neg if slope_neg == 0 else 0)
        masses = None
    return Activated(e_h, df, dead, masses if e_h else None)


def _activate_float64(
    act: activations.Activation, a: Array, exponent: int, f: Array, df: Array
) -> Activated:
    """An activation without a kernel: the registry's own float64 code at the true scale."""
    with np.errstate(over="ignore"):  # beyond float64: ±inf, saturated by the registry
        a64 = np.ldexp(a.astype(np.float64), max(min(exponent, 2000), -2000))
    f64, d64 = act.forward(a64), act.derivative(a64)
    dead = int(np.count_nonzero(d64 == 0))
    e_h = renormalise(f64, 0, *moments(f64))
    np.copyto(f, f64, casting="unsafe")
    np.copyto(df, d64, casting="unsafe")
    return Activated(e_h, df, dead)
