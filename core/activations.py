"""Activation functions and their analytic derivatives, with torch.nn.functional's conventions.

Every entry of ``REGISTRY`` keeps a forward beside its derivative plus the metadata the page
shows (formulas, output range, properties) and a declaration of each parameter (default, the
values it accepts, the span worth exploring). ``get(name, **params)`` validates parameters and
returns an ``Activation`` that evaluates elementwise on float64 arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
ParamValue = float | str

NAMES: tuple[str, ...] = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "softplus",
    "linear",
)

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_MAX = float(np.finfo(np.float64).max)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)
_GELU_TANH_BETA = math.sqrt(2.0 / math.pi)
_GELU_TANH_KAPPA = 0.044715


# --- erf / erfc -----------------------------------------------------------------------------

# Maclaurin coefficients of (2/√π)·Σ_{n≥1} (−x²)ⁿ/(n!(2n+1)); 20 terms reach 1e-20 at |x| = 1.
_ERF_SERIES = tuple(
    _TWO_OVER_SQRT_PI * (-1.0) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(1, 21)
)
_ERFC_CF_TERMS = 100  # enough for ~1 ulp at x = 1; the fraction converges faster for larger x
_DEKKER_SPLIT = 134217729.0  # 2**27 + 1


def _exp_neg_square(a: FloatArray) -> FloatArray:
    """exp(−a²), with a² split exactly into hi + lo (Dekker) before exponentiating."""
    # exp(−a²) has relative condition number 2a²: at a = 5 a plain a*a loses ~5 bits.
    hi = a * a
    c = _DEKKER_SPLIT * a
    a_hi = c - (c - a)
    a_lo = a - a_hi
    lo = ((a_hi * a_hi - hi) + 2.0 * a_hi * a_lo) + a_lo * a_lo
    return np.exp(-hi) * (1.0 - lo)


def _erf_small(a: FloatArray) -> FloatArray:
    """erf(a) for |a| < 1 by the Maclaurin series, Horner form."""
    t = a * a
    p = np.full_like(a, _ERF_SERIES[-1])
    for c in reversed(_ERF_SERIES[:-1]):
        p = p * t + c
    # fdlibm's trick: erf(a) = a + a·((2/√π − 1) + …) keeps the dominant term exact.
    return a + a * ((_TWO_OVER_SQRT_PI - 1.0) + t * p)


def _erfc_large(a: FloatArray) -> FloatArray:
    """erfc(a) for a ≥ 1: e^{−a²}/√π · 2a/(2a²+1 − 1·2/(2a²+5 − 3·4/(2a²+9 − …)))."""
    a = np.minimum(a, 30.0)  # erfc(27) already underflows; keeps 2a² finite for any input
    y = 2.0 * a * a
    f = y + (4 * _ERFC_CF_TERMS + 1)
    for k in range(_ERFC_CF_TERMS, 0, -1):  # backward evaluation of the continued fraction
        f = y + (4 * k - 3) - ((2 * k - 1) * 2 * k) / f
    return _exp_neg_square(a) * _INV_SQRT_PI * 2.0 * a / f


def _erf(x: npt.ArrayLike) -> FloatArray:
    """erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, elementwise, within ~1 ulp of math.erf."""
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    small = a < 1.0
    large = a >= 1.0  # NaN is in neither set and passes through
    out = x.copy()
    with np.errstate(under="ignore"):
        out[small] = _erf_small(x[small])
        out[large] = np.copysign(1.0 - _erfc_large(a[large]), x[large])
    return out


def _erfc(x: npt.ArrayLike) -> FloatArray:
    """erfc(x) = 1 − erf(x), accurate in relative terms in the upper tail."""
    x = np.asarray(x, dtype=np.float64)
    a = np.abs(x)
    out = x.copy()
    small = a < 1.0
    with np.errstate(under="ignore"):
        out[small] = 1.0 - _erf_small(x[small])
        out[x >= 1.0] = _erfc_large(x[x >= 1.0])
        out[x <= -1.0] = 2.0 - _erfc_large(a[x <= -1.0])
    return out


def _normal_cdf(x: FloatArray) -> FloatArray:
    """Φ(x) = ½·erfc(−x/√2)."""
    # erfc rather than 1 + erf: no cancellation in the lower tail.
    return 0.5 * _erfc(-x * _SQRT_HALF)


def _normal_pdf(x: FloatArray) -> FloatArray:
    """φ(x) = e^{−x²/2}/√(2π)."""
    xc = np.clip(x, -40.0, 40.0)  # φ(40) is 0 in float64; avoids x² overflow near 1e155
    return np.exp(-0.5 * xc * xc) * _INV_SQRT_2PI


# --- helpers ---------------------------------------------------------------------------------


def _sigmoid_pair(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(σ(x), σ(−x)) via e = exp(−|x|), which never overflows."""
    e = np.exp(-np.abs(x))
    positive = x >= 0
    denom = 1.0 + e
    return np.where(positive, 1.0, e) / denom, np.where(positive, e, 1.0) / denom


def _scale_saturating(c: float, x: FloatArray) -> FloatArray:
    """c·x, saturated to ±finfo.max instead of overflowing to ±inf."""
    # Only reachable for |c| > 1 near finfo.max (e.g. SELU's λ); PyTorch returns inf there.
    with np.errstate(over="ignore"):
        product = c * x
    return np.clip(product, -_MAX, _MAX)


# --- the activations: forward beside derivative ----------------------------------------------


def _sigmoid(x: FloatArray) -> FloatArray:
    return _sigmoid_pair(x)[0]


def _d_sigmoid(x: FloatArray) -> FloatArray:
    e = np.exp(-np.abs(x))
    return e / ((1.0 + e) * (1.0 + e))  # σ(x)σ(−x) without the cancellation in 1 − σ(x)


def _tanh(x: FloatArray) -> FloatArray:
    return np.tanh(x)


def _d_tanh(x: FloatArray) -> FloatArray:
    # sech²x = 4e/(1+e)² with e = exp(−2|x|): accurate in the tails, unlike 1 − tanh²x.
    e = np.exp(-2.0 * np.minimum(np.abs(x), 400.0))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _relu(x: FloatArray) -> FloatArray:
    return np.maximum(x, 0.0)


def _d_relu(x: FloatArray) -> FloatArray:
    return np.where(x > 0, 1.0, 0.0)  # autograd's threshold_backward: 0 at x = 0


def _leaky_relu(x: FloatArray, negative_slope: float) -> FloatArray:
    return np.where(x > 0, x, _scale_saturating(negative_slope, x))


def _d_leaky_relu(x: FloatArray, negative_slope: float) -> FloatArray:
    return np.where(x > 0, 1.0, negative_slope)  # PyTorch: x > 0 ? 1 : slope, so slope at 0


def _elu(x: FloatArray, alpha: float) -> FloatArray:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _d_elu(x: FloatArray, alpha: float) -> FloatArray:
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))  # elu_backward: α at 0


def _selu(x: FloatArray) -> FloatArray:
    negative = (SELU_SCALE * SELU_ALPHA) * np.expm1(np.minimum(x, 0.0))
    return np.where(x > 0, _scale_saturating(SELU_SCALE, x), negative)


def _d_selu(x: FloatArray) -> FloatArray:
    return np.where(x > 0, SELU_SCALE, (SELU_SCALE * SELU_ALPHA) * np.exp(np.minimum(x, 0.0)))


def _gelu_tanh_inner(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(u, du/dx) for u = √(2/π)(x + 0.044715x³), with x clipped to ±30."""
    # tanh(u) is ±1 to the last bit long before |x| = 30; the clip keeps x³ from overflowing.
    xc = np.clip(x, -30.0, 30.0)
    u = _GELU_TANH_BETA * (xc + _GELU_TANH_KAPPA * xc * xc * xc)
    du = _GELU_TANH_BETA * (1.0 + 3.0 * _GELU_TANH_KAPPA * xc * xc)
    return u, du


def _gelu(x: FloatArray, approximate: str) -> FloatArray:
    if approximate == "tanh":
        u, _ = _gelu_tanh_inner(x)
        return x * _sigmoid_pair(2.0 * u)[0]  # ½(1 + tanh u) = σ(2u), exact in the left tail
    return x * _normal_cdf(x)


def _d_gelu(x: FloatArray, approximate: str) -> FloatArray:
    if approximate == "tanh":
        u, du = _gelu_tanh_inner(x)
        s, s_neg = _sigmoid_pair(2.0 * u)
        xc = np.clip(x, -30.0, 30.0)  # s·s_neg is exactly 0 beyond the clip
        return s + xc * 2.0 * s * s_neg * du
    xc = np.clip(x, -40.0, 40.0)  # φ is exactly 0 beyond the clip, so x·φ(x) is unchanged
    return _normal_cdf(x) + xc * _normal_pdf(xc)


def _silu(x: FloatArray) -> FloatArray:
    return x * _sigmoid_pair(x)[0]


def _d_silu(x: FloatArray) -> FloatArray:
    s, s_neg = _sigmoid_pair(x)
    # σ(x)(1 + x(1 − σ(x))) with 1 − σ(x) taken as σ(−x): x·σ(−x) is 0, not inf·0, at +1e300.
    return s * (1.0 + x * s_neg)


def _softplus_bx(x: FloatArray, beta: float) -> FloatArray:
    with np.errstate(over="ignore"):  # β·x = ±inf still falls on the right side of the test
        return beta * x


def _softplus(x: FloatArray, beta: float, threshold: float) -> FloatArray:
    bx = _softplus_bx(x, beta)
    bxc = np.minimum(bx, threshold)
    soft = (np.log1p(np.exp(-np.abs(bxc))) + np.maximum(bxc, 0.0)) / beta
    return np.where(bx > threshold, x, soft)  # PyTorch reverts to x where β·x > threshold


def _d_softplus(x: FloatArray, beta: float, threshold: float) -> FloatArray:
    bx = _softplus_bx(x, beta)
    return np.where(bx > threshold, 1.0, _sigmoid_pair(np.minimum(bx, threshold))[0])


def _linear(x: FloatArray) -> FloatArray:
    return x.copy()


def _d_linear(x: FloatArray) -> FloatArray:
    return np.ones_like(x)


# --- parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of an activation: torch.nn.functional's default, the values `get` accepts
    (a real in [lo, hi], each end open or closed, or one of `options`), and `span`, the finite
    part of those values an explainer lets a reader move it over."""

    default: ParamValue
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    options: tuple[str, ...] = ()
    span: tuple[float, float] | None = None

    def validated(self, name: str, value: object) -> ParamValue:
        """value as a float (or one of the options), or ValueError naming `name`."""
        if self.options:
            return validate.choice(name, value, self.options)
        bounds = {"lo": self.lo, "hi": self.hi, "lo_open": self.lo_open, "hi_open": self.hi_open}
        return validate.real(name, value, **bounds)


# --- registry --------------------------------------------------------------------------------

Saturation = Literal["both", "negative", "none"]


@dataclass(frozen=True)
class ActivationSpec:
    """One activation: forward and derivative f(x, **params), its parameters and page metadata."""

    name: str
    forward: Callable[..., FloatArray]
    derivative: Callable[..., FloatArray]
    latex_f: str
    latex_df: str
    output_range: str
    zero_centred: bool
    monotonic: bool
    saturates: Saturation
    cost: int
    # A plain dict (treat as read-only) so specs and activations pickle and hash for caching.
    parameters: dict[str, Param] = field(default_factory=dict, hash=False)

    @property
    def params(self) -> dict[str, ParamValue]:
        """Each parameter's default, by name (torch.nn.functional's)."""
        return {key: param.default for key, param in self.parameters.items()}


_SPECS = (
    ActivationSpec(
        "sigmoid",
        _sigmoid,
        _d_sigmoid,
        latex_f=r"\frac{1}{1 + e^{-x}}",
        latex_df=r"\sigma(x)\,\bigl(1 - \sigma(x)\bigr)",
        output_range=r"(0,\,1)",
        zero_centred=False,
        monotonic=True,
        saturates="both",
        cost=2,
    ),
    ActivationSpec(
        "tanh",
        _tanh,
        _d_tanh,
        latex_f=r"\tanh(x)",
        latex_df=r"1 - \tanh^2(x)",
        output_range=r"(-1,\,1)",
        zero_centred=True,
        monotonic=True,
        saturates="both",
        cost=2,
    ),
    ActivationSpec(
        "relu",
        _relu,
        _d_relu,
        latex_f=r"\max(0,\,x)",
        latex_df=r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
        output_range=r"[0,\,\infty)",
        zero_centred=False,
        monotonic=True,
        saturates="negative",
        cost=1,
    ),
    ActivationSpec(
        "leaky_relu",
        _leaky_relu,
        _d_leaky_relu,
        latex_f=r"\begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}",
        latex_df=r"\begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
        output_range=r"(-\infty,\,\infty)",
        zero_centred=False,
        monotonic=True,
        saturates="none",
        cost=1,
        parameters={"negative_slope": Param(0.01, span=(0.0, 0.5))},
    ),
    ActivationSpec(
        "elu",
        _elu,
        _d_elu,
        latex_f=r"\begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
        latex_df=r"\begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
        output_range=r"(-\alpha,\,\infty)",
        zero_centred=True,
        monotonic=True,
        saturates="negative",
        cost=2,
        parameters={"alpha": Param(1.0, span=(0.1, 3.0))},
    ),
    ActivationSpec(
        "selu",
        _selu,
        _d_selu,
        latex_f=r"\lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}",
        latex_df=r"\lambda \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}",
        output_range=r"(-\lambda\alpha,\,\infty)",
        zero_centred=True,
        monotonic=True,
        saturates="negative",
        cost=2,
    ),
    ActivationSpec(
        "gelu",
        _gelu,
        _d_gelu,
        latex_f=r"x\,\Phi(x)",
        latex_df=r"\Phi(x) + x\,\varphi(x)",
        output_range=r"[\approx -0.17,\,\infty)",
        zero_centred=False,
        monotonic=False,
        saturates="negative",
        cost=3,
        parameters={"approximate": Param("none", options=("none", "tanh"))},
    ),
    ActivationSpec(
        "silu",
        _silu,
        _d_silu,
        latex_f=r"x\,\sigma(x)",
        latex_df=r"\sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)",
        output_range=r"[\approx -0.28,\,\infty)",
        zero_centred=False,
        monotonic=False,
        saturates="negative",
        cost=2,
    ),
    ActivationSpec(
        "softplus",
        _softplus,
        _d_softplus,
        latex_f=r"\frac{1}{\beta}\log\bigl(1 + e^{\beta x}\bigr)",
        latex_df=r"\frac{1}{1 + e^{-\beta x}}",
        output_range=r"(0,\,\infty)",
        zero_centred=False,
        monotonic=True,
        saturates="negative",
        cost=2,
        parameters={
            "beta": Param(1.0, lo=0.0, lo_open=True, span=(0.25, 5.0)),
            "threshold": Param(20.0, lo=0.0, lo_open=True),
        },
    ),
    ActivationSpec(
        "linear",
        _linear,
        _d_linear,
        latex_f=r"x",
        latex_df=r"1",
        output_range=r"(-\infty,\,\infty)",
        zero_centred=True,
        monotonic=True,
        saturates="none",
        cost=1,
    ),
)

REGISTRY: Mapping[str, ActivationSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
assert tuple(REGISTRY) == NAMES


# --- public API ------------------------------------------------------------------------------


def _evaluate(
    fn: Callable[..., FloatArray], x: npt.ArrayLike, params: Mapping[str, ParamValue]
) -> FloatArray:
    """fn(x, **params) on float64, NaN in → NaN out, same shape as x."""
    arr = np.asarray(x, dtype=np.float64)
    # Underflow to a subnormal or 0 is the correct answer (e.g. σ(−1e3)); overflow never happens.
    with np.errstate(under="ignore"):
        out = np.asarray(fn(arr, **params), dtype=np.float64)
    out = np.broadcast_to(out, arr.shape)
    return np.where(np.isnan(arr), np.nan, out)


@dataclass(frozen=True)
class Activation:
    """An activation with its parameters bound: forward(x) and derivative(x), elementwise."""

    spec: ActivationSpec
    param_items: tuple[tuple[str, ParamValue], ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def params(self) -> dict[str, ParamValue]:
        return dict(self.param_items)

    def forward(self, x: npt.ArrayLike) -> FloatArray:
        """f(x), elementwise; float64 array of x's shape."""
        return _evaluate(self.spec.forward, x, self.params)

    def derivative(self, x: npt.ArrayLike) -> FloatArray:
        """f'(x) as autograd computes it (kinks included), elementwise."""
        return _evaluate(self.spec.derivative, x, self.params)

    @property
    def latex_f(self) -> str:
        return self.spec.latex_f

    @property
    def latex_df(self) -> str:
        return self.spec.latex_df

    @property
    def output_range(self) -> str:
        return self.spec.output_range

    @property
    def zero_centred(self) -> bool:
        return self.spec.zero_centred

    @property
    def monotonic(self) -> bool:
        return self.spec.monotonic

    @property
    def saturates(self) -> Saturation:
        return self.spec.saturates

    @property
    def cost(self) -> int:
        return self.spec.cost

    def __repr__(self) -> str:
        return f"Activation(name={self.name!r}, params={self.params!r})"


def get(name: str, **params: ParamValue) -> Activation:
    """The activation `name` with torch.nn.functional's parameters (defaults filled in)."""
    spec = REGISTRY[validate.choice("activation", name, NAMES)]
    unknown = sorted(set(params) - set(spec.parameters))
    if unknown:
        valid = ", ".join(spec.parameters) if spec.parameters else None
        hint = f"valid parameters: {valid}" if valid else f"{name} takes no parameters"
        raise ValueError(f"unknown parameter {unknown[0]!r} for {name}; {hint}")
    values = {
        key: param.validated(f"{name} {key}", params.get(key, param.default))
        for key, param in spec.parameters.items()
    }
    return Activation(spec, tuple(values.items()))


def max_derivative(act: Activation) -> float:
    """sup |f'(x)|: max over a 1e-3 grid on [−30, 30], refined at the argmax, and x = ±1e3."""
    grid = np.linspace(-30.0, 30.0, 60_001)  # contains 0, where SELU/ELU attain α·λ / α
    d = np.abs(act.derivative(grid))
    i = int(np.argmax(d))
    fine = np.linspace(grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)], 2_001)
    # Far points give the asymptotes, e.g. softplus' supremum 1 that no finite x attains.
    far = np.abs(act.derivative(np.array([-1e3, 1e3])))
    return float(max(d[i], np.abs(act.derivative(fine)).max(), far.max()))


def saturated_intervals(
    x: npt.ArrayLike, dfx: npt.ArrayLike, threshold: float
) -> list[tuple[float, float]]:
    """Maximal runs of the sorted grid x where |f'(x)| < threshold, as (first x, last x)."""
    x = np.asarray(x, dtype=np.float64)
    dfx = np.asarray(dfx, dtype=np.float64)
    if x.ndim != 1 or x.shape != dfx.shape:
        raise ValueError(f"x and dfx must be 1-D of equal length, got {x.shape} and {dfx.shape}")
    mask = np.abs(dfx) < threshold
    flips = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts = np.flatnonzero(flips == 1)
    ends = np.flatnonzero(flips == -1) - 1
    return [(float(x[s]), float(x[e])) for s, e in zip(starts, ends, strict=True)]


def tanh_from_sigmoid(x: npt.ArrayLike) -> FloatArray:
    """2σ(2x) − 1: sigmoid squeezed 2× along x, stretched 2× along y and shifted down by 1,
    which is tanh(x) exactly (tanh x = (1 − e^{−2x})/(1 + e^{−2x}) = 2/(1 + e^{−2x}) − 1)."""
    arr = np.asarray(x, dtype=np.float64)
    return 2.0 * _sigmoid(2.0 * arr) - 1.0


def misremembered_tanh(x: npt.ArrayLike) -> FloatArray:
    """2σ(x) − 1, the common slip for tanh: it is tanh(x/2), half as steep (slope ½ at 0)."""
    arr = np.asarray(x, dtype=np.float64)
    return 2.0 * _sigmoid(arr) - 1.0


# --- what the page draws ---------------------------------------------------------------------


@dataclass(frozen=True)
class Curves:
    """f and f' of one activation on an even grid of [−xmax, xmax], and where |f'| < threshold."""

    x: FloatArray
    f: FloatArray
    df: FloatArray
    saturated: tuple[tuple[float, float], ...]


def curves(act: Activation, xmax: float, threshold: float, points: int = 801) -> Curves:
    """f(x), f'(x) at `points` equispaced x from −xmax to xmax, and saturated_intervals there."""
    xmax = validate.real("xmax", xmax, lo=0.0, lo_open=True)
    threshold = validate.real("threshold", threshold, lo=0.0)
    x = np.linspace(-xmax, xmax, validate.integer("points", points, lo=2))
    df = act.derivative(x)
    return Curves(x, act.forward(x), df, tuple(saturated_intervals(x, df, threshold)))


@dataclass(frozen=True)
class TanhIdentity:
    """tanh recovered from sigmoid, 2σ(2x) − 1, and the common slip 2σ(x) − 1, on a grid x."""

    x: FloatArray
    tanh_from_sigmoid: FloatArray
    misremembered: FloatArray


def tanh_identity(xmax: float, points: int = 801) -> TanhIdentity:
    """tanh_from_sigmoid and misremembered_tanh on the grid `curves` uses for this xmax."""
    xmax = validate.real("xmax", xmax, lo=0.0, lo_open=True)
    x = np.linspace(-xmax, xmax, validate.integer("points", points, lo=2))
    return TanhIdentity(x, tanh_from_sigmoid(x), misremembered_tanh(x))
