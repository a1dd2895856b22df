"""Figures of the convolutions page's sections 1–2: the operation step by step, shapes.

The data come from ui.topics.convolutions.operation (which calls core.conv); this module only
draws. Images are heatmaps with y running downward and square cells; signed values on a scale
on ui.theme's SIGNED_SCALE (red above 0, blue below), pictures on its PIXEL_SCALE (a value is
its brightness); the playback's frames move the window and fill in the output, no rerun.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import (
    HIDDEN_AXIS,
    MUTED,
    PIXEL_SCALE,
    SIGNED_SCALE,
    TEXT,
    playback,
    style,
    subplots,
    thumbnail_figure,
    with_frames,
)

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from ui.topics.convolutions.operation import Operation, Taps

WINDOW = "#e8590c"
PADDING = "#a5b8e8"
FIELD_COLORS = ("#2f9e44", "#1971c2", "#ae3ec9", "#e8590c")
FRAME_MS = 350


def sum_text(value: float) -> str:
    """A sum as printed: three digits, and rounding noise (1e-16 of cancelled terms) as 0."""
    return f"{round(value, 6) + 0.0:.3g}"


def _r(a: np.ndarray, digits: int = 3) -> list:
    """Rounded, as plain lists (small payloads; nothing non-finite reaches a chart)."""
    return np.round(np.asarray(a, dtype=float), digits).tolist()


def _image_axes(fig: go.Figure, n: int, axis: str = "", *, ticks: bool = True) -> None:
    """Square cells, row 0 at the top, as images are read."""
    x, y = f"xaxis{axis}", f"yaxis{axis}"
    common = {"showgrid": False, "zeroline": False, "showticklabels": ticks}
    fig.layout[x].update(common | {"range": [-0.5, n - 0.5], "constrain": "domain"})
    anchor = "x" + axis
    fig.layout[y].update(
        common | {"range": [n - 0.5, -0.5], "scaleanchor": anchor, "constrain": "domain"}
    )


def _axes(n: int, anchor: str, tr: Translate, *, ticks: bool = True) -> tuple[dict, dict]:
    """x and y axis settings of an image subplot: square cells, row 0 at the top."""
    common = {"showgrid": False, "zeroline": False, "showticklabels": ticks, "constrain": "domain"}
    x = common | {"range": [-0.5, n - 0.5]}
    y = common | {"range": [n - 0.5, -0.5], "scaleanchor": anchor}
    if ticks:
        x["title"] = {"text": tr("cnn.op.fig.column")}
    return x, y


def row_note(tr: Translate, axis: str = "") -> dict:
    """The rows' title as an annotation read horizontally over the row numbers (a y-axis title
    is turned on its side, unreadable for one Korean word like 행)."""
    return {
        "text": tr("cnn.op.fig.row"),
        "xref": f"x{axis} domain",
        "yref": f"y{axis} domain",
        "x": 0,
        "y": 1,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": MUTED, "size": 12},
    }


def _titles(fig: go.Figure, tr: Translate) -> None:
    """Axis titles as plotly.js wants them (objects: a bare string is not read)."""
    fig.layout.xaxis.title = {"text": tr("cnn.op.fig.column")}
    fig.add_annotation(row_note(tr))


def _symmetric(values: np.ndarray) -> float:
    peak = float(np.abs(values).max())
    return peak if peak > 0 else 1.0


def _rect(r0: float, c0: float, r1: float, c1: float) -> tuple[list[float], list[float]]:
    """A closed outline around cells r0…r1, c0…c1."""
    x = [c0 - 0.5, c1 + 0.5, c1 + 0.5, c0 - 0.5, c0 - 0.5]
    y = [r0 - 0.5, r0 - 0.5, r1 + 0.5, r1 + 0.5, r0 - 0.5]
    return x, y


def cell_font(n: int) -> dict:
    """The size of the numbers printed in an n × n grid: the chart's width shared by n cells
    (a phone's ~350 px gives a 12 × 12 grid 29 px cells, room for 0.45 at 9 px)."""
    return {"size": 9 if n > 6 else 12}


def _shown(image: np.ndarray) -> dict:
    """The input as a trace: its pixels (0 black, 1 white) with their numbers, or the RGB
    picture."""
    if image.shape[0] == 3:
        rgb = np.clip(np.round(image.transpose(1, 2, 0) * 255), 0, 255).astype(int)
        return {"type": "image", "z": rgb.tolist(), "hoverinfo": "skip"}
    return {
        "type": "heatmap",
        "z": _r(image[0], 2),
        "zmin": 0,
        "zmax": 1,
        "colorscale": PIXEL_SCALE,
        "showscale": False,
        "texttemplate": "%{z:.2f}",
        "textfont": cell_font(image.shape[1]),
        "hovertemplate": "(%{y}, %{x}) = %{z:.2f}<extra></extra>",
    }


def fig_operation(op: Operation, position: int, relu: bool, tr: Translate) -> go.Figure:
    """The kernel's window on the input, above it the window's products with their sum, above
    the output map filled in up to the window's cell: one column, so a phone's narrow chart
    keeps its cells wide and the playback keeps all three in step."""
    out = op.feature.shape[0]
    k = op.kernel.shape[0]
    shown = op.relu if relu else op.feature
    values = _r(shown.ravel(), 2)
    zmax = _symmetric(shown)
    pmax = _symmetric(op.products)
    titles = (tr("cnn.op.fig.input"), tr("cnn.op.fig.products"), tr("cnn.op.fig.output"))
    size = op.image.shape[1]
    heights = np.array([size, 1.6 * k, out], float)
    fig = subplots(
        rows=3,
        cols=1,
        row_heights=(heights / heights.sum()).tolist(),
        subplot_titles=titles,
        vertical_spacing=0.12,  # room for the input's column title above the next title
    )

    def filled(p: int) -> list[list[float | None]]:
        cells = [v if i <= p else None for i, v in enumerate(values)]
        return [cells[r * out : (r + 1) * out] for r in range(out)]

    line = {"color": WINDOW, "width": 3}
    static = [  # what every position shares: sent once, the frames carry only what changes
        {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "line": line},
        {"type": "heatmap", "zmin": -pmax, "zmax": pmax, "colorscale": SIGNED_SCALE,
         "showscale": False, "texttemplate": "%{z:.2f}", "textfont": {"size": 12},
         "xaxis": "x2", "yaxis": "y2", "hovertemplate": "%{z:.3f}<extra></extra>"},
        {"type": "scatter", "x": [1], "y": [k - 0.5 + 0.3 * k], "mode": "text",
         "textfont": {"size": 15, "color": TEXT}, "hoverinfo": "skip",
         "xaxis": "x2", "yaxis": "y2"},
        {"type": "heatmap", "zmin": -zmax, "zmax": zmax, "colorscale": SIGNED_SCALE,
         "showscale": False, "texttemplate": "%{z:.2f}", "textfont": cell_font(out),
         "xaxis": "x3", "yaxis": "y3", "hovertemplate": "(%{y}, %{x}) = %{z:.2f}<extra></extra>"},
        {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "line": line,
         "xaxis": "x3", "yaxis": "y3"},
    ]  # fmt: skip

    def moving(p: int) -> list[dict]:
        row, col = divmod(p, out)
        wx, wy = _rect(row, col, row + k - 1, col + k - 1)
        cx, cy = _rect(row, col, row, col)
        return [
            {"x": wx, "y": wy},
            {"z": _r(op.products[p], 2)},
            {"text": [f"Σ = {sum_text(float(op.sums[p]))}"]},
            {"z": filled(p)},
            {"x": cx, "y": cy},
        ]

    layout = fig.layout.to_plotly_json() | style(go.Figure(), height=1150).layout.to_plotly_json()
    for suffix, n, ticks in (("", size, True), ("2", k, False), ("3", out, True)):
        x, y = _axes(n, "x" + suffix, tr, ticks=ticks)
        layout[f"xaxis{suffix}"] = layout.get(f"xaxis{suffix}", {}) | x
        layout[f"yaxis{suffix}"] = layout.get(f"yaxis{suffix}", {}) | y
    layout["yaxis2"] |= {"range": [k - 0.5 + 0.6 * k, -0.5]}  # room for Σ under the table
    layout["xaxis2"] |= {"range": [-0.5 - 0.3 * k, k - 0.5 + 0.3 * k]}
    layout["annotations"] = [*layout.get("annotations", []), row_note(tr), row_note(tr, "3")]
    names = [str(p) for p in range(out * out)]
    labels = (tr("cnn.op.fig.play"), tr("cnn.op.fig.pause"), tr("cnn.op.fig.cell"))
    layout |= playback(names, position, labels, frame_ms=FRAME_MS, y=-0.03, redraw=True)
    layout |= {"showlegend": False, "margin": layout["margin"] | {"b": 110}}
    data = [_shown(op.image), *(a | b for a, b in zip(static, moving(position), strict=True))]
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    frames = [
        {"name": name, "data": moving(p), "traces": [1, 2, 3, 4, 5]} for p, name in enumerate(names)
    ]
    return with_frames(fig, frames)


def fig_map(values: np.ndarray, title: str, tr: Translate, *, height: int = 400) -> go.Figure:
    """One feature map (signed: blue below 0, red above, symmetric around 0), its colour bar
    under it, close to the map at any width."""
    n = values.shape[0]
    peak = _symmetric(values)
    trace = {
        "type": "heatmap",
        "z": _r(values),
        "zmin": -peak,
        "zmax": peak,
        "colorscale": SIGNED_SCALE,
        "colorbar": {"orientation": "h", "thickness": 10, "len": 0.6, "y": -0.18, "yanchor": "top"},
        "hovertemplate": "(%{y}, %{x}) = %{z:.3f}<extra></extra>",
    }
    layout = style(go.Figure(), title=title, height=height).layout.to_plotly_json()
    x, y = _axes(n, "x", tr)
    layout |= {"height": height, "margin": layout["margin"] | {"b": 90}, "xaxis": x, "yaxis": y}
    layout["annotations"] = [row_note(tr)]
    return go.Figure({"data": [trace], "layout": layout}, _validate=False)


def fig_padded(t: Taps, tr: Translate) -> go.Figure:
    """The padded input (padding shaded), the first window's taps (dilation spreads them) and
    every window's first tap, their spacing the stride."""
    n = t.padded
    inside = np.zeros((n, n))
    inside[t.padding : n - t.padding, t.padding : n - t.padding] = 1.0
    grid = {
        "type": "heatmap",
        "z": inside.tolist(),
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[0.0, PADDING], [1.0, "#f8f9fa"]],
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "hoverinfo": "skip",
    }
    corners = {
        "type": "scatter",
        "x": [c for _, c in t.corners],
        "y": [r for r, _ in t.corners],
        "mode": "markers",
        "name": tr("cnn.shape.fig.starts"),
        "marker": {"color": MUTED, "size": 7, "symbol": "circle-open"},
    }
    first = {
        "type": "scatter",
        "x": [c for _, c in t.taps],
        "y": [r for r, _ in t.taps],
        "mode": "markers",
        "name": tr("cnn.shape.fig.taps"),
        "marker": {"color": WINDOW, "size": 14, "symbol": "square"},
    }
    fig = go.Figure({"data": [grid, corners, first]}, _validate=False)
    style(fig, title=tr("cnn.shape.fig.padded", out=t.out), height=380)
    _image_axes(fig, n)
    _titles(fig, tr)
    return fig


def fig_fields(n: int, spans: Sequence[tuple[int, int]], tr: Translate) -> go.Figure:
    """The input's outline and, for each layer, the receptive field of its centre unit."""
    x, y = _rect(0, 0, n - 1, n - 1)
    data = [
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "mode": "lines",
            "name": tr("cnn.shape.input"),
            "line": {"color": TEXT, "width": 2},
            "fill": "toself",
            "fillcolor": "rgba(31, 36, 48, 0.04)",
            "hoverinfo": "skip",
        }
    ]
    for i, (first, last) in enumerate(spans):
        x, y = _rect(first, first, last, last)
        hue = FIELD_COLORS[i % len(FIELD_COLORS)]
        label = tr("cnn.shape.fig.layer_field", layer=i + 1, size=last - first + 1)
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines",
                "name": label,
                "line": {"color": hue, "width": 2.5, "dash": "solid" if i % 2 else "dash"},
                "hoverinfo": "name",
            }
        )
    lo = min([0, *(first for first, _ in spans)]) - 1
    hi = max([n - 1, *(last for _, last in spans)]) + 1
    fig = go.Figure({"data": data}, _validate=False)
    style(fig, title=tr("cnn.shape.fig.fields"), height=400)
    axis = {"showgrid": False, "zeroline": False, "constrain": "domain"}
    fig.update_layout(
        xaxis=axis | {"range": [lo - 0.5, hi + 0.5], "title": {"text": tr("cnn.op.fig.column")}},
        yaxis=axis | {"range": [hi + 0.5, lo - 0.5], "scaleanchor": "x"},
        annotations=[row_note(tr)],
    )
    return fig


def fig_thumbnail(image: np.ndarray, feature: np.ndarray, at: tuple[int, int]) -> go.Figure:
    """A small, static, wordless picture for the home card: the picture with a 3×3 window, and
    its feature map with the window's cell."""
    n, m = image.shape[0], feature.shape[0]
    peak = _symmetric(feature)
    wx, wy = _rect(at[0], at[1], at[0] + 2, at[1] + 2)
    cx, cy = _rect(at[0], at[1], at[0], at[1])
    line = {"color": WINDOW, "width": 2.5}
    data = [
        {
            "type": "heatmap",
            "z": _r(image, 2),
            "zmin": 0,
            "zmax": 1,
            "colorscale": PIXEL_SCALE,
            "showscale": False,
            "hoverinfo": "skip",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "x": wx,
            "y": wy,
            "mode": "lines",
            "line": line,
            "hoverinfo": "skip",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "heatmap",
            "z": _r(feature),
            "zmin": -peak,
            "zmax": peak,
            "colorscale": SIGNED_SCALE,
            "showscale": False,
            "hoverinfo": "skip",
            "xaxis": "x2",
            "yaxis": "y2",
        },
        {
            "type": "scatter",
            "x": cx,
            "y": cy,
            "mode": "lines",
            "line": line,
            "hoverinfo": "skip",
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]
    return thumbnail_figure(
        data,
        xaxis=HIDDEN_AXIS | {"domain": [0, 0.5], "range": [-0.5, n - 0.5]},
        yaxis=HIDDEN_AXIS | {"range": [n - 0.5, -0.5], "scaleanchor": "x"},
        xaxis2=HIDDEN_AXIS | {"domain": [0.56, 1], "range": [-0.5, m - 0.5]},
        yaxis2=HIDDEN_AXIS | {"range": [m - 0.5, -0.5], "scaleanchor": "x2"},
    )
