"""Figures of the Activations page: data and a translator in, a plotly Figure out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core import activations
from ui.i18n import Translate
from ui.theme import MUTED, SATURATED, band, color, rgba, style, subplots, vline

Intervals = Sequence[tuple[float, float]]


def fig_curves(
    x: np.ndarray,
    values: Mapping[str, np.ndarray],
    derivatives: Mapping[str, np.ndarray],
    saturated: Mapping[str, Intervals],
    threshold: float,
    tr: Translate,
) -> go.Figure:
    """f(x) and f'(x) side by side; where |f'| < threshold is shaded in each activation's colour."""
    fig = subplots(
        rows=1,
        cols=2,
        subplot_titles=(tr("act.fig.f_title"), tr("act.fig.df_title")),
        horizontal_spacing=0.08,
    )
    lo, hi = float(x[0]), float(x[-1])
    # The grey band on the right is the threshold itself: a curve inside it passes on almost no
    # gradient.
    shapes = [band("y", -threshold, threshold, SATURATED, subplot=2)]
    for name, fx in values.items():
        label = tr(f"act.name.{name}")
        fig.add_scatter(
            x=x,
            y=fx,
            name=label,
            legendgroup=name,
            line={"color": color(name), "width": 2.5},
            hovertemplate="x=%{x:.2f}<br>f(x)=%{y:.4f}<extra>" + label + "</extra>",
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=derivatives[name],
            name=label,
            legendgroup=name,
            showlegend=False,
            line={"color": color(name), "width": 2.5},
            hovertemplate="x=%{x:.2f}<br>f′(x)=%{y:.4f}<extra>" + label + "</extra>",
            row=1,
            col=2,
        )
        for a, b in saturated.get(name, ()):
            fill = rgba(color(name), 0.07)
            shapes += [band("x", max(a, lo), min(b, hi), fill, subplot=c) for c in (1, 2)]
    fig.update_layout(shapes=shapes)
    fig.update_xaxes(title_text="x", range=[lo, hi])
    fig.update_yaxes(title_text="f(x)", row=1, col=1)
    fig.update_yaxes(title_text="f′(x)", row=1, col=2)
    return style(fig, height=420)


def fig_depth(
    depths: np.ndarray,
    typical: Mapping[str, np.ndarray],
    alive: Mapping[str, np.ndarray],
    tr: Translate,
) -> go.Figure:
    """Typical |∏ f'| against depth on a log axis, and the fraction of paths not cut to zero."""
    fig = subplots(
        rows=1,
        cols=2,
        column_widths=[0.62, 0.38],
        subplot_titles=(tr("act.fig.depth_title"), tr("act.fig.alive_title")),
        horizontal_spacing=0.1,
    )
    fig.add_scatter(
        x=depths,
        y=0.25 ** depths.astype(float),
        name=tr("act.fig.quarter_bound"),
        line={"color": MUTED, "dash": "dot", "width": 1.5},
        hovertemplate="L=%{x}<br>(1/4)^L=%{y:.2e}<extra></extra>",
        row=1,
        col=1,
    )
    for name, values in typical.items():
        label = tr(f"act.name.{name}")
        fig.add_scatter(
            x=depths,
            y=values,
            name=label,
            legendgroup=name,
            mode="lines+markers",
            marker={"size": 4},
            line={"color": color(name), "width": 2.5},
            hovertemplate="L=%{x}<br>%{y:.3e}<extra>" + label + "</extra>",
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=depths,
            y=alive[name],
            name=label,
            legendgroup=name,
            showlegend=False,
            line={"color": color(name), "width": 2.5},
            hovertemplate="L=%{x}<br>%{y:.1%}<extra>" + label + "</extra>",
            row=1,
            col=2,
        )
    fig.update_xaxes(title_text=tr("act.fig.depth_axis"))
    fig.update_yaxes(
        type="log", exponentformat="power", title_text=tr("act.fig.product_axis"), row=1, col=1
    )
    fig.update_yaxes(
        range=[0, 1.05], tickformat=".0%", title_text=tr("act.fig.alive_axis"), row=1, col=2
    )
    return style(fig, height=420)


def fig_output_distribution(
    histograms: Mapping[str, tuple[np.ndarray, np.ndarray, float]],
    tr: Translate,
) -> go.Figure:
    """Density of f(z) for z ~ N(μ, σ²) per activation: (bin edges, density, mean)."""
    fig = go.Figure()
    means = []
    for name, (edges, density, mean) in histograms.items():
        label = tr(f"act.name.{name}")
        centres = 0.5 * (edges[:-1] + edges[1:])
        fig.add_scatter(
            x=centres,
            y=density,
            name=label,
            legendgroup=name,
            line_shape="hvh",
            fill="tozeroy",
            fillcolor=rgba(color(name), 0.15),
            line={"color": color(name), "width": 2},
            hovertemplate="f(z)≈%{x:.3f}<br>%{y:.3f}<extra>" + label + "</extra>",
        )
        means.append(vline(mean, {"color": color(name), "dash": "dash", "width": 1.5}))
    fig.update_layout(shapes=[*means, vline(0.0, {"color": MUTED, "width": 1})])
    fig.update_xaxes(title_text=tr("act.fig.output_axis"))
    fig.update_yaxes(title_text=tr("act.fig.density_axis"), rangemode="tozero")
    return style(fig, title=tr("act.fig.output_title"), height=400)


def fig_maxout(
    x: np.ndarray,
    target: np.ndarray,
    fitted: np.ndarray,
    pieces: np.ndarray,
    errors: Sequence[float],
    k: int,
    tr: Translate,
) -> go.Figure:
    """The target, the maxout fit and its k lines; beside it the error for every k (log axis)."""
    fig = subplots(
        rows=1,
        cols=2,
        column_widths=[0.64, 0.36],
        subplot_titles=(tr("act.fig.maxout_title", k=k), tr("act.fig.maxout_error_title")),
        horizontal_spacing=0.1,
    )
    span = float(np.max(target) - np.min(target)) or 1.0
    y_lo, y_hi = float(np.min(target)) - 0.15 * span, float(np.max(target)) + 0.15 * span
    for i, line in enumerate(pieces):
        fig.add_scatter(
            x=x,
            y=np.clip(line, y_lo - span, y_hi + span),
            mode="lines",
            name=tr("act.fig.maxout_piece"),
            legendgroup="pieces",
            showlegend=i == 0,
            line={"color": "#adb5bd", "width": 1, "dash": "dot"},
            hoverinfo="skip",
            row=1,
            col=1,
        )
    fig.add_scatter(
        x=x,
        y=target,
        name=tr("act.fig.maxout_target"),
        line={"color": "#212529", "width": 2},
        hovertemplate="x=%{x:.2f}<br>%{y:.4f}<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=x,
        y=fitted,
        name=tr("act.fig.maxout_fit", k=k),
        line={"color": "#c2255c", "width": 3},
        hovertemplate="x=%{x:.2f}<br>%{y:.4f}<extra></extra>",
        row=1,
        col=1,
    )
    ks = np.arange(1, len(errors) + 1)
    fig.add_bar(
        x=ks,
        y=np.maximum(np.asarray(errors, dtype=float), 1e-12),
        showlegend=False,
        marker={"color": ["#c2255c" if kk == k else "#ced4da" for kk in ks]},
        hovertemplate="k=%{x}<br>MSE=%{y:.2e}<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_yaxes(range=[y_lo, y_hi], title_text="y", row=1, col=1)
    fig.update_xaxes(title_text="x", row=1, col=1)
    fig.update_xaxes(title_text="k", dtick=1, row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", title_text="MSE", row=1, col=2)
    return style(fig, height=400)


def thumbnail_data() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sigmoid, tanh and ReLU on [−5, 5] for the home page's card."""
    x = np.linspace(-5.0, 5.0, 121)
    return x, {n: activations.get(n).forward(x) for n in ("sigmoid", "tanh", "relu")}


def fig_thumbnail(data: tuple[np.ndarray, Mapping[str, np.ndarray]]) -> go.Figure:
    """A small, static picture of a few activations for the home page's card."""
    x, values = data
    fig = go.Figure()
    for name, fx in values.items():
        fig.add_scatter(x=x, y=fx, line={"color": color(name), "width": 3}, hoverinfo="skip")
    fig.update_xaxes(showticklabels=False, zeroline=True)
    fig.update_yaxes(showticklabels=False, zeroline=True, range=[-1.3, 2.2])
    style(fig, height=150)
    fig.update_layout(showlegend=False, margin={"l": 4, "r": 4, "t": 4, "b": 4})
    return fig
