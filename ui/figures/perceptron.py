"""Figures of the perceptron page's sections 1 and 2: data and a translator in, a Figure out.

The data come from core.perceptron (the page calls it); this module only draws: the boundary
line w₀ + w₁x₁ + w₂x₂ = 0 with (w₁, w₂) normal to it, step by step as Plotly frames; the mistakes
against Novikoff's bound; the truth tables; the XOR network's hidden layer folding the plane; and
the two least-squares fits to XOR."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import GRID, HIDDEN_AXIS, MUTED, TEXT, playback, style, thumbnail_figure, with_frames

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.perceptron import Fold, LinearFit, TruthTable

# One colour per class, kept on every chart of the page: +1 (XOR's 1) blue, −1 (its 0) orange.
POSITIVE = "#1971c2"
NEGATIVE = "#e8590c"
BOUNDARY = TEXT
WEIGHT = "#c92a2a"  # the weight vector (w₁, w₂)
MISTAKE = "#c92a2a"
CORRECT = "#2f9e44"
BOUND = "#6741d9"  # Novikoff's bound
UNIT_COLORS = ("#2f9e44", "#ae3ec9")  # the two hidden units' lines
OUTPUT_SCALE = [[0.0, "#fbe3d6"], [0.5, "#ffffff"], [1.0, "#d0e4f5"]]  # ŷ: 0 orange, 1 blue
FIT_SCALE = [[0.0, "#f4a77a"], [0.5, "#adb5bd"], [1.0, "#74a9e0"]]  # a fit's ŷ, same hues
MAX_FRAMES = 120  # animation frames of the playback; longer runs are sampled evenly
THRESHOLD = 0.5  # a 0/1 output reads as 1 above this


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The steps the playback shows: every one up to max_frames, else evenly sampled, always
    the first (w = 0) and the last."""
    if steps + 1 <= max_frames:
        return list(range(steps + 1))
    return sorted({round(float(k)) for k in np.linspace(0, steps, max_frames)})


def _foot(
    w: Sequence[float], box: tuple[float, float, float, float]
) -> tuple[float, float, float, float, float] | None:
    """(px, py, w₁, w₂, s): the point of the line w₀ + w₁x + w₂y = 0 nearest the box's centre,
    the normal (w₁, w₂) and s = the box's longer side / ‖(w₁, w₂)‖; None when w₁ = w₂ = 0."""
    w0, w1, w2 = (float(v) for v in w)
    norm2 = w1 * w1 + w2 * w2
    if norm2 == 0.0:
        return None
    x0, x1, y0, y1 = box
    cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    shift = (w0 + w1 * cx + w2 * cy) / norm2
    return cx - shift * w1, cy - shift * w2, w1, w2, max(x1 - x0, y1 - y0) / np.sqrt(norm2)


def line_segment(
    w: Sequence[float], box: tuple[float, float, float, float]
) -> tuple[list[float | None], list[float | None]]:
    """The line w₀ + w₁x + w₂y = 0 as two points far beyond the view box (x0, x1, y0, y1)
    (the axes' ranges clip it), or no points when w₁ = w₂ = 0 (no line)."""
    foot = _foot(w, box)
    if foot is None:
        return [None, None], [None, None]
    px, py, w1, w2, s = foot
    length = 4.0 * s  # along the line's direction (−w₂, w₁)
    return [px - length * w2, px + length * w2], [py + length * w1, py - length * w1]


def normal_arrow(
    w: Sequence[float], box: tuple[float, float, float, float]
) -> tuple[list[float | None], list[float | None]]:
    """(w₁, w₂) drawn from the line's point nearest the box's centre, a quarter of the box long:
    it points to the side the neuron calls +1."""
    foot = _foot(w, box)
    if foot is None:
        return [None, None], [None, None]
    px, py, w1, w2, s = foot
    scale = 0.25 * s
    return [px, px + scale * w1], [py, py + scale * w2]


def view_box(X: np.ndarray, pad: float = 0.2) -> tuple[float, float, float, float]:
    """A square view around the points."""
    lo, hi = float(np.min(X)) - pad, float(np.max(X)) + pad
    return lo, hi, lo, hi


def _class_traces(X: np.ndarray, y: np.ndarray, tr: Translate, size: int = 10) -> list[dict]:
    traces = []
    for label, hue, symbol, name in (
        (1.0, POSITIVE, "circle", tr("mlp.fig.class_pos")),
        (-1.0, NEGATIVE, "x", tr("mlp.fig.class_neg")),
    ):
        chosen = np.flatnonzero(y == label)
        traces.append(
            {
                "type": "scatter",
                "x": X[chosen, 0],
                "y": X[chosen, 1],
                "mode": "markers",
                "name": name,
                "customdata": chosen,
                "marker": {"color": hue, "symbol": symbol, "size": size, "line": {"width": 1}},
                "hovertemplate": "#%{customdata}: (%{x:.2f}, %{y:.2f})<extra>" + name + "</extra>",
            }
        )
    return traces


def _state(weights: np.ndarray, visited: np.ndarray, mistake: np.ndarray, X, k, box) -> list:
    """The three moving traces after step k (k = 0: the start, no point visited yet)."""
    w = weights[k]
    line_x, line_y = line_segment(w, box)
    arrow_x, arrow_y = normal_arrow(w, box)
    if k == 0:
        point, hue = [None, None], MUTED
    else:
        point, hue = X[visited[k - 1]].tolist(), MISTAKE if mistake[k - 1] else CORRECT
    return [
        {"type": "scatter", "x": line_x, "y": line_y},
        {"type": "scatter", "x": arrow_x, "y": arrow_y},
        {"type": "scatter", "x": [point[0]], "y": [point[1]], "marker": {"color": hue}},
    ]


def fig_perceptron(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    visited: np.ndarray,
    mistake: np.ndarray,
    tr: Translate,
) -> go.Figure:
    """The points, the boundary w·x̃ = 0 and the weight vector normal to it, with the point just
    visited ringed (red: a mistake, so w just moved; green: right, w stayed). A play button and
    a step slider replay the run in the browser; the figure itself shows the last step."""
    box = view_box(X)
    steps = len(visited)
    moving = _state(weights, visited, mistake, X, steps, box)
    data = _class_traces(X, y, tr)
    first = len(data)
    data += [
        moving[0]
        | {
            "mode": "lines",
            "name": tr("mlp.fig.boundary"),
            "line": {"color": BOUNDARY, "width": 2.5},
            "hoverinfo": "skip",
        },
        moving[1]
        | {
            "mode": "lines+markers",
            "name": tr("mlp.fig.weight_vector"),
            "line": {"color": WEIGHT, "width": 3},
            "marker": {"symbol": ["circle", "arrow"], "size": [4, 14], "angleref": "previous"},
            "hoverinfo": "skip",
        },
        moving[2]
        | {
            "mode": "markers",
            "name": tr("mlp.fig.visited"),
            "marker": moving[2]["marker"]
            | {"symbol": "circle-open", "size": 22, "line": {"width": 3}},
            "hoverinfo": "skip",
        },
    ]
    shown = frame_steps(steps)
    traces = [first, first + 1, first + 2]
    frames = [
        {"name": str(k), "data": _state(weights, visited, mistake, X, k, box), "traces": traces}
        for k in shown
    ]
    x0, x1, y0, y1 = box
    layout = {
        "xaxis": {"title": {"text": "x₁"}, "range": [x0, x1], "constrain": "domain"},
        "yaxis": {
            "title": {"text": "x₂"},
            "range": [y0, y1],
            "scaleanchor": "x",
            "scaleratio": 1.0,
            "constrain": "domain",
        },
    }
    labels = (tr("mlp.fig.play"), tr("mlp.fig.pause"), tr("mlp.fig.step"))
    names = [str(k) for k in shown]
    layout |= playback(names, len(shown) - 1, labels, frame_ms=250, y=0.0, buttons_above=True,
                       slider_pad=50)  # fmt: skip
    fig = style(go.Figure({"data": data, "layout": layout}, _validate=False), height=540)
    fig.update_layout(margin={"t": 50, "b": 150}, legend={"y": -0.36})
    return with_frames(fig, frames)


def fig_mistakes(
    mistakes: np.ndarray,
    bound: float | None,
    cycle: tuple[int, int] | None,
    n: int,
    tr: Translate,
) -> go.Figure:
    """Mistakes so far against the step, with Novikoff's bound (R/γ)² as a line when the data
    are separable (log y: the bound is often far above), and the repeating stretch shaded when
    the rule entered a cycle (first_step, repeat_step)."""
    steps = np.arange(1, len(mistakes) + 1)
    data: list[dict] = [
        {
            "type": "scatter",
            "x": steps,
            "y": mistakes,
            "mode": "lines",
            "line": {"color": MISTAKE, "width": 2.5, "shape": "hv"},
            "name": tr("mlp.fig.mistakes"),
            "customdata": (steps - 1) // n + 1,
            "hovertemplate": tr("mlp.fig.mistakes_hover") + "<extra></extra>",
        }
    ]
    shapes, annotations = [], []
    yaxis: dict = {"title": {"text": tr("mlp.fig.mistakes_axis")}, "rangemode": "tozero"}
    if bound is not None:
        data.append(
            {
                "type": "scatter",
                "x": [0, max(len(mistakes), 1)],
                "y": [bound, bound],
                "mode": "lines",
                "line": {"color": BOUND, "width": 2, "dash": "dash"},
                "name": tr("mlp.fig.bound", bound=f"{bound:.4g}"),
                "hovertemplate": "(R/γ)² = %{y:.4g}<extra></extra>",
            }
        )
        top = max(bound, float(mistakes.max()) if len(mistakes) else 1.0)
        ticks = [m * 10**e for e in range(int(np.log10(top)) + 2) for m in (1, 2, 5)]
        yaxis = yaxis | {
            "type": "log",
            "range": [-0.1, float(np.log10(top)) + 0.25],
            "tickvals": ticks,
            "minor": {"showgrid": False},
        }
    if cycle is not None:
        start, end = cycle
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y domain",
                "x0": start + 0.5,
                "x1": end + 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": "rgba(201, 42, 42, 0.08)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "text": tr("mlp.fig.cycle_note", period=(end - start) // n),
                # Above the plot, from its left edge: the shaded period may span all of it.
                "xref": "paper",
                "yref": "paper",
                "x": 0.0,
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"color": MISTAKE},
            }
        )
    layout = {
        "xaxis": {"title": {"text": tr("mlp.fig.step_axis")}, "rangemode": "tozero"},
        "yaxis": yaxis,
        "shapes": shapes,
        "annotations": annotations,
        "hovermode": "x unified",
    }
    return style(go.Figure({"data": data, "layout": layout}, _validate=False), height=360)


def fig_truth_table(table: TruthTable, tr: Translate) -> go.Figure:
    """One gate's truth table: x₁, x₂, the target and the trained perceptron's output, the
    wrong outputs in red."""
    wrong = table.outputs != table.targets
    fill = ["white"] * 4
    cells = [
        table.inputs[:, 0].astype(int),
        table.inputs[:, 1].astype(int),
        table.targets,
        table.outputs,
    ]
    colors = [fill, fill, fill, ["#ffe3e3" if bad else "#ebfbee" for bad in wrong]]
    header = ["x₁", "x₂", tr(f"mlp.gate.{table.gate}"), tr("mlp.fig.perceptron_out")]
    fig = go.Figure(
        go.Table(
            header={"values": header, "fill": {"color": "#f1f3f5"}, "align": "center"},
            cells={"values": cells, "fill": {"color": colors}, "align": "center", "height": 28},
        )
    )
    verdict = "mlp.fig.solved" if table.solved else "mlp.fig.unsolved"
    mistakes = table.run.total_mistakes
    fig.update_layout(
        height=210,
        margin={"l": 4, "r": 4, "t": 36, "b": 4},
        title={
            "text": tr(verdict, gate=tr(f"mlp.gate.{table.gate}"), mistakes=mistakes),
            "font": {"size": 14},
        },
    )
    return fig


def _corner_traces(points: np.ndarray, output: np.ndarray, tr: Translate) -> list[dict]:
    """The four corners at `points` (their inputs or their hidden images), by XOR class, with the
    network's output on hover."""
    xor = np.array([0, 1, 1, 0])
    names = ("(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)")
    # Corners that land on one point (the hidden layer's fold) share one label, written once.
    keys = [tuple(np.round(point, 9)) for point in points]
    labels = np.array(
        [
            ", ".join(n for n, k in zip(names, keys, strict=True) if k == key)
            if keys.index(key) == i
            else ""
            for i, key in enumerate(keys)
        ],
        dtype=object,
    )
    traces = []
    for target, hue, symbol in ((1, POSITIVE, "circle"), (0, NEGATIVE, "x")):
        chosen = np.flatnonzero(xor == target)
        name = tr("mlp.fig.xor_class", value=target)
        traces.append(
            {
                "type": "scatter",
                "x": points[chosen, 0],
                "y": points[chosen, 1],
                "mode": "markers+text",
                "text": labels[chosen],
                "textposition": "top right",
                "customdata": [[float(output[i]), names[i]] for i in chosen],
                "name": name,
                "marker": {"color": hue, "symbol": symbol, "size": 14, "line": {"width": 1.5}},
                "hovertemplate": "x = %{customdata[1]}<br>ŷ = %{customdata[0]:.3g}<extra>"
                + name
                + "</extra>",
            }
        )
    return traces


def fig_fold_input(fold: Fold, tr: Translate) -> go.Figure:
    """The input plane: the network's output ŷ as a heatmap, its decision boundary ŷ = 0.5, the
    line where each hidden unit switches on (W x + c = 0) and the four corners."""
    data: list[dict] = [
        {
            "type": "heatmap",
            "x": fold.x1,
            "y": fold.x2,
            "z": np.round(fold.grid_output, 4),
            "zmin": 0.0,
            "zmax": 1.0,
            "colorscale": OUTPUT_SCALE,
            "showscale": False,
            "name": "ŷ",
            "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>ŷ = %{z:.3g}<extra></extra>",
        },
        {
            "type": "contour",
            "x": fold.x1,
            "y": fold.x2,
            "z": fold.grid_output,
            "contours": {"start": THRESHOLD, "end": THRESHOLD, "size": 1, "coloring": "none"},
            "line": {"color": BOUNDARY, "width": 2.5},
            "showscale": False,
            "showlegend": True,
            "name": tr("mlp.fig.output_boundary"),
            "hoverinfo": "skip",
        },
    ]
    for unit, hue in enumerate(UNIT_COLORS):
        data.append(
            {
                "type": "contour",
                "x": fold.x1,
                "y": fold.x2,
                "z": fold.pre_activation[:, :, unit],
                "contours": {"start": 0.0, "end": 0.0, "size": 1, "coloring": "none"},
                "line": {"color": hue, "width": 2, "dash": "dash"},
                "showscale": False,
                "showlegend": True,
                "name": tr("mlp.fig.unit_on", unit=unit + 1),
                "hoverinfo": "skip",
            }
        )
    data += _corner_traces(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), fold.output, tr)
    lo, hi = float(fold.x1[0]), float(fold.x1[-1])
    layout = {
        "title": {"text": tr("mlp.fig.input_space")},
        "xaxis": {"title": {"text": "x₁"}, "range": [lo, hi], "constrain": "domain"},
        "yaxis": {
            "title": {"text": "x₂"},
            "range": [lo, hi],
            "scaleanchor": "x",
            "constrain": "domain",
        },
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("mlp.fig.input_space"), height=420)


def fig_fold_hidden(fold: Fold, w: Sequence[float], b: float, tr: Translate) -> go.Figure:
    """The hidden plane (h₁, h₂) = relu(W x + c): where the grid of the input plane lands (its
    points coloured by ŷ), the four corners' images and the output's line w·h + b = 0.5."""
    points = fold.grid_hidden.reshape(-1, 2)
    everything = np.vstack([points, fold.hidden])
    lo = float(np.min(everything)) - 0.3
    hi = float(np.max(everything)) + 0.3
    line_x, line_y = line_segment((b - THRESHOLD, w[0], w[1]), (lo, hi, lo, hi))
    data: list[dict] = [
        {
            "type": "scatter",
            "x": np.round(points[:, 0], 4),
            "y": np.round(points[:, 1], 4),
            "mode": "markers",
            "name": tr("mlp.fig.grid_image"),
            "marker": {
                "size": 5,
                "color": np.round(fold.grid_output.reshape(-1), 4),
                "cmin": 0.0,
                "cmax": 1.0,
                "colorscale": [[0.0, NEGATIVE], [0.5, "#dee2e6"], [1.0, POSITIVE]],
                "opacity": 0.5,
            },
            "hovertemplate": "h = (%{x:.2f}, %{y:.2f})<extra></extra>",
        },
        {
            "type": "scatter",
            "x": line_x,
            "y": line_y,
            "mode": "lines",
            "name": tr("mlp.fig.output_boundary"),
            "line": {"color": BOUNDARY, "width": 2.5},
            "hoverinfo": "skip",
        },
        *_corner_traces(fold.hidden, fold.output, tr),
    ]
    layout = {
        "xaxis": {"title": {"text": "h₁"}, "range": [lo, hi], "constrain": "domain"},
        "yaxis": {
            "title": {"text": "h₂"},
            "range": [lo, hi],
            "scaleanchor": "x",
            "constrain": "domain",
        },
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("mlp.fig.hidden_space"), height=420)


def fig_fit(fit: LinearFit, title: str, tr: Translate) -> go.Figure:
    """A least-squares fit ŷ over the plane as a surface, the four XOR targets as points and
    each point's residual as a vertical line to the surface."""
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    targets = np.array([0.0, 1.0, 1.0, 0.0])
    data: list[dict] = [
        {
            "type": "surface",
            "x": fit.x1,
            "y": fit.x2,
            "z": np.round(fit.grid_output, 6),
            "colorscale": FIT_SCALE,
            "cmin": 0.0,
            "cmax": 1.0,
            "showscale": False,
            "opacity": 0.85,
            "name": "ŷ",
            "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>ŷ = %{z:.3g}<extra></extra>",
        },
        {
            "type": "scatter3d",
            "x": corners[:, 0],
            "y": corners[:, 1],
            "z": targets,
            "mode": "markers",
            "name": tr("mlp.fig.targets"),
            "marker": {"size": 6, "color": [NEGATIVE, POSITIVE, POSITIVE, NEGATIVE]},
            "customdata": np.round(fit.output, 6),
            "hovertemplate": "y = %{z:.0f}, ŷ = %{customdata:.3g}<extra></extra>",
        },
    ]
    xs, ys, zs = [], [], []
    for (x1, x2), target, out in zip(corners, targets, fit.output, strict=True):
        xs += [x1, x1, None]
        ys += [x2, x2, None]
        zs += [target, round(float(out), 6), None]
    data.append(
        {
            "type": "scatter3d",
            "x": xs,
            "y": ys,
            "z": zs,
            "mode": "lines",
            "name": tr("mlp.fig.residuals"),
            "line": {"color": MUTED, "width": 4, "dash": "dash"},
            "hoverinfo": "skip",
        }
    )
    axis = {"backgroundcolor": "white", "gridcolor": GRID}
    layout = {
        "scene": {
            "xaxis": axis | {"title": {"text": "x₁"}},
            "yaxis": axis | {"title": {"text": "x₂"}},
            "zaxis": axis | {"title": {"text": "ŷ"}, "range": [-0.6, 1.6]},
            "camera": {"eye": {"x": 1.5, "y": -1.5, "z": 0.9}},
            "aspectmode": "cube",
        },
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=title, height=400)


def fig_thumbnail(X: np.ndarray, y: np.ndarray, w: Sequence[float]) -> go.Figure:
    """A small, static picture for the home card: two classes and the line between them."""
    box = view_box(X, pad=0.05)
    line_x, line_y = line_segment(w, box)
    arrow_x, arrow_y = normal_arrow(w, box)
    data = [
        {
            "type": "scatter",
            "x": X[y == label, 0],
            "y": X[y == label, 1],
            "mode": "markers",
            "marker": {"color": hue, "symbol": symbol, "size": 7},
            "hoverinfo": "skip",
        }
        for label, hue, symbol in ((1.0, POSITIVE, "circle"), (-1.0, NEGATIVE, "x"))
    ]
    data += [
        {
            "type": "scatter",
            "x": line_x,
            "y": line_y,
            "mode": "lines",
            "line": {"color": BOUNDARY, "width": 2.5},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": arrow_x,
            "y": arrow_y,
            "mode": "lines+markers",
            "line": {"color": WEIGHT, "width": 3},
            "marker": {"symbol": ["circle", "arrow"], "size": [3, 11], "angleref": "previous"},
            "hoverinfo": "skip",
        },
    ]
    x0, x1, y0, y1 = box
    return thumbnail_figure(
        data,
        xaxis=HIDDEN_AXIS | {"range": [x0, x1]},
        yaxis=HIDDEN_AXIS | {"range": [y0, y1]},
    )
