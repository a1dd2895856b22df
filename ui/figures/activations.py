"""Figures of the Activations page: what core computed and a translator in, a plotly Figure out.

Every chart is one figure (no side-by-side subplots): the page sets pairs of them in columns,
which a phone stacks. Each activation keeps its colour and dash pattern on every chart. The
builders read core's result dataclasses (Curves, ThroughDepth, OutputDistribution, MaxoutFit)
by their fields and never call core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.formatting import format_factor, format_fixed
from ui.strings import Translate
from ui.theme import ACTIVATION_DASHES, MUTED, SATURATED, band, color, rgba, style, vline

if TYPE_CHECKING:
    from core.activations import Curves, TanhIdentity
    from core.gradient_flow import OutputDistribution, ThroughDepth
    from core.maxout import MaxoutFit

# f' has a single peak at x = 0 for these two; the page marks it, since the notes got tanh's wrong.
PEAKED = ("sigmoid", "tanh")


def _height(series: int) -> int:
    """Taller with more series: on a phone the legend wraps to a row per two or three of them,
    and plotly takes that room from the plot."""
    return 400 + 22 * max(0, series - 4)


def line(name: str, width: float = 2.5) -> dict:
    """The line style of activation `name`: its colour and its dash pattern, on every chart."""
    return {"color": color(name), "width": width, "dash": ACTIVATION_DASHES.get(name, "solid")}


# --- f and f' --------------------------------------------------------------------------------


def _saturated_bands(name: str, drawn: Curves) -> list[dict]:
    """The runs where |f'| < threshold, shaded in the activation's colour within the x range."""
    lo, hi = float(drawn.x[0]), float(drawn.x[-1])
    return [band("x", max(a, lo), min(b, hi), rgba(color(name), 0.07)) for a, b in drawn.saturated]


def fig_function(
    drawn: Mapping[str, Curves], tr: Translate, identity: TanhIdentity | None = None
) -> go.Figure:
    """f(x) for each activation, its saturated regions shaded in its colour; with `identity`
    (2σ(2x) − 1 and 2σ(x) − 1) both overlaid on tanh."""
    fig = go.Figure()
    x = next(iter(drawn.values())).x
    lo, hi = float(x[0]), float(x[-1])
    shapes = []
    for name, curve in drawn.items():
        label = tr(f"act.name.{name}")
        fig.add_scatter(
            x=curve.x,
            y=curve.f,
            name=label,
            legendgroup=name,
            meta=name,
            line=line(name),
            hovertemplate="x=%{x:.2f}<br>f(x)=%{y:.4f}<extra>" + label + "</extra>",
        )
        shapes += _saturated_bands(name, curve)
    if identity is not None:
        right = tr("act.fig.identity_right")
        wrong = tr("act.fig.identity_wrong")
        every = max(1, (len(identity.x) - 1) // 50)  # circles far enough apart to see tanh
        fig.add_scatter(
            x=identity.x[::every],
            y=identity.tanh_from_sigmoid[::every],
            name=right,
            meta="tanh_from_sigmoid",
            mode="markers",
            marker={"color": "#000000", "size": 7, "symbol": "circle-open"},
            hovertemplate="x=%{x:.2f}<br>2σ(2x) − 1=%{y:.4f}<extra></extra>",
        )
        fig.add_scatter(
            x=identity.x,
            y=identity.misremembered,
            name=wrong,
            meta="misremembered",
            line={"color": MUTED, "width": 2, "dash": "dot"},
            hovertemplate="x=%{x:.2f}<br>2σ(x) − 1=%{y:.4f}<extra></extra>",
        )
    fig.update_layout(shapes=shapes)
    fig.update_xaxes(title_text="x", range=[lo, hi])
    fig.update_yaxes(title_text="f(x)")
    height = _height(len(drawn) + 2 * (identity is not None))
    return style(fig, title=tr("act.fig.f_title"), height=height)


def fig_derivative(drawn: Mapping[str, Curves], threshold: float, tr: Translate) -> go.Figure:
    """f'(x) for each activation; the grey band is |f'| < threshold, and sigmoid's and tanh's
    maxima (¼ and 1, both at x = 0) are marked."""
    fig = go.Figure()
    x = next(iter(drawn.values())).x
    lo, hi = float(x[0]), float(x[-1])
    # The grey band is the threshold itself: a curve inside it passes on almost no gradient.
    shapes = [band("y", -threshold, threshold, SATURATED)]
    peaks_x, peaks_y, peaks_text, peaks_color = [], [], [], []
    for name, curve in drawn.items():
        label = tr(f"act.name.{name}")
        fig.add_scatter(
            x=curve.x,
            y=curve.df,
            name=label,
            legendgroup=name,
            meta=name,
            line=line(name),
            hovertemplate="x=%{x:.2f}<br>f′(x)=%{y:.4f}<extra>" + label + "</extra>",
        )
        shapes += _saturated_bands(name, curve)
        if name in PEAKED:
            i = int(np.argmax(curve.df))
            peaks_x.append(float(curve.x[i]))
            peaks_y.append(float(curve.df[i]))
            peaks_text.append(tr("act.fig.peak", value=format_factor(float(curve.df[i]))))
            peaks_color.append(color(name))
    if peaks_x:
        fig.add_scatter(
            x=peaks_x,
            y=peaks_y,
            text=peaks_text,
            name=tr("act.fig.peaks"),
            meta="peaks",
            mode="markers",
            marker={"color": peaks_color, "size": 9, "line": {"color": "white", "width": 1}},
            hovertemplate="%{text}<extra></extra>",
        )
        # Labels on a white ground, pulled off the point: sigmoid's up and right, tanh's down
        # and left (ReLU's f' = 1 runs right of tanh's peak).
        offsets = {"sigmoid": (42, -28), "tanh": (-48, 22)}
        fig.update_layout(
            annotations=[
                {
                    "x": px,
                    "y": py,
                    "text": text,
                    "ax": offsets[name][0],
                    "ay": offsets[name][1],
                    "showarrow": True,
                    "arrowcolor": hue,
                    "arrowwidth": 1,
                    "font": {"color": hue, "size": 12},
                    "bgcolor": "rgba(255, 255, 255, 0.85)",
                }
                for name, px, py, text, hue in zip(
                    [n for n in drawn if n in PEAKED],
                    peaks_x,
                    peaks_y,
                    peaks_text,
                    peaks_color,
                    strict=True,
                )
            ]
        )
    fig.update_layout(shapes=shapes)
    fig.update_xaxes(title_text="x", range=[lo, hi])
    fig.update_yaxes(title_text="f′(x)")
    return style(fig, title=tr("act.fig.df_title"), height=_height(len(drawn) + 1))


# --- through depth ---------------------------------------------------------------------------


def fig_expected(depth: Mapping[str, ThroughDepth], tr: Translate) -> go.Figure:
    """E|f'(z₁)·…·f'(z_L)| against depth on a log axis (dead paths count as 0), with (1/4)^L."""
    fig = go.Figure()
    depths = next(iter(depth.values())).depths
    fig.add_scatter(
        x=depths,
        y=0.25 ** depths.astype(float),
        name=tr("act.fig.quarter_bound"),
        meta="quarter",
        line={"color": MUTED, "dash": "dot", "width": 1.5},
        hovertemplate="L=%{x}<br>(1/4)^L=%{y:.2e}<extra></extra>",
    )
    for name, result in depth.items():
        label = tr(f"act.name.{name}")
        fig.add_scatter(
            x=result.depths,
            y=result.expected,
            name=label,
            legendgroup=name,
            meta=name,
            mode="lines",
            line=line(name),
            hovertemplate="L=%{x}<br>%{y:.2e}<extra>" + label + "</extra>",
        )
    fig.update_xaxes(title_text=tr("act.fig.depth_axis"))
    fig.update_yaxes(type="log", exponentformat="power", title_text=tr("act.fig.expected_axis"))
    return style(fig, title=tr("act.fig.expected_title"), height=_height(len(depth) + 1))


def fig_alive(depth: Mapping[str, ThroughDepth], tr: Translate) -> go.Figure:
    """The share of paths whose product is not cut to zero; the hover adds the typical factor
    along a path still alive."""
    fig = go.Figure()
    along = tr("act.fig.typical_hover")
    for name, result in depth.items():
        label = tr(f"act.name.{name}")
        fig.add_scatter(
            x=result.depths,
            y=result.alive,
            customdata=result.typical,
            name=label,
            legendgroup=name,
            meta=name,
            line=line(name),
            hovertemplate="L=%{x}<br>%{y:.1%}<br>"
            + along
            + " %{customdata:.2e}<extra>"
            + label
            + "</extra>",
        )
    fig.update_xaxes(title_text=tr("act.fig.depth_axis"))
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text=tr("act.fig.alive_axis"))
    return style(fig, title=tr("act.fig.alive_title"), height=_height(len(depth)))


# --- the output distribution -----------------------------------------------------------------


def fig_output_distribution(
    histograms: Mapping[str, OutputDistribution], tr: Translate
) -> go.Figure:
    """Density of f(z) for z ~ N(μ, σ²) per activation, a dotted line at each mean."""
    fig = go.Figure()
    means = []
    for name, histogram in histograms.items():
        label = tr(f"act.name.{name}")
        edges = histogram.edges
        centres = 0.5 * (edges[:-1] + edges[1:])
        fig.add_scatter(
            x=centres,
            y=histogram.density,
            name=label,
            legendgroup=name,
            meta=name,
            line_shape="hvh",
            fill="tozeroy",
            fillcolor=rgba(color(name), 0.15),
            line=line(name, 2),
            hovertemplate="f(z)≈%{x:.3f}<br>%{y:.3f}<extra>" + label + "</extra>",
        )
        means.append(vline(histogram.mean, {"color": color(name), "width": 2, "dash": "dot"}))
    fig.update_layout(shapes=[vline(0.0, {"color": MUTED, "width": 1}), *means])
    fig.update_xaxes(title_text=tr("act.fig.output_axis"))
    fig.update_yaxes(title_text=tr("act.fig.density_axis"), rangemode="tozero")
    return style(fig, title=tr("act.fig.output_title"), height=_height(len(histograms)))


# --- the properties table --------------------------------------------------------------------


def _mark(flag: bool) -> str:
    return "✓" if flag else "✗"


def table_properties(table: pd.DataFrame, picked: Sequence[str], tr: Translate) -> pd.DataFrame:
    """core.gradient_flow.properties_table as the page shows it: translated headings and words,
    numbers formatted, and a dot before each picked activation."""
    return pd.DataFrame(
        {
            tr("act.col.name"): [
                ("● " if n in picked else "") + tr(f"act.name.{n}") for n in table["name"]
            ],
            tr("act.col.range"): table["output_range"],
            tr("act.col.zero_centred"): table["zero_centred"].map(_mark),
            tr("act.col.monotonic"): table["monotonic"].map(_mark),
            tr("act.col.max_derivative"): table["max_derivative"].map(format_factor),
            tr("act.col.mean"): table["output_mean"].map(format_fixed),
            tr("act.col.saturates"): table["saturates"].map(lambda v: tr(f"act.saturates.{v}")),
            tr("act.col.cost"): table["cost"].map(lambda v: tr(f"act.cost.{v}")),
        }
    )


# --- Maxout ----------------------------------------------------------------------------------

FIT = "#c2255c"


def fig_maxout_fit(fit: MaxoutFit, tr: Translate) -> go.Figure:
    """The target, the maxout fit and its k lines."""
    x, target, fitted, pieces, k = fit.x, fit.y, fit.y_hat, fit.pieces, fit.k
    fig = go.Figure()
    span = float(np.max(target) - np.min(target)) or 1.0
    y_lo, y_hi = float(np.min(target)) - 0.15 * span, float(np.max(target)) + 0.15 * span
    for i, piece in enumerate(pieces):
        fig.add_scatter(
            x=x,
            y=np.clip(piece, y_lo - span, y_hi + span),
            mode="lines",
            name=tr("act.fig.maxout_piece"),
            legendgroup="pieces",
            showlegend=i == 0,
            line={"color": "#adb5bd", "width": 1, "dash": "dot"},
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=x,
        y=target,
        name=tr("act.fig.maxout_target"),
        meta="target",
        line={"color": "#212529", "width": 2},
        hovertemplate="x=%{x:.2f}<br>%{y:.4f}<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=fitted,
        name=tr("act.fig.maxout_fit", k=k),
        meta="fit",
        line={"color": FIT, "width": 3},
        hovertemplate="x=%{x:.2f}<br>%{y:.4f}<extra></extra>",
    )
    fig.update_yaxes(range=[y_lo, y_hi], title_text="y")
    fig.update_xaxes(title_text="x")
    return style(fig, title=tr("act.fig.maxout_title", k=k), height=400)


def fig_maxout_error(fits: Sequence[MaxoutFit], k: int, tr: Translate) -> go.Figure:
    """Each fit's mean squared error against its k (log axis), the chosen k highlighted."""
    fig = go.Figure()
    ks = np.array([fit.k for fit in fits])
    fig.add_bar(
        x=ks,
        y=np.maximum(np.array([fit.mse for fit in fits], dtype=float), 1e-12),
        name="MSE",
        showlegend=False,
        marker={"color": [FIT if kk == k else "#ced4da" for kk in ks]},
        hovertemplate="k=%{x}<br>MSE=%{y:.2e}<extra></extra>",
    )
    fig.update_xaxes(title_text="k", dtick=1)
    fig.update_yaxes(type="log", exponentformat="power", title_text="MSE")
    return style(fig, title=tr("act.fig.maxout_error_title"), height=400)


# --- the home page's card --------------------------------------------------------------------

# The names read the same in both languages (act.name.* in en.toml and ko.toml).
_THUMBNAIL = (("sigmoid", "Sigmoid"), ("tanh", "tanh"), ("relu", "ReLU"))
# Where each label sits, next to its curve and clear of the others: (x, y, anchor).
_THUMBNAIL_LABELS = {
    "sigmoid": (-4.8, 0.28, "left"),
    "tanh": (-4.8, -0.72, "left"),
    "relu": (1.2, 1.75, "right"),
}


THUMBNAIL = tuple(name for name, _ in _THUMBNAIL)  # the activations the card draws


def fig_thumbnail(drawn: Mapping[str, Curves]) -> go.Figure:
    """A small, static picture of a few activations for the home page's card, each curve
    labelled in its own colour."""
    fig = go.Figure()
    names = dict(_THUMBNAIL)
    for name, curve in drawn.items():
        fig.add_scatter(
            x=curve.x, y=curve.f, name=names.get(name, name), line=line(name, 3), hoverinfo="skip"
        )
    fig.update_layout(
        annotations=[
            {
                "x": _THUMBNAIL_LABELS[name][0],
                "y": _THUMBNAIL_LABELS[name][1],
                "text": f"<b>{names[name]}</b>",
                "xanchor": _THUMBNAIL_LABELS[name][2],
                "showarrow": False,
                "font": {"color": color(name), "size": 13},
            }
            for name in drawn
            if name in _THUMBNAIL_LABELS
        ]
    )
    fig.update_xaxes(showticklabels=False, zeroline=True)
    fig.update_yaxes(showticklabels=False, zeroline=True, range=[-1.3, 2.2])
    style(fig, height=150)
    fig.update_layout(showlegend=False, margin={"l": 4, "r": 4, "t": 4, "b": 4})
    return fig
