"""Figures of the backprop page's sections 4–6: data from core.loss_lessons and a translator in,
a Figure out. Losses and gradients against the logit (separate charts), the saturation marker,
Nielsen's two runs with playback, the pairing demos and the stability charts, where a value that
is inf or NaN is never drawn: it is said in words ("inf") above its place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import LEGEND_ROOM, MUTED, TEXT, playback, style, vline, with_frames

if TYPE_CHECKING:  # the data these figures draw; nothing here computes it
    from core.loss_lessons import Classify, Curve, Fit, LogSumExp, NeuronRun, Stability

# One colour per loss, kept on every chart of sections 4–6 (Okabe–Ito): squared error orange,
# cross-entropy blue (dashed where it is computed from logits, which lies on the same curve).
LOSS_COLORS: Mapping[str, str] = {
    "mse_sigmoid": "#e69f00",
    "bce_sigmoid": "#0072b2",
    "bce_with_logits": "#56b4e9",
    "cross_entropy": "#009e73",
    "quadratic": "#e69f00",
    "mse_softmax": "#e69f00",
    "linear": "#009e73",
    "sigmoid": "#e69f00",
    "naive": "#d55e00",
    "clamped": "#cc79a7",
    "exact": "#0072b2",
}
LOSS_DASHES: Mapping[str, str] = {"bce_with_logits": "dash", "clamped": "dash"}
MAX_FRAMES = 100  # playback frames of Nielsen's runs
NIELSEN_HEIGHT = 480
LOG_FLOOR = 1e-300  # a loss of 0 has no place on a log axis; smaller values are left out


def _line(x, y, name: str, key: str, fmt: str = ".4g", **extra) -> dict:
    return {
        "type": "scatter",
        "x": np.asarray(x, dtype=float),
        "y": np.asarray(y, dtype=float),
        "mode": "lines",
        "name": name,
        "line": {"color": LOSS_COLORS[key], "width": 2.5, "dash": LOSS_DASHES.get(key, "solid")},
        "hovertemplate": f"%{{x:.3g}}: %{{y:{fmt}}}<extra>{name}</extra>",
    } | extra


def _figure(data: list[dict], layout: dict, title: str, height: int = 340) -> go.Figure:
    return style(
        go.Figure({"data": data, "layout": layout}, _validate=False), title=title, height=height
    )


# --- section 4 -------------------------------------------------------------------------------


def _curve_figure(
    curves: Mapping[str, Curve], field: str, tr: Translate, marker_z: float | None
) -> go.Figure:
    data = []
    for name, c in curves.items():
        data.append(_line(c.z, getattr(c, field), tr(f"bp.loss.curve.{name}"), name))
    shapes = [vline(marker_z, {"color": MUTED, "dash": "dot", "width": 1.5})] if marker_z else []
    notes = []
    if marker_z is not None:
        for name, c in curves.items():
            i = int(np.argmin(np.abs(c.z - marker_z)))
            data.append(
                {
                    "type": "scatter",
                    "x": [float(c.z[i])],
                    "y": [float(getattr(c, field)[i])],
                    "mode": "markers",
                    "showlegend": False,
                    "marker": {"color": LOSS_COLORS[name], "size": 9, "line": {"width": 1}},
                    "hovertemplate": f"z = %{{x:.3g}}: %{{y:.4g}}<extra>{name}</extra>",
                }
            )
        notes.append(
            {
                "x": marker_z,
                "y": 1.0,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "text": tr("bp.loss.fig.saturated", z=f"{marker_z:g}"),
                "font": {"color": MUTED, "size": 12},
            }
        )
    axis = "loss_axis" if field == "loss" else "grad_axis"
    layout = {
        "xaxis": {"title": {"text": tr("bp.loss.fig.z_axis")}},
        "yaxis": {"title": {"text": tr(f"bp.loss.fig.{axis}")}},
        "hovermode": "x unified",
        "shapes": shapes,
        "annotations": notes,
    }
    return _figure(data, layout, tr(f"bp.loss.fig.{field}_title"))


def fig_loss_curves(
    curves: Mapping[str, Curve], tr: Translate, marker_z: float | None = None
) -> go.Figure:
    """L(z) for each loss of `curves` against the logit z, the saturation marker at marker_z."""
    return _curve_figure(curves, "loss", tr, marker_z)


def fig_grad_curves(
    curves: Mapping[str, Curve], tr: Translate, marker_z: float | None = None
) -> go.Figure:
    """dL/dz for each loss against z (the chart beside fig_loss_curves), marker at marker_z."""
    return _curve_figure(curves, "grad", tr, marker_z)


def frame_epochs(epochs: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The epochs the playback shows: all up to max_frames, else evenly sampled, 0 and the last
    always among them."""
    if epochs + 1 <= max_frames:
        return list(range(epochs + 1))
    return sorted({round(float(k)) for k in np.linspace(0, epochs, max_frames)})


def _playback(shown: Sequence[int], tr: Translate) -> dict:
    labels = (tr("bp.loss.fig.play"), tr("bp.loss.fig.pause"), tr("bp.loss.fig.epoch"))
    names = [str(k) for k in shown]
    return playback(names, len(shown) - 1, labels, frame_ms=60, y=0.0, buttons_above=True,
                    slider_pad=50)  # fmt: skip


def _nielsen_figure(
    series: list[tuple[np.ndarray, str, str, str]], title: str, axis: str, tr: Translate
) -> go.Figure:
    """Lines of (values, name, colour key, dash) against epoch, each with a moving dot that the
    playback walks along (the figure itself shows the last epoch)."""
    epochs = len(series[0][0]) - 1
    x = np.arange(epochs + 1)
    data = [
        _line(x, v, name, key, line={"color": LOSS_COLORS[key], "width": 2.5, "dash": dash})
        for v, name, key, dash in series
    ]
    dots = list(range(len(data), 2 * len(data)))

    def _dots(k: int) -> list[dict]:
        return [{"type": "scatter", "x": [k], "y": [float(v[k])]} for v, *_ in series]

    for dot, (_, _name, key, _dash) in zip(_dots(epochs), series, strict=True):
        dot |= {"mode": "markers", "showlegend": False, "hoverinfo": "skip"}
        data.append(dot | {"marker": {"color": LOSS_COLORS[key], "size": 10}})
    shown = frame_epochs(epochs)
    frames = [{"name": str(k), "data": _dots(k), "traces": dots} for k in shown]
    layout = {
        "xaxis": {"title": {"text": tr("bp.loss.fig.epoch_axis")}},
        "yaxis": {"title": {"text": tr(axis)}},
        "hovermode": "x unified",
    } | _playback(shown, tr)
    # Below the plot: the axis title, then the playback slider, then the legend.
    fig = _figure(data, layout, title, height=NIELSEN_HEIGHT)
    plot = NIELSEN_HEIGHT + LEGEND_ROOM - 80 - 200
    fig.update_layout(margin={"t": 80, "b": 200}, legend={"y": -135 / plot})
    return with_frames(fig, frames)


def fig_nielsen_loss(quadratic: NeuronRun, cross_entropy: NeuronRun, tr: Translate) -> go.Figure:
    """Both runs' cost against epoch (index 0 the start), with playback."""
    series = [
        (quadratic.loss, tr("bp.loss.nielsen.quadratic"), "quadratic", "solid"),
        (cross_entropy.loss, tr("bp.loss.nielsen.cross_entropy"), "bce_sigmoid", "solid"),
    ]
    return _nielsen_figure(
        series, tr("bp.loss.fig.nielsen_loss_title"), "bp.loss.fig.cost_axis", tr
    )


def fig_nielsen_weights(quadratic: NeuronRun, cross_entropy: NeuronRun, tr: Translate) -> go.Figure:
    """w (solid) and b (dotted) of both runs against epoch, with playback."""
    series = []
    for run, key, name in (
        (quadratic, "quadratic", "bp.loss.nielsen.quadratic"),
        (cross_entropy, "bce_sigmoid", "bp.loss.nielsen.cross_entropy"),
    ):
        series.append((run.w, f"w · {tr(name)}", key, "solid"))
        series.append((run.b, f"b · {tr(name)}", key, "dot"))
    return _nielsen_figure(
        series, tr("bp.loss.fig.nielsen_weights_title"), "bp.loss.fig.param_axis", tr
    )


# --- section 5 -------------------------------------------------------------------------------


def fig_regression(linear: Fit, sigmoid: Fit, tr: Translate) -> go.Figure:
    """The targets y = 3x and the two trained outputs' predictions; the line y = 1 that a
    sigmoid output cannot pass."""
    data = [
        {
            "type": "scatter",
            "x": linear.x,
            "y": linear.y,
            "mode": "markers",
            "name": tr("bp.loss.fig.targets"),
            "marker": {"color": TEXT, "size": 8, "symbol": "x"},
        },
        _line(linear.x, linear.prediction, tr("bp.loss.pair.linear_mse"), "linear"),
        _line(sigmoid.x, sigmoid.prediction, tr("bp.loss.pair.sigmoid_mse"), "sigmoid"),
    ]
    layout = {
        "xaxis": {"title": {"text": "x"}},
        "yaxis": {"title": {"text": tr("bp.loss.fig.prediction_axis")}},
        "shapes": [
            {
                "type": "line",
                "xref": "x domain",
                "x0": 0,
                "x1": 1,
                "y0": 1,
                "y1": 1,
                "line": {"color": MUTED, "dash": "dot"},
            }
        ],
    }
    return _figure(data, layout, tr("bp.loss.fig.regression_title"))


def fig_softmax_demo(cross_entropy: Classify, mse: Classify, tr: Translate) -> go.Figure:
    """The right class's probability p₀ against epoch under softmax + CE and softmax + MSE."""
    x = np.arange(len(cross_entropy.p_true))
    data = [
        _line(x, cross_entropy.p_true, tr("bp.loss.pair.softmax_ce"), "cross_entropy", ".3f"),
        _line(x, mse.p_true, tr("bp.loss.pair.softmax_mse"), "mse_softmax", ".3f"),
    ]
    layout = {
        "xaxis": {"title": {"text": tr("bp.loss.fig.epoch_axis")}},
        "yaxis": {"title": {"text": tr("bp.loss.fig.p_true_axis")}, "range": [0, 1.02]},
        "hovermode": "x unified",
    }
    return _figure(data, layout, tr("bp.loss.fig.softmax_title"))


# --- section 6 -------------------------------------------------------------------------------


def _drawable(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points that a log axis can show: finite and above LOG_FLOOR (|y|: −0 is 0)."""
    y = np.abs(np.asarray(y, dtype=float))
    keep = np.isfinite(y) & (y > LOG_FLOOR)
    return np.asarray(x)[keep], y[keep]


def _inf_notes(x: np.ndarray, y: np.ndarray, tr: Translate, xref: str = "x") -> list[dict]:
    """An "inf" (or "NaN") written at the top of the chart above each value that is not finite."""
    notes = []
    for xi, yi in zip(x, y, strict=True):
        if not np.isfinite(yi):
            word = tr("bp.loss.fig.inf") if np.isinf(yi) else "NaN"
            notes.append(
                {
                    "x": xi,
                    "xref": xref,
                    "y": 1.0,
                    "yref": "paper",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "text": word,
                    "textangle": -90,  # upright words stay apart where the points are close
                    "font": {"color": LOSS_COLORS["naive"], "size": 11},
                }
            )
    return notes


def fig_stability(stab: Stability, tr: Translate) -> go.Figure:
    """The exact loss (BCE with logits), torch's clamped BCE on σ(z) and the naive −log σ
    against the logit on a log y axis; the logits (they span ±1000) sit evenly, at their index,
    each ticked with its value; "inf" in words where the naive loss overflowed."""
    labels = [f"{v:g}".replace("-", "−") for v in stab.z]
    place = np.arange(stab.z.size, dtype=float)
    data = []
    for key, values in (("exact", stab.exact), ("clamped", stab.clamped), ("naive", stab.naive)):
        x, y = _drawable(place, values)
        name = tr(f"bp.loss.stab.{key}")
        data.append(
            _line(x, y, name, key, mode="lines+markers", customdata=stab.z[x.astype(int)])
            | {"hovertemplate": f"z = %{{customdata:g}}: %{{y:.6g}}<extra>{name}</extra>"}
        )
    layout = {
        "xaxis": {
            "title": {"text": tr("bp.loss.fig.z_axis")},
            "tickvals": place,
            "ticktext": labels,
            "tickangle": -45,
        },
        "yaxis": {
            "title": {"text": tr("bp.loss.fig.loss_axis")},
            "type": "log",
            "exponentformat": "power",
        },
        "annotations": _inf_notes(place, stab.naive, tr),
    }
    fig = _figure(data, layout, tr("bp.loss.fig.stability_title", y=f"{stab.y:g}"), height=400)
    # The slanted logit labels push the axis title down: the legend goes further below it.
    fig.update_layout(legend={"y": -0.5}, margin={"b": 170})
    return fig


def fig_log_sum_exp(lse: LogSumExp, tr: Translate) -> go.Figure:
    """Cross-entropy of logits s·(1, 0, −1), label 2: naive softmax then log against the
    log-sum-exp form, log axes; "inf" in words where the naive one overflowed."""
    data = []
    for key, values in (("exact", lse.stable), ("naive", lse.naive)):
        x, y = _drawable(lse.scale, values)
        data.append(_line(x, y, tr(f"bp.loss.lse.{key}"), key, ".6g", mode="lines+markers"))
    layout = {
        "xaxis": {"title": {"text": tr("bp.loss.fig.scale_axis")}, "type": "log"},
        "yaxis": {"title": {"text": tr("bp.loss.fig.loss_axis")}, "type": "log"},
        "annotations": [
            note | {"x": float(np.log10(note["x"]))}
            for note in _inf_notes(lse.scale, lse.naive, tr)
        ],
    }
    return _figure(data, layout, tr("bp.loss.fig.lse_title"), height=340)


def number(value: float, tr: Translate) -> str:
    """A table cell: "inf" (or "NaN") in words, 0 for ±0, else four significant figures."""
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return ("−" if value < 0 else "") + tr("bp.loss.fig.inf")
    if value == 0.0:
        return "0"
    return f"{value:.4g}"


def stability_rows(stab: Stability, tr: Translate) -> list[dict[str, str]]:
    """The stability table as rows of text (columns named in the session's language)."""
    columns = {
        "z": stab.z,
        tr("bp.loss.stab.exact"): stab.exact,
        tr("bp.loss.stab.naive"): stab.naive,
        tr("bp.loss.stab.clamped"): stab.clamped,
        tr("bp.loss.stab.exact_grad"): stab.exact_grad,
        tr("bp.loss.stab.clamped_grad"): stab.clamped_grad,
    }
    return [{k: number(float(v[i]), tr) for k, v in columns.items()} for i in range(stab.z.size)]
