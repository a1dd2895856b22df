"""Figures of the recurrent page's sections 1 and 4: the gradient's norm through time beside its
bound, the mean f′ along the run, one update with and without clipping, parameter counts.

Builders take core's results (or plain arrays) and a translator and return a plotly Figure;
nothing here runs Streamlit or computes in core.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.formatting import format_factor
from ui.strings import Translate
from ui.theme import ACCENT, HIDDEN_AXIS, MUTED, style, thumbnail_figure

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.recurrent import ClippedUpdate, ParameterCounts, ThroughTime

CURVE = ACCENT
BOUND = "#c92a2a"
THUMB_COLORS = ("#1971c2", "#868e96", "#c92a2a")  # vanishing, at the edge, exploding
KIND_COLORS = {"rnn": "#868e96", "lstm": "#1971c2", "gru": "#2f9e44"}
CLIP_COLORS = ("#495057", "#c92a2a", "#2f9e44", "#adb5bd")  # ‖∇L‖, step, clipped, ‖W_hh‖_F
HEADROOM = 2.0  # decades above the curve's highest point where the bound is cut


def window(tt: ThroughTime) -> tuple[float, float]:
    """The log10 range drawn: the curve's finite values and the bound below it, with a margin;
    the top sits HEADROOM decades above the curve (or above 1)."""
    finite = tt.log10_norm[np.isfinite(tt.log10_norm)]
    top = max(float(finite.max()), 0.0) + HEADROOM
    bottom = min(float(finite.min()), float(tt.log10_bound.min())) - 0.5
    return max(bottom, -300.0), top


def decade_ticks(lo: float, hi: float) -> dict:
    """A log axis labelled at whole powers of ten only (10⁻¹, 1, 10, …; no 2, 3, … between):
    a tick every decade, or every few decades so that about 8 show."""
    return {"dtick": max(1, math.ceil((hi - lo) / 8)), "tick0": 0, "exponentformat": "power"}


def _cut(log10: np.ndarray, lo: float, hi: float) -> list[float | None]:
    """10^y where y lies in [lo, hi]; None (a gap in the line) elsewhere and where y = −inf."""
    return [float(f"{10.0**y:.5g}") if lo <= y <= hi else None for y in log10.tolist()]


def through_time_traces(tt: ThroughTime) -> tuple[list[float | None], list[float | None], bool]:
    """What fig_through_time draws: the curve, the bound (cut above the window) and whether it
    was cut."""
    lo, hi = window(tt)
    bound = _cut(tt.log10_bound, lo, hi)
    return _cut(tt.log10_norm, lo, hi), bound, bool(tt.log10_bound.max() > hi)


def fig_through_time(tt: ThroughTime, tr: Translate) -> go.Figure:
    """‖∂h_T/∂h_k‖₂ against T − k on a log axis, beside the bound (γσ_max)^(T−k)."""
    curve, bound, cut = through_time_traces(tt)
    lo, hi = window(tt)
    x = tt.distance.tolist()
    bound_name = tr("rnn.van.fig.bound_cut" if cut else "rnn.van.fig.bound")
    data = [
        {"type": "scatter", "x": x, "y": curve, "mode": "lines", "name": tr("rnn.van.fig.norm"),
         "line": {"color": CURVE, "width": 3},
         "hovertemplate": "T − k = %{x}: %{y:.3g}<extra></extra>"},
        {"type": "scatter", "x": x, "y": bound, "mode": "lines", "name": bound_name,
         "line": {"color": BOUND, "width": 2, "dash": "dash"},
         "hovertemplate": "T − k = %{x}: %{y:.3g}<extra></extra>"},
    ]  # fmt: skip
    layout = {
        "xaxis": {"title": {"text": tr("rnn.van.fig.distance")}, "range": [0, x[-1]]},
        "yaxis": {"title": {"text": tr("rnn.van.fig.norm_axis")}, "type": "log",
                  "range": [lo, hi]} | decade_ticks(lo, hi),
        "showlegend": True,
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.van.fig.title", nl=tt.nonlinearity), height=380)


def fig_derivative(tt: ThroughTime, tr: Translate) -> go.Figure:
    """The mean of f′(aₜ) over the units at every step, with γ = max f′ as a line."""
    steps = list(range(1, len(tt.mean_derivative) + 1))
    values = np.round(tt.mean_derivative, 4).tolist()
    data = [
        {"type": "scatter", "x": steps, "y": values, "mode": "lines",
         "name": tr("rnn.van.fig.mean_derivative"), "line": {"color": CURVE, "width": 2},
         "hovertemplate": "t = %{x}: %{y:.3f}<extra></extra>"},
        {"type": "scatter", "x": [1, steps[-1]], "y": [tt.gamma, tt.gamma], "mode": "lines",
         "name": tr("rnn.van.fig.gamma"), "line": {"color": MUTED, "dash": "dot"},
         "hoverinfo": "skip"},
    ]  # fmt: skip
    layout = {
        "xaxis": {"title": {"text": tr("rnn.van.fig.step")}},
        "yaxis": {"title": {"text": tr("rnn.van.fig.derivative_axis")},
                  "range": [0, tt.gamma * 1.08]},
        "showlegend": True,
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.van.fig.derivative_title"), height=380)


def clipping_values(c: ClippedUpdate) -> list[float]:
    """The four bars: ‖∇L‖, lr·‖∇L‖, lr·‖clipped ∇L‖, ‖W_hh‖_F."""
    return [c.grad_norm, c.step, c.clipped_step, c.weight_norm]


def clipping_range(values: Sequence[float]) -> tuple[int, int]:
    """The bars' log10 range, whole decades: a decade's margin on the left (a bar starts at the
    axis' edge) and room for the label at the right."""
    logs = [math.log10(v) for v in values if v > 0]
    return math.floor(min(logs)) - 1, math.ceil(max(logs) + 0.3)


def fig_clipping(c: ClippedUpdate, tr: Translate) -> go.Figure:
    """The gradient's norm, the step without and with clipping, and the weights' norm, on a log
    axis (zero bars, a gradient of exactly 0, are left out)."""
    names = [tr(f"rnn.van.fig.{k}") for k in ("grad", "step_size", "clipped", "weights")]
    values = clipping_values(c)
    keep = [i for i, v in enumerate(values) if v > 0]
    data = [
        {"type": "bar", "orientation": "h", "y": [names[i] for i in keep],
         "x": [float(f"{values[i]:.4g}") for i in keep],
         "text": [format_factor(values[i]) for i in keep], "textposition": "auto",
         "marker": {"color": [CLIP_COLORS[i] for i in keep]},
         "hovertemplate": "%{y}: %{x:.3g}<extra></extra>"}
    ]  # fmt: skip
    lo, hi = clipping_range([values[i] for i in keep] or [1.0])
    layout = {
        "xaxis": {"title": {"text": tr("rnn.van.fig.size_axis")}, "type": "log",
                  "range": [lo, hi]} | decade_ticks(lo, hi),
        "yaxis": {"title": {"text": tr("rnn.van.fig.quantity")}, "autorange": "reversed",
                  "type": "category"},
        "showlegend": False,
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.van.fig.clip_title", max_norm=f"{c.max_norm:g}"), height=300)


def fig_counts(counts: Mapping[str, ParameterCounts], tr: Translate) -> go.Figure:
    """The three cells' totals at the same sizes, each labelled with its ratio to the RNN's."""
    kinds = list(counts)
    totals = [counts[k].total for k in kinds]
    rnn = counts["rnn"].total
    labels = [f"{t:,}" + ("" if k == "rnn" else f" (×{t / rnn:.3g})") for k, t in
              zip(kinds, totals, strict=True)]  # fmt: skip
    data = [
        {"type": "bar", "x": [tr(f"rnn.par.kind.{k}") for k in kinds], "y": totals,
         "text": labels, "textposition": "outside", "cliponaxis": False,
         "marker": {"color": [KIND_COLORS[k] for k in kinds]},
         "hovertemplate": "%{x}: %{text}<extra></extra>"}
    ]  # fmt: skip
    layout = {
        "xaxis": {"title": {"text": tr("rnn.par.fig.cell")}, "type": "category"},
        "yaxis": {"title": {"text": tr("rnn.par.fig.params")}, "range": [0, max(totals) * 1.2]},
        "showlegend": False,
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.par.fig.title"), height=320)


def fig_thumbnail(curves: Sequence[np.ndarray]) -> go.Figure:
    """A small, static, wordless chart for the home card: three gradient norms (log10, against
    the steps back) on a log axis, vanishing, at the edge, exploding."""
    data = [
        {"type": "scatter", "x": list(range(len(ys))), "y": [float(f"{10.0**y:.4g}") for y in ys],
         "mode": "lines", "line": {"color": color, "width": 3}, "hoverinfo": "skip"}
        for ys, color in zip(curves, THUMB_COLORS, strict=False)
    ]  # fmt: skip
    return thumbnail_figure(
        data,
        xaxis=HIDDEN_AXIS,
        yaxis=HIDDEN_AXIS | {"type": "log"},
    )
