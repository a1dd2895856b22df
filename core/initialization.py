"""Weight initialisation: the schemes, how a signal and its gradient cross a deep MLP, why
symmetric starts never learn, and whether a deep net trains at all.

Weights W have shape (fan_in, fan_out) and act as z = h @ W, so n_in = fan_in. Normal schemes
are plain (untruncated) normals as in torch.nn.init; Keras' he_normal and lecun_normal truncate.

`propagate` is benchmarked against its own matrix products (bench/kernels.py), so everything
else it does is cut to a few passes over memory: float32 (products twice as fast; every
statistic within ~1e-5 of a float64 run, tested), activation kernels built from fast ufuncs,
Box–Muller normals from the generator's raw bits (the ziggurat alone cost a third of the
products), sums through BLAS, no per-layer allocations, ReLU's f' kept as a mask, and the
weight-gradient products only when asked for.

Each stored array X stands for X·2^e, its integer exponent e kept beside it and X rescaled by
exact powers of two to stay near unit RMS: standard_normal's 22⁵⁰ growth and
small_normal's 0.16⁵⁰ decay stay representable, and statistics are reported in true units.
Homogeneous f (linear, ReLU, leaky ReLU) act on the scaled values; the others see their true
input while it lies within 2^±100, and beyond that are affine to float precision on each side
(ELU: a or −α; GELU: max(a, 0); tanh near 0: a), which is how they are evaluated there.
"""

from __future__ import annotations

import functools
import itertools
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from core import activations
from core.gradient_flow import normal_grid

FloatArray = npt.NDArray[np.float64]
Array = npt.NDArray[np.floating]

# --- schemes ---------------------------------------------------------------------------------

Distribution = Literal["zeros", "normal", "uniform"]


@dataclass(frozen=True)
class Scheme:
    """One scheme: its distribution and Var(w) as a function of (n_in, n_out)."""

    name: str
    distribution: Distribution
    variance: Callable[[int, int], float]
    latex: str


_SCHEMES = (
    Scheme("zeros", "zeros", lambda n_in, n_out: 0.0, r"W = 0"),
    Scheme(
        "small_normal",
        "normal",
        lambda n_in, n_out: 1e-4,
        r"W \sim 0.01 \cdot \mathcal{N}(0,\,1)",
    ),
    Scheme("standard_normal", "normal", lambda n_in, n_out: 1.0, r"W \sim \mathcal{N}(0,\,1)"),
    Scheme(
        "lecun_uniform",
        "uniform",
        lambda n_in, n_out: 1.0 / n_in,
        r"W \sim \mathcal{U}\left(-\sqrt{\tfrac{3}{n_\mathrm{in}}},\ "
        r"\sqrt{\tfrac{3}{n_\mathrm{in}}}\right)",
    ),
    Scheme(
        "lecun_normal",
        "normal",
        lambda n_in, n_out: 1.0 / n_in,
        r"W \sim \mathcal{N}\left(0,\ \tfrac{1}{n_\mathrm{in}}\right)",
    ),
    Scheme(
        "xavier_uniform",
        "uniform",
        lambda n_in, n_out: 2.0 / (n_in + n_out),
        r"W \sim \mathcal{U}\left(-\sqrt{\tfrac{6}{n_\mathrm{in} + n_\mathrm{out}}},\ "
        r"\sqrt{\tfrac{6}{n_\mathrm{in} + n_\mathrm{out}}}\right)",
    ),
    Scheme(
        "xavier_normal",
        "normal",
        lambda n_in, n_out: 2.0 / (n_in + n_out),
        r"W \sim \mathcal{N}\left(0,\ \tfrac{2}{n_\mathrm{in} + n_\mathrm{out}}\right)",
    ),
    Scheme(
        "he_uniform",
        "uniform",
        lambda n_in, n_out: 2.0 / n_in,
        r"W \sim \mathcal{U}\left(-\sqrt{\tfrac{6}{n_\mathrm{in}}},\ "
        r"\sqrt{\tfrac{6}{n_\mathrm{in}}}\right)",
    ),
    Scheme(
        "he_normal",
        "normal",
        lambda n_in, n_out: 2.0 / n_in,
        r"W \sim \mathcal{N}\left(0,\ \tfrac{2}{n_\mathrm{in}}\right)",
    ),
)

REGISTRY: Mapping[str, Scheme] = MappingProxyType({s.name: s for s in _SCHEMES})
SCHEMES: tuple[str, ...] = tuple(REGISTRY)
LATEX: Mapping[str, str] = MappingProxyType({s.name: s.latex for s in _SCHEMES})


def _scheme(name: object) -> Scheme:
    spec = REGISTRY.get(name) if isinstance(name, str) else None
    if spec is None:
        raise ValueError(f"unknown scheme {name!r}; choose one of: {', '.join(SCHEMES)}")
    return spec


def _count(name: str, value: object, minimum: int = 1, maximum: int | None = None) -> int:
    """value as an int in [minimum, maximum], or ValueError saying what is allowed."""
    allowed = (
        f"an integer >= {minimum}" if maximum is None else f"an integer in {minimum}…{maximum}"
    )
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def std(scheme: str, fan_in: int, fan_out: int) -> float:
    """Standard deviation of one weight: σ = √Var(w) (uniform on (−r, r): r/√3)."""
    spec = _scheme(scheme)
    return math.sqrt(spec.variance(_count("fan_in", fan_in), _count("fan_out", fan_out)))


def bound(scheme: str, fan_in: int, fan_out: int) -> float | None:
    """r of a uniform scheme U(−r, r), r = √(3·Var(w)); None for the others."""
    spec = _scheme(scheme)
    sigma = std(scheme, fan_in, fan_out)
    return math.sqrt(3.0) * sigma if spec.distribution == "uniform" else None


def _generator(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def _bits(rng: np.random.Generator, n: int) -> npt.NDArray[np.uint32]:
    """n random 32-bit words: the generator's raw 64-bit outputs, each split in two."""
    return _generator(rng).bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]


def standard_normals(
    rng: np.random.Generator,
    out: Array,
    scratch: tuple[Array, Array] | None = None,
    scale: float = 1.0,
) -> Array:
    """Fill the float32 array `out` with independent N(0, 1) draws from rng (times `scale`),
    and return it.

    Box–Muller on the generator's raw bits: from 32-bit words u, v, U = (⌊u/2⁸⌋ + 1)/2²⁴ in
    (0, 1] and θ = 2π·v/2³², r = √(−2 ln U) gives r·cos θ and r·sin θ, two exact independent
    normals (up to float32 rounding; |z| ≤ √(48 ln 2) ≈ 5.77, a tail of 8e-9). Twice as fast as
    Generator.standard_normal's ziggurat in float32, which cost a third of propagate's
    products; the first half of `out` (flat) takes the cosines, the second the sines. It uses
    ⌈size/2⌉ of the generator's 64-bit outputs. `scratch`: two float32 arrays of at least
    ⌈size/2⌉ values, so that a caller drawing again and again allocates nothing."""
    flat = out.reshape(-1)  # a view: `out` is contiguous
    n = flat.size
    half = (n + 1) // 2
    words = _bits(rng, 2 * half)
    u, v = words[:half], words[half:]
    if scratch is None:
        r, theta = np.empty(half, dtype=np.float32), np.empty(half, dtype=np.float32)
    else:
        r, theta = scratch[0][:half], scratch[1][:half]
    np.right_shift(u, 8, out=u)
    u += 1
    np.copyto(r, u, casting="unsafe")  # exact: at most 2²⁴
    r *= np.float32(2.0**-24)
    np.log(r, out=r)
    r *= -2
    np.sqrt(r, out=r)
    if scale != 1.0:
        r *= np.float32(scale)
    np.copyto(theta, v, casting="unsafe")
    theta *= np.float32(2 * math.pi * 2.0**-32)
    np.cos(theta, out=flat[:half])
    flat[:half] *= r
    sines = flat[half:] if n == 2 * half else theta
    np.sin(theta, out=sines)
    sines *= r
    if sines is theta:
        flat[half:] = theta[: n - half]
    return out


def _draw(
    scheme: str,
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    out: Array | None = None,
    scratch: tuple[Array, Array] | None = None,
) -> Array:
    """The draw behind sample(), in float32, into `out` if given: (fan_in, fan_out);
    `scratch` as in standard_normals."""
    spec = _scheme(scheme)
    shape = (_count("fan_in", fan_in), _count("fan_out", fan_out))
    _generator(rng)  # also for "zeros", which draws nothing
    w = np.empty(shape, dtype=np.float32) if out is None else out
    if spec.distribution == "zeros":
        w.fill(0)
        return w
    sigma = math.sqrt(spec.variance(*shape))
    if spec.distribution == "normal":
        standard_normals(rng, w, scratch, scale=sigma)
        return w
    r = math.sqrt(3.0) * sigma
    r32 = np.float32(r)
    if r32 > r:  # round the bound down so that no draw can exceed r
        r32 = np.nextafter(r32, np.float32(0))
    # k = ⌊u/2⁸⌋ is uniform on 0 … 2²⁴ − 1, and (2k + 1 − 2²⁴)/2²⁴ (exact in float32) on the
    # odd multiples of 2⁻²⁴ in (−1, 1): symmetric about 0, never ±1.
    k = _bits(rng, w.size)
    np.right_shift(k, 8, out=k)
    k = k.view(np.int32)
    k *= 2
    k -= 2**24 - 1
    np.copyto(w.reshape(-1), k, casting="unsafe")
    w *= r32 * np.float32(2.0**-24)
    return w


def sample(scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> FloatArray:
    """Weights W of shape (fan_in, fan_out) drawn from `scheme`, as float64.

    Drawn in float32 (so `propagate` uses exactly these values at single-precision speed), then
    widened: normals are σ·standard_normals(rng), uniforms r·(2k + 1 − 2²⁴)/2²⁴ for k uniform
    on 0 … 2²⁴ − 1, so |w| < r.
    """
    return _draw(scheme, fan_in, fan_out, rng).astype(np.float64)


# --- fast activation kernels -----------------------------------------------------------------
# propagate() calls an activation on (batch, width) arrays at every layer, where the registry's
# exact float64 implementations (erf by series: ~90 ms for GELU on 512k values) would dominate.
# Each kernel writes f(a) into `f` and f'(a) into `df` (never aliasing `a`), using the four
# scratch arrays in `s`, to float32 accuracy (within 3e-7 of the registry, absolute below 1 and
# relative above; tested) with only fast SIMD ufuncs: no np.where (branchy on random masks),
# no expm1/log1p (scalar loops), np.clip rather than np.minimum (several times faster). Tails
# where |f'| < 1e-34 are clipped so float32 never enters slow subnormals; values there change
# by less than 1e-32. An activation without a kernel falls back to the registry in float64.

Scratch = tuple[Array, Array, Array, Array]


def _top(a: Array) -> float:
    return float(np.finfo(a.dtype).max)


def _sigmoid_into(x: Array, out: Array, e: Array, r: Array, derivative: Array | None) -> None:
    """out = σ(x) and derivative = σ(x)·σ(−x), from e = exp(−|x|), which never overflows."""
    np.abs(x, out=e)
    np.clip(e, 0, 80, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.add(e, 1, out=r)
    np.reciprocal(r, out=r)
    e *= r  # σ(−|x|), exact in the tail
    if derivative is not None:
        np.multiply(e, r, out=derivative)  # e/(1 + e)²
    np.greater_equal(x, 0, out=r)
    np.multiply(e, -2, out=out)  # σ(x) = σ(−|x|) + [x ≥ 0]·(1 − 2σ(−|x|))
    out += 1
    out *= r
    out += e


def _k_linear(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> None:
    if f is not a:
        np.copyto(f, a)
    return None


def _k_relu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    np.greater(a, 0, out=df)  # autograd's threshold_backward: 0 at a = 0
    np.clip(a, 0, _top(a), out=f)
    return df


def _k_leaky_relu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    slope = float(p["negative_slope"])
    np.greater(a, 0, out=df)
    if slope == 0:  # plain ReLU: f' is the mask itself (and `df` may be boolean)
        np.clip(a, 0, _top(a), out=f)
        return df
    df *= 1 - slope
    df += slope
    np.clip(a, -_top(a), 0, out=f)
    f *= slope
    np.clip(a, 0, _top(a), out=s[0])
    f += s[0]
    return df


def _elu_into(a: Array, f: Array, df: Array, s: Scratch, alpha: float, scale: float) -> Array:
    """λ·ELU_α: f = λ·max(a, 0) + λα(eⁿ − 1) and f' = λα·eⁿ (a ≤ 0) or λ (a > 0), n = min(a, 0).

    Both come from t = tanh(n/2): eⁿ − 1 = 2t/(1 − t) is exact near 0 (unlike exp(n) − 1), and
    eⁿ = (1 + t)/(1 − t) is accurate to ~1e-7 absolute, all that f' needs."""
    t, d = s[0], s[1]
    np.clip(a, -80, 0, out=t)
    t *= 0.5
    np.tanh(t, out=t)
    np.subtract(1, t, out=d)
    np.reciprocal(d, out=d)  # 1/(1 − t)
    np.multiply(t, d, out=f)
    f *= 2 * scale * alpha
    t += 1
    np.multiply(t, d, out=df)
    df *= scale * alpha
    np.greater(a, 0, out=d)
    d *= scale - scale * alpha
    df += d  # λα·eⁿ on a ≤ 0, λ on a > 0
    np.clip(a, 0, _top(a), out=d)
    d *= scale
    f += d
    return df


def _k_elu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    return _elu_into(a, f, df, s, float(p["alpha"]), 1.0)


def _k_selu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    return _elu_into(a, f, df, s, activations.SELU_ALPHA, activations.SELU_SCALE)


def _k_sigmoid(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    _sigmoid_into(a, f, s[0], s[1], derivative=df)
    return df


def _k_tanh(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    np.tanh(a, out=f)
    # sech²a = 1 − tanh²a: within 1.2e-7 absolute (float32's resolution of 1), which is all a
    # saturated unit's gradient can use; beyond |a| ≈ 9 it rounds to 0 (dead_fraction does not
    # look at it: it counts the registry's exact zeros).
    np.multiply(f, f, out=df)
    np.subtract(1, df, out=df)
    return df


# Abramowitz & Stegun 7.1.26: erfc(w) = P(t)·e^{−w²}, t = 1/(1 + p·w), |error| ≤ 1.5e-7 for
# w ≥ 0, so Φ and φ share one exp: Φ(−|a|) = ½·P(t)·e^{−a²/2}, φ(a) = e^{−a²/2}/√(2π).
_AS_P = 0.3275911
_AS_COEFFS = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_GELU_CLIP = 12.7  # e^{−12.7²/2} ≈ 1e-35 is still a normal float32; 12.7·φ(12.7) < 1e-34
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _k_gelu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    if p["approximate"] == "tanh":
        return _gelu_tanh_into(a, f, df, s)
    ac, t, g = s[0], s[1], s[2]
    np.clip(a, -_GELU_CLIP, _GELU_CLIP, out=ac)
    np.abs(ac, out=t)
    t *= _AS_P * math.sqrt(0.5)
    t += 1
    np.reciprocal(t, out=t)
    np.multiply(t, _AS_COEFFS[-1], out=f)
    for c in reversed(_AS_COEFFS[:-1]):
        f += c
        f *= t
    np.multiply(ac, ac, out=g)
    g *= -0.5
    np.exp(g, out=g)  # e^{−a²/2}
    f *= g
    f *= 0.5  # Φ(−|a|), to 1e-7 absolute
    np.multiply(f, -2, out=df)
    df += 1
    np.greater_equal(a, 0, out=t)
    df *= t
    df += f  # Φ(a) = Φ(−|a|) + [a ≥ 0]·(1 − 2Φ(−|a|))
    g *= _INV_SQRT_2PI
    g *= ac  # a·φ(a)
    np.clip(a, -_GELU_CLIP, _top(a), out=ac)
    np.multiply(ac, df, out=f)  # a·Φ(a)
    df += g  # Φ(a) + a·φ(a)
    return df


def _gelu_tanh_into(a: Array, f: Array, df: Array, s: Scratch) -> Array:
    """a·σ(2u), u = √(2/π)(a + κa³), as activations' tanh form (a clipped to ±30 inside)."""
    beta, kappa = activations._GELU_TANH_BETA, activations._GELU_TANH_KAPPA
    xc, du, u = s[0], s[1], s[2]
    np.clip(a, -30, 30, out=xc)
    np.multiply(xc, xc, out=du)
    np.multiply(du, kappa, out=u)
    u += 1
    u *= xc
    u *= 2 * beta  # 2u
    du *= 3 * kappa
    du += 1
    du *= 2 * beta  # d(2u)/da
    _sigmoid_into(u, f, s[0], s[3], derivative=df)  # xc is overwritten: cheap to redo
    df *= du
    np.clip(a, -30, 30, out=s[0])
    df *= s[0]
    df += f  # σ(2u) + a·σ(2u)σ(−2u)·d(2u)/da
    np.clip(a, -30, _top(a), out=s[0])
    f *= s[0]
    return df


def _k_silu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    small, t = s[0], s[1]
    np.abs(a, out=small)
    np.clip(small, 0, 80, out=small)
    np.negative(small, out=small)
    np.exp(small, out=small)
    np.add(small, 1, out=t)
    np.reciprocal(t, out=t)
    small *= t  # σ(−|a|)
    np.multiply(small, -2, out=df)
    df += 1  # 1 − 2σ(−|a|)
    np.greater_equal(a, 0, out=t)
    np.multiply(df, t, out=f)
    f += small  # σ(a)
    np.subtract(1, t, out=t)
    t *= df
    t += small  # σ(−a), without the cancellation of 1 − σ(a)
    np.clip(a, -80, 80, out=small)  # beyond ±80, a·σ(−a) is below 1e-33 (or σ(a) is)
    np.multiply(small, t, out=df)
    df += 1
    df *= f  # σ(a)·(1 + a·σ(−a))
    np.clip(a, -80, _top(a), out=small)
    f *= small  # a·σ(a)
    return df


def _k_softplus(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    beta, threshold = float(p["beta"]), float(p["threshold"])
    bx, e, r = s[0], s[1], s[2]
    if beta == 1.0:
        np.copyto(bx, a)
    else:
        with np.errstate(over="ignore"):  # β·a = ±inf still lands on the right side
            np.multiply(a, beta, out=bx)
    # PyTorch reverts to a where β·a > threshold; rare, so only then pay for it.
    above = s[3] if bx.max() > threshold else None
    if above is not None:
        np.greater(bx, threshold, out=above)
        np.clip(bx, -_top(a), threshold, out=bx)
    np.abs(bx, out=e)
    np.clip(e, 0, 80, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e^{−|βa|}, shared by log(1 + e) and σ
    np.add(e, 1, out=r)
    np.log(r, out=f)
    np.reciprocal(r, out=r)
    e *= r  # σ(−|βa|)
    np.multiply(e, -2, out=df)
    df += 1
    np.greater_equal(bx, 0, out=r)
    df *= r
    df += e  # σ(βa)
    np.clip(bx, 0, _top(a), out=e)
    f += e
    if beta != 1.0:
        f /= beta  # (log(1 + e^{−|βa|}) + max(βa, 0))/β
    if above is not None:
        np.subtract(a, f, out=e)
        e *= above
        f += e
        np.subtract(1, df, out=e)
        e *= above
        df += e
    return df


@dataclass(frozen=True)
class _Kernel:
    fn: Callable[[Array, Mapping, Array, Array, Scratch], Array | None]
    homogeneous: bool = False  # f(c·a) = c·f(a) and f'(c·a) = f'(a) for c > 0
    flat: Callable[[Mapping], bool] = lambda p: False  # f' ≡ 0 on a ≤ 0 with these params
    steps: Callable[[Mapping], bool] = lambda p: False  # f' only ever 0 or 1
    nonnegative: Callable[[Mapping], bool] = lambda p: False  # f' ≥ 0 everywhere


_KERNELS: Mapping[str, _Kernel] = MappingProxyType(
    {
        "sigmoid": _Kernel(_k_sigmoid, nonnegative=lambda p: True),
        "tanh": _Kernel(_k_tanh, nonnegative=lambda p: True),
        "relu": _Kernel(
            _k_relu,
            homogeneous=True,
            flat=lambda p: True,
            steps=lambda p: True,
            nonnegative=lambda p: True,
        ),
        "leaky_relu": _Kernel(
            _k_leaky_relu,
            homogeneous=True,
            flat=lambda p: p["negative_slope"] == 0,
            steps=lambda p: p["negative_slope"] == 0,
            nonnegative=lambda p: p["negative_slope"] >= 0,
        ),
        "elu": _Kernel(
            _k_elu, flat=lambda p: p["alpha"] == 0, nonnegative=lambda p: p["alpha"] >= 0
        ),
        "selu": _Kernel(_k_selu, nonnegative=lambda p: True),
        "gelu": _Kernel(_k_gelu),
        "silu": _Kernel(_k_silu),
        "softplus": _Kernel(_k_softplus, nonnegative=lambda p: True),
        "linear": _Kernel(_k_linear, homogeneous=True),
    }
)


def _activation(activation: str | activations.Activation) -> activations.Activation:
    if isinstance(activation, activations.Activation):
        return activation
    return activations.get(activation)


def _evaluate_into(
    act: activations.Activation, a: Array, f: Array, df: Array, s: Scratch
) -> Array | None:
    """f ← f(a), df ← f'(a) (returns df, or None when f' ≡ 1), in a's dtype."""
    kernel = _KERNELS.get(act.name)
    with np.errstate(under="ignore"):  # tails underflowing to 0 are the right answer
        if kernel is not None:
            return kernel.fn(a, act.params, f, df, s)
        a64 = a.astype(np.float64)
        np.copyto(f, act.forward(a64), casting="unsafe")
        np.copyto(df, act.derivative(a64), casting="unsafe")
        return df


def _evaluate(act: activations.Activation, a: Array) -> tuple[Array, Array | None]:
    """(f(a), f'(a)) as new arrays; f'(a) None when f' ≡ 1."""
    f, df = np.empty_like(a), np.empty_like(a)
    scratch = tuple(np.empty_like(a) for _ in range(4))
    return f, _evaluate_into(act, a, f, df, scratch)


# --- propagation -----------------------------------------------------------------------------

MAX_DEPTH = 100
MAX_WIDTH = 2048
MAX_BATCH = 8192
MAX_CELLS = 2**25  # depth·width·batch: a pass keeps up to 3 float32 arrays per layer (f', BN's
# x̂, and h_l with weight_gradients), and a plain pass 1 (ReLU: 1 byte per cell)
SATURATION_THRESHOLD = 0.05
BN_EPS = 1e-5
GRADIENT_RANGE = (-4.0, 4.0)
VALUE_CEILING = 1e300  # statistics are clipped to it, so tables and log axes never meet inf

_BAND = 16  # stored float32 arrays keep their RMS within 2^±16 (exact power-of-two rescaling)
_F32_EXPONENT = 100  # non-homogeneous f sees its true input in float32 while RMS ≤ 2^±100

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


def _moments(x: Array, scratch: Array | None = None) -> tuple[float, float]:
    """(mean, std) over all entries of a 2-D C-contiguous array.

    Row sums in x's dtype, added in float64; the sum of squares as one BLAS dot product, which
    spreads over every core (~1e-6 relative in float32, against ~1e-8 for numpy's row-wise
    sums, at a third of the time). (A matrix–vector product with ones for the row sums would
    be faster still on its own, but right after a matrix product OpenBLAS takes ~2 ms for it.)"""
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


def _in_units(value: float, exponent: int) -> float:
    """value·2^exponent, clipped to ±VALUE_CEILING."""
    if value == 0.0:
        return 0.0
    if math.log2(abs(value)) + exponent >= 996:  # 2^996 ≈ 6.7e299
        return math.copysign(VALUE_CEILING, value)
    return math.ldexp(value, exponent)


def _renormalise(x: Array, exponent: int, mean: float, sd: float) -> int:
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
def _zero_tails(act: activations.Activation) -> tuple[float, float]:
    """(lo, hi): the registry's float64 f'(a) underflows to exactly 0 iff a ≤ lo or a ≥ hi
    (tanh ∓372.57, ELU −745.13, GELU −38.58, …; ±inf if never). Meant for f with f'(0) ≠ 0;
    for every registry activation the zero set is such a pair of half-lines (tested)."""
    return -_first_zero(act, -1.0), _first_zero(act, 1.0)


def _count_beyond(a: Array, lo: float, hi: float, mask: npt.NDArray[np.bool_]) -> int:
    """#{a ≤ lo} + #{a ≥ hi}, skipping a bound that a's dtype cannot even reach."""
    n = 0
    if -_top(a) < lo:
        n += int(np.count_nonzero(np.less_equal(a, lo, out=mask)))
    if hi < _top(a):
        n += int(np.count_nonzero(np.greater_equal(a, hi, out=mask)))
    return n


def _count_zeros(x: Array, mask: npt.NDArray[np.bool_]) -> int:
    if x.dtype == np.bool_:
        return x.size - int(np.count_nonzero(x))
    return int(np.count_nonzero(np.equal(x, 0, out=mask)))


@dataclass(frozen=True)
class _Asymptotes:
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
def _asymptotes(act: activations.Activation) -> _Asymptotes:
    x = np.array([_FAR, -_FAR, _NEAR, -_NEAR, 0.0])
    f, d = act.forward(x), act.derivative(x)
    return _Asymptotes(
        far_slopes=(float(d[0]), float(d[1])),
        far_consts=(float(f[0] - d[0] * x[0]), float(f[1] - d[1] * x[1])),
        near_slopes=(float(d[2]), float(d[3])),
        f0=float(f[4]),
        d0=float(d[4]),
    )


@dataclass(frozen=True)
class _Activated:
    """What _activate reports: h's exponent, f' (None: ≡ 1), #dead, and for the far regime the
    true values (value, count) that the scaled h cannot hold (ELU's −α), for histograms."""

    exponent: int
    df: Array | None
    dead: int
    masses: tuple[tuple[float, int], ...] | None = None


def _activate(
    act: activations.Activation,
    a: Array,
    exponent: int,
    rms: float,
    out: tuple[Array, Array, Scratch, npt.NDArray[np.bool_]],
    may_overwrite: bool,
) -> _Activated:
    """f(a·2^exponent) into out's f (as f·2^e_h) and f' into out's df, for a with RMS `rms`
    (scaled units, within 2^±16 unless 0); dead counts f' == 0 as the registry's float64
    derivative gives it."""
    f, df, scratch, mask = out
    kernel = _KERNELS.get(act.name)
    if kernel is None:
        return _activate_float64(act, a, exponent, f, df)
    flat = kernel.flat(act.params)
    if kernel.homogeneous:  # f(2^e·a) = 2^e·f(a): stay scaled
        d = _evaluate_into(act, a, f, df, scratch)
        return _Activated(exponent, d, _count_zeros(d, mask) if flat else 0)
    if rms == 0.0:  # all zeros, whatever the exponent
        exponent = 0
    elif abs(exponent + math.log2(rms)) > _F32_EXPONENT:
        return _activate_asymptotic(act, a, exponent, out)
    if exponent:  # to true units and back: exact, the factors are powers of two
        a = np.multiply(a, 2.0**exponent, out=a if may_overwrite else None)
    d = _evaluate_into(act, a, f, df, scratch)
    dead = _count_zeros(d, mask) if flat else _count_beyond(a, *_zero_tails(act), mask)
    if exponent:
        f *= 2.0**-exponent
    return _Activated(exponent, d, dead)


def _activate_asymptotic(
    act: activations.Activation,
    a: Array,
    exponent: int,
    out: tuple[Array, Array, Scratch, npt.NDArray[np.bool_]],
) -> _Activated:
    """_activate beyond 2^±100, where f is affine on each side to float32 precision."""
    f, df, scratch, mask = out
    asy = _asymptotes(act)
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
        np.clip(a, 0, _top(a), out=f)
        f *= slope_pos
        neg = np.clip(a, -_top(a), 0, out=scratch[0])
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
        lo, hi = _zero_tails(act)
        dead = (n_neg if lo > -math.inf else 0) + (n_pos if hi < math.inf else 0)
        masses = ((asy.far_consts[0], n_pos) if slope_pos == 0 else (0.0, 0),)
        masses += ((asy.far_consts[1], n_neg) if slope_neg == 0 else (0.0, 0), (asy.f0, n_zero))
    else:
        dead = n_zero if asy.d0 == 0 else 0
        dead += (n_pos if slope_pos == 0 else 0) + (n_neg if slope_neg == 0 else 0)
        masses = None
    return _Activated(e_h, df, dead, masses if e_h else None)


def _activate_float64(
    act: activations.Activation, a: Array, exponent: int, f: Array, df: Array
) -> _Activated:
    """An activation without a kernel: the registry's own float64 code at the true scale."""
    with np.errstate(over="ignore"):  # beyond float64: ±inf, saturated by the registry
        a64 = np.ldexp(a.astype(np.float64), max(min(exponent, 2000), -2000))
    f64, d64 = act.forward(a64), act.derivative(a64)
    dead = int(np.count_nonzero(d64 == 0))
    e_h = _renormalise(f64, 0, *_moments(f64))
    np.copyto(f, f64, casting="unsafe")
    np.copyto(df, d64, casting="unsafe")
    return _Activated(e_h, df, dead)


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
    act = _activation(activation)
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


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_propagate(depth: int, width: int, batch: int, seed: int) -> tuple[int, int, int, int]:
    depth = _count("depth", depth, 1, MAX_DEPTH)
    width = _count("width", width, 1, MAX_WIDTH)
    batch = _count("batch", batch, 2, MAX_BATCH)
    seed = _count("seed", seed, 0)
    if depth * width * batch > MAX_CELLS:
        raise ValueError(f"depth·width·batch must be <= {MAX_CELLS}, got {depth}·{width}·{batch}")
    return depth, width, batch, seed


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
    _scheme(scheme)
    act = _activation(activation)
    depth, width, batch, seed = _check_propagate(depth, width, batch, seed)
    _flag("batchnorm", batchnorm)
    _flag("weight_gradients", weight_gradients)
    linear = act.name == "linear"
    rng = np.random.default_rng(seed)
    rows: list[dict[str, float]] = [{"layer": k} for k in range(1, depth + 1)]
    # One allocation per kind of per-layer array: the kernel backs big blocks with huge pages,
    # while a fresh 2 MB array per layer costs ~1 ms of page faults, as much as its arithmetic.
    # h_l is only needed again for ∂L/∂W_l; otherwise two buffers take turns and stay in cache.
    hs = np.empty((depth + 1 if weight_gradients else 2, batch, width), dtype=np.float32)
    slot = (lambda k: k) if weight_gradients else (lambda k: k & 1)  # h_k lives in hs[slot(k)]
    ws = np.empty((depth, width, width), dtype=np.float32)
    kernel = _KERNELS.get(act.name)
    steps = kernel is not None and kernel.steps(act.params)
    # f' that is only ever 0 or 1 is kept as a mask: a quarter of the memory, and the backward
    # product with a mask costs no more than with floats.
    df_type = np.bool_ if steps else np.float32
    dfs = None if linear else np.empty((depth, batch, width), dtype=df_type)
    xhats = np.empty((depth, batch, width), dtype=np.float32) if batchnorm else None
    work = np.empty((6, batch, width), dtype=np.float32)
    scratch: Scratch = (work[1], work[2], work[3], work[4])
    mask = np.empty((batch, width), dtype=bool)
    grad_w = np.empty((width, width), dtype=np.float32) if weight_gradients else None
    exps = [0] * (depth + 1)  # hs[slot(l)] holds h_l / 2^exps[l]
    per_layer: list[tuple[Array | None, Array | None, int]] = []  # (f', BN's 1/σ, e_z)
    if bins is not None:
        edges = np.linspace(*histogram_range(act), bins + 1)
        density, outside = np.full((depth, bins), np.nan), np.full(depth, np.nan)
        gradient_edges = np.linspace(*GRADIENT_RANGE, bins + 1)
        gradient_density, gradient_outside = np.full((depth, bins), np.nan), np.full(depth, np.nan)
    hist = frozenset(k - 1 for k in layers) if bins is not None else frozenset()

    size = (max(width * width, batch * width) + 1) // 2
    draw_scratch = (np.empty(size, dtype=np.float32), np.empty(size, dtype=np.float32))
    standard_normals(rng, hs[0], draw_scratch)
    with np.errstate(under="ignore"):  # tiny tails underflowing to 0 are the right answer
        for k in range(depth):
            row = rows[k]
            h_in, h = hs[slot(k)], hs[slot(k + 1)]
            z = xhats[k] if batchnorm else h if linear else work[0]
            np.matmul(h_in, _draw(scheme, width, width, rng, ws[k], draw_scratch), out=z)
            z_mean, z_std = _moments(z, scratch[0])
            row["preactivation_std"] = _in_units(z_std, exps[k])
            e_z = _renormalise(z, exps[k], z_mean, z_std)
            z_rms = math.hypot(z_mean, z_std) * 2.0 ** (exps[k] - e_z)
            inv = _batchnorm_forward(z, e_z) if batchnorm else None
            df_out = dfs[k] if dfs is not None else work[5]
            done = _activate(
                act,
                z,
                0 if batchnorm else e_z,
                1.0 if batchnorm else z_rms,
                (h, df_out, scratch, mask),
                may_overwrite=not batchnorm,
            )
            e_h, df, dead = done.exponent, done.df, done.dead
            h_mean, h_std = _moments(h, scratch[0])
            row["activation_mean"] = _in_units(h_mean, e_h)
            row["activation_std"] = _in_units(h_std, e_h)
            if df is None:
                saturated = 0
            elif steps:  # f' = 0 or 1: saturated means dead
                saturated = dead
            else:
                positive = kernel is not None and kernel.nonnegative(act.params)
                d = df if positive else np.abs(df, out=scratch[0])
                saturated = int(np.count_nonzero(np.less(d, SATURATION_THRESHOLD, out=mask)))
            row["saturated_fraction"] = saturated / h.size
            row["dead_fraction"] = dead / h.size
            if k in hist:
                density[k], outside[k] = _histogram(h, e_h, edges, done.masses)
            exps[k + 1] = _renormalise(h, e_h, h_mean, h_std)
            per_layer.append((df, inv, e_z))

        # Backward from L = Σ h_depth ⊙ u: ∂L/∂h_depth = u.
        grad, spare = standard_normals(rng, work[0], draw_scratch), work[5]
        e_g = 0  # grad holds ∂L/∂h / 2^e_g
        for k in range(depth - 1, -1, -1):
            df, inv, e_z = per_layer[k]
            g_mean, g_std = _moments(grad, scratch[0])
            rows[k]["gradient_std"] = _in_units(g_std, e_g)
            if k in hist:
                gradient_density[k], gradient_outside[k] = _histogram(grad, e_g, gradient_edges)
            e_g = _renormalise(grad, e_g, g_mean, g_std)
            if df is not None:
                grad *= df  # ∂L/∂a = ∂L/∂h ⊙ f'(a)
            if inv is not None:
                _batchnorm_backward(grad, xhats[k], inv, scratch[0])
                e_g -= e_z  # 1/σ_true = 2^−e_z/σ_scaled
            if grad_w is not None:
                np.matmul(hs[k].T, grad, out=grad_w)
                rows[k]["weight_gradient_std"] = _in_units(_moments(grad_w)[1], exps[k] + e_g)
            if k > 0:
                np.matmul(grad, ws[k].T, out=spare)
                grad, spare = spare, grad

    table = pd.DataFrame(rows, columns=list(COLUMNS if weight_gradients else COLUMNS[:-1]))
    if bins is None:
        return Propagation(table, *(np.zeros(0) for _ in range(6)))
    return Propagation(
        table=table,
        edges=edges,
        density=density,
        outside=outside,
        gradient_edges=gradient_edges,
        gradient_density=gradient_density,
        gradient_outside=gradient_outside,
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

    Computed in float32 (see the module docstring); statistics are clipped to ≤ 1e300.
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
    bins = _count("bins", bins, 1, 1000)
    depth = _count("depth", depth, 1, MAX_DEPTH)
    if layers is None:
        picked = tuple(range(1, depth + 1))
    else:
        picked = tuple(sorted({_count("layer", k, 1, depth) for k in layers}))
    return _run(
        scheme, activation, depth, width, batch, seed, batchnorm, bins, weight_gradients, picked
    )


# --- mean-field prediction -------------------------------------------------------------------


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
    act = _activation(activation)
    depth = _count("depth", depth, 1, MAX_DEPTH)
    width = _count("width", width, 1, MAX_WIDTH)
    if batch is not None:
        batch = _count("batch", batch, 1, MAX_BATCH)
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


# --- symmetry --------------------------------------------------------------------------------

SYMMETRY_INITS = ("zeros", "constant", "random")
SYMMETRY_HIDDEN = 4
CONSTANT = 0.5


def xor_blobs(n: int = 64, noise: float = 0.25, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """(x (n, 2), y (n,) ±1): Gaussian blobs at the four corners (±1, ±1), y = sign(x₁·x₂)."""
    n, noise = _count("n", n, 4), _noise(noise)
    rng = np.random.default_rng(_count("seed", seed, 0))
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    label = np.array([1.0, 1.0, -1.0, -1.0])
    k = np.arange(n) % 4
    return corners[k] + noise * rng.standard_normal((n, 2)), label[k]


@dataclass(frozen=True)
class SymmetryRun:
    """A 2 → 4 tanh → 1 net trained by full-batch gradient descent on xor_blobs().

    loss[t] and distinctness[t] are after t updates (t = 0…steps); snapshot_steps (k,) are the
    steps at which w1 (k, 2, 4), b1 (k, 4) and w2 (k, 4) were recorded, first and last included.
    distinctness = the largest difference between two hidden units in any of their parameters
    (incoming weights, bias, outgoing weight): 0 means every unit is the same unit.
    """

    init: str
    loss: FloatArray
    distinctness: FloatArray
    snapshot_steps: npt.NDArray[np.int64]
    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: float
    x: FloatArray
    y: FloatArray

    def predict(self, x: npt.ArrayLike) -> FloatArray:
        """The trained net's output at points x (m, 2)."""
        x = np.asarray(x, dtype=np.float64)
        return np.tanh(x @ self.w1[-1] + self.b1[-1]) @ self.w2[-1] + self.b2


def _unit_spread(w1: FloatArray, b1: FloatArray, w2: FloatArray) -> float:
    params = np.vstack([w1, b1, w2])  # (4, units): one column per hidden unit
    return float(np.max(params.max(axis=1) - params.min(axis=1)))


def train_symmetry(init: str, steps: int = 300, lr: float = 0.5, seed: int = 0) -> SymmetryRun:
    """Train 2 → 4 tanh → 1 (linear output, L = ½·mean((ŷ − y)²)) on xor_blobs() from `init`.

    - "zeros": all weights and biases 0. Every hidden pre-activation is 0, so h = tanh 0 = 0,
      ∂L/∂W2 = hᵀδ = 0 and ∂L/∂h = δ·W2ᵀ = 0, hence ∂L/∂W1 = ∂L/∂b1 = 0: only the output bias
      b2 learns (to mean(y)). W1, b1, W2 stay exactly 0 forever.
    - "constant": every weight CONSTANT = 0.5, biases 0. All units compute the same h and so
      receive the same gradient: they move, but stay identical, and the net is one hidden unit
      four times over (XOR needs two).
    - "random": W1, W2 from xavier_normal with default_rng(seed), biases 0: units differ from
      the start and specialise.

    Identical units stay bitwise identical: the forward and backward pass use only elementwise
    operations and sums over the batch (no BLAS kernel whose order could differ per column).
    """
    if init not in SYMMETRY_INITS:
        raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(SYMMETRY_INITS)}")
    steps = _count("steps", steps, 0, 100_000)
    lr = _rate(lr)
    seed = _count("seed", seed, 0)
    x, y = xor_blobs()
    units = SYMMETRY_HIDDEN
    b1, b2 = np.zeros(units), 0.0
    if init == "zeros":
        w1, w2 = np.zeros((2, units)), np.zeros(units)
    elif init == "constant":
        w1, w2 = np.full((2, units), CONSTANT), np.full(units, CONSTANT)
    else:
        rng = np.random.default_rng(seed)
        w1, w2 = (
            sample("xavier_normal", 2, units, rng),
            sample("xavier_normal", units, 1, rng)[:, 0],
        )
    n = y.size
    snapshots = set(np.linspace(0, steps, min(steps + 1, 11)).round().astype(int).tolist())
    loss, spread, recorded = [], [], []
    for t in range(steps + 1):
        h = np.tanh(x[:, :1] * w1[0] + x[:, 1:] * w1[1] + b1)  # (n, units), per unit alike
        err = (h * w2).sum(axis=1) + b2 - y
        loss.append(0.5 * float(np.mean(err * err)))
        spread.append(_unit_spread(w1, b1, w2))
        if t in snapshots:
            recorded.append((t, w1.copy(), b1.copy(), w2.copy()))
        if t == steps:
            break
        delta = err / n  # ∂L/∂ŷ
        grad_w2 = (h * delta[:, None]).sum(axis=0)
        grad_z = delta[:, None] * w2 * (1.0 - h * h)
        grad_w1 = (x[:, :, None] * grad_z[:, None, :]).sum(axis=0)
        w1 = w1 - lr * grad_w1
        b1 = b1 - lr * grad_z.sum(axis=0)
        w2 = w2 - lr * grad_w2
        b2 = b2 - lr * float(delta.sum())
    return SymmetryRun(
        init=init,
        loss=np.array(loss),
        distinctness=np.array(spread),
        snapshot_steps=np.array([r[0] for r in recorded], dtype=np.int64),
        w1=np.stack([r[1] for r in recorded]),
        b1=np.stack([r[2] for r in recorded]),
        w2=np.stack([r[3] for r in recorded]),
        b2=b2,
        x=x,
        y=y,
    )


def _noise(noise: object) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise <= 10:
        raise ValueError(f"noise must be a real number in [0, 10], got {noise!r}")
    return float(noise)


def _rate(lr: object) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < float(lr) <= 100:
        raise ValueError(f"lr must be a real number in (0, 100], got {lr!r}")
    return float(lr)


# --- does it train? --------------------------------------------------------------------------

MAX_TRAIN_DEPTH = 50
MAX_TRAIN_WIDTH = 256
MAX_TRAIN_STEPS = 5000


def two_moons(n: int = 200, noise: float = 0.15, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """(x (n, 2) standardised, y (n,) in {0, 1}): two interleaved half circles with noise."""
    n, noise = _count("n", n, 4), _noise(noise)
    rng = np.random.default_rng(_count("seed", seed, 0))
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
    _scheme(scheme)
    act = _activation(activation)
    depth = _count("depth", depth, 1, MAX_TRAIN_DEPTH)
    width = _count("width", width, 1, MAX_TRAIN_WIDTH)
    steps = _count("steps", steps, 0, MAX_TRAIN_STEPS)
    lr = _rate(lr)
    seed = _count("seed", seed, 0)
    batchnorm = _flag("batchnorm", batchnorm)
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
                df = _evaluate_into(act, a, fs[k], dfs[k], scratch)
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
