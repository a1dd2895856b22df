"""Figures of the Batch normalization page: data and a translator in, a plotly Figure out.

The data come from core.batchnorm and core.batchnorm_experiments (the page calls them); this
module only draws, and imports neither Streamlit nor anything that computes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.batchnorm import GRADIENT_CHECK_PASS
from ui.strings import Translate
from ui.theme import MUTED, SATURATED, color, rgba, style, subplots

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.batchnorm import GradientCheck
    from core.batchnorm_experiments import Moments

# One colour per stage of the layer, kept on every chart of the page.
INPUT = "#495057"  # x
NORMALIZED = "#6741d9"  # x̂
OUTPUT = "#2f9e44"  # y
TARGET = "#c92a2a"  # the minimum a run should reach
RECOVERY = "#e8590c"  # (√(σ_B² + ε), μ_B)
BEFORE = "#e8590c"
AFTER = "#1971c2"

BINS = 50  # histogram bins across the shared x range
LOSS_FLOOR = 1e-16  # log axes: a loss of exactly 0 is drawn at the floor


def _refs(fig: go.Figure, row: int, col: int = 1) -> tuple[str, str]:
    """The ("x2", "y3")-style axis names of a subplot (its primary y axis)."""
    sub = fig.get_subplot(row, col)
    yaxis = sub.yaxis[0] if isinstance(sub.yaxis, tuple) else sub.yaxis
    return sub.xaxis.plotly_name.replace("axis", ""), yaxis.plotly_name.replace("axis", "")


def _vline(xref: str, yref: str, x: float, line: dict) -> dict:
    return {
        "type": "line",
        "xref": xref,
        "yref": f"{yref} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": line,
    }


def _num(value: float) -> str:
    """4 significant digits; rounding residue such as mean(x̂) = 1e-16 prints as 0."""
    return "0" if abs(value) < 1e-12 else f"{value:.4g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float) -> str:
    """10⁻⁶ for 1e-6: the exponent of a power of ten, as text a chart label can carry."""
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPT)


def _span(*arrays: np.ndarray, pad: float = 0.06) -> tuple[float, float]:
    """One x range holding every array, padded; never of zero width."""
    lo = min(float(np.min(a)) for a in arrays)
    hi = max(float(np.max(a)) for a in arrays)
    width = hi - lo if hi > lo else 1.0
    return lo - pad * width, hi + pad * width


def fig_steps(
    x: np.ndarray,
    x_hat: np.ndarray,
    y: np.ndarray,
    moments: Sequence[Moments],
    tr: Translate,
) -> go.Figure:
    """x, x̂ and y as three histograms on one shared x axis, with each stage's mean and std.

    This chart follows the γ and β sliders, so it is written as one plain spec and built without
    plotly's per-property validation (make_subplots and add_* check every property on every
    nudge); tests/ui/test_figures_batchnorm.py validates the same spec in full."""
    titles = (tr("bn.fig.row_x"), tr("bn.fig.row_xhat"), tr("bn.fig.row_y"))
    lo, hi = _span(x, x_hat, y)
    bins = {"start": lo, "end": hi, "size": (hi - lo) / BINS}
    gap, rows = 0.11, 3
    height = (1.0 - gap * (rows - 1)) / rows
    layout: dict = {"barmode": "overlay", "bargap": 0.02, "shapes": [], "annotations": []}
    data: list[dict] = []
    stages = ((x, INPUT, "x"), (x_hat, NORMALIZED, "x̂"), (y, OUTPUT, "y"))
    for row, ((values, hue, symbol), m) in enumerate(zip(stages, moments, strict=True), start=1):
        suffix = "" if row == 1 else str(row)
        xref, yref = f"x{suffix}", f"y{suffix}"
        top = 1.0 - (row - 1) * (height + gap)
        layout[f"xaxis{suffix}"] = {
            "anchor": yref,
            "domain": [0.0, 1.0],
            "range": [lo, hi],
            **({"matches": "x3"} if row < rows else {"title": {"text": tr("bn.fig.value_axis")}}),
        }
        layout[f"yaxis{suffix}"] = {
            "anchor": xref,
            "domain": [max(round(top - height, 6), 0.0), min(round(top, 6), 1.0)],
            "rangemode": "tozero",
            "title": {"text": tr("bn.fig.count_axis")},
        }
        data.append(
            {
                "type": "histogram",
                "x": values,
                "xaxis": xref,
                "yaxis": yref,
                "xbins": bins,
                "autobinx": False,
                "name": symbol,
                "marker": {"color": rgba(hue, 0.55), "line": {"color": hue, "width": 1}},
                "hovertemplate": symbol + " ∈ %{x}<br>%{y}<extra></extra>",
                "showlegend": False,
            }
        )
        layout["shapes"].append(_vline(xref, yref, m.mean, {"color": hue, "width": 2}))
        for edge in (m.mean - m.std, m.mean + m.std):
            layout["shapes"].append(
                _vline(xref, yref, edge, {"color": hue, "width": 1.5, "dash": "dot"})
            )
        layout["annotations"] += [
            {
                "text": titles[row - 1],
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": top,
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 6,  # clear of the top tick label of the panel below the title
                "showarrow": False,
                "font": {"size": 15},
            },
            {
                "text": tr("bn.fig.moments", mean=_num(m.mean), std=_num(m.std)),
                "xref": f"{xref} domain",
                "yref": f"{yref} domain",
                "x": 0.995,
                "y": 0.95,
                "xanchor": "right",
                "yanchor": "top",
                "showarrow": False,
                "align": "right",
                "bgcolor": "rgba(255, 255, 255, 0.85)",
                "bordercolor": hue,
                "borderwidth": 1,
                "font": {"color": hue},
            },
        ]
    # The input's outline over the output: when γ, β recover the input the two coincide.
    data.append(
        {
            "type": "histogram",
            "x": x,
            "xaxis": "x3",
            "yaxis": "y3",
            "xbins": bins,
            "autobinx": False,
            "name": tr("bn.fig.input_outline"),
            "marker": {"color": "rgba(0, 0, 0, 0)", "line": {"color": INPUT, "width": 1.5}},
            "hovertemplate": "x ∈ %{x}<br>%{y}<extra></extra>",
        }
    )
    return style(go.Figure({"data": data, "layout": layout}, _validate=False), height=640)


def fig_plane(
    gammas: np.ndarray,
    betas: np.ndarray,
    loss_grid: np.ndarray,
    path: np.ndarray,
    minimum: tuple[float, float],
    recovery: tuple[float, float],
    optimizer: str,
    tr: Translate,
) -> go.Figure:
    """Loss over (γ, β) as log-spaced contours, with the optimizer's path from (1, 0)."""
    fig = go.Figure()
    hue = color(optimizer)
    label = tr(f"bn.opt.{optimizer}")
    fig.add_contour(
        x=gammas,
        y=betas,
        z=np.log10(np.maximum(loss_grid, LOSS_FLOOR)),
        colorscale="Blues",
        reversescale=True,
        ncontours=22,
        showscale=False,
        opacity=0.75,
        contours={"coloring": "fill", "showlines": True},
        line={"width": 0.5, "color": "rgba(255, 255, 255, 0.6)"},
        hovertemplate="γ=%{x:.3f}<br>β=%{y:.3f}<br>log₁₀ L=%{z:.2f}<extra></extra>",
        name=tr("bn.fig.loss_axis"),
        showlegend=False,
    )
    fig.add_scatter(
        x=path[:, 0],
        y=path[:, 1],
        mode="lines+markers",
        name=label,
        line={"color": hue, "width": 2.5},
        marker={"size": 4, "color": hue},
        hovertemplate="t=%{customdata}<br>γ=%{x:.4f}<br>β=%{y:.4f}<extra>" + label + "</extra>",
        customdata=np.arange(len(path)),
    )
    fig.add_scatter(
        x=[path[0, 0]],
        y=[path[0, 1]],
        mode="markers",
        name=tr("bn.fig.start"),
        marker={"size": 11, "color": "white", "line": {"color": hue, "width": 2.5}},
        hovertemplate="γ=%{x:.3f}<br>β=%{y:.3f}<extra></extra>",
    )
    fig.add_scatter(
        x=[recovery[0]],
        y=[recovery[1]],
        mode="markers",
        name=tr("bn.fig.recovery_point"),
        marker={"size": 13, "symbol": "x", "color": RECOVERY, "line": {"width": 1}},
        hovertemplate="γ=√(σ²+ε)=%{x:.4f}<br>β=μ_B=%{y:.4f}<extra></extra>",
    )
    fig.add_scatter(
        x=[minimum[0]],
        y=[minimum[1]],
        mode="markers",
        name=tr("bn.fig.minimum"),
        marker={
            "size": 16,
            "symbol": "star",
            "color": TARGET,
            "line": {"color": "white", "width": 1},
        },
        hovertemplate="γ*=%{x:.4f}<br>β*=%{y:.4f}<extra></extra>",
    )
    # One scale on both axes (the plot shrinks to fit, the ranges stay): a round bowl looks round.
    fig.update_xaxes(
        range=[float(gammas[0]), float(gammas[-1])], title_text="γ", constrain="domain"
    )
    fig.update_yaxes(
        range=[float(betas[0]), float(betas[-1])],
        title_text="β",
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    return style(fig, title=tr("bn.fig.plane_title"), height=460)


def fig_loss_curve(path_loss: np.ndarray, optimizer: str, tr: Translate) -> go.Figure:
    """The loss at every step of the run on a log axis (a loss of exactly 0 at the floor)."""
    hue = color(optimizer)
    label = tr(f"bn.opt.{optimizer}")
    # Floor a loss of exactly 0 a decade under the smallest positive one, so the curve keeps
    # falling as far as the run did (to ~1e-18 at the defaults) instead of flattening early.
    positive = path_loss[path_loss > 0]
    floor = max(float(positive.min()) / 10, 1e-300) if positive.size else LOSS_FLOOR
    shown = np.maximum(path_loss, floor)
    fig = go.Figure()
    fig.add_scatter(
        x=np.arange(len(path_loss)),
        y=shown,
        mode="lines",
        name=label,
        line={"color": hue, "width": 2.5},
        hovertemplate="t=%{x}<br>L=%{y:.3e}<extra>" + label + "</extra>",
    )
    # Whole decades only, about six of them: plotly's own choice labels 2 and 5 between decades
    # on a short range, too tight to read.
    decades = float(np.log10(shown.max() / shown.min())) if shown.size else 1.0
    fig.update_xaxes(title_text=tr("bn.fig.step_axis"))
    fig.update_yaxes(
        type="log",
        exponentformat="power",
        dtick=max(1, round(decades / 6)),
        title_text=tr("bn.fig.loss_axis"),
    )
    return style(fig, title=tr("bn.fig.loss_title"), height=460)


def fig_running(stream: pd.DataFrame, population: tuple[float, float], tr: Translate) -> go.Figure:
    """Batch statistics (dots), running statistics (line) and the true values against step; below,
    the mean |y_train − y_eval| of each step's batch."""
    fig = subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        row_heights=[0.34, 0.34, 0.32],
        subplot_titles=(tr("bn.fig.mean_title"), tr("bn.fig.var_title"), tr("bn.fig.gap_title")),
    )
    steps = stream["step"].to_numpy()
    rows = (
        ("batch_mean", "running_mean", population[0], "μ"),
        ("batch_var", "running_var", population[1], "σ²"),
    )
    for row, (batch_col, running_col, truth, symbol) in enumerate(rows, start=1):
        fig.add_scatter(
            x=steps,
            y=stream[batch_col].to_numpy(),
            mode="markers",
            name=tr("bn.fig.batch_stat"),
            legendgroup="batch",
            showlegend=row == 1,
            marker={"size": 4, "color": rgba(MUTED, 0.45)},
            hovertemplate="t=%{x}<br>" + symbol + "_B=%{y:.4f}<extra></extra>",
            row=row,
            col=1,
        )
        fig.add_scatter(
            x=steps,
            y=stream[running_col].to_numpy(),
            mode="lines",
            name=tr("bn.fig.running_stat"),
            legendgroup="running",
            showlegend=row == 1,
            line={"color": AFTER, "width": 2.5},
            hovertemplate="t=%{x}<br>running " + symbol + "=%{y:.4f}<extra></extra>",
            row=row,
            col=1,
        )
        fig.add_scatter(
            x=[steps[0], steps[-1]],
            y=[truth, truth],
            mode="lines",
            name=tr("bn.fig.population"),
            legendgroup="truth",
            showlegend=row == 1,
            line={"color": TARGET, "width": 1.5, "dash": "dash"},
            hovertemplate=symbol + "=%{y:.4f}<extra></extra>",
            row=row,
            col=1,
        )
    fig.add_scatter(
        x=steps,
        y=stream["train_eval_gap"].to_numpy(),
        mode="lines",
        name=tr("bn.fig.gap"),
        line={"color": OUTPUT, "width": 2},
        hovertemplate="t=%{x}<br>%{y:.4f}<extra></extra>",
        row=3,
        col=1,
    )
    fig.update_yaxes(title_text=tr("bn.fig.mean_axis"), row=1, col=1)
    fig.update_yaxes(title_text=tr("bn.fig.var_axis"), row=2, col=1)
    fig.update_yaxes(title_text=tr("bn.fig.gap_short_axis"), rangemode="tozero", row=3, col=1)
    fig.update_xaxes(title_text=tr("bn.fig.step_axis"), row=3, col=1)
    return style(fig, height=680)


def fig_gap_by_batch(
    sizes: Sequence[int], gaps: Sequence[float], chosen: int, tr: Translate
) -> go.Figure:
    """Average train/eval gap for each batch size (log-log), the chosen size highlighted."""
    sizes = np.asarray(sizes, dtype=float)
    gaps = np.maximum(np.asarray(gaps, dtype=float), LOSS_FLOOR)
    fig = go.Figure()
    fig.add_scatter(
        x=sizes,
        y=gaps,
        mode="lines+markers",
        name=tr("bn.fig.gap"),
        line={"color": OUTPUT, "width": 2},
        marker={"size": 8, "color": [TARGET if s == chosen else OUTPUT for s in sizes]},
        hovertemplate="N=%{x}<br>%{y:.4f}<extra></extra>",
    )
    fig.update_xaxes(
        type="log",
        title_text=tr("bn.fig.batch_axis"),
        tickvals=sizes,
        ticktext=[f"{s:g}" for s in sizes],
    )
    # A 1/√N guide through the geometric middle of the points: the rate the noise of μ_B and
    # σ_B falls at.
    anchor = float(np.exp(np.mean(np.log(gaps) + 0.5 * np.log(sizes))))
    fig.add_scatter(
        x=sizes,
        y=anchor / np.sqrt(sizes),
        mode="lines",
        name="∝ 1/√N",
        line={"color": MUTED, "dash": "dot", "width": 1.5},
        hoverinfo="skip",
    )
    ticks = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
    fig.update_yaxes(
        type="log",
        tickvals=ticks,
        ticktext=[f"{v:g}" for v in ticks],
        title_text=tr("bn.fig.gap_axis"),
    )
    return style(fig, title=tr("bn.fig.gap_by_batch_title"), height=360)


def fig_saturation(
    before: np.ndarray,
    after: np.ndarray,
    curve_x: np.ndarray,
    curve_df: np.ndarray,
    saturated: Sequence[tuple[float, float]],
    fractions: tuple[float, float],
    activation: str,
    tr: Translate,
) -> go.Figure:
    """The pre-activations before and after BN on one axis, under f′ and its saturated zones."""
    fig = subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(
            tr("bn.fig.before_title", share=f"{fractions[0]:.0%}"),
            tr("bn.fig.after_title", share=f"{fractions[1]:.0%}"),
        ),
        specs=[[{"secondary_y": True}], [{"secondary_y": True}]],
    )
    lo, hi = float(curve_x[0]), float(curve_x[-1])
    bins = {"start": lo, "end": hi, "size": (hi - lo) / 80}
    name = tr(f"bn.act.{activation}")
    shapes: list[dict] = []
    for row, (values, hue, label) in enumerate(
        ((before, BEFORE, tr("bn.fig.before")), (after, AFTER, tr("bn.fig.after"))), start=1
    ):
        fig.add_histogram(
            x=values,
            xbins=bins,
            autobinx=False,
            name=label,
            marker={"color": rgba(hue, 0.6), "line": {"color": hue, "width": 1}},
            hovertemplate="z ∈ %{x}<br>%{y}<extra></extra>",
            row=row,
            col=1,
            secondary_y=False,
        )
        fig.add_scatter(
            x=curve_x,
            y=curve_df,
            mode="lines",
            name=tr("bn.fig.derivative", name=name),
            legendgroup="df",
            showlegend=row == 1,
            line={"color": color(activation), "width": 2},
            hovertemplate="z=%{x:.2f}<br>f′=%{y:.3f}<extra></extra>",
            row=row,
            col=1,
            secondary_y=True,
        )
        xref, yref = _refs(fig, row)
        shapes.extend(
            {
                "type": "rect",
                "xref": xref,
                "yref": f"{yref} domain",
                "x0": max(a, lo),
                "x1": min(b, hi),
                "y0": 0,
                "y1": 1,
                "fillcolor": SATURATED,
                "line": {"width": 0},
                "layer": "below",
            }
            for a, b in saturated
        )
        fig.update_yaxes(title_text=tr("bn.fig.count_axis"), row=row, col=1, secondary_y=False)
        top = float(np.max(curve_df))
        fig.update_yaxes(
            title_text="f′(z)",
            range=[0, 1.05 * top],
            dtick=top / 4,
            showgrid=False,
            row=row,
            col=1,
            secondary_y=True,
        )
    fig.update_layout(barmode="overlay", shapes=shapes)
    fig.update_xaxes(range=[lo, hi])
    fig.update_xaxes(title_text=tr("bn.fig.preact_axis"), row=2, col=1)
    return style(fig, height=520)


def fig_check_scatter(check: GradientCheck, tr: Translate) -> go.Figure:
    """Analytic ∂L/∂xᵢ against central differences: on the diagonal where they agree."""
    analytic = check.dx.ravel()
    numeric = check.dx_numeric.ravel()
    lo, hi = _span(analytic, numeric)
    fig = go.Figure()
    fig.add_scatter(
        x=[lo, hi],
        y=[lo, hi],
        mode="lines",
        name=tr("bn.fig.diagonal"),
        line={"color": MUTED, "dash": "dot", "width": 1},
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=analytic,
        y=numeric,
        mode="markers",
        name="∂L/∂xᵢ",
        marker={"size": 6, "color": NORMALIZED, "opacity": 0.7},
        hovertemplate="analytic=%{x:.6g}<br>numeric=%{y:.6g}<extra></extra>",
    )
    fig.update_xaxes(title_text=tr("bn.fig.analytic_axis"))
    fig.update_yaxes(title_text=tr("bn.fig.numeric_axis"))
    return style(fig, title=tr("bn.fig.check_title"), height=380)


def fig_check_errors(check: GradientCheck, tr: Translate) -> go.Figure:
    """The three relative errors on a log axis, under the labelled pass mark."""
    labels = ["∂L/∂x", "∂L/∂γ", "∂L/∂β"]
    errors = np.array([check.rel_error_dx, check.rel_error_dgamma, check.rel_error_dbeta])
    shown = np.maximum(errors, LOSS_FLOOR)
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=shown,
        marker={"color": [NORMALIZED, OUTPUT, AFTER]},
        showlegend=False,
        text=[f"{e:.1e}" for e in errors],
        textposition="outside",
        hovertemplate="%{x}: %{y:.2e}<extra></extra>",
    )
    mark = math.log10(GRADIENT_CHECK_PASS)
    top = max(-3.0, math.ceil(math.log10(float(shown.max()))) + 1.0)
    fig.update_layout(
        shapes=[
            {
                "type": "line",
                "xref": "x domain",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": GRADIENT_CHECK_PASS,
                "y1": GRADIENT_CHECK_PASS,
                "line": {"color": TARGET, "dash": "dash", "width": 1.5},
            }
        ],
        # On a log axis an annotation's y is the exponent.
        annotations=[
            {
                "text": tr("bn.fig.pass_mark", mark=power_of_ten(GRADIENT_CHECK_PASS)),
                "xref": "x domain",
                "yref": "y",
                "x": 1.0,
                "y": mark,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"color": TARGET, "size": 12},
                "bgcolor": "rgba(255, 255, 255, 0.85)",
            }
        ],
    )
    fig.update_xaxes(title_text=tr("bn.fig.gradient_axis"))
    fig.update_yaxes(
        type="log",
        exponentformat="power",
        range=[-17, top],
        title_text=tr("bn.fig.rel_error_axis"),
    )
    return style(fig, title=tr("bn.fig.errors_title"), height=380)


# --- the home page's card ---------------------------------------------------------------------


def fig_thumbnail(data: tuple[np.ndarray, np.ndarray]) -> go.Figure:
    """A small, static picture for the home page's card: the batch before (grey) and after BN,
    each labelled directly with its symbol (x, x̂), so the card needs no legend and no words."""
    x, x_hat = data
    lo, hi = -3.0, 8.0
    bins = {"start": lo, "end": hi, "size": (hi - lo) / 44}
    edges = np.linspace(lo, hi, 45)
    fig = go.Figure()
    annotations = []
    for values, hue, alpha, text, side in (
        (x, INPUT, 0.45, "x", 1),
        (x_hat, NORMALIZED, 0.6, "x̂", -1),
    ):
        fig.add_histogram(
            x=values,
            xbins=bins,
            autobinx=False,
            name=text,
            marker={"color": rgba(hue, alpha)},
            hoverinfo="skip",
        )
        # The label points at the tallest bar, from the side where the other batch is not.
        counts, _ = np.histogram(values, edges)
        peak = int(np.argmax(counts))
        annotations.append(
            {
                "text": f"<b>{text}</b>",
                "x": float(0.5 * (edges[peak] + edges[peak + 1])),
                "y": float(counts[peak]),
                "ax": 34 * side,
                "ay": -8 if side > 0 else 10,
                "showarrow": True,
                "arrowhead": 0,
                "arrowwidth": 1,
                "arrowcolor": hue,
                "font": {"color": hue, "size": 15},
                "xanchor": "left" if side > 0 else "right",
            }
        )
    fig.update_xaxes(showticklabels=False, range=[lo, hi], zeroline=True)
    fig.update_yaxes(showticklabels=False, showgrid=False)
    style(fig, height=150)
    fig.update_layout(
        showlegend=False,
        barmode="overlay",
        bargap=0.05,
        height=150,
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        annotations=annotations,
    )
    return fig
