"""Figures of the convolutions page's sections 3–4: parameter counts on a log axis, the picture of
weight sharing, a small map pooled forward and backward, and what a shift changes.

Builders take core's results (or plain arrays) and a translator and return a plotly Figure;
nothing here runs Streamlit or computes in core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import SIGNED_SCALE, TEXT, style

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.conv import ParameterCounts

COUNT_COLORS = ("#2f9e44", "#e8590c", "#c92a2a")  # shared, without sharing, dense
KERNEL_COLORS = ("#3b5bdb", "#ae3ec9")  # the outlines of window 1 and window 2
WINNER = TEXT  # dark: a ring that shows on light and deep red cells alike
# Shift status: zero before and after, unchanged, changed.
STATUS_SCALE = [
    [0.0, "#f1f3f5"],
    [0.33, "#f1f3f5"],
    [0.34, "#74c0fc"],
    [0.66, "#74c0fc"],
    [0.67, "#e8590c"],
    [1.0, "#e8590c"],
]


def _n(value: float) -> str:
    return f"{value + 0.0:.4g}".replace("-", "−")


def _image_layout(tr: Translate, shape: tuple[int, int], **more: object) -> dict:
    """Rows downward as in an image, square cells, column and row titles (a plain layout dict:
    update_xaxes would validate and cost more than the rest of the figure)."""
    x = {"title": {"text": tr("cnn.share.fig.col")}, "range": [-0.5, shape[1] - 0.5]}
    y = {"range": [shape[0] - 0.5, -0.5], "scaleanchor": "x"}
    # The row title read horizontally (a rotated 행 reads sideways): above the row numbers.
    row = {"text": tr("cnn.share.fig.row"), "xref": "x", "yref": "y", "x": -0.5, "y": -0.5,
           "xanchor": "right", "yanchor": "bottom", "showarrow": False, "xshift": -6}  # fmt: skip
    for axis, n in ((x, shape[1]), (y, shape[0])):
        axis |= {"showgrid": False, "zeroline": False, "constrain": "domain"}
        axis["ticklabelstandoff"] = 6  # the row and column numbers apart from the cells' numbers
        if n <= 12:
            axis["dtick"] = 1
    return {"xaxis": x, "yaxis": y, "annotations": [row], **more}


def _grid(z: np.ndarray, text: list[list[str]] | None, **look: object) -> dict:
    """One heatmap trace of z, its numbers written in when given, no hover text beyond them."""
    trace = {"type": "heatmap", "z": z, "showscale": False, "xgap": 1, "ygap": 1, **look}
    if text is not None:
        trace |= {
            "text": text,
            "texttemplate": "%{text}",
            "hovertemplate": "%{text}<extra></extra>",
        }
    else:
        trace["hoverinfo"] = "skip"
    return trace


def _signed(z: np.ndarray) -> dict:
    """The page's signed convention (red above 0, blue below, white at 0) on a range symmetric
    about 0: kernels, feature maps and gradients alike (a ReLU map, ≥ 0, uses the upper half)."""
    scale = float(np.max(np.abs(z))) or 1.0
    return {"colorscale": SIGNED_SCALE, "zmid": 0.0, "zmin": -scale, "zmax": scale}


# --- 3. Parameter sharing ------------------------------------------------------------------------


def fig_counts(counts: ParameterCounts, tr: Translate) -> go.Figure:
    """The three parameter counts as bars on a log axis, each labelled with its ratio to shared."""
    values = (counts.conv, counts.locally_connected, counts.dense)
    names = [tr(f"cnn.share.fig.{k}") for k in ("conv", "local", "dense")]
    labels = [f"{v:,}" + ("" if i == 0 else f"<br>×{v / counts.conv:,.0f}") for i, v in
              enumerate(values)]  # fmt: skip
    data = [
        {
            "type": "bar",
            "x": names,
            "y": list(values),
            "text": labels,
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": list(COUNT_COLORS)},
            "hovertemplate": "%{x}: %{text}<extra></extra>",
        }
    ]
    top = np.log10(max(values)) + 1.5  # room for a two-line label
    layout = {
        "xaxis": {"title": {"text": tr("cnn.share.fig.layer")}, "type": "category"},
        "yaxis": {
            "title": {"text": tr("cnn.share.fig.params")},
            "type": "log",
            "range": [0, top],
        },
        "showlegend": False,
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("cnn.share.fig.counts_title"), height=360)


def fig_sharing(weights: np.ndarray, mask: np.ndarray, tr: Translate, *, shared: bool) -> go.Figure:
    """A 7×7 input: the weights two output units' 3×3 windows apply, each window outlined."""
    text = [[_n(w) if m else "" for w, m in zip(row, mrow, strict=True)] for row, mrow in
            zip(weights, mask, strict=True)]  # fmt: skip
    data = [_grid(weights.tolist(), text, **_signed(weights))]
    shapes = []
    for n, color in enumerate(KERNEL_COLORS, start=1):
        rows, cols = np.nonzero(mask == n)
        shapes.append(
            {"type": "rect", "x0": cols.min() - 0.5, "x1": cols.max() + 0.5, "y0": rows.min() - 0.5,
             "y1": rows.max() + 0.5, "line": {"color": color, "width": 3}}
        )  # fmt: skip
    name = "shared" if shared else "unshared"
    layout = _image_layout(tr, weights.shape, shapes=shapes)
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr(f"cnn.share.fig.{name}_title"), height=330)


# --- 4. Pooling ----------------------------------------------------------------------------------


def fig_pool_input(feature: np.ndarray, grad_input: np.ndarray | None, tr: Translate) -> go.Figure:
    """The small feature map with its numbers; under max pooling, the cells that won a window
    (those with a nonzero gradient) ringed."""
    text = [[_n(v) for v in row] for row in feature]
    data = [_grid(feature.tolist(), text, **_signed(feature))]
    if grad_input is not None:
        rows, cols = np.nonzero(grad_input)
        data.append(
            {"type": "scatter", "x": cols.tolist(), "y": rows.tolist(), "mode": "markers",
             "name": tr("cnn.pool.fig.winner"), "hoverinfo": "skip",
             "marker": {"symbol": "square-open", "size": 26, "color": WINNER, "line": {"width": 3}}}
        )  # fmt: skip
    layout = _image_layout(tr, feature.shape, showlegend=grad_input is not None)
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("cnn.pool.fig.input_title"), height=340)


def fig_pooled(pooled: np.ndarray, upstream: np.ndarray, tr: Translate) -> go.Figure:
    """The pooled map's values, each cell with the upstream gradient it sends back (∂L/∂y)."""
    text = [[f"<b>{_n(v)}</b><br>∂L/∂y = {_n(g)}" for v, g in zip(row, grow, strict=True)]
            for row, grow in zip(pooled, upstream, strict=True)]  # fmt: skip
    data = [_grid(pooled.tolist(), text, **_signed(pooled))]
    fig = go.Figure({"data": data, "layout": _image_layout(tr, pooled.shape)}, _validate=False)
    return style(fig, title=tr("cnn.pool.fig.pooled_title"), height=340)


def fig_pool_grad(grad_input: np.ndarray, tr: Translate) -> go.Figure:
    """∂L/∂x: where the upstream gradient lands on the input, zeros included."""
    text = [[_n(v) for v in row] for row in grad_input]
    layout = _image_layout(tr, grad_input.shape)
    data = [_grid(grad_input.tolist(), text, **_signed(grad_input))]
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("cnn.pool.fig.grad_title"), height=340)


def fig_feature(feature: np.ndarray, tr: Translate) -> go.Figure:
    """The feature map the shift test pools (ReLU of the edge detector on the picture)."""
    z = np.round(feature, 3).astype(np.float32)
    data = [_grid(z, None, **_signed(z), xgap=0, ygap=0)]
    fig = go.Figure({"data": data, "layout": _image_layout(tr, feature.shape)}, _validate=False)
    return style(fig, title=tr("cnn.pool.fig.feature_title"), height=320)


def fig_changed(status: np.ndarray, unchanged: float, tr: Translate, *, pooled: bool) -> go.Figure:
    """Which cells a shift changed: 0 zero before and after, 1 unchanged, 2 changed."""
    gap = 1 if status.shape[0] <= 20 else 0
    look = {"colorscale": STATUS_SCALE, "zmin": 0, "zmax": 2, "xgap": gap, "ygap": gap}
    data = [_grid(status, None, **look)]
    # legend swatches: one point each, outside the fixed axis ranges
    for color, key in ((STATUS_SCALE[2][1], "unchanged"), (STATUS_SCALE[4][1], "changed")):
        data.append(
            {"type": "scatter", "x": [-9], "y": [-9], "mode": "markers", "name":
             tr(f"cnn.pool.fig.{key}"), "marker": {"symbol": "square", "size": 12, "color": color}}
        )  # fmt: skip
    layout = _image_layout(tr, status.shape, showlegend=True)
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    which = "shift_pooled" if pooled else "shift_feature"
    return style(fig, title=tr(f"cnn.pool.fig.{which}_title", share=f"{unchanged:.0%}"), height=320)
