"""The initialization schemes: each one's distribution and Var(w), and draws from it.

Weights W have shape (fan_in, fan_out) and act as z = h @ W, so n_in = fan_in. Normal schemes
are plain (untruncated) normals as in torch.nn.init; Keras' he_normal and lecun_normal truncate.
Draws are made in float32 (propagate's precision) from the generator's raw bits, so that the
readable reference pass and the fast one see exactly the same weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
Array = npt.NDArray[np.floating]

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


def scheme_of(name: object) -> Scheme:
    """The registered scheme `name` (ValueError listing every scheme otherwise)."""
    return REGISTRY[validate.choice("scheme", name, SCHEMES)]


def fan(name: str, value: object) -> int:
    """A fan size: an integer ≥ 1."""
    return validate.integer(name, value, lo=1)


def std(scheme: str, fan_in: int, fan_out: int) -> float:
    """Standard deviation of one weight: σ = √Var(w) (uniform on (−r, r): r/√3)."""
    spec = scheme_of(scheme)
    return math.sqrt(spec.variance(fan("fan_in", fan_in), fan("fan_out", fan_out)))


def bound(scheme: str, fan_in: int, fan_out: int) -> float | None:
    """r of a uniform scheme U(−r, r), r = √(3·Var(w)); None for the others."""
    spec = scheme_of(scheme)
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
    normals (up to float32 rounding; |z| ≤ √(48 ln 2) ≈ 5.77, a tail of 8e-9). Faster than
    Generator.standard_normal's ziggurat in float32; the first half of `out` (flat) takes the
    cosines, the second the sines. It uses ⌈size/2⌉ of the generator's 64-bit outputs.
    `scratch`: two float32 arrays of at least ⌈size/2⌉ values, so that a caller drawing again
    and again allocates nothing."""
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


def draw(
    scheme: str,
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    out: Array | None = None,
    scratch: tuple[Array, Array] | None = None,
) -> Array:
    """The draw behind sample(), in float32 (what propagate uses), into `out` if given:
    (fan_in, fan_out); `scratch` as in standard_normals."""
    spec = scheme_of(scheme)
    shape = (fan("fan_in", fan_in), fan("fan_out", fan_out))
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
    return draw(scheme, fan_in, fan_out, rng).astype(np.float64)


@dataclass(frozen=True)
class SchemeAt:
    """One scheme at given fans: its distribution's formula, σ, and r when it is uniform."""

    name: str
    latex: str
    std: float
    bound: float | None


def every_scheme(fan_in: int, fan_out: int) -> tuple[SchemeAt, ...]:
    """Every scheme, in registry order, at (fan_in, fan_out): σ = √Var(w), r = √3·σ."""
    return tuple(
        SchemeAt(s.name, s.latex, std(s.name, fan_in, fan_out), bound(s.name, fan_in, fan_out))
        for s in _SCHEMES
    )
