"""Figures of the recurrent page's section 3: RNN, LSTM and GRU trained on a memory task.

The data come from core.sequence_tasks through ui.topics.recurrent.memory; this module only
draws. Losses and gradient norms on log axes (a loss that grew past LOSS_CEILING or stopped being
finite is cut there, and the chart says so); accuracies from 0 to 1 with chance dotted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import MUTED, style

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.sequence_tasks import Sweep, Training

# One colour and dash per cell (section 2 draws the RNN black, the LSTM blue, the GRU pink too).
CELL_STYLE = {"rnn": ("#000000", "solid"), "lstm": ("#0072b2", "solid"),
              "gru": ("#cc79a7", "longdash")}  # fmt: skip
FLOOR = 1e-12  # log axes end here: a curve under it is cut (it only keeps falling)
LOSS_CEILING = 1e3  # a loss above this has diverged: the curve is cut there


def _cut(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """x and y up to where y first leaves [FLOOR, LOSS_CEILING] or stops being finite, as float32
    (y) and int32 (x); and whether the curve was cut."""
    y = np.asarray(y, dtype=np.float64)
    bad = np.flatnonzero(~(np.isfinite(y) & (y >= FLOOR) & (y <= LOSS_CEILING)))
    end = int(bad[0]) if bad.size else y.size
    return np.asarray(x)[:end].astype(np.int32), y[:end].astype(np.float32), bool(bad.size)


def _line(cell: str, name: str, x: np.ndarray, y: np.ndarray, fmt: str) -> dict:
    colour, dash = CELL_STYLE[cell]
    return {"type": "scatter", "mode": "lines", "x": x, "y": y, "name": name,
            "line": {"color": colour, "dash": dash, "width": 2},
            "hovertemplate": "%{x}: %{y:" + fmt + "}<extra>" + name + "</extra>"}  # fmt: skip


def _level(y: float, text: str, log: bool = False) -> tuple[dict, dict]:
    """A dotted horizontal line at y across the plot and its label at the right, above it. On a
    log axis (log) a shape takes y but an annotation takes log10(y), as Plotly places them."""
    line = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"color": MUTED, "dash": "dot", "width": 1.5}}  # fmt: skip
    label = {"xref": "x domain", "x": 1, "y": float(np.log10(y)) if log else y,
             "yanchor": "bottom", "xanchor": "right", "showarrow": False, "text": text,
             "font": {"color": MUTED, "size": 11}}  # fmt: skip
    return line, label


def _cut_note(text: str) -> dict:
    return {"xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
            "yanchor": "bottom", "showarrow": False, "text": text,
            "font": {"color": MUTED, "size": 11}}  # fmt: skip


def fig_loss(x: Training, tr: Translate) -> go.Figure:
    """Each cell's loss on its training batch per update, log axis labelled at whole decades
    only (10⁻¹, 10⁰: no minor labels, no SI prefixes); the memoryless answer's loss dotted (log
    SYMBOLS or 1/6)."""
    data, cut = [], False
    steps = np.arange(1, x.updates + 1)
    for run in x.runs:
        xs, ys, was_cut = _cut(steps, run.loss)
        cut |= was_cut
        data.append(_line(run.cell, tr(f"rnn.mem.cell.{run.cell}"), xs, ys, ".3g"))
    line, label = _level(x.chance_loss, tr("rnn.mem.fig.chance_loss"), log=True)
    layout = {
        "xaxis": {"title": {"text": tr("rnn.mem.fig.update_axis")}},
        "yaxis": {"title": {"text": tr(f"rnn.mem.fig.loss_axis_{x.task}")}, "type": "log",
                  "dtick": 1, "exponentformat": "power"},
        "hovermode": "x unified", "shapes": [line],
        "annotations": [label] + ([_cut_note(tr("rnn.mem.fig.cut"))] if cut else []),
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.mem.fig.loss_title"), height=340)


def fig_accuracy(x: Training, tr: Translate) -> go.Figure:
    """Each cell's accuracy on the held-out batch after 0, EVAL_EVERY, … updates; chance dotted."""
    data = [
        _line(run.cell, tr(f"rnn.mem.cell.{run.cell}"), run.evaluated.astype(np.int32),
              np.round(run.accuracy, 4).astype(np.float32), ".1%")
        for run in x.runs
    ]  # fmt: skip
    line, label = _level(x.chance, tr("rnn.mem.fig.chance", chance=f"{100 * x.chance:.0f}"))
    layout = {
        "xaxis": {"title": {"text": tr("rnn.mem.fig.update_axis")}},
        "yaxis": {"title": {"text": tr("rnn.mem.fig.accuracy_axis")}, "range": [0, 1.03],
                  "tickformat": ".0%"},
        "hovermode": "x unified", "shapes": [line], "annotations": [label],
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.mem.fig.accuracy_title"), height=340)


def fig_sweep(s: Sweep, tr: Translate) -> go.Figure:
    """Final held-out accuracy against T for the three cells, T on a log axis; chance dotted."""
    lengths = np.array(s.lengths, dtype=np.int32)
    data = []
    for cell in ("rnn", "lstm", "gru"):
        trace = _line(cell, tr(f"rnn.mem.cell.{cell}"), lengths,
                      np.round(s.of(cell), 4).astype(np.float32), ".1%")  # fmt: skip
        trace["mode"] = "lines+markers"
        data.append(trace)
    line, label = _level(s.chance, tr("rnn.mem.fig.chance", chance=f"{100 * s.chance:.0f}"))
    layout = {
        "xaxis": {"title": {"text": tr("rnn.mem.fig.length_axis")}, "type": "log",
                  "tickvals": list(s.lengths)},
        "yaxis": {"title": {"text": tr("rnn.mem.fig.final_axis")}, "range": [0, 1.03],
                  "tickformat": ".0%"},
        "hovermode": "x unified", "shapes": [line], "annotations": [label],
    }  # fmt: skip
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    return style(fig, title=tr("rnn.mem.fig.sweep_title", updates=s.updates), height=340)
