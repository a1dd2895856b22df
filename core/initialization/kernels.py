"""Fused float32 activation kernels: f and f' in one pass, for propagate and train_deep.

propagate calls an activation on (batch, width) arrays at every layer, where the registry's exact
float64 implementations (erf by series for GELU) would dominate the pass. These kernels are for
speed only: core.activations stays the definition, every kernel is tested against it for every
activation, and what the pass needs to know of an activation (`traits`) is read off the
registry's own f and f', not declared a second time here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from core import activations

Array = npt.NDArray[np.floating]

# Each kernel writes f(a) into `f` and f'(a) into `df` (never aliasing `a`), using the four
# scratch arrays in `s`, to float32 accuracy (within 3e-7 of the registry, absolute below 1 and
# relative above; tested) with only fast SIMD ufuncs: no np.where (branchy on random masks),
# no expm1/log1p (scalar loops), np.clip rather than np.minimum (several times faster). Tails
# where |f'| < 1e-34 are clipped so float32 never enters slow subnormals; values there change
# by less than 1e-32. An activation without a kernel falls back to the registry in float64.

Scratch = tuple[Array, Array, Array, Array]
Kernel = Callable[[Array, Mapping, Array, Array, Scratch], Array | None]


def top(a: Array) -> float:
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
    np.clip(a, 0, top(a), out=f)
    return df


def _k_leaky_relu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    slope = float(p["negative_slope"])
    np.greater(a, 0, out=df)
    if slope == 0:  # plain ReLU: f' is the mask itself (and `df` may be boolean)
        np.clip(a, 0, top(a), out=f)
        return df
    df *= 1 - slope
    df += slope
    np.clip(a, -top(a), 0, out=f)
    f *= slope
    np.clip(a, 0, top(a), out=s[0])
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
    np.clip(a, 0, top(a), out=d)
    d *= scale
    f += d
    return df


def _k_elu(a: Array, p: Mapping, f: Array, df: Array, s: Scratch) -> Array:
    if p["alpha"] == 0:  # ELU with α = 0 is ReLU, f' a mask (Traits.steps): `df` may be boolean
        return _k_relu(a, p, f, df, s)
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
    np.clip(a, -_GELU_CLIP, top(a), out=ac)
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
    np.clip(a, -30, top(a), out=s[0])
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
    np.clip(a, -80, top(a), out=small)
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
        np.clip(bx, -top(a), threshold, out=bx)
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
    np.clip(bx, 0, top(a), out=e)
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


# The fused kernels, by registry name: only the arithmetic. What propagate needs to know of an
# activation beyond its values (its Traits) is read off the registry's own f and f'.
KERNELS: Mapping[str, Kernel] = MappingProxyType(
    {
        "sigmoid": _k_sigmoid,
        "tanh": _k_tanh,
        "relu": _k_relu,
        "leaky_relu": _k_leaky_relu,
        "elu": _k_elu,
        "selu": _k_selu,
        "gelu": _k_gelu,
        "silu": _k_silu,
        "softplus": _k_softplus,
        "linear": _k_linear,
    }
)


@dataclass(frozen=True)
class Traits:
    """What propagate's shortcuts rely on, for an activation with its parameters bound."""

    homogeneous: bool  # f(c·a) = c·f(a) and f'(c·a) = f'(a) for c > 0
    flat: bool  # f' ≡ 0 on a ≤ 0
    steps: bool  # f' takes only the values 0 and 1, both
    nonnegative: bool  # f' ≥ 0 everywhere


# Probe points: both signs over sixty decades, a fine grid where curvature lives, and 0.
_DECADES = np.logspace(-30, 30, 241)
_PROBE = np.concatenate([-_DECADES[::-1], np.linspace(-10.0, 10.0, 4001), _DECADES])


@functools.lru_cache(maxsize=64)
def traits(act: activations.Activation) -> Traits:
    """The Traits of `act`, read off the registry's float64 f and f' at probe points (the
    scalings by powers of two are exact, so a homogeneous f passes with equality)."""
    x = _PROBE
    f, d = act.forward(x), act.derivative(x)
    homogeneous = all(
        np.array_equal(act.forward(c * x), c * f) and np.array_equal(act.derivative(c * x), d)
        for c in (0.5, 2.0, 2.0**20)
    )
    values = set(np.unique(d).tolist())
    flat = bool(np.all(d[x <= 0] == 0))
    return Traits(
        homogeneous=homogeneous,
        flat=flat,
        steps=values == {0.0, 1.0},
        nonnegative=bool(np.all(d >= 0)),
    )


def activation_of(activation: str | activations.Activation) -> activations.Activation:
    if isinstance(activation, activations.Activation):
        return activation
    return activations.get(activation)


def evaluate_into(
    act: activations.Activation, a: Array, f: Array, df: Array, s: Scratch
) -> Array | None:
    """f ← f(a), df ← f'(a) (returns df, or None when f' ≡ 1), in a's dtype."""
    kernel = KERNELS.get(act.name)
    with np.errstate(under="ignore"):  # tails underflowing to 0 are the right answer
        if kernel is not None:
            return kernel(a, act.params, f, df, s)
        a64 = a.astype(np.float64)
        np.copyto(f, act.forward(a64), casting="unsafe")
        np.copyto(df, act.derivative(a64), casting="unsafe")
        return df


def evaluate(act: activations.Activation, a: Array) -> tuple[Array, Array | None]:
    """(f(a), f'(a)) as new arrays; f'(a) None when f' ≡ 1."""
    f, df = np.empty_like(a), np.empty_like(a)
    scratch = tuple(np.empty_like(a) for _ in range(4))
    return f, evaluate_into(act, a, f, df, scratch)
