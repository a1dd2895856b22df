"""Sections 1 and 4 of the recurrent page: vanishing and exploding through time, gradient
clipping; parameter counts in PyTorch's layout.

Every number a sentence states comes from core.recurrent here; the figures draw the same data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core import recurrent
from ui.formatting import format_factor
from ui.state import Control

NONLINEARITIES = tuple(recurrent.TOY_NONLINEARITIES)
KINDS = ("rnn", "lstm", "gru")
LR = 0.1  # section 1's one SGD step: the learning rate the sentences name

# --- 1. Vanishing and exploding through time ---------------------------------------------------


def _van(key: str, kind: str, default: Any, **more: Any) -> Control:
    return Control(key, kind, default, f"rnn.van.ctl.{key}", **more)


VAN_KEYS = ("vnl", "vsig", "vin", "vt", "vh", "vmat", "vseed")
VAN_CONTROLS = (
    _van("vnl", "choice", "tanh", options=NONLINEARITIES, option_label="rnn.van.nl.{}",
         widget="radio", help="rnn.van.ctl.vnl_help"),
    _van("vsig", "number", 0.8, lo=0.05, hi=5.0, step=0.05, help="rnn.van.ctl.vsig_help"),
    _van("vin", "number", 0.5, lo=0.0, hi=5.0, step=0.05, help="rnn.van.ctl.vin_help"),
    _van("vt", "integer", 60, lo=5, hi=200),
    _van("vh", "integer", 32, lo=2, hi=64),
    _van("vmat", "choice", "orthogonal", options=recurrent.MATRICES,
         option_label="rnn.van.mat.{}", help="rnn.van.ctl.vmat_help"),
    _van("vseed", "integer", 0, lo=0, hi=99),
    _van("vclip", "log", 1.0, lo=0.01, hi=100.0, help="rnn.van.ctl.vclip_help"),
)  # fmt: skip
VAN_PRESETS: Mapping[str, Mapping[str, Any]] = {
    # σ = 0.8 < 1/γ = 1: at most 0.8 a step, 10^−5.8 after 60 steps (the run: 10^−11.1)
    "van_vanishes": {"vnl": "tanh", "vsig": 0.8, "vin": 0.5, "vt": 60, "vmat": "orthogonal"},
    # σ = 1: the bound is flat, tanh′ < 1 off 0 still shrinks the gradient (10^−6.3 after 60)
    "van_edge": {"vnl": "tanh", "vsig": 1.0, "vin": 0.5, "vt": 60, "vmat": "orthogonal"},
    # σ = 3, small inputs: the tanh RNN is chaotic, the gradient grows ~10^7 over 60 steps
    "van_explodes": {"vnl": "tanh", "vsig": 3.0, "vin": 0.5, "vt": 60, "vmat": "orthogonal"},
    # σ = 2 but large inputs saturate the units: mean tanh′ ≈ 0.2, the gradient falls to 10^−7.5
    "van_saturated": {"vnl": "tanh", "vsig": 2.0, "vin": 3.0, "vt": 60, "vmat": "orthogonal"},
    # the exploding setting with max_norm 1: a step 10⁴ times the weights cut to lr·1
    "van_clipping": {"vnl": "tanh", "vsig": 3.0, "vin": 0.5, "vt": 60, "vmat": "orthogonal",
                     "vclip": 1.0},
}  # fmt: skip


def through_time(nl: str, sigma: float, scale: float, steps: int, hidden: int, matrix: str,
                 seed: int) -> recurrent.ThroughTime:  # fmt: skip
    """Section 1's curve for the controls' values (in VAN_KEYS order)."""
    return recurrent.through_time(nl, hidden, sigma, scale, steps, matrix, seed)


def clipped(nl: str, sigma: float, scale: float, steps: int, hidden: int, matrix: str, seed: int,
            max_norm: float) -> recurrent.ClippedUpdate:  # fmt: skip
    """Section 1's one update on L = vᵀh_T, clipped at max_norm."""
    return recurrent.clipped_update(nl, hidden, sigma, scale, steps, matrix, seed, max_norm, LR)


def through_time_charts(tt: recurrent.ThroughTime, tr: Any) -> tuple[go.Figure, go.Figure]:
    """The gradient norm against T − k beside its bound, and the mean f′ along the run."""
    from ui.figures import rnn_vanishing as figures

    return figures.fig_through_time(tt, tr), figures.fig_derivative(tt, tr)


def clipping_chart(c: recurrent.ClippedUpdate, tr: Any) -> go.Figure:
    from ui.figures import rnn_vanishing as figures

    return figures.fig_clipping(c, tr)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power(log10: float) -> str:
    """10^x in words at any size: 0.031, 420, or 2.4 × 10⁷ and 10⁻⁴¹² (past a float: the log)."""
    if not math.isfinite(log10):
        return "0"
    if -2 <= log10 < 4:
        return f"{10.0**log10:.2g}"
    exponent = math.floor(log10)
    mantissa = 10.0 ** (log10 - exponent)
    if round(mantissa, 1) >= 10.0:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.1f} × 10" + str(exponent).translate(_SUPERSCRIPT)


def _n(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}g}".replace("-", "−")


VERDICTS = ("below", "edge_flat", "edge_shrinks", "explodes", "saturated", "neither")


def verdict(tt: recurrent.ThroughTime) -> str:
    """Which lesson the curve shows: below the threshold; at it; above it, growing, saturated or
    neither (the gradient 0 steps back is within 10× of 1)."""
    factor = tt.gamma * tt.sigma
    last = float(tt.log10_norm[-1])
    if math.isclose(factor, 1.0, rel_tol=1e-9):
        return "edge_shrinks" if last < math.log10(0.5) else "edge_flat"
    if factor < 1.0:
        return "below"
    if last > 1.0:
        return "explodes"
    return "saturated" if last < -1.0 else "neither"


def through_time_words(tt: recurrent.ThroughTime) -> list[tuple[str, dict[str, Any]]]:
    """The threshold sentence, the verdict, and a dead-ReLU note where the product is exactly 0."""
    steps = len(tt.log10_norm) - 1
    factor = tt.gamma * tt.sigma
    words = {
        "nl": tt.nonlinearity,
        "gamma": _n(tt.gamma),
        "threshold": _n(tt.threshold),
        "sigma": _n(tt.sigma),
        "rho": _n(tt.rho),
        "factor": _n(factor),
        "steps": steps,
        "bound": _power(float(tt.log10_bound[-1])),
        "norm": _power(float(tt.log10_norm[-1])),
        "mean": _n(float(tt.mean_derivative.mean()), 2),
    }
    notes = [("rnn.van.say.threshold", words), (f"rnn.van.say.{verdict(tt)}", words)]
    dead = [d for d, v in enumerate(tt.log10_norm) if math.isinf(v)]
    if dead:
        notes.append(("rnn.van.say.dead", {"distance": dead[0]}))
    return notes


def clipping_words(c: recurrent.ClippedUpdate) -> list[tuple[str, dict[str, Any]]]:
    """The update without and with clip_grad_norm, and the cosine between them."""
    words = {  # the sizes the bars are labelled with, in the bars' own format (format_factor)
        "norm": format_factor(c.grad_norm),
        "lr": _n(c.lr),
        "step": format_factor(c.step),
        "ratio": format_factor(c.step / c.weight_norm),
        "weights": format_factor(c.weight_norm),
        "max_norm": _n(c.max_norm),
        "coefficient": format_factor(c.coefficient),
        "clipped": format_factor(c.clipped_step),
        "clipped_ratio": _n(100 * c.clipped_step / c.weight_norm, 2),
        "cosine": f"{c.cosine:.6f}",
    }
    return [("rnn.van.say.clip" if c.coefficient < 1.0 else "rnn.van.say.noclip", words)]


def formula_latex() -> str:
    """The product of Jacobians and its bound, on two lines (a phone is narrow)."""
    return (
        r"\begin{aligned} \frac{\partial h_T}{\partial h_k} &= \prod_{t=k+1}^{T} "
        r"\operatorname{diag}\!\big(f'(a_t)\big)\, W_{hh} \\ \Big\lVert \frac{\partial h_T}"
        r"{\partial h_k} \Big\rVert_2 &\le (\gamma\, \sigma_{max})^{T-k} \end{aligned}"
    )


# --- 4. Parameter counts -----------------------------------------------------------------------


def _par(key: str, kind: str, default: Any, **more: Any) -> Control:
    return Control(key, kind, default, f"rnn.par.ctl.{key}", **more)


PAR_KEYS = ("pckind", "pcin", "pchid", "pclay", "pcbias", "pcbi")
PAR_CONTROLS = (
    _par("pckind", "choice", "lstm", options=KINDS, option_label="rnn.par.kind.{}",
         widget="radio"),
    _par("pcin", "integer", 10, lo=1, hi=1024),
    _par("pchid", "integer", 20, lo=1, hi=1024),
    _par("pclay", "integer", 1, lo=1, hi=8),
    _par("pcbias", "flag", True),
    _par("pcbi", "flag", False),
)  # fmt: skip
PAR_PRESETS: Mapping[str, Mapping[str, Any]] = {
    # the examples: nn.LSTM(10, 20) has 2,560 parameters, nn.GRU(10, 20) 1,920
    "par_lstm": {"pckind": "lstm", "pcin": 10, "pchid": 20, "pclay": 1, "pcbias": True,
                 "pcbi": False},
    "par_gru": {"pckind": "gru", "pcin": 10, "pchid": 20, "pclay": 1, "pcbias": True,
                "pcbi": False},
    # a 2-layer bidirectional LSTM: layer 1 reads both directions, 2H inputs
    "par_deep": {"pckind": "lstm", "pcin": 10, "pchid": 20, "pclay": 2, "pcbias": True,
                 "pcbi": True},
}  # fmt: skip


def counts(kind: str, i: int, h: int, layers: int, bias: bool, bi: bool) -> dict[str, Any]:
    """parameter_counts for every kind at these sizes (the chosen one first in the table)."""
    return {k: recurrent.parameter_counts(k, i, h, layers, bias, bi) for k in KINDS}


def count_rows(kind: str, i: int, h: int, layers: int, bias: bool, bi: bool, tr: Any) -> list:
    """The chosen kind's named_parameters as table rows: name, shape, count."""
    c = recurrent.parameter_counts(kind, i, h, layers, bias, bi)
    rows = [
        {tr("rnn.par.col.name"): name, tr("rnn.par.col.shape"): "×".join(map(str, shape)),
         tr("rnn.par.col.count"): f"{n:,}"}
        for name, shape, n in c.entries
    ]  # fmt: skip
    rows.append({tr("rnn.par.col.name"): tr("rnn.par.col.total"), tr("rnn.par.col.shape"): "",
                 tr("rnn.par.col.count"): f"{c.total:,}"})  # fmt: skip
    return rows


def count_chart(*values: Any, tr: Any) -> go.Figure:
    from ui.figures import rnn_vanishing as figures

    return figures.fig_counts(counts(*values), tr)


def count_words(kind: str, i: int, h: int, layers: int, bias: bool, bi: bool) -> dict[str, Any]:
    """The chosen total, the one-layer formula with the numbers in, the three totals' ratios."""
    every = counts(kind, i, h, layers, bias, bi)
    per = {k: v.total for k, v in every.items()}
    return {
        "total": f"{per[kind]:,}",
        "rnn": f"{per['rnn']:,}",
        "lstm": f"{per['lstm']:,}",
        "gru": f"{per['gru']:,}",
        "lstm_ratio": _n(per["lstm"] / per["rnn"]),
        "gru_ratio": _n(per["gru"] / per["rnn"]),
        "name": f"nn.{kind.upper()}",
    }


def count_latex(kind: str, i: int, h: int, bias: bool) -> str:
    """gates·(H·I + H·H + 2H) for one layer and direction, with the numbers in."""
    g = recurrent.GATES[recurrent.ALIASES.get(kind, kind)]
    b = 2 if bias else 0
    value = g * (h * i + h * h + b * h)
    bias_term = rf" + 2\cdot{h}" if bias else ""
    symbol = r" + 2H" if bias else ""
    total = f"{value:,}".replace(",", "{,}")
    return (
        rf"\begin{{aligned}} P &= g\,(H I + H^2{symbol}) \\ &= {g}\,({h}\cdot{i} + {h}^2"
        rf"{bias_term}) = {total} \end{{aligned}}"
    )


# --- the home card -----------------------------------------------------------------------------

CONTROLS: tuple[Control, ...] = (*VAN_CONTROLS, *PAR_CONTROLS)
PRESETS: Mapping[str, Mapping[str, Any]] = {**VAN_PRESETS, **PAR_PRESETS}


def thumbnail() -> go.Figure:
    from ui.figures import rnn_vanishing as figures  # loaded when the home page draws its card

    curves = [recurrent.through_time("tanh", 16, s, 0.5, 40, "orthogonal", 0) for s in THUMB_SIGMAS]
    return figures.fig_thumbnail([c.log10_norm for c in curves])


THUMB_SIGMAS = (0.8, 1.0, 3.0)  # vanishing, at the edge, exploding
