"""Backpropagation's figures, sections 1–3: a computational graph drawn left to right and
replayed in the chart (the forward values node by node, then the backward pass one edge per
frame, each edge labelled local × upstream = downstream), the numerical check, and the layers'
gradients as matrices next to the scalar graph's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from core.autograd import TOLERANCE
from ui.strings import Translate
from ui.theme import (
    ACCENT,
    HIDDEN_AXIS,
    MUTED,
    TEXT,
    playback,
    style,
    thumbnail_figure,
    with_frames,
)

if TYPE_CHECKING:
    from core.autograd import Graph, Layers

BOX_W, BOX_H = 0.86, 0.8  # a node's box in data units (a column is 1 wide, a row 1 high)
EDGE = "#adb5bd"
ACTIVE = "#e8590c"  # the edge being stepped and the gradient it sends
NUMERIC = "#1971c2"
ERROR_FLOOR = 1e-17  # a relative error of exactly 0 drawn at the floor of the log axis
PASS_LINE = TOLERANCE


def _n(value: float) -> str:
    return f"{value + 0.0:.4g}".replace("-", "−")  # + 0.0: −0.0 prints as 0


def positions(graph: Graph) -> dict[int, tuple[float, float]]:
    """(x, y) of each node: its column (an input sits just left of its first use), then rows
    centred in the column in the order the nodes were made."""
    column = {n.id: n.column for n in graph.nodes}
    for node in graph.nodes:  # an input moves right, next to where it is first used
        users = [column[c] for p, c in graph.edges if p == node.id]
        if node.op == "" and users:
            column[node.id] = max(min(users) - 1, 0)
    rows: dict[int, list[int]] = {}
    for n in graph.nodes:
        rows.setdefault(column[n.id], []).append(n.id)
    place = {}
    for col, ids in rows.items():
        for row, i in enumerate(ids):
            place[i] = (float(col), (len(ids) - 1) / 2 - row)
    return place


def frames_of(graph: Graph) -> list[dict]:
    """Each frame's state: the values known so far, the gradients known so far and the edge
    stepped (None in the forward pass and at the seed). Frame k < n shows the forward values
    of nodes 0 … k; frame n seeds ∂L/∂L = 1; frame n + 1 + s is backward step s."""
    n = len(graph.nodes)
    states = []
    for k in range(n):
        states.append({"values": k + 1, "grads": {}, "step": None})
    grads: dict[int, float] = {graph.output.id: 1.0}
    states.append({"values": n, "grads": dict(grads), "step": None})
    for s, step in enumerate(graph.steps):
        grads[step.parent] = step.parent_grad
        states.append({"values": n, "grads": dict(grads), "step": s})
    return states


def frame_count(graph: Graph) -> int:
    """How many frames the playback has (forward, seed, one per edge)."""
    return len(graph.nodes) + 1 + len(graph.steps)


def seed_frame(graph: Graph) -> int:
    """The frame where every value is known and ∂L/∂L = 1 is seeded: backward starts next."""
    return len(graph.nodes)


def step_words(graph: Graph, frame: int) -> dict[str, str] | None:
    """The numbers of the edge stepped at `frame`: local, upstream, downstream, the nodes."""
    state = frames_of(graph)[frame]
    if state["step"] is None:
        return None
    step = graph.steps[state["step"]]
    return {
        "child": graph.nodes[step.child].label,
        "parent": graph.nodes[step.parent].label,
        "local": _n(step.local),
        "upstream": _n(step.upstream),
        "downstream": _n(step.downstream),
        "grad": _n(step.parent_grad),
    }


def _state_traces(graph: Graph, place: Mapping, state: dict, top: tuple[float, float]) -> list:
    known = state["values"]
    text = []
    for node in graph.nodes:
        value = _n(node.value) if node.id < known else "·"
        grad = _n(state["grads"][node.id]) if node.id in state["grads"] else "·"
        text.append(f"<b>{node.label}</b><br>{value}<br><span style='color:{ACTIVE}'>{grad}</span>")
    ex, ey, label = [], [], ""
    if state["step"] is not None:
        step = graph.steps[state["step"]]
        (x0, y0), (x1, y1) = place[step.parent], place[step.child]
        ex, ey = [x0 + BOX_W / 2, x1 - BOX_W / 2], [y0, y1]
        child, parent = graph.nodes[step.child].label, graph.nodes[step.parent].label
        label = (
            f"{parent} ← {child}:  {_n(step.local)} × {_n(step.upstream)} = "
            f"<b>{_n(step.downstream)}</b>"
        )
    return [
        {"type": "scatter", "x": ex, "y": ey},
        {"type": "scatter", "x": [top[0]], "y": [top[1]], "text": [label]},
        {"type": "scatter", "text": text},
    ]


def fig_graph(graph: Graph, tr: Translate, frame: int | None = None) -> go.Figure:
    """The graph, boxes "label / value | grad", drawn at `frame` (the last by default) with
    every frame of the playback in the chart (play, pause and a slider)."""
    place = positions(graph)
    states = frames_of(graph)
    frame = len(states) - 1 if frame is None else int(np.clip(frame, 0, len(states) - 1))
    xs = [place[n.id][0] for n in graph.nodes]
    ys = [place[n.id][1] for n in graph.nodes]
    lines_x: list[float | None] = []
    lines_y: list[float | None] = []
    for parent, child in graph.edges:
        (x0, y0), (x1, y1) = place[parent], place[child]
        lines_x += [x0 + BOX_W / 2, x1 - BOX_W / 2, None]
        lines_y += [y0, y1, None]
    shapes = [
        {
            "type": "rect",
            "x0": x - BOX_W / 2,
            "x1": x + BOX_W / 2,
            "y0": y - BOX_H / 2,
            "y1": y + BOX_H / 2,
            "line": {"color": EDGE, "width": 1},
            "fillcolor": "#f1f3f5" if graph.nodes[i].op == "" else "white",
            "layer": "below",
        }
        for i, (x, y) in place.items()
    ]
    top = ((max(xs) + min(xs)) / 2, max(ys) + 0.75)
    first = _state_traces(graph, place, states[frame], top)
    data = [
        {
            "type": "scatter",
            "x": lines_x,
            "y": lines_y,
            "mode": "lines",
            "line": {"color": EDGE, "width": 1.5},
            "name": tr("bp.fig.edges"),
            "hoverinfo": "skip",
        },
        first[0]
        | {
            "mode": "lines",
            "line": {"color": ACTIVE, "width": 4},
            "name": tr("bp.fig.active_edge"),
            "hoverinfo": "skip",
        },
        first[1]
        | {
            "mode": "text",
            "textfont": {"color": ACTIVE, "size": 13},
            "name": tr("bp.fig.edge_numbers"),
            "hoverinfo": "skip",
        },
        first[2]
        | {
            "x": xs,
            "y": ys,
            "mode": "text",
            "textfont": {"color": TEXT, "size": 11},
            "name": tr("bp.fig.nodes"),
            "customdata": [[n.label, n.op] for n in graph.nodes],
            "hovertemplate": "%{customdata[0]} (%{customdata[1]})<extra></extra>",
        },
    ]
    frames = [
        {"name": str(k), "data": _state_traces(graph, place, s, top), "traces": [1, 2, 3]}
        for k, s in enumerate(states)
    ]
    names = [str(k) for k in range(len(states))]
    width = max(xs) + 1 if xs else 1
    hidden = {"showticklabels": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    layout = {
        "xaxis": hidden | {"range": [-0.6, width - 0.4], "title": {"text": tr("bp.fig.graph_x")}},
        "yaxis": hidden
        | {
            "range": [min(ys) - 0.6, max(ys) + 1.0],
            "title": {"text": tr("bp.fig.graph_y")},
        },
        "shapes": shapes,
        "showlegend": False,
    }
    labels = (tr("bp.fig.play"), tr("bp.fig.pause"), tr("bp.fig.frame"))
    layout |= playback(names, frame, labels, frame_ms=700, y=0.0, buttons_above=True,
                       slider_pad=30)  # fmt: skip
    rows = max(ys) - min(ys) + 1 if ys else 1
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    style(fig, height=int(min(max(220 + 80 * rows, 320), 760)))
    fig.update_layout(margin={"l": 20, "r": 20, "t": 50, "b": 110})
    return with_frames(fig, frames)


def _floor(errors: Sequence[float]) -> list[float]:
    return [max(float(e), ERROR_FLOOR) for e in errors]


def _rows(count: int) -> int:
    """A chart's height for `count` inputs drawn one row each (names level on a phone)."""
    return 200 + 26 * count


def fig_check_values(graph: Graph, tr: Translate) -> go.Figure:
    """Each input's gradient, one row each: backward's (analytic) beside central differences'
    (numerical)."""
    c = graph.check
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": list(c.labels),
            "x": list(values),
            "name": tr(name),
            "marker": {"color": hue},
        }
        for values, name, hue in (
            (c.analytic, "bp.fig.analytic", ACCENT),
            (c.numerical, "bp.fig.numerical", NUMERIC),
        )
    ]
    layout = {
        "barmode": "group",
        "yaxis": {
            "title": {"text": tr("bp.fig.input")},
            "type": "category",
            "autorange": "reversed",
        },
        "xaxis": {"title": {"text": tr("bp.fig.gradient")}},
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("bp.fig.check_title"), height=_rows(len(c.labels)))


def fig_check_error(graph: Graph, tr: Translate) -> go.Figure:
    """Each input's relative error |a − n| / max(|a|, |n|, 1e-8) on a log axis, with 1e-7."""
    c = graph.check
    errors = _floor(c.relative_error)
    bad = [e > PASS_LINE for e in errors]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": list(c.labels),
            "x": errors,
            "name": tr("bp.fig.relative_error"),
            "marker": {"color": [ACTIVE if b else MUTED for b in bad]},
        },
        {
            "type": "scatter",
            "y": list(c.labels),
            "x": [PASS_LINE] * len(c.labels),
            "mode": "lines",
            "line": {"color": TEXT, "dash": "dash", "width": 1.5},
            "name": tr("bp.fig.pass_line"),
            "hoverinfo": "skip",
        },
    ]
    top = max([*errors, 1.0])
    layout = {
        "yaxis": {
            "title": {"text": tr("bp.fig.input")},
            "type": "category",
            "autorange": "reversed",
        },
        "xaxis": {
            "title": {"text": tr("bp.fig.relative_error")},
            "type": "log",
            "range": [np.log10(ERROR_FLOOR) - 0.5, np.log10(top) + 0.5],
            "exponentformat": "power",
        },
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("bp.fig.error_title"), height=_rows(len(c.labels)))


PARAMETERS = ("0.weight", "0.bias", "2.weight", "2.bias")


NODE_NAMES = {"0.weight": "W1", "0.bias": "b1", "2.weight": "W2", "2.bias": "b2"}


def entries(view: Layers) -> tuple[list[str], list[float], list[float]]:
    """Every parameter entry, named as section 1's graph names its node (W1[1,2] is torch's
    0.weight[0, 1]; b2 has one entry), and its gradient from the graph and from the layers."""
    names, graph, layers = [], [], []
    for key in PARAMETERS:
        a, b = np.atleast_2d(view.graph[key]), np.atleast_2d(view.layers[key])
        for (i, j), value in np.ndenumerate(a):
            matrix = view.graph[key].ndim == 2
            index = f"[{i + 1},{j + 1}]" if matrix else "" if a.size == 1 else f"[{j + 1}]"
            names.append(NODE_NAMES[key] + index)
            graph.append(float(value))
            layers.append(float(b[i, j]))
    return names, graph, layers


def fig_layers(view: Layers, tr: Translate) -> go.Figure:
    """Every parameter's gradient from the scalar graph (bars) beside core.nn's Linear backward
    (diamonds), one row per entry so the names stay level on a phone."""
    names, graph, layers = entries(view)
    data = [
        {"type": "bar", "y": names, "x": graph, "orientation": "h"}
        | {"name": tr("bp.fig.scalar_graph"), "marker": {"color": ACCENT}},
        {"type": "scatter", "y": names, "x": layers, "name": tr("bp.fig.layer_code")}
        | {"mode": "markers", "marker": {"color": NUMERIC, "size": 11, "symbol": "diamond"}},
    ]
    layout = {
        "xaxis": {"title": {"text": tr("bp.fig.gradient")}},
        "yaxis": {
            "title": {"text": tr("bp.fig.parameter")},
            "type": "category",
            "autorange": "reversed",
        },
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("bp.fig.layers_title"), height=400)


def fig_outer(view: Layers, tr: Translate) -> go.Figure:
    """∂L/∂W₁ = g₁ᵀ x as a 2×2 heatmap, its entries written in, the factors on the axes."""
    grad = view.layers["0.weight"]
    cols = [f"x{j + 1} = {_n(v)}" for j, v in enumerate(view.x[0])]
    rows = [f"g{i + 1} = {_n(v)}" for i, v in enumerate(view.g1[0])]
    text = [[_n(v) for v in row] for row in grad]
    scale = float(np.max(np.abs(grad))) or 1.0
    data = [
        {
            "type": "heatmap",
            "z": grad.tolist(),
            "x": cols,
            "y": rows,
            "text": text,
            "texttemplate": "%{text}",
            "colorscale": "RdBu",
            "zmid": 0.0,
            "zmin": -scale,
            "zmax": scale,
            "showscale": False,
            "hovertemplate": "%{y} · %{x} = %{text}<extra></extra>",
        }
    ]
    layout = {
        "xaxis": {"title": {"text": tr("bp.fig.outer_x")}, "type": "category"},
        "yaxis": {
            "title": {"text": tr("bp.fig.outer_y")},
            "type": "category",
            "autorange": "reversed",
        },
    }
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("bp.fig.outer_title"), height=320)


def fig_thumbnail(graph: Graph) -> go.Figure:
    """The home card: a graph's boxes and edges, the output's last backward edge lit."""
    place = positions(graph)
    # Edges as layout lines, not one trace broken by None: a thumbnail holds no NaN.
    edges = [
        {"type": "line", "x0": place[parent][0], "y0": place[parent][1], "x1": place[child][0],
         "y1": place[child][1], "line": {"color": ACTIVE, "width": 2.5}, "layer": "below"}
        for parent, child in graph.edges
    ]  # fmt: skip
    xs = [place[n.id][0] for n in graph.nodes]
    ys = [place[n.id][1] for n in graph.nodes]
    data = [
        {"type": "scatter", "x": xs, "y": ys, "mode": "markers", "hoverinfo": "skip"}
        | {"marker": {"symbol": "square", "size": 22, "color": "white"}}
        | {"marker_line": {"color": TEXT, "width": 1.5}},
    ]
    data[0]["marker"]["line"] = data[0].pop("marker_line")
    return thumbnail_figure(
        data,
        xaxis=HIDDEN_AXIS | {"range": [min(xs) - 0.5, max(xs) + 0.5]},
        yaxis=HIDDEN_AXIS | {"range": [min(ys) - 0.7, max(ys) + 0.7]},
        shapes=edges,
    )
