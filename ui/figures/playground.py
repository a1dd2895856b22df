"""Figures of the playground (the perceptron page's third section): the decision boundary played
back over the epochs, the network with a small image per neuron, loss and accuracy against
epochs, loss per update beside loss per epoch, the confusion matrix, and the home card's picture.

Builders take a core.playground Run or Neurons (or plain arrays) and a translator and return a
plotly Figure; nothing here runs Streamlit or computes in core.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, TEXT, playback, png_data_uri, style, vline, with_frames

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.playground import Neurons, Run

# TensorFlow Playground's orange and blue for class 0 and class 1 (its −1 and +1), and the
# Okabe–Ito bluish green for a third class: distinct for colour-blind readers too.
CLASS_COLORS: tuple[str, ...] = ("#f59322", "#0877bd", "#009e73")
DIVERGED = "#c92a2a"
TRAIN_LINE, TEST_LINE, PENALTY_LINE = "#1f2430", "#e8590c", "#6741d9"
PENALTY_LABEL = "λ₁‖θ‖₁ + ½λ₂‖θ‖²"

# The surface travels quantized (plotly sends integer arrays as one byte each, base64):
# binary: P(class 1) in whole percent, rounded to steps of PERCENT_STEP (26 levels, as
# TensorFlow Playground's 30 colour shades); multiclass: LEVELS shades of the winning class's
# probability per class; regression: the prediction in 2·HALF_LEVELS + 1 levels of ±bound
# (quantized_surface says why unsigned and small).
PERCENT_STEP = 4
LEVELS = 10
HALF_LEVELS = 15
SURFACE_TINT = 0.55  # how far toward white the background's strongest colour stays
EDGE_CUT = 0.02  # network edges with |w| under this share of the largest |w| are not drawn
EDGE_WIDTHS = 8  # line-width bins per sign (one trace each)
MAX_UPDATE_POINTS = 2000  # loss per update: longer runs show every k-th update
LOSS_FLOOR = 1e-12  # log axes: a loss of exactly 0 is drawn at the floor

FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1_sq": "x₁²",
    "x2_sq": "x₂²",
    "x1x2": "x₁x₂",
    "sin_x1": "sin x₁",
    "sin_x2": "sin x₂",
}


# --- colours --------------------------------------------------------------------------------


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def _hex(rgb: np.ndarray) -> str:
    r, g, b = (round(float(v)) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _tint(hex_color: str, amount: float) -> str:
    """`hex_color` moved `amount` of the way toward white."""
    return _hex(_rgb(hex_color) + amount * (255.0 - _rgb(hex_color)))


def _diverging(t: np.ndarray) -> np.ndarray:
    """t in [−1, 1] -> RGB (…, 3) floats: class 0's orange at −1, white at 0, class 1's blue
    at 1."""
    t = np.clip(np.nan_to_num(t), -1.0, 1.0)[..., None]
    white = np.full(3, 255.0)
    end = np.where(t < 0, _rgb(CLASS_COLORS[0]), _rgb(CLASS_COLORS[1]))
    return white + np.abs(t) * (end - white)


def _binary_scale(tint: float = SURFACE_TINT) -> list[list[float | str]]:
    return [
        [0.0, _tint(CLASS_COLORS[0], tint)],
        [0.5, "#ffffff"],
        [1.0, _tint(CLASS_COLORS[1], tint)],
    ]


def _class_scale(classes: int, tint: float = SURFACE_TINT) -> list[list[float | str]]:
    """One flat colour per class, for z = the class (zmin −0.5, zmax C − 0.5)."""
    scale: list[list[float | str]] = []
    for c in range(classes):
        colour = _tint(CLASS_COLORS[c], tint)
        scale += [[c / classes, colour], [(c + 1) / classes, colour]]
    return scale


def _shaded_class_scale(classes: int) -> list[list[float | str]]:
    """For z = c·LEVELS + q: class c's band runs from near white (q = 0, a tie) to its colour."""
    top = classes * LEVELS - 1
    scale: list[list[float | str]] = []
    for c in range(classes):
        lo, hi = (c * LEVELS - 0.5) / top, (c * LEVELS + LEVELS - 0.5) / top
        scale += [
            [max(lo, 0.0), _tint(CLASS_COLORS[c], 0.92)],
            [min(hi, 1.0), _tint(CLASS_COLORS[c], SURFACE_TINT)],
        ]
    return scale


# --- the surface, quantized -------------------------------------------------------------------


def regression_bound(run: Run) -> float:
    """The prediction scale's ±bound: the largest |target| (1 when every target is 0)."""
    targets = np.concatenate([np.ravel(run.y_train), np.ravel(run.y_test)]).astype(np.float64)
    targets = targets[np.isfinite(targets)]
    top = float(np.max(np.abs(targets))) if targets.size else 0.0
    return top if top > 0 else 1.0


def quantized_surface(run: Run, discretize: bool = False) -> np.ndarray:
    """The surface at every snapshot as small unsigned integers (K, G, G, uint8), what the
    chart's z carries: binary: P(class 1) in percent, in steps of PERCENT_STEP; multiclass:
    c·LEVELS + q with c the winning class and q its probability's shade, 0 (a tie) …
    LEVELS − 1 (certain); regression: HALF_LEVELS · (1 + prediction / bound), 0 … 2·HALF_LEVELS.
    With `discretize`, the predicted class, or for regression 1 where the prediction is ≥ 0.

    Small and unsigned on purpose: plotly's JSON escapes "/" as \\u002f, and base64 writes
    "/" for six set bits, which bytes under 64 (and multiples of 4 up to 100) never make."""
    surface = np.asarray(run.surface, dtype=np.float64)
    if run.task == "regression":
        if discretize:
            return (np.nan_to_num(surface) >= 0).astype(np.uint8)
        scaled = np.clip(np.nan_to_num(surface / regression_bound(run)), -1.0, 1.0)
        return np.round((scaled + 1.0) * HALF_LEVELS).astype(np.uint8)
    if discretize:
        return np.clip(np.asarray(run.prediction), 0, run.classes - 1).astype(np.uint8)
    if run.task == "binary":
        p = np.clip(np.nan_to_num(np.asarray(run.surface, dtype=np.float64), nan=0.5), 0.0, 1.0)
        return (np.round(p * 100 / PERCENT_STEP) * PERCENT_STEP).astype(np.uint8)
    floor = 1.0 / run.classes
    p = np.clip(np.nan_to_num(surface, nan=floor), floor, 1.0)
    shade = np.round((p - floor) / (1.0 - floor) * (LEVELS - 1))
    winner = np.clip(np.asarray(run.prediction), 0, run.classes - 1)
    return (winner * LEVELS + shade).astype(np.uint8)


def dequantized(run: Run, z: np.ndarray) -> np.ndarray:
    """The inverse of quantized_surface (not discretized): the surface each level stands for."""
    z = np.asarray(z, dtype=np.float64)
    if run.task == "binary":
        return z / 100.0
    if run.task == "regression":
        return (z / HALF_LEVELS - 1.0) * regression_bound(run)
    floor = 1.0 / run.classes
    return floor + (z % LEVELS) / (LEVELS - 1) * (1.0 - floor)


def _class_name(tr: Translate, c: int) -> str:
    return tr("mlp.fig.class", c=c)


def _surface_trace(run: Run, z: np.ndarray, discretize: bool, tr: Translate) -> dict:
    """The heatmap (as a plain dict) with the colour scale for the task and option."""
    trace: dict = {
        "type": "heatmap",
        "x": np.asarray(run.grid, dtype=np.float32),
        "y": np.asarray(run.grid, dtype=np.float32),
        "z": z,
        "hoverinfo": "skip",
        "showscale": False,
        # Colours interpolated between grid points, as TensorFlow Playground's canvas does; not
        # for discretized classes (hard edges) nor multiclass, whose z jumps between classes'
        # bands: interpolating across a jump would paint a third class along the boundary.
        "zsmooth": False if discretize or run.task == "multiclass" else "best",
    }
    bar = {"thickness": 10, "len": 0.75, "x": 1.0, "xpad": 6, "outlinewidth": 0}
    hover = "x₁=%{x:.2f}, x₂=%{y:.2f}<br>"
    if discretize and run.task != "regression":
        trace |= {
            "colorscale": _class_scale(run.classes),
            "zmin": -0.5,
            "zmax": run.classes - 0.5,
            "hoverinfo": None,
            "hovertemplate": hover + tr("mlp.fig.predicted") + ": %{z}<extra></extra>",
        }
    elif discretize:
        trace |= {"colorscale": _binary_scale(), "zmin": 0, "zmax": 1}
    elif run.task == "binary":
        trace |= {
            "colorscale": _binary_scale(),
            "zmin": 0,
            "zmax": 100,
            "hoverinfo": None,
            "hovertemplate": hover + tr("mlp.fig.p_class1") + " ≈ %{z}%<extra></extra>",
            "showscale": True,
            "colorbar": bar
            | {
                "tickvals": [0, 50, 100],
                "ticksuffix": "%",
                "title": {"text": tr("mlp.fig.p_class1"), "side": "right"},
            },
        }
    elif run.task == "multiclass":
        trace |= {
            "colorscale": _shaded_class_scale(run.classes),
            "zmin": 0,
            "zmax": run.classes * LEVELS - 1,
        }
    else:
        bound = regression_bound(run)
        trace |= {
            "colorscale": _binary_scale(),
            "zmin": 0,
            "zmax": 2 * HALF_LEVELS,
            "showscale": True,
            "colorbar": bar
            | {
                "tickvals": [0, HALF_LEVELS, 2 * HALF_LEVELS],
                "ticktext": [f"{-bound:.3g}", "0", f"{bound:.3g}"],
                "title": {"text": tr("mlp.fig.prediction_value"), "side": "right"},
            },
        }
    return {k: v for k, v in trace.items() if v is not None}


def _point_traces(run: Run, tr: Translate) -> list[dict]:
    """Train points filled, test points hollow (white inside, outlined), coloured by label;
    for regression, both filled by target, test points with a dark ring."""
    traces = []
    splits = (
        ("train", np.asarray(run.x_train), np.asarray(run.y_train)),
        ("test", np.asarray(run.x_test), np.asarray(run.y_test)),
    )
    if run.task == "regression":
        bound = regression_bound(run)
        for split, x, y in splits:
            values = np.clip(np.nan_to_num(y.astype(np.float64)), -bound, bound)
            scale = {"colorscale": _binary_scale(0.0), "cmin": -bound, "cmax": bound}
            # Coloured by target on the surface's own scale, so a point that disagrees with the
            # prediction stands out; a grey rim (train) or a dark ring (test) keeps the ones
            # that agree visible.
            ring = (
                {"color": MUTED, "width": 0.8}
                if split == "train"
                else {"color": TEXT, "width": 1.8}
            )
            marker = {"color": values, **scale, "line": ring}
            traces.append(
                {
                    "type": "scatter",
                    "x": x[:, 0],
                    "y": x[:, 1],
                    "mode": "markers",
                    "name": tr(f"mlp.fig.{split}"),
                    "marker": {"size": 7, **marker},
                    "customdata": values,
                    "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>"
                    + tr("mlp.fig.target")
                    + " %{customdata:.3f}<extra>"
                    + tr(f"mlp.fig.{split}")
                    + "</extra>",
                }
            )
        return traces
    for split, x, y in splits:
        for c in range(run.classes):
            points = x[np.asarray(y) == c]
            colour = CLASS_COLORS[c]
            filled = split == "train"
            name = tr(f"mlp.fig.{split}_class", c=c)
            traces.append(
                {
                    "type": "scatter",
                    "x": points[:, 0],
                    "y": points[:, 1],
                    "mode": "markers",
                    "name": name,
                    "legendgroup": split,
                    "marker": {
                        "size": 7,
                        "color": colour if filled else "white",
                        "line": {
                            "color": "white" if filled else colour,
                            "width": 1 if filled else 2,
                        },
                    },
                    "hovertemplate": "(%{x:.2f}, %{y:.2f})<extra>" + name + "</extra>",
                }
            )
    return traces


PLOT_PX = 400  # the square boundary plot's height at full width
BOUNDARY_MARGIN = {"l": 50, "r": 56, "t": 10, "b": 190}  # right: the colour bar's "100%" and title


def fig_boundary(run: Run, epoch_index: int, discretize: bool, tr: Translate) -> go.Figure:
    """The decision boundary (binary: P(class 1) from orange through white at 0.5 to blue;
    multiclass: the winning class's colour, paler where it barely wins; regression: the
    prediction) on run.grid, with train points filled and test points hollow; a play button and
    an epoch slider under the plot step through run.snapshot_epochs in the browser, starting at
    snapshot `epoch_index`. Frames carry only the heatmap's z, quantized (quantized_surface)."""
    epochs = np.asarray(run.snapshot_epochs).astype(int)
    count = len(epochs)
    if not 0 <= epoch_index < count:
        raise ValueError(f"epoch_index must be in 0 … {count - 1}, got {epoch_index}")
    levels = quantized_surface(run, discretize)
    data = [_surface_trace(run, levels[epoch_index], discretize, tr), *_point_traces(run, tr)]
    lo, hi = float(run.grid[0]), float(run.grid[-1])
    axis = {"range": [lo, hi], "showgrid": False, "zeroline": False, "constrain": "domain"}
    names = [str(int(e)) for e in epochs]
    controls_y = -56 / PLOT_PX
    layout = {
        "height": PLOT_PX + BOUNDARY_MARGIN["t"] + BOUNDARY_MARGIN["b"],
        "margin": BOUNDARY_MARGIN,
        "xaxis": axis | {"title": {"text": tr("mlp.fig.x1")}},
        # One unit of x₂ as long as one of x₁; the plot sits on its controls.
        "yaxis": axis
        | {
            "title": {"text": tr("mlp.fig.x2")},
            "scaleanchor": "x",
            "scaleratio": 1.0,
            "constraintoward": "bottom",
        },
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -124 / PLOT_PX,
            "x": 0.0,
            "xanchor": "left",
        },
    }
    labels = (tr("mlp.fig.play"), tr("mlp.fig.pause"), tr("mlp.fig.epoch"))
    # redraw: a heatmap is not among the traces plotly.js animates in place; without a redraw
    # its new z would never be drawn.
    layout |= playback(names, epoch_index, labels, frame_ms=90, y=controls_y, from_current=True,
                       redraw=True)  # fmt: skip
    frames = [
        {"name": name, "data": [{"type": "heatmap", "z": levels[k]}], "traces": [0]}
        for k, name in enumerate(names)
    ]
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return with_frames(fig, frames)


# --- the network -------------------------------------------------------------------------------


def _symmetric_scale(values: np.ndarray) -> float:
    top = float(np.max(np.abs(np.nan_to_num(values)))) if values.size else 0.0
    return top if top > 0 else 1.0


def node_images(neurons: Neurons, task: str | None = None) -> list[list[np.ndarray]]:
    """Each column's node images as (g + 2, g + 2, 3) uint8 RGB (framed), top row = the
    largest x₂; `task` is the run's ("binary", "multiclass", "regression"; guessed if None).

    Each input on its own scale (x₁ spans ±6, x₁² 0…36); each hidden layer on one scale, its
    largest |output|, so neurons of a layer compare and a dead one is white; orange < 0 < blue.
    The output as the boundary shows it: binary 2P − 1; multiclass white to the class's colour by
    P; regression on its own symmetric scale."""
    columns = [[_diverging(f / _symmetric_scale(f)) for f in np.asarray(neurons.inputs)]]
    for layer in neurons.layers:
        layer = np.asarray(layer, dtype=np.float64)
        columns.append(list(_diverging(layer / _symmetric_scale(layer))))
    output = np.asarray(neurons.output, dtype=np.float64)
    kind = _output_kind(neurons, task)
    if kind == "binary":
        columns.append([_diverging(2.0 * output[0] - 1.0)])
    elif kind == "multiclass":
        white = np.full(3, 255.0)
        columns.append(
            [
                white + np.clip(np.nan_to_num(p), 0, 1)[..., None] * (_rgb(CLASS_COLORS[c]) - white)
                for c, p in enumerate(output)
            ]
        )
    else:
        columns.append([_diverging(output[0] / _symmetric_scale(output[0]))])
    return [[_framed(np.round(img[::-1]).astype(np.uint8)) for img in column] for column in columns]


NODE_BORDER = (201, 206, 214)  # a light grey frame, so a node's white (zero) parts keep its shape


def _framed(rgb: np.ndarray) -> np.ndarray:
    """The (g, g, 3) image inside a one-pixel NODE_BORDER frame: (g + 2, g + 2, 3)."""
    framed = np.empty((rgb.shape[0] + 2, rgb.shape[1] + 2, 3), dtype=np.uint8)
    framed[...] = NODE_BORDER
    framed[1:-1, 1:-1] = rgb
    return framed


def _output_kind(neurons: Neurons, task: str | None) -> str:
    """How the output column is drawn: "multiclass" for C probabilities (a two-logit softmax
    too), "binary" for one P(class 1), "regression" for a prediction; without the run's task,
    a single output inside [0, 1] is taken for a probability."""
    output = np.asarray(neurons.output)
    if output.shape[0] > 1:
        return "multiclass"
    if task is not None:
        return "regression" if task == "regression" else "binary"
    finite = output[np.isfinite(output)]
    looks_like_probability = finite.size and finite.min() >= 0.0 and finite.max() <= 1.0
    return "binary" if looks_like_probability else "regression"


def node_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """The y of each column's nodes, top first: the densest column at 0, 1, …, max(sizes) − 1,
    every other column spread evenly over the same height, centred."""
    tallest = max(sizes)
    centre = (tallest - 1) / 2
    positions = []
    for n in sizes:
        gap = tallest / n
        positions.append(centre + gap * ((n - 1) / 2 - np.arange(n)))
    return positions


def edge_list(neurons: Neurons) -> list[tuple[int, int, int, float]]:
    """Every weight drawn: (column, source, target, w) for |w| ≥ EDGE_CUT · max |w| (> 0);
    column c joins column c's node `source` to column c + 1's node `target`."""
    weights = [np.nan_to_num(np.asarray(w, dtype=np.float64)) for w in neurons.weights]
    top = max((float(np.max(np.abs(w))) for w in weights if w.size), default=0.0)
    if top == 0:
        return []
    return [
        (c, int(i), int(o), float(w[o, i]))
        for c, w in enumerate(weights)
        for o, i in zip(*np.nonzero(np.abs(w) >= EDGE_CUT * top), strict=True)
    ]


NODE_PX = 110  # a row's height at most, in pixels; the densest column sets the real size


def fig_network(neurons: Neurons, tr: Translate, *, task: str | None = None) -> go.Figure:
    """The network as columns (inputs, each hidden layer, the output), each node a small image
    of its output over the plane; edges as lines, width ∝ |w|, blue for w > 0 and orange for
    w < 0 (hover at an edge's middle gives w, at a node its bias); feature names under the
    inputs. Edges with |w| under EDGE_CUT of the largest are left out. Pass the run's `task`
    (a regression's prediction inside [0, 1] would otherwise be drawn as a probability)."""
    epoch = getattr(neurons, "epoch", None)
    columns = node_images(neurons, task)
    sizes = [len(c) for c in columns]
    ys = node_positions(sizes)
    tallest = max(sizes)
    row_px = max(min(NODE_PX, 560 / tallest), 28)
    # Room in pixels above the top images (the column headings) and below the lowest ones.
    top_pad, bottom_pad = 24 / row_px, 26 / row_px
    plot_px = int(max(row_px * (tallest - 0.2) + 50, 200))
    edges = edge_list(neurons)
    top = max((abs(w) for *_, w in edges), default=1.0)
    # Thinner, fainter lines where hundreds of edges cross, so the images stay in front.
    widest = 6.0 if tallest <= 4 else 3.5 if tallest <= 8 else 2.2
    opacity = 0.8 if len(edges) <= 60 else 0.55
    data: list[dict] = []
    bins: dict[tuple[bool, int], list[tuple[float, float, float, float]]] = {}
    mid_x, mid_y, mid_text = [], [], []
    for c, i, o, w in edges:
        width_bin = min(int(abs(w) / top * EDGE_WIDTHS), EDGE_WIDTHS - 1)
        y0, y1 = round(float(ys[c][i]), 3), round(float(ys[c + 1][o]), 3)  # short JSON
        bins.setdefault((w > 0, width_bin), []).append((c, y0, c + 1, y1))
        mid_x.append(c + 0.5)
        mid_y.append(round((y0 + y1) / 2, 3))
        mid_text.append(f"w = {w:+.3f}")
    for (positive, width_bin), segments in sorted(bins.items()):
        x = [v for x0, _, x1, _ in segments for v in (x0, x1, None)]
        y = [v for _, y0, _, y1 in segments for v in (y0, y1, None)]
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines",
                "line": {
                    "color": CLASS_COLORS[1] if positive else CLASS_COLORS[0],
                    "width": 0.5 + (widest - 0.5) * (width_bin + 0.5) / EDGE_WIDTHS,
                },
                "opacity": opacity,
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": {"sign": 1 if positive else -1, "edges": len(segments)},
            }
        )
    data.append(
        {
            "type": "scatter",
            "x": mid_x,
            "y": mid_y,
            "mode": "markers",
            "marker": {"size": 8, "color": "rgba(0, 0, 0, 0)"},
            "text": mid_text,
            "hovertemplate": "%{text}<extra></extra>",
            "showlegend": False,
        }
    )
    # Hover on each node: what it is, and its bias.
    node_x, node_y, node_text = [], [], []
    last = len(columns) - 1
    for c, column_ys in enumerate(ys):
        for k, y in enumerate(column_ys):
            node_x.append(c)
            node_y.append(float(y))
            if c == 0:
                text = FEATURE_LABELS.get(neurons.feature_names[k], neurons.feature_names[k])
            else:
                bias = float(np.nan_to_num(np.asarray(neurons.biases[c - 1])[k]))
                name = (
                    tr("mlp.fig.output_node", unit=k + 1)
                    if c == last
                    else tr("mlp.fig.neuron", layer=c, unit=k + 1)
                )
                text = f"{name}<br>bias = {bias:+.3f}"
            node_text.append(text)
    data.append(
        {
            "type": "scatter",
            "x": node_x,
            "y": node_y,
            "mode": "markers",
            "marker": {"size": 20, "color": "rgba(0, 0, 0, 0)"},
            "text": node_text,
            "hovertemplate": "%{text}<extra></extra>",
            "showlegend": False,
        }
    )
    images = [
        {
            "source": png_data_uri(image),
            "xref": "x",
            "yref": "y",
            "x": c,
            "y": float(ys[c][k]),
            "sizex": 0.62,
            "sizey": 0.74,
            "sizing": "contain",
            "xanchor": "center",
            "yanchor": "middle",
            "layer": "above",
        }
        for c, column in enumerate(columns)
        for k, image in enumerate(column)
    ]
    # Column headings above, feature names under the inputs.
    head_y = tallest - 0.58
    headings = [tr("mlp.fig.inputs")] + [str(c) for c in range(1, last)] + [tr("mlp.fig.output")]
    annotations = [
        {
            "x": c,
            "y": head_y,
            "xref": "x",
            "yref": "y",
            "text": text,
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 12, "color": MUTED},
        }
        for c, text in enumerate(headings)
    ]
    label_gap = 0.39  # just under an image (0.74 of a row tall)
    annotations += [
        {
            "x": 0,
            "y": float(y) - label_gap,
            "xref": "x",
            "yref": "y",
            "text": FEATURE_LABELS.get(name, name),
            "showarrow": False,
            "yanchor": "top",
            "font": {"size": 11, "color": TEXT},
        }
        for name, y in zip(neurons.feature_names, ys[0], strict=True)
    ]
    if last > 1:
        annotations.append(
            {
                "x": (1 + last - 1) / 2,
                "y": -0.4 - 4 / row_px,
                "xref": "x",
                "yref": "y",
                "text": tr("mlp.fig.hidden_layers"),
                "showarrow": False,
                "yanchor": "top",
                "font": {"size": 12, "color": MUTED},
            }
        )
    hidden_axis = {"visible": False, "fixedrange": True}
    layout = {
        "height": plot_px + (36 if epoch is not None else 6) + 6,
        "margin": {"l": 8, "r": 8, "t": 36 if epoch is not None else 6, "b": 6},
        "xaxis": hidden_axis | {"range": [-0.5, last + 0.5]},
        "yaxis": hidden_axis | {"range": [-0.4 - bottom_pad, tallest - 0.6 + top_pad]},
        "images": images,
        "annotations": annotations,
        "showlegend": False,
        "hovermode": "closest",
        "title": (
            {"text": tr("mlp.fig.network_title", epoch=epoch), "x": 0.0, "font": {"size": 15}}
            if epoch is not None
            else None
        ),
        "plot_bgcolor": "white",
    }
    layout = {k: v for k, v in layout.items() if v is not None}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


# --- curves against epochs -----------------------------------------------------------------


def _finite(
    x: np.ndarray, y: np.ndarray, *, floor: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """x and y where y is finite (and, on a log axis, at least `floor`)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & np.isfinite(x)
    x, y = x[keep], y[keep]
    return x, (np.maximum(y, floor) if floor is not None else y)


def _divergence_marks(run: Run, tr: Translate) -> tuple[list[dict], list[dict]]:
    """A red dashed vertical line at the epoch the run diverged in, labelled at the top."""
    if run.diverged_epoch is None:
        return [], []
    x = float(run.diverged_epoch)
    shape = vline(x, {"color": DIVERGED, "width": 1.5, "dash": "dash"})
    note = {
        "x": x,
        "y": 1.0,
        "xref": "x",
        "yref": "y domain",
        "text": tr("mlp.fig.diverged", epoch=run.diverged_epoch),
        "showarrow": False,
        # Just above the plot, where no tick label or curve is.
        "xanchor": "right" if x > 0.5 * float(run.settings.epochs) else "left",
        "yanchor": "bottom",
        "font": {"size": 12, "color": DIVERGED},
        "bgcolor": "rgba(255, 255, 255, 0.8)",
    }
    return [shape], [note]


def _epoch_axis(run: Run, tr: Translate) -> dict:
    return {
        "title": {"text": tr("mlp.fig.epoch_axis")},
        # Up to the epoch it diverged in, else the epochs it ran: a run that blew up in its first
        # epoch still shows its updates across the chart.
        "range": [0, max(int(run.diverged_epoch or run.epochs_done), 1)],
        "rangemode": "tozero",
    }


def _curve(x: np.ndarray, y: np.ndarray, name: str, colour: str, fmt: str, dash: str) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"color": colour, "width": 2.2, "dash": dash},
        "hovertemplate": "%{y:" + fmt + "}",
    }


def fig_losses(run: Run, tr: Translate) -> go.Figure:
    """Train and test data loss against epochs (index 0 = before training) on a log axis, one
    hover for all; the L1/L2 penalty dotted when there is one (it is not in the data loss); a
    red dashed line where the run diverged."""
    epochs = np.arange(len(run.train_loss))
    data = []
    for split, values, colour, dash in (
        ("train", run.train_loss, TRAIN_LINE, "solid"),
        ("test", run.test_loss, TEST_LINE, "dash"),
    ):
        x, y = _finite(epochs, values, floor=LOSS_FLOOR)
        data.append(_curve(x, y, tr(f"mlp.fig.{split}"), colour, ".4g", dash))
    penalty = np.asarray(run.penalty, dtype=np.float64)
    if np.any(np.nan_to_num(penalty) > 0):
        x, y = _finite(np.arange(len(penalty)), penalty, floor=LOSS_FLOOR)
        # Named by its formula, as the L1 (λ₁) and L2 (λ₂) controls are: the same in both languages.
        data.append(_curve(x, y, PENALTY_LABEL, PENALTY_LINE, ".4g", "dot"))
    shapes, notes = _divergence_marks(run, tr)
    fig = go.Figure({"data": data}, _validate=False)
    fig.update_layout(
        xaxis=_epoch_axis(run, tr) | {"hoverformat": "d"},
        yaxis={
            "type": "log",
            "exponentformat": "power",
            "title": {"text": tr("mlp.fig.loss_axis")},
        },
        hovermode="x unified",
        shapes=shapes,
        annotations=notes,
    )
    return style(fig, title=tr("mlp.fig.loss_title"), height=320)


def fig_accuracy(run: Run, tr: Translate) -> go.Figure:
    """Train and test accuracy against epochs, 0–100 %, one hover for both; a red dashed line
    where the run diverged. Classification only (a regression run has no accuracy)."""
    if run.train_accuracy is None or run.test_accuracy is None:
        raise ValueError("a regression run has no accuracy")
    epochs = np.arange(len(run.train_accuracy))
    data = []
    for split, values, colour, dash in (
        ("train", run.train_accuracy, TRAIN_LINE, "solid"),
        ("test", run.test_accuracy, TEST_LINE, "dash"),
    ):
        x, y = _finite(epochs, values)
        data.append(_curve(x, y, tr(f"mlp.fig.{split}"), colour, ".1%", dash))
    shapes, notes = _divergence_marks(run, tr)
    fig = go.Figure({"data": data}, _validate=False)
    fig.update_layout(
        xaxis=_epoch_axis(run, tr) | {"hoverformat": "d"},
        yaxis={
            "title": {"text": tr("mlp.fig.accuracy_axis")},
            "range": [0, 1.02],
            "tickformat": ".0%",
        },
        hovermode="x unified",
        shapes=shapes,
        annotations=notes,
    )
    return style(fig, title=tr("mlp.fig.accuracy_title"), height=320)


def update_stride(updates: int) -> int:
    """Every how many updates the per-update line shows (1 up to MAX_UPDATE_POINTS updates)."""
    return max(1, math.ceil(updates / MAX_UPDATE_POINTS))


def fig_updates(run: Run, tr: Translate) -> go.Figure:
    """Each update's mini-batch loss (thin line, at run.update_epoch: epoch e's k-th of u
    updates at e − 1 + k/u) beside the whole training set's loss after each epoch (markers), on
    one epoch axis and a log loss axis: one epoch is run.updates_per_epoch updates."""
    loss = np.asarray(run.update_loss, dtype=np.float64)
    where = np.asarray(run.update_epoch, dtype=np.float64)
    stride = update_stride(loss.size)
    number = np.arange(1, loss.size + 1)[::stride]
    keep = np.isfinite(loss[::stride]) & np.isfinite(where[::stride])
    x, y, number = where[::stride][keep], np.maximum(loss[::stride][keep], LOSS_FLOOR), number[keep]
    name = tr("mlp.fig.update_loss") if stride == 1 else tr("mlp.fig.update_loss_every", k=stride)
    data = [
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "mode": "lines",
            "name": name,
            "line": {"color": MUTED, "width": 0.8},
            "customdata": number.astype(np.int32),
            "hovertemplate": tr("mlp.fig.update_hover")
            + " %{customdata} (epoch %{x:.3f})<br>%{y:.4g}<extra></extra>",
        }
    ]
    ex, ey = _finite(np.arange(len(run.train_loss)), run.train_loss, floor=LOSS_FLOOR)
    data.append(
        {
            "type": "scatter",
            "x": ex,
            "y": ey,
            "mode": "markers",
            "name": tr("mlp.fig.epoch_loss"),
            "marker": {"size": 4 if len(ex) > 100 else 6, "color": TRAIN_LINE},
            "hovertemplate": "epoch %{x}<br>%{y:.4g}<extra>"
            + tr("mlp.fig.epoch_loss")
            + "</extra>",
        }
    )
    shapes, notes = _divergence_marks(run, tr)
    fig = go.Figure({"data": data}, _validate=False)
    fig.update_layout(
        xaxis=_epoch_axis(run, tr),
        yaxis={
            "type": "log",
            "exponentformat": "power",
            "title": {"text": tr("mlp.fig.loss_axis")},
        },
        hovermode="closest",
        shapes=shapes,
        annotations=notes,
    )
    return style(fig, title=tr("mlp.fig.updates_title", u=run.updates_per_epoch), height=320)


# --- the confusion matrix ------------------------------------------------------------------


def row_shares(confusion: np.ndarray) -> np.ndarray:
    """Each row divided by its total (a row with no points stays 0)."""
    counts = np.nan_to_num(np.asarray(confusion, dtype=np.float64))
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def fig_confusion(confusion: np.ndarray, tr: Translate) -> go.Figure:
    """Counts (rows: true class, columns: predicted), shaded by each row's share, so a class
    with few points shows its errors as plainly as a large one."""
    counts = np.nan_to_num(np.asarray(confusion)).astype(np.int64)
    classes = counts.shape[0]
    names = [_class_name(tr, c) for c in range(classes)]
    share = row_shares(counts)
    fig = go.Figure(
        {
            "data": [
                {
                    "type": "heatmap",
                    "x": names,
                    "y": names,
                    "z": share.astype(np.float32),
                    "zmin": 0,
                    "zmax": 1,
                    "colorscale": [[0.0, "#ffffff"], [1.0, "#3b5bdb"]],
                    "showscale": False,
                    "text": counts.astype(str),
                    "texttemplate": "%{text}",
                    "textfont": {"size": 16},
                    "customdata": share,
                    "hovertemplate": tr("mlp.fig.true")
                    + ": %{y}<br>"
                    + tr("mlp.fig.predicted")
                    + ": %{x}<br>%{text} (%{customdata:.0%})<extra></extra>",
                    "xgap": 2,
                    "ygap": 2,
                }
            ]
        },
        _validate=False,
    )
    fig.update_layout(
        xaxis={"title": {"text": tr("mlp.fig.predicted")}, "side": "bottom", "showgrid": False},
        yaxis={
            "title": {"text": tr("mlp.fig.true")},
            "autorange": "reversed",
            "showgrid": False,
            "scaleanchor": "x",
            "constrain": "domain",
        },
    )
    style(fig, title=tr("mlp.fig.confusion_title"), height=300)
    fig.update_layout(margin={"l": 80, "r": 10, "t": 50, "b": 50})
    return fig


# --- the home card -------------------------------------------------------------------------


def fig_thumbnail(grid: np.ndarray, surface: np.ndarray, x: np.ndarray, y: np.ndarray) -> go.Figure:
    """A small, static picture for the home card, no words: a binary surface P(class 1) (G, G)
    on grid, and points x (n, 2) with labels y (n,) of 0 and 1."""
    p = np.clip(np.nan_to_num(np.asarray(surface, dtype=np.float64), nan=0.5), 0, 1)
    data = [
        {
            "type": "heatmap",
            "x": np.asarray(grid, dtype=np.float32),
            "y": np.asarray(grid, dtype=np.float32),
            "z": (np.round(p * 100 / PERCENT_STEP) * PERCENT_STEP).astype(np.uint8),
            "zmin": 0,
            "zmax": 100,
            "colorscale": _binary_scale(),
            "zsmooth": "best",
            "showscale": False,
            "hoverinfo": "skip",
        }
    ]
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    for c in (0, 1):
        points = x[y == c]
        data.append(
            {
                "type": "scatter",
                "x": points[:, 0],
                "y": points[:, 1],
                "mode": "markers",
                "marker": {
                    "size": 4,
                    "color": CLASS_COLORS[c],
                    "line": {"color": "white", "width": 0.5},
                },
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    blank = {
        "visible": False,
        "range": [float(grid[0]), float(grid[-1])],
        "fixedrange": True,
        "constrain": "domain",
    }
    fig = go.Figure(
        {
            "data": data,
            "layout": {
                "height": 150,
                "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
                "xaxis": blank,
                "yaxis": blank | {"scaleanchor": "x"},  # a circle stays round on a wide card
                "showlegend": False,
            },
        },
        _validate=False,
    )
    return fig
