"""Figures of the recurrent page's section 2: the LSTM's cell state and the GRU.

The data come from core.gates through ui.topics.recurrent.gates; this module only draws. Norms
through time and spike traces on log axes, cut where they fall under FLOOR (a log axis has no 0,
and nothing non-finite reaches a chart); gates as heatmaps, units × time: the gates' values in
(0, 1) on a sequential scale from 0 to 1, the signed ones (g, n, c, h) on SIGNED_SCALE around 0.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, SIGNED_SCALE, TEXT, style, subplots, vline

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.gates import Gates, Run

FLOOR = 1e-12  # curves end where they fall under this (they only keep falling)
CEILING = 1e12  # or where they grow past this
FADE = 1e-3  # the line the sentences measure against (core.gates.FADE)
FADE_LINE = {"color": MUTED, "width": 1, "dash": "dash"}
GATE_SCALE = [[0.0, "#ffffff"], [1.0, "#1b3a8c"]]  # 0 white, 1 dark blue: a gate's opening
SIGNED = frozenset({"g", "n", "c", "h"})
SPIKE = {"color": "#e8590c", "width": 1, "dash": "dot"}
INPUT_COLOR = "#e8590c"
# One colour and dash per curve, kept on both line charts.
CURVES = {
    "lstm_h": ("#0072b2", "solid"),
    "lstm_c": ("#009e73", "solid"),
    "cell_path": ("#009e73", "dot"),
    "lstm0_h": ("#56b4e9", "dash"),
    "gru": ("#cc79a7", "longdash"),
    "rnn": ("#000000", "solid"),
}


def _cut(x: np.ndarray, y: np.ndarray, start: int = 0) -> tuple[np.ndarray, np.ndarray, bool]:
    """The curve from index `start` up to where it first leaves [FLOOR, CEILING] (or stops
    being finite), as float32; and whether it was cut there."""
    y = np.asarray(y, dtype=np.float64)[start:]
    bad = np.flatnonzero(~(np.isfinite(y) & (y >= FLOOR) & (y <= CEILING)))
    end = int(bad[0]) if bad.size else y.size
    return (
        np.asarray(x)[start : start + end].astype(np.int32),
        y[:end].astype(np.float32),
        bool(bad.size),
    )


@functools.lru_cache(maxsize=64)
def _house(title: str, height: int, rows: int = 0, titles: tuple[str, ...] = ()) -> dict:
    """The house layout for a title and height (with `rows` stacked subplots sharing x under
    `titles`), built once: plotly's validated layout calls were most of a rerun's chart time.
    Callers get a deep copy."""
    layout = style(go.Figure(), title=title, height=height).layout.to_plotly_json()
    if rows:
        grid = subplots(
            rows=rows,
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.035,
            row_heights=[0.7] + [1.0] * (rows - 1),
            subplot_titles=titles,
        )
        layout = grid.layout.to_plotly_json() | layout
    return layout


def layout_of(title: str, height: int, rows: int = 0, titles: Sequence[str] = ()) -> dict:
    return copy.deepcopy(_house(title, height, rows, tuple(titles)))


def _line(key: str, name: str, x: np.ndarray, y: np.ndarray) -> dict:
    colour, dash = CURVES[key]
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": "lines",
        "line": {"color": colour, "dash": dash, "width": 2.5 if dash == "solid" else 2},
        "hovertemplate": "%{x}: %{y:.3g}<extra>" + name + "</extra>",
    }


def _note(text: str) -> dict:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 1,
        "y": 1,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"color": MUTED, "size": 11},
    }


def fig_through_time(g: Gates, tr: Translate) -> go.Figure:
    """(a): ‖∂h_T/∂h_k‖ and ‖∂c_T/∂c_k‖ of the LSTM, the cell path's ‖∏ diag f_t‖, the LSTM at
    bias 0, the GRU's ‖∂h_T/∂h_k‖ and the plain RNN's, against T − k on a log axis (from 1e-12 to
    the largest value), with the 1e-3 line as a legend entry (a label on it would sit on curves)."""
    series = [
        ("rnn", g.rnn_time.lags, g.rnn_time.h),
        ("lstm_h", g.lstm_time.lags, g.lstm_time.h),
        ("lstm_c", g.lstm_time.lags, g.lstm_time.c),
        ("cell_path", g.lstm_time.lags, g.lstm_time.cell_path),
        ("gru", g.gru_time.lags, g.gru_time.h),
    ]
    if g.bias != 0:
        series.insert(3, ("lstm0_h", g.lstm0_time.lags, g.lstm0_time.h))
    data, cut, top = [], False, 1.0
    for key, x, y in series:
        x, y, was_cut = _cut(x, y)
        cut |= was_cut
        top = max(top, float(y.max()))
        data.append(_line(key, tr(f"rnn.gate.fig.{key}", bias=f"{g.bias:g}"), x, y))
    steps = len(g.xs)
    data.append(
        {
            "type": "scatter",
            "x": [0, steps],
            "y": [FADE, FADE],
            "mode": "lines",
            "line": FADE_LINE,
            "name": tr("rnn.gate.fig.fade"),
            "hoverinfo": "skip",
        }
    )
    layout = layout_of(tr("rnn.gate.fig.time_title"), 420) | {
        "xaxis": {"title": {"text": tr("rnn.gate.fig.lag")}, "range": [0, steps]},
        "yaxis": {"title": {"text": tr("rnn.gate.fig.norm")}, "type": "log",
                  "exponentformat": "power", "range": [-12.3, float(np.log10(top)) + 0.5]},
        "annotations": [_note(tr("rnn.gate.fig.cut"))] if cut else [],
    }  # fmt: skip
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def _colorbar(low: float, high: float, domain: Sequence[float]) -> dict:
    """A small colour bar beside its own row (`domain`: the row's y-axis domain), ticked at
    its ends and, for a signed scale, at 0."""
    ticks = [low, 0.0, high] if low < 0 else [low, high]
    return {
        "len": domain[1] - domain[0],
        "lenmode": "fraction",
        "y": (domain[0] + domain[1]) / 2,
        "yanchor": "middle",
        "thickness": 8,
        "xpad": 4,
        "tickvals": ticks,
        "ticktext": [f"{v:.2g}".replace("-", "−") for v in ticks],
        "tickfont": {"size": 9},
        "outlinewidth": 0,
    }


def _heatmap(name: str, values: np.ndarray, row: int, domain: Sequence[float]) -> dict:
    """A gate's activations (T, H) as units × time, on its own axes (row 2, 3, …), with its
    colour bar beside the row: 0 to 1 for a gate, ±its peak for a signed value."""
    z = np.asarray(values, dtype=np.float32).T
    if name in SIGNED:
        peak = float(np.abs(z).max()) or 1.0
        scale = {"colorscale": SIGNED_SCALE, "zmin": -peak, "zmax": peak, "zmid": 0}
    else:
        scale = {"colorscale": GATE_SCALE, "zmin": 0, "zmax": 1}
    return {
        "type": "heatmap",
        "z": z,
        "x": np.arange(1, z.shape[1] + 1, dtype=np.int32),
        "showscale": True,
        "colorbar": _colorbar(scale["zmin"], scale["zmax"], domain),
        "xaxis": f"x{row}",
        "yaxis": f"y{row}",
        "hovertemplate": name + "[%{y}] at t = %{x}: %{z:.2f}<extra></extra>",
        **scale,
    }


def fig_gates(r: Run, xs: np.ndarray, spikes: Sequence[int], tr: Translate) -> go.Figure:
    """The input over time on top, then one heatmap (units × time) per gate of the run and its
    state (LSTM: i, f, g, o, c; GRU: r, z, n, h), the unit index up each row, a colour bar beside
    it, the spikes marked on every row."""
    names = list(r.gates)
    rows = len(names) + 1
    titles = [tr("rnn.gate.fig.input"), *(tr(f"rnn.gate.fig.row_{r.kind}_{n}") for n in names)]
    steps = len(xs)
    time = np.arange(1, steps + 1, dtype=np.int32)
    title = tr(f"rnn.gate.fig.{r.kind}_title")
    layout = layout_of(title, 95 * rows + 60, rows, titles)
    domains = [layout[f"yaxis{i + 2}"]["domain"] for i in range(len(names))]
    data = [
        {"type": "scatter", "x": time, "y": np.asarray(xs, dtype=np.float32), "mode": "lines",
         "line": {"color": INPUT_COLOR, "width": 1.5}, "name": tr("rnn.gate.fig.input"),
         "hovertemplate": "x(%{x}) = %{y:.2f}<extra></extra>"},
        *(_heatmap(n, r.gates[n], i + 2, domains[i]) for i, n in enumerate(names)),
    ]  # fmt: skip
    for row in range(1, rows + 1):
        suffix = "" if row == 1 else str(row)
        x, y = layout.get(f"xaxis{suffix}", {}), layout.get(f"yaxis{suffix}", {})
        layout[f"xaxis{suffix}"] = x | {"range": [0.5, steps + 0.5], "showgrid": False}
        letter = "x" if row == 1 else tr("rnn.gate.fig.unit", gate=names[row - 2])
        look = {"showgrid": False, "zeroline": row == 1, "tickfont": {"size": 10}}
        layout[f"yaxis{suffix}"] = y | look | {"title": {"text": letter, "font": {"size": 11}}}
    layout[f"xaxis{rows}"] |= {"title": {"text": tr("rnn.gate.fig.time")}}
    layout["shapes"] = [vline(s, SPIKE, subplot=row) for s in spikes for row in range(1, rows + 1)]
    layout["showlegend"] = False
    for note in layout.get("annotations", []):
        note["font"] = {"size": 12, "color": TEXT}
    return go.Figure({"data": data, "layout": layout}, _validate=False)


def fig_traces(g: Gates, tr: Translate) -> go.Figure:
    """What the last spike left in the memory: ‖c_t − c̃_t‖ of the LSTM (at the bias and at 0)
    and ‖h_t − h̃_t‖ of the GRU, c̃ and h̃ without that spike, against t on a log axis, from the
    last spike on (before it the runs are the same)."""
    steps = len(g.xs)
    time = np.arange(1, steps + 1)
    start = (g.spikes[-1] - 1) if g.spikes else steps
    series = [("lstm_c", g.lstm_trace), ("gru", g.gru_trace)]
    if g.bias != 0:
        series.insert(1, ("lstm0_h", g.lstm0_trace))
    data, cut = [], False
    for key, y in series:
        x, y, was_cut = _cut(time, y, start)
        cut |= was_cut
        data.append(_line(key, tr(f"rnn.gate.fig.trace_{key}", bias=f"{g.bias:g}"), x, y))
    layout = layout_of(tr("rnn.gate.fig.trace_title"), 340) | {
        "xaxis": {"title": {"text": tr("rnn.gate.fig.time")}, "range": [0.5, steps + 0.5]},
        "yaxis": {"title": {"text": tr("rnn.gate.fig.trace")}, "type": "log",
                  "exponentformat": "power"},
        "shapes": [vline(s, SPIKE) for s in g.spikes],
        "annotations": [_note(tr("rnn.gate.fig.cut"))] if cut else [],
    }  # fmt: skip
    return go.Figure({"data": data, "layout": layout}, _validate=False)
