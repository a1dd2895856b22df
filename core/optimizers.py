"""torch.optim's update rules in NumPy, run on a gradient callable and traced step by step.

Every entry of ``REGISTRY`` is one step function beside torch's defaults, its validity checks
and its update equations in LaTeX. The step functions follow torch.optim's single-tensor code
line by line: the same order of operations, the same bias corrections, eps in the same place,
the same state names (``momentum_buffer``, ``sum``, ``square_avg``, ``exp_avg`` …).
``trace(name, gradient, start, steps, **hparams)`` runs one and records the path, the gradients
and every state buffer; ``run`` returns only the path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core import validate

FloatArray = npt.NDArray[np.float64]
HParam = float | bool | tuple[float, float]
Gradient = Callable[[FloatArray], FloatArray]
State = dict[str, Any]  # (d,) arrays named as in torch's optimizer.state, plus scalars

NAMES: tuple[str, ...] = (
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "adamax",
    "nadam",
)

DEFAULT_BOUND = 1e6  # a run stops once an iterate leaves the ball |p| ≤ bound
_CHECK_EVERY = 16


def _lerp(a: FloatArray, b: FloatArray, w: float) -> None:
    """a ← a + w·(b − a) in place, rounded as torch.lerp (from b's side when |w| ≥ ½)."""
    if abs(w) < 0.5:
        a += w * (b - a)
    else:
        a[:] = b - (b - a) * (1.0 - w)


# --- the optimizers: one step each, in torch.optim's order ------------------------------------
# step(p, g, s, h, t): p is updated in place, g is ∇f(p) (never modified), s the state,
# h the hyperparameters, t = 1, 2, … the step number (torch's state["step"] after its += 1).


def _sgd_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """SGD: g += λp; b = g at t = 1, else μb + (1 − τ)g; p −= lr·(g + μb if nesterov else b)."""
    if h["maximize"]:
        g = -g
    if h["weight_decay"] != 0:
        g = g + h["weight_decay"] * p  # coupled L2: decay enters the gradient and the momentum
    mu = h["momentum"]
    if mu != 0:
        buf = s["momentum_buffer"]
        if t == 1:
            buf[:] = g  # torch: buf = clone(grad) on the first step, without dampening
        else:
            buf *= mu
            buf += (1.0 - h["dampening"]) * g
        g = g + mu * buf if h["nesterov"] else buf
    p -= h["lr"] * g


def _adagrad_init(s: State, h: Mapping[str, Any]) -> None:
    s["sum"].fill(h["initial_accumulator_value"])


def _adagrad_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """Adagrad: g += λp; s += g²; p −= lr/(1 + (t − 1)·lr_decay) · g/(√s + eps)."""
    if h["maximize"]:
        g = -g
    if h["weight_decay"] != 0:
        g = g + h["weight_decay"] * p
    clr = h["lr"] / (1.0 + (t - 1) * h["lr_decay"])
    acc = s["sum"]
    acc += g * g
    p -= clr * g / (np.sqrt(acc) + h["eps"])


def _rmsprop_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """RMSprop: g += λp; v = αv + (1 − α)g² (centered: − ḡ²); b = μb + g/(√v + eps); p −= lr·b."""
    if h["maximize"]:
        g = -g
    if h["weight_decay"] != 0:
        g = g + h["weight_decay"] * p
    alpha = h["alpha"]
    sq = s["square_avg"]
    sq *= alpha
    sq += (1.0 - alpha) * g * g
    if h["centered"]:
        ga = s["grad_avg"]
        _lerp(ga, g, 1.0 - alpha)
        avg = np.sqrt(sq - ga * ga) + h["eps"]  # a running variance instead of a raw 2nd moment
    else:
        avg = np.sqrt(sq) + h["eps"]
    if h["momentum"] > 0:
        buf = s["momentum_buffer"]  # starts at 0, unlike SGD's
        buf *= h["momentum"]
        buf += g / avg
        p -= h["lr"] * buf
    else:
        p -= h["lr"] * g / avg


def _adadelta_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """Adadelta: v = ρv + (1 − ρ)g²; Δ = √(u + eps)/√(v + eps)·g; u = ρu + (1 − ρ)Δ²; p −= lr·Δ."""
    if h["maximize"]:
        g = -g
    if h["weight_decay"] != 0:
        g = g + h["weight_decay"] * p
    rho, eps = h["rho"], h["eps"]
    sq, acc = s["square_avg"], s["acc_delta"]
    sq *= rho
    sq += (1.0 - rho) * g * g
    delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g  # eps inside both square roots
    acc *= rho
    acc += (1.0 - rho) * delta * delta
    p -= h["lr"] * delta


def _adam_like_step(
    p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int, decoupled: bool
) -> None:
    """Adam's step (torch.optim.adam._single_tensor_adam), decay coupled or decoupled."""
    if h["maximize"]:
        g = -g
    lr, wd = h["lr"], h["weight_decay"]
    if wd != 0:
        if decoupled:
            p *= 1.0 - lr * wd  # AdamW: shrink the weights, leave the gradient alone
        else:
            g = g + wd * p
    beta1, beta2 = h["betas"]
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp(m, g, 1.0 - beta1)
    v *= beta2
    v += (1.0 - beta2) * g * g
    step_size = lr / (1.0 - beta1**t)
    bias_correction2_sqrt = math.sqrt(1.0 - beta2**t)
    if h["amsgrad"]:
        v_max = s["max_exp_avg_sq"]
        np.maximum(v_max, v, out=v_max)  # the max of the raw v, bias-corrected afterwards
        v = v_max
    # eps is added after the square root and the bias correction: sqrt(v̂) + eps.
    denom = np.sqrt(v) / bias_correction2_sqrt + h["eps"]
    p -= step_size * m / denom


def _adam_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """Adam: g += λp; m, v moving averages; p −= lr/(1 − β₁ᵗ) · m/(√v/√(1 − β₂ᵗ) + eps)."""
    _adam_like_step(p, g, s, h, t, decoupled=False)


def _adamw_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """AdamW: p *= 1 − lr·λ, then Adam's step without decay in the gradient."""
    _adam_like_step(p, g, s, h, t, decoupled=True)


def _adamax_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """Adamax: m = lerp(m, g, 1 − β₁); u = max(β₂u, |g| + eps); p −= lr/(1 − β₁ᵗ) · m/u."""
    if h["maximize"]:
        g = -g
    if h["weight_decay"] != 0:
        g = g + h["weight_decay"] * p
    beta1, beta2 = h["betas"]
    m, u = s["exp_avg"], s["exp_inf"]
    _lerp(m, g, 1.0 - beta1)
    u *= beta2
    np.maximum(u, np.abs(g) + h["eps"], out=u)  # eps inside the max: u > 0 from the first step
    clr = h["lr"] / (1.0 - beta1**t)
    p -= clr * m / u


def _nadam_init(s: State, h: Mapping[str, Any]) -> None:
    s["mu_product"] = 1.0


def _nadam_step(p: FloatArray, g: FloatArray, s: State, h: Mapping[str, Any], t: int) -> None:
    """NAdam: Adam's moments with Nesterov's look-ahead through the μ_t schedule."""
    if h["maximize"]:
        g = -g
    lr, wd = h["lr"], h["weight_decay"]
    beta1, beta2 = h["betas"]
    bias_correction2 = 1.0 - beta2**t
    if wd != 0:
        if h["decoupled_weight_decay"]:
            p *= 1.0 - lr * wd
        else:
            g = g + wd * p
    # The momentum schedule μ_t = β₁(1 − ½·0.96^{tψ}) of Dozat's NAdam. torch keeps the product
    # in the default scalar dtype (float32 unless the default dtype is float64); here float64.
    psi = h["momentum_decay"]
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    s["mu_product"] *= mu
    mu_product = s["mu_product"]
    m, v = s["exp_avg"], s["exp_avg_sq"]
    _lerp(m, g, 1.0 - beta1)
    v *= beta2
    v += (1.0 - beta2) * g * g
    denom = np.sqrt(v / bias_correction2) + h["eps"]  # unlike Adam, v is corrected first
    p += (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
    p += (-lr * mu_next / (1.0 - mu_product * mu_next)) * m / denom


# --- diagnostics derived after the run (vectorised over the steps) ----------------------------


def _adam_hats(
    state: Mapping[str, FloatArray], h: Mapping[str, Any], t: FloatArray
) -> dict[str, FloatArray]:
    """m̂_t = m_t/(1 − β₁ᵗ) and v̂_t = v_t/(1 − β₂ᵗ) (v = max_exp_avg_sq under AMSGrad)."""
    beta1, beta2 = h["betas"]
    v = state["max_exp_avg_sq"] if h["amsgrad"] else state["exp_avg_sq"]
    return {
        "m_hat": state["exp_avg"] / (1.0 - beta1**t)[:, None],
        "v_hat": v / (1.0 - beta2**t)[:, None],
    }


def _nadam_hats(
    state: Mapping[str, FloatArray], h: Mapping[str, Any], t: FloatArray
) -> dict[str, FloatArray]:
    """v̂_t = v_t/(1 − β₂ᵗ), the quantity under NAdam's square root."""
    return {"v_hat": state["exp_avg_sq"] / (1.0 - h["betas"][1] ** t)[:, None]}


# --- hyperparameter checks (torch.optim's messages, with the valid range appended) ------------


def _at_least_zero(h: Mapping[str, Any], key: str, label: str) -> None:
    if not h[key] >= 0.0:
        raise ValueError(f"Invalid {label}: {h[key]} ({key} must be >= 0)")


def _check_lr_eps_wd(h: Mapping[str, Any]) -> None:
    _at_least_zero(h, "lr", "learning rate")
    if "eps" in h:
        _at_least_zero(h, "eps", "epsilon value")
    _at_least_zero(h, "weight_decay", "weight_decay value")


def _check_betas(h: Mapping[str, Any]) -> None:
    for i, beta in enumerate(h["betas"]):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta} (need 0 <= beta < 1)")


def _check_sgd(h: Mapping[str, Any]) -> None:
    _check_lr_eps_wd(h)
    _at_least_zero(h, "momentum", "momentum value")
    if h["nesterov"] and (h["momentum"] <= 0 or h["dampening"] != 0):
        raise ValueError(
            "Nesterov momentum requires a momentum and zero dampening "
            f"(got momentum={h['momentum']}, dampening={h['dampening']})"
        )


def _check_adagrad(h: Mapping[str, Any]) -> None:
    _check_lr_eps_wd(h)
    _at_least_zero(h, "lr_decay", "lr_decay value")
    _at_least_zero(h, "initial_accumulator_value", "initial_accumulator_value value")


def _check_rmsprop(h: Mapping[str, Any]) -> None:
    _check_lr_eps_wd(h)
    _at_least_zero(h, "momentum", "momentum value")
    _at_least_zero(h, "alpha", "alpha value")


def _check_adadelta(h: Mapping[str, Any]) -> None:
    _check_lr_eps_wd(h)
    if not 0.0 <= h["rho"] <= 1.0:
        raise ValueError(f"Invalid rho value: {h['rho']} (need 0 <= rho <= 1)")


def _check_adam(h: Mapping[str, Any]) -> None:
    _check_lr_eps_wd(h)
    _check_betas(h)


def _check_nadam(h: Mapping[str, Any]) -> None:
    _check_adam(h)
    _at_least_zero(h, "momentum_decay", "momentum_decay value")


# --- registry ---------------------------------------------------------------------------------

Step = Callable[[FloatArray, FloatArray, State, Mapping[str, Any], int], None]
Derived = Callable[[Mapping[str, FloatArray], Mapping[str, Any], FloatArray], dict[str, FloatArray]]


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer: its step function, torch's defaults and checks, state names, equations."""

    name: str
    torch_class: str  # the torch.optim class these defaults and rules come from
    step: Step
    # A plain dict (treat as read-only) so specs pickle and hash for caching.
    defaults: dict[str, HParam] = field(hash=False)
    check: Callable[[Mapping[str, Any]], None]
    # The (d,) state buffers that exist for given hyperparameters, in torch's names.
    buffers: Callable[[Mapping[str, Any]], tuple[str, ...]]
    latex: str
    init: Callable[[State, Mapping[str, Any]], None] | None = None
    derived: Derived | None = None


def _sgd_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return ("momentum_buffer",) if h["momentum"] != 0 else ()


def _rmsprop_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        "square_avg",
        *(("momentum_buffer",) if h["momentum"] > 0 else ()),
        *(("grad_avg",) if h["centered"] else ()),
    )


def _adam_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return ("exp_avg", "exp_avg_sq", *(("max_exp_avg_sq",) if h["amsgrad"] else ()))


def _adagrad_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return ("sum",)


def _adadelta_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return ("square_avg", "acc_delta")


def _adamax_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return ("exp_avg", "exp_inf")


def _nadam_buffers(h: Mapping[str, Any]) -> tuple[str, ...]:
    return ("exp_avg", "exp_avg_sq")


_SGD_DEFAULTS: dict[str, HParam] = {
    "lr": 1e-3,
    "momentum": 0.0,
    "dampening": 0.0,
    "weight_decay": 0.0,
    "nesterov": False,
    "maximize": False,
}
_ADAM_DEFAULTS: dict[str, HParam] = {
    "lr": 1e-3,
    "betas": (0.9, 0.999),
    "eps": 1e-8,
    "weight_decay": 0.0,
    "amsgrad": False,
    "maximize": False,
}

_G = r"g_t &= \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1} \\"
_G_NO_DECAY = r"g_t &= \nabla f(\theta_{t-1}) \\"
_MOMENTUM_BUFFER = (
    r"b_t &= \begin{cases} g_t & t = 1 \\ \mu\,b_{t-1} + (1 - \tau)\,g_t & t > 1 \end{cases} \\"
)
_ADAM_MOMENTS = (
    r"m_t &= \beta_1\,m_{t-1} + (1 - \beta_1)\,g_t \\"
    "\n"
    r"v_t &= \beta_2\,v_{t-1} + (1 - \beta_2)\,g_t^2 \\"
)
_ADAM_UPDATE = (
    r"\hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad"
    r" \hat v_t = \frac{v_t}{1 - \beta_2^t}"
    r" \quad \bigl(\text{AMSGrad: } \max_{s \le t} v_s \text{ in place of } v_t\bigr) \\"
    "\n"
    r"\theta_t &= \theta_{t-1} - \gamma\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}"
)


def _aligned(*lines: str) -> str:
    return "\\begin{aligned}\n" + "\n".join(lines) + "\n\\end{aligned}"


_SPECS = (
    OptimizerSpec(
        "sgd",
        "SGD",
        _sgd_step,
        defaults=dict(_SGD_DEFAULTS),
        check=_check_sgd,
        buffers=_sgd_buffers,
        latex=_aligned(_G, r"\theta_t &= \theta_{t-1} - \gamma\,g_t"),
    ),
    OptimizerSpec(
        "momentum",
        "SGD",
        _sgd_step,
        defaults={**_SGD_DEFAULTS, "momentum": 0.9},
        check=_check_sgd,
        buffers=_sgd_buffers,
        latex=_aligned(_G, _MOMENTUM_BUFFER, r"\theta_t &= \theta_{t-1} - \gamma\,b_t"),
    ),
    OptimizerSpec(
        "nesterov",
        "SGD",
        _sgd_step,
        defaults={**_SGD_DEFAULTS, "momentum": 0.9, "nesterov": True},
        check=_check_sgd,
        buffers=_sgd_buffers,
        latex=_aligned(
            _G, _MOMENTUM_BUFFER, r"\theta_t &= \theta_{t-1} - \gamma\,(g_t + \mu\,b_t)"
        ),
    ),
    OptimizerSpec(
        "adagrad",
        "Adagrad",
        _adagrad_step,
        defaults={
            "lr": 1e-2,
            "lr_decay": 0.0,
            "weight_decay": 0.0,
            "initial_accumulator_value": 0.0,
            "eps": 1e-10,
            "maximize": False,
        },
        check=_check_adagrad,
        buffers=_adagrad_buffers,
        init=_adagrad_init,
        latex=_aligned(
            _G,
            r"\tilde\gamma_t &= \frac{\gamma}{1 + (t - 1)\,\eta} \\",
            r"s_t &= s_{t-1} + g_t^2 \qquad (s_0 = \text{initial\_accumulator\_value}) \\",
            r"\theta_t &= \theta_{t-1} - \tilde\gamma_t\,\frac{g_t}{\sqrt{s_t} + \epsilon}",
        ),
    ),
    OptimizerSpec(
        "rmsprop",
        "RMSprop",
        _rmsprop_step,
        defaults={
            "lr": 1e-2,
            "alpha": 0.99,
            "eps": 1e-8,
            "weight_decay": 0.0,
            "momentum": 0.0,
            "centered": False,
            "maximize": False,
        },
        check=_check_rmsprop,
        buffers=_rmsprop_buffers,
        latex=_aligned(
            _G,
            r"v_t &= \alpha\,v_{t-1} + (1 - \alpha)\,g_t^2 \\",
            r"\bar g_t &= \alpha\,\bar g_{t-1} + (1 - \alpha)\,g_t, \qquad"
            r" \tilde v_t = v_t - \bar g_t^{\,2}"
            r" \quad (\text{centered; otherwise } \tilde v_t = v_t) \\",
            r"b_t &= \mu\,b_{t-1} + \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}"
            r" \qquad (b_0 = 0) \\",
            r"\theta_t &= \theta_{t-1} - \gamma\,b_t",
        ),
    ),
    OptimizerSpec(
        "adadelta",
        "Adadelta",
        _adadelta_step,
        defaults={
            "lr": 1.0,
            "rho": 0.9,
            "eps": 1e-6,
            "weight_decay": 0.0,
            "maximize": False,
        },
        check=_check_adadelta,
        buffers=_adadelta_buffers,
        latex=_aligned(
            _G,
            r"v_t &= \rho\,v_{t-1} + (1 - \rho)\,g_t^2 \\",
            r"\Delta x_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\,g_t \\",
            r"u_t &= \rho\,u_{t-1} + (1 - \rho)\,\Delta x_t^2 \\",
            r"\theta_t &= \theta_{t-1} - \gamma\,\Delta x_t",
        ),
    ),
    OptimizerSpec(
        "adam",
        "Adam",
        _adam_step,
        defaults=dict(_ADAM_DEFAULTS),
        check=_check_adam,
        buffers=_adam_buffers,
        derived=_adam_hats,
        latex=_aligned(_G, _ADAM_MOMENTS, _ADAM_UPDATE),
    ),
    OptimizerSpec(
        "adamw",
        "AdamW",
        _adamw_step,
        defaults={**_ADAM_DEFAULTS, "weight_decay": 1e-2},
        check=_check_adam,
        buffers=_adam_buffers,
        derived=_adam_hats,
        latex=_aligned(
            _G_NO_DECAY,
            r"\theta_{t-1} &\leftarrow \theta_{t-1}\,(1 - \gamma\lambda) \\",
            _ADAM_MOMENTS,
            _ADAM_UPDATE,
        ),
    ),
    OptimizerSpec(
        "adamax",
        "Adamax",
        _adamax_step,
        defaults={
            "lr": 2e-3,
            "betas": (0.9, 0.999),
            "eps": 1e-8,
            "weight_decay": 0.0,
            "maximize": False,
        },
        check=_check_adam,
        buffers=_adamax_buffers,
        latex=_aligned(
            _G,
            r"m_t &= \beta_1\,m_{t-1} + (1 - \beta_1)\,g_t \\",
            r"u_t &= \max\bigl(\beta_2\,u_{t-1},\ |g_t| + \epsilon\bigr) \\",
            r"\theta_t &= \theta_{t-1} - \frac{\gamma}{1 - \beta_1^t}\,\frac{m_t}{u_t}",
        ),
    ),
    OptimizerSpec(
        "nadam",
        "NAdam",
        _nadam_step,
        defaults={
            "lr": 2e-3,
            "betas": (0.9, 0.999),
            "eps": 1e-8,
            "weight_decay": 0.0,
            "momentum_decay": 4e-3,
            "decoupled_weight_decay": False,
            "maximize": False,
        },
        check=_check_nadam,
        buffers=_nadam_buffers,
        init=_nadam_init,
        derived=_nadam_hats,
        latex=_aligned(
            _G,
            r"\mu_t &= \beta_1\bigl(1 - \tfrac12\,0.96^{\,t\psi}\bigr) \\",
            _ADAM_MOMENTS,
            r"\hat v_t &= \frac{v_t}{1 - \beta_2^t} \\",
            r"\theta_t &= \theta_{t-1}"
            r" - \gamma\,\frac{1 - \mu_t}{1 - \prod_{i=1}^{t}\mu_i}\,"
            r"\frac{g_t}{\sqrt{\hat v_t} + \epsilon}"
            r" - \gamma\,\frac{\mu_{t+1}}{1 - \prod_{i=1}^{t+1}\mu_i}\,"
            r"\frac{m_t}{\sqrt{\hat v_t} + \epsilon}",
        ),
    ),
)

REGISTRY: Mapping[str, OptimizerSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
assert tuple(REGISTRY) == NAMES

# Copies: editing these does not change what run() uses.
DEFAULTS: Mapping[str, dict[str, HParam]] = MappingProxyType(
    {name: dict(spec.defaults) for name, spec in REGISTRY.items()}
)
LATEX: Mapping[str, str] = MappingProxyType({name: spec.latex for name, spec in REGISTRY.items()})


# --- validation -------------------------------------------------------------------------------


def _hparam(name: str, key: str, value: object, default: HParam) -> HParam:
    """value coerced to the type of default (bool, float or a pair of floats), or ValueError."""
    what = f"{name} {key}"
    if isinstance(default, bool):
        return validate.flag(what, value)
    if isinstance(default, tuple):
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
            raise ValueError(f"{what} must be a pair of real numbers, got {value!r}")
        if len(value) != len(default):
            raise ValueError(f"{what} must be a pair of real numbers, got {value!r}")
        return tuple(validate.real(what, v) for v in value)  # type: ignore[return-value]
    return validate.real(what, value)


def hparams(name: str, **overrides: object) -> dict[str, HParam]:
    """torch's defaults for `name` with overrides applied, each validated as torch does."""
    spec = REGISTRY[validate.choice("optimizer", name, NAMES)]
    unknown = sorted(set(overrides) - set(spec.defaults))
    if unknown:
        raise ValueError(
            f"unknown hyperparameter {unknown[0]!r} for {name}; "
            f"valid hyperparameters: {', '.join(spec.defaults)}"
        )
    h = {
        key: _hparam(name, key, overrides.get(key, default), default)
        for key, default in spec.defaults.items()
    }
    spec.check(h)
    return h


def _start_point(start: npt.ArrayLike) -> FloatArray:
    try:
        p0 = np.array(start, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"start must be a 1-D array of real numbers, got {start!r}") from exc
    if np.ndim(start) != 1 or p0.size == 0:
        raise ValueError(f"start must be a non-empty 1-D array, got shape {np.shape(start)}")
    if not np.all(np.isfinite(p0)):
        raise ValueError(f"start must be finite, got {start!r}")
    return p0


# --- public API -------------------------------------------------------------------------------

Reason = Literal["nan", "overflow"]


@dataclass(frozen=True, eq=False)
class Trace:
    """A run: points (k+1, d) from the start, and per step t = 1..k the gradient, the step taken
    and every state buffer after the step, each (k, d).

    If step t produced a NaN or an iterate with |p| > bound, the run stopped there:
    ``diverged_at = t = len(points)`` and ``reason`` says which ("nan" or "overflow").
    """

    name: str
    hparams: dict[str, HParam]
    points: FloatArray
    grads: FloatArray  # ∇f(p_{t−1}) as the gradient callable returned it (before decay/maximize)
    updates: FloatArray  # p_t − p_{t−1}
    state: dict[str, FloatArray]
    diverged_at: int | None = None
    reason: Reason | None = None

    @property
    def steps(self) -> int:
        """k, the number of completed steps."""
        return int(self.grads.shape[0])


def trace(
    name: str,
    gradient: Gradient,
    start: npt.ArrayLike,
    steps: int,
    *,
    bound: float = DEFAULT_BOUND,
    **hparams_: object,
) -> Trace:
    """Run optimizer `name` (torch.optim's rule) for `steps` steps from `start`, recording all.

    gradient(p) gets the live iterate, shape (d,), and must return ∇f(p) of the same shape
    without keeping or modifying p. Hyperparameters are torch's, by torch's names.
    """
    h = hparams(name, **hparams_)  # validates the name too
    spec = REGISTRY[name]
    if not callable(gradient):
        raise ValueError("gradient must be a callable p -> ∇f(p)")
    p = _start_point(start)
    steps = validate.integer("steps", steps, lo=0)
    bound = validate.real("bound", bound, lo=0.0, lo_open=True)
    if not p @ p <= bound * bound:
        raise ValueError(f"start must lie within |p| <= bound = {bound:g}")

    d = p.size
    names = spec.buffers(h)
    # One block holds the live p, g and state buffers as rows (views), so a single row copy
    # records a whole step: record[t] = (p_t, g_t, buffers after step t).
    record = np.full((steps + 1, 2 + len(names), d), np.nan)
    live = record[0].copy()
    live[0] = p
    p, g = live[0], live[1]
    s: State = {key: live[2 + i] for i, key in enumerate(names)}
    live[2:] = 0.0
    if spec.init is not None:
        spec.init(s, h)
    record[0] = live
    step, bound2, n = spec.step, bound * bound, steps
    # Overflow and NaN are expected outcomes here (a too-large lr), detected and reported below.
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g_raw = gradient(p)
            if t == 1 and np.shape(g_raw) != (d,):
                raise ValueError(f"gradient must return shape ({d},), got {np.shape(g_raw)}")
            g[:] = g_raw  # a copy, so a gradient that returns p itself is safe
            step(p, g, s, h, t)
            record[t] = live
            # Checking every step would cost as much as a step of SGD: check every
            # _CHECK_EVERY steps to stop early, and find the exact first bad iterate below.
            if t % _CHECK_EVERY == 0 and not p @ p <= bound2:  # False for NaN too
                n = t
                break
        points = record[: n + 1, 0]
        norms2 = np.einsum("ij,ij->i", points, points)
    bad = np.flatnonzero(~(norms2 <= bound2))
    k = n if bad.size == 0 else int(bad[0]) - 1
    diverged_at: int | None = None if bad.size == 0 else k + 1
    reason: Reason | None = None
    if diverged_at is not None:
        reason = "nan" if np.isnan(points[diverged_at]).any() else "overflow"
    points = points[: k + 1]
    state = {key: record[1 : k + 1, 2 + i] for i, key in enumerate(names)}
    if spec.derived is not None:
        state.update(spec.derived(state, h, np.arange(1.0, k + 1.0)))
    return Trace(
        name=name,
        hparams=h,
        points=points,
        grads=record[1 : k + 1, 1],
        updates=np.diff(points, axis=0),
        state=state,
        diverged_at=diverged_at,
        reason=reason,
    )


def run(
    name: str,
    gradient: Gradient,
    start: npt.ArrayLike,
    steps: int,
    *,
    bound: float = DEFAULT_BOUND,
    **hparams_: object,
) -> FloatArray:
    """The visited points (k+1, d), start included; k < steps only if the run diverged."""
    return trace(name, gradient, start, steps, bound=bound, **hparams_).points
