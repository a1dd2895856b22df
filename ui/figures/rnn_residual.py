"""Figures of the recurrent page's section 5, residual connections through depth: the activation
std and the gradient std per layer of the plain and the residual stack, and the first-layer
gradient against depth, all on log axes.

Builders take core.residual's results and a translator and return a plotly Figure; nothing here
runs Streamlit or computes in core.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import style

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.residual import Comparison, Sweep

COLORS = {"plain": "#e8590c", "residual": "#3b5bdb"}
STACKS = ("plain", "residual")
FIELDS = ("activation_std", "gradient_std")
LIMIT = 1e300  # core.residual.CEILING: values at it (or at its inverse) were clipped, not measured


def shown(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis shows: finite, positive and strictly inside core's clipping range
    (a clipped value is a cut, not a measurement)."""
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(y) & (y > 1 / LIMIT) & (y < LIMIT)
    return np.asarray(x)[keep], y[keep]


def log_range(values: list[np.ndarray]) -> tuple[int, int]:
    """The log10 range drawn: out to the whole decades around the values (and 1), so that at
    least two powers of ten are labelled however narrow the values are."""
    finite = np.concatenate([v for v in values if v.size] + [np.ones(1)])
    return math.floor(math.log10(finite.min())), math.ceil(math.log10(finite.max()))


def _log_axis(title: str, values: list[np.ndarray]) -> dict:
    """A log y-axis labelled at whole powers of ten only (no 2, 3, … between them), a tick every
    decade, or every few decades so that about 8 show."""
    lo, hi = log_range(values)
    hi = max(hi, lo + 1)
    ticks = {"dtick": max(1, math.ceil((hi - lo) / 8)), "tick0": 0}
    return {"title": {"text": title}, "type": "log", "exponentformat": "power",
            "range": [lo - 0.05, hi + 0.05]} | ticks  # fmt: skip


def _names(alpha: float, tr: Translate) -> dict[str, str]:
    return {
        "plain": tr("rnn.res.fig.plain"),
        "residual": tr("rnn.res.fig.residual", alpha=f"{alpha:.3g}"),
    }


def _both_stacks(
    x: np.ndarray, values: dict, names: dict, var: str, marker: int
) -> tuple[go.Figure, list]:
    """The plain and the residual stack's curves against `x` (named `var` in the hover), and
    the values drawn (for the log axis's range)."""
    fig, drawn = go.Figure(), []
    for stack in STACKS:
        xs, ys = shown(x, values[stack])
        drawn.append(ys)
        fig.add_scatter(
            x=xs,
            y=ys,
            name=names[stack],
            mode="lines+markers",
            marker={"size": marker},
            line={"color": COLORS[stack], "width": 2},
            hovertemplate=f"{var}=%{{x}}<br>%{{y:.3g}}<extra>{names[stack]}</extra>",
        )
    return fig, drawn


def fig_layers(c: Comparison, field: str, tr: Translate) -> go.Figure:
    """`field` (activation_std or gradient_std) per layer l = 0 … depth, plain and residual."""
    layers = np.arange(c.depth + 1)
    values = {stack: getattr(getattr(c, stack), field) for stack in STACKS}
    fig, drawn = _both_stacks(layers, values, _names(c.alpha, tr), "l", marker=4)
    fig.update_layout(
        xaxis={"title": {"text": tr("rnn.res.fig.layer")}},
        yaxis=_log_axis(tr(f"rnn.res.fig.{field}_axis"), drawn),
    )
    return style(fig, title=tr(f"rnn.res.fig.{field}_title"), height=360)


def fig_sweep(s: Sweep, tr: Translate) -> go.Figure:
    """std of ∂L/∂h_0 against depth L, plain and residual (the residual's α per depth in the
    hover when it is scaled with depth)."""
    depths = np.asarray(s.depths)
    names = _names(float(s.alphas[-1]), tr)
    if not np.allclose(s.alphas, s.alphas[0]):
        names["residual"] = tr("rnn.res.fig.residual_scaled")
    values = {stack: getattr(s, stack) for stack in STACKS}
    fig, drawn = _both_stacks(depths, values, names, "L", marker=6)
    fig.update_layout(
        xaxis={"title": {"text": tr("rnn.res.fig.depth")}},
        yaxis=_log_axis(tr("rnn.res.fig.sweep_axis"), drawn),
    )
    return style(fig, title=tr("rnn.res.fig.sweep_title"), height=360)
