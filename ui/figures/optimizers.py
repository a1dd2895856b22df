"""Figures of the Optimizers page: paths on a contour map (animated), the 3-D surface, progress
against step, the optimizer-state table; plus the page's tables of controls and presets.

Builders take arrays from core and a translator and return a plotly Figure; nothing here runs
Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core import optimizers, surfaces
from ui.i18n import Translate
from ui.theme import TEXT, color, style, subplots, with_frames

MAX_FRAMES = 150  # animation frames per figure; longer runs are sampled evenly
# Light greys and blues under the paths: every optimizer colour stays readable on top.
SURFACE_SCALE = [
    [0.0, "#f8fafc"],
    [0.25, "#e3ebf3"],
    [0.5, "#c9d6e3"],
    [0.75, "#a9bccf"],
    [1.0, "#8299b0"],
]
MINIMUM_MARKER = {
    "symbol": "star",
    "size": 15,
    "color": "#fab005",
    "line": {"color": "#212529", "width": 1},
}

# --- what the page offers: suggested learning rates, hyperparameter controls, presets ----------

# Learning rates that give an instructive race from each surface's default start in ~100-300
# steps (well inside each optimizer's stable range); picking a surface loads them.
SUGGESTED_LR: Mapping[str, Mapping[str, float]] = {
    "ravine": {
        "sgd": 0.079, "momentum": 0.01, "nesterov": 0.02, "adagrad": 1.0, "rmsprop": 0.1,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.2, "nadam": 0.2,
    },
    "rosenbrock": {
        "sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.1, "adamw": 0.1, "adamax": 0.2, "nadam": 0.1,
    },
    "beale": {
        "sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "adagrad": 1.0, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.5, "nadam": 0.2,
    },
    "saddle": {
        "sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.1, "adamw": 0.1, "adamax": 0.2, "nadam": 0.1,
    },
    "himmelblau": {
        "sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.2, "nadam": 0.2,
    },
    "plateau": {
        "sgd": 0.5, "momentum": 0.2, "nesterov": 0.2, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.079, "adamax": 0.5, "nadam": 0.2,
    },
    "logistic": {
        "sgd": 2.0, "momentum": 0.2, "nesterov": 0.2, "adagrad": 1.0, "rmsprop": 0.1,
        "adadelta": 5.0, "adam": 0.2, "adamw": 0.2, "adamax": 0.2, "nadam": 0.2,
    },
}  # fmt: skip


@dataclass(frozen=True)
class Control:
    """One hyperparameter slider: torch's name `hparam`, the link key `<optimizer>_<suffix>`."""

    hparam: str  # torch's name; "beta1"/"beta2" are the two halves of betas
    suffix: str
    kind: str  # "number", "choice" (select slider), "log" (log slider) or "flag"
    default: Any
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    options: tuple[float, ...] = ()
    main: bool = False  # drawn in the optimizer's card; the rest sit behind "more"


def _adam_like(name: str, decay: float = 0.0, amsgrad: bool = True) -> tuple[Control, ...]:
    return (
        Control("beta1", "b1", "number", 0.9, 0.0, 0.99, 0.01, main=True),
        Control("beta2", "b2", "choice", 0.999, options=(0.9, 0.99, 0.999, 0.9999), main=True),
        Control("eps", "eps", "log", 1e-8, 1e-10, 1.0),
        Control("weight_decay", "wd", "number", decay, 0.0, 1.0, 0.01),
        *((Control("amsgrad", "ams", "flag", False),) if amsgrad else ()),
    )


# Every hyperparameter a learner would touch, per optimizer (lr is drawn separately).
CONTROLS: Mapping[str, tuple[Control, ...]] = {
    "sgd": (Control("weight_decay", "wd", "number", 0.0, 0.0, 1.0, 0.01),),
    "momentum": (
        Control("momentum", "mu", "number", 0.9, 0.0, 0.99, 0.01, main=True),
        Control("dampening", "damp", "number", 0.0, 0.0, 0.9, 0.1),
        Control("weight_decay", "wd", "number", 0.0, 0.0, 1.0, 0.01),
    ),
    # torch refuses Nesterov without momentum: the slider starts above 0.
    "nesterov": (
        Control("momentum", "mu", "number", 0.9, 0.05, 0.99, 0.01, main=True),
        Control("weight_decay", "wd", "number", 0.0, 0.0, 1.0, 0.01),
    ),
    "adagrad": (
        Control("lr_decay", "decay", "number", 0.0, 0.0, 0.1, 0.005, main=True),
        Control("eps", "eps", "log", 1e-10, 1e-10, 1.0),
        Control("weight_decay", "wd", "number", 0.0, 0.0, 1.0, 0.01),
    ),
    "rmsprop": (
        Control(
            "alpha", "alpha", "choice", 0.99, options=(0.5, 0.8, 0.9, 0.95, 0.99, 0.999), main=True
        ),
        Control("momentum", "mu", "number", 0.0, 0.0, 0.99, 0.01, main=True),
        Control("eps", "eps", "log", 1e-8, 1e-10, 1.0),
        Control("weight_decay", "wd", "number", 0.0, 0.0, 1.0, 0.01),
        Control("centered", "c", "flag", False),
    ),
    "adadelta": (
        Control("rho", "rho", "choice", 0.9, options=(0.5, 0.8, 0.9, 0.95, 0.99), main=True),
        Control("eps", "eps", "log", 1e-6, 1e-10, 1.0),
        Control("weight_decay", "wd", "number", 0.0, 0.0, 1.0, 0.01),
    ),
    "adam": _adam_like("adam"),
    "adamw": _adam_like("adamw", decay=0.01),
    "adamax": _adam_like("adamax", amsgrad=False),
    "nadam": _adam_like("nadam", amsgrad=False),
}


def hparams_for_core(values: Mapping[str, Any]) -> dict[str, Any]:
    """The page's slider values by torch's names: beta1/beta2 joined into betas."""
    out = {k: v for k, v in values.items() if k not in ("beta1", "beta2")}
    if "beta1" in values:
        out["betas"] = (float(values["beta1"]), float(values["beta2"]))
    return out


# Each preset: the controls it sets (by link key), as one click.
PRESETS: Mapping[str, dict[str, Any]] = {
    "zigzag": {
        "surf": "ravine", "kappa": 20.0, "opt": ("sgd", "momentum"), "same_lr": False,
        "sgd_lr": 0.079, "momentum_lr": 0.01, "momentum_mu": 0.9, "x0": -4.0, "y0": 2.0,
        "steps": 100, "sigma": 0.0,
    },
    "rosenbrock": {
        "surf": "rosenbrock", "rb": 100.0, "opt": ("sgd", "momentum", "adam"),
        "same_lr": False, "sgd_lr": 0.002, "momentum_lr": 0.001, "adam_lr": 0.1,
        "x0": -1.2, "y0": 1.0, "steps": 300, "sigma": 0.0,
    },
    "saddle": {
        "surf": "saddle", "opt": ("sgd", "momentum", "rmsprop", "adam"), "same_lr": True,
        "lr": 0.02, "x0": -2.5, "y0": 0.01, "steps": 150, "sigma": 0.0,
    },
    "too_large": {
        "surf": "ravine", "kappa": 20.0, "opt": ("sgd", "momentum", "adam"), "same_lr": False,
        "sgd_lr": 0.13, "momentum_lr": 0.1, "adam_lr": 0.5, "momentum_mu": 0.9,
        "x0": -4.0, "y0": 2.0, "steps": 100, "sigma": 0.0,
    },
    "minibatch": {
        "surf": "logistic", "l2": 0.001, "opt": ("sgd", "adam"), "same_lr": False,
        "sgd_lr": 2.0, "adam_lr": 0.2, "batch": 5, "x0": -3.0, "y0": 3.0, "steps": 200,
        "seed": 0,
    },
}  # fmt: skip


# --- derived numbers along a path ----------------------------------------------------------------


def frame_steps(steps: int) -> np.ndarray:
    """The step numbers the animation shows: all of them, or MAX_FRAMES evenly spaced."""
    if steps <= MAX_FRAMES:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, MAX_FRAMES + 1).round().astype(int))


# --- the figures ---------------------------------------------------------------------------------


def _label(tr: Translate, name: str) -> str:
    return tr(f"opt.name.{name}")


def _axis_titles(surface_name: str, tr: Translate) -> tuple[str, str]:
    if surface_name == "logistic":
        return tr("opt.fig.w1"), tr("opt.fig.w2")
    return tr("opt.fig.x"), tr("opt.fig.y")


def fig_paths(
    surface_name: str,
    xs: np.ndarray,
    ys: np.ndarray,
    height_map: np.ndarray,
    minima: np.ndarray,
    paths: Mapping[str, np.ndarray],
    references: Mapping[str, np.ndarray],
    steps: int,
    tr: Translate,
    *,
    view: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> go.Figure:
    """Contour of log(1 + f − f*) with every optimizer's path; a play button and a step slider
    move one dot per optimizer along its path in the browser (frames carry only the dots).

    paths: name -> points (k+1, 2); references: name -> the noise-free path, drawn dotted."""
    fig = go.Figure()
    fig.add_contour(
        x=xs,
        y=ys,
        z=height_map.astype(np.float32),
        colorscale=SURFACE_SCALE,
        ncontours=22,
        line={"color": "rgba(255, 255, 255, 0.7)", "width": 0.6},
        colorbar={
            "title": {"text": "log(1 + f − f*)", "side": "right"},
            "thickness": 12,
            "len": 0.8,
            "outlinewidth": 0,
        },
        hovertemplate="(%{x:.2f}, %{y:.2f})<br>log(1 + f − f*) = %{z:.3f}<extra></extra>",
    )
    for name, ref in references.items():
        fig.add_scatter(
            x=ref[:, 0],
            y=ref[:, 1],
            mode="lines",
            name=tr("opt.fig.reference", name=_label(tr, name)),
            legendgroup=name,
            line={"color": color(name), "width": 1.5, "dash": "dot"},
            opacity=0.8,
            hoverinfo="skip",
        )
    for name, points in paths.items():
        label = _label(tr, name)
        fig.add_scatter(
            x=points[:, 0],
            y=points[:, 1],
            mode="lines+markers",
            name=label,
            legendgroup=name,
            line={"color": color(name), "width": 2},
            marker={"size": 3.5, "color": color(name)},
            customdata=np.arange(points.shape[0]),
            hovertemplate="t=%{customdata}<br>(%{x:.3f}, %{y:.3f})<extra>" + label + "</extra>",
        )
    fig.add_scatter(
        x=minima[:, 0],
        y=minima[:, 1],
        mode="markers",
        name=tr("opt.fig.minimum"),
        marker=MINIMUM_MARKER,
        hovertemplate="(%{x:.3f}, %{y:.3f})<extra>" + tr("opt.fig.minimum") + "</extra>",
    )
    starts = np.array([p[0] for p in paths.values()]) if paths else np.empty((0, 2))
    fig.add_scatter(
        x=starts[:1, 0],
        y=starts[:1, 1],
        mode="markers",
        name=tr("opt.fig.start"),
        marker={"symbol": "circle-open", "size": 14, "color": TEXT, "line": {"width": 2.5}},
        hovertemplate="(%{x:.2f}, %{y:.2f})<extra>" + tr("opt.fig.start") + "</extra>",
    )
    # The animated dots come last: frames address them by trace index.
    shown = frame_steps(steps)
    first_dot = len(fig.data)
    names = list(paths)
    for name in names:
        last = paths[name][-1]
        fig.add_scatter(
            x=[last[0]],
            y=[last[1]],
            mode="markers",
            showlegend=False,
            legendgroup=name,
            marker={"size": 13, "color": color(name), "line": {"color": "white", "width": 2}},
            hovertemplate="(%{x:.3f}, %{y:.3f})<extra>" + _label(tr, name) + "</extra>",
        )
    dots = list(range(first_dot, first_dot + len(names)))
    # Frames and the play controls are plain dicts added without plotly's validation: checking
    # ~150 frames one property at a time cost more than everything else on a rerun.
    frames = []
    for k in shown:
        data = []
        for name in names:
            p = paths[name][min(int(k), paths[name].shape[0] - 1)]
            data.append({"type": "scatter", "x": [float(p[0])], "y": [float(p[1])]})
        frames.append({"name": str(int(k)), "data": data, "traces": dots})
    (x0, x1), (y0, y1) = view or ((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])))
    x_title, y_title = _axis_titles(surface_name, tr)
    fig.update_xaxes(title_text=x_title, range=[x0, x1], showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=y_title, range=[y0, y1], showgrid=False, zeroline=False)
    style(fig, height=560)
    play = {"frame": {"duration": 60, "redraw": False}, "transition": {"duration": 0}}
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0.0, "xanchor": "left"},
        margin={"l": 60, "r": 20, "t": 50, "b": 120},
    )
    figure = fig.to_dict()
    figure["layout"].update(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "xanchor": "left",
                "y": -0.13,
                "yanchor": "top",
                "pad": {"t": 0, "r": 10},
                "buttons": [
                    {
                        "label": "▶ " + tr("opt.fig.play"),
                        "method": "animate",
                        "args": [[str(int(k)) for k in shown], {**play, "mode": "immediate"}],
                    },
                    {
                        "label": "❚❚ " + tr("opt.fig.pause"),
                        "method": "animate",
                        "args": [[None], {**play, "mode": "immediate"}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": len(shown) - 1,
                "x": 0.25,
                "len": 0.75,
                "y": -0.1,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {
                    "prefix": tr("opt.fig.step") + " ",
                    "xanchor": "right",
                    "font": {"size": 13},
                },
                "font": {"size": 10},
                "steps": [
                    {
                        "label": str(int(k)),
                        "method": "animate",
                        "args": [[str(int(k))], {**play, "mode": "immediate"}],
                    }
                    for k in shown
                ],
            }
        ],
    )
    return with_frames(go.Figure(figure, _validate=False), frames)


def fig_surface(
    surface_name: str,
    xs: np.ndarray,
    ys: np.ndarray,
    height_map: np.ndarray,
    minima_heights: np.ndarray,
    minima: np.ndarray,
    paths: Mapping[str, tuple[np.ndarray, np.ndarray]],
    tr: Translate,
) -> go.Figure:
    """The surface log(1 + f − f*) in 3-D with each path lying on it; paths: name -> (points, h)."""
    fig = go.Figure()
    fig.add_surface(
        x=xs,
        y=ys,
        z=height_map.astype(np.float32),
        colorscale=SURFACE_SCALE,
        showscale=False,
        opacity=0.92,
        contours={"z": {"show": True, "color": "white", "width": 1, "usecolormap": False}},
        hovertemplate="(%{x:.2f}, %{y:.2f})<br>%{z:.3f}<extra></extra>",
    )
    lift = 0.01 * float(np.ptp(height_map) or 1.0)  # paths drawn just above the surface
    for name, (points, heights) in paths.items():
        label = _label(tr, name)
        # 3-D scenes do not clip lines at the axis ranges: a diverged path is drawn only up to
        # where it leaves the map, or it would fill the whole scene.
        inside = (
            (points[:, 0] >= xs[0]) & (points[:, 0] <= xs[-1])
            & (points[:, 1] >= ys[0]) & (points[:, 1] <= ys[-1])
        )  # fmt: skip
        keep = int(np.argmin(inside)) if not inside.all() else points.shape[0]
        points, heights = points[: max(keep, 1)], heights[: max(keep, 1)]
        fig.add_scatter3d(
            x=points[:, 0],
            y=points[:, 1],
            z=heights + lift,
            mode="lines+markers",
            name=label,
            line={"color": color(name), "width": 5},
            marker={"size": 2.5, "color": color(name)},
            hovertemplate="(%{x:.3f}, %{y:.3f})<extra>" + label + "</extra>",
        )
    fig.add_scatter3d(
        x=minima[:, 0],
        y=minima[:, 1],
        z=minima_heights + lift,
        mode="markers",
        name=tr("opt.fig.minimum"),
        marker={"symbol": "diamond", "size": 6, "color": "#fab005"},
    )
    x_title, y_title = _axis_titles(surface_name, tr)
    style(fig, height=600)
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 60},
        scene={
            "xaxis": {"title": {"text": x_title}, "range": [float(xs[0]), float(xs[-1])]},
            "yaxis": {"title": {"text": y_title}, "range": [float(ys[0]), float(ys[-1])]},
            "zaxis": {
                "title": {"text": "log(1 + f − f*)"},
                "range": [0.0, 1.05 * float(np.max(height_map)) + lift],
            },
            "camera": {"eye": {"x": -1.4, "y": -1.5, "z": 1.0}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1.3, "y": 1.0, "z": 0.6},
        },
    )
    return fig


def fig_progress(
    progress: Mapping[str, tuple[np.ndarray, np.ndarray]],
    tr: Translate,
) -> go.Figure:
    """f(θ_t) − f* and the distance to the nearest minimum against t, both on log axes."""
    fig = subplots(
        rows=1,
        cols=2,
        subplot_titles=(tr("opt.fig.loss_title"), tr("opt.fig.distance_title")),
        horizontal_spacing=0.1,
    )
    for name, (gap, distance) in progress.items():
        label = _label(tr, name)
        t = np.arange(gap.shape[0])
        for col, values, what in ((1, gap, "f − f*"), (2, distance, "‖θ − θ*‖")):
            fig.add_scatter(
                x=t,
                y=values,
                mode="lines",
                name=label,
                legendgroup=name,
                showlegend=col == 1,
                line={"color": color(name), "width": 2.2},
                hovertemplate="t=%{x}<br>" + what + "=%{y:.3e}<extra>" + label + "</extra>",
                row=1,
                col=col,
            )
    fig.update_xaxes(title_text=tr("opt.fig.step_axis"), rangemode="tozero")
    fig.update_yaxes(
        type="log", exponentformat="power", title_text=tr("opt.fig.loss_axis"), row=1, col=1
    )
    fig.update_yaxes(
        type="log", exponentformat="power", title_text=tr("opt.fig.distance_axis"), row=1, col=2
    )
    return style(fig, height=380)


# --- the state at one step -------------------------------------------------------------------

# The symbol each of torch's state buffers has in the update equations.
STATE_SYMBOLS: Mapping[str, str] = {
    "momentum_buffer": "b",
    "sum": "s",
    "square_avg": "v",
    "grad_avg": "ḡ",
    "acc_delta": "u",
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "max_exp_avg_sq": "max v",
    "exp_inf": "u",
    "m_hat": "m̂",
    "v_hat": "v̂",
}


def _pair(v: np.ndarray) -> str:
    return f"({v[0]:+.4g}, {v[1]:+.4g})"


def state_table(
    traces: Mapping[str, optimizers.Trace], t: int, tr: Translate
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Rows: θ, g, each state buffer, the step taken; one column per optimizer, at step t (or
    its last step when it stopped earlier). Also returns the step shown for each optimizer."""
    rows: dict[str, dict[str, str]] = {}
    shown: dict[str, int] = {}

    def put(row: str, col: str, text: str) -> None:
        rows.setdefault(row, {})[col] = text

    for name, run in traces.items():
        col = _label(tr, name)
        k = min(t, run.steps)
        shown[name] = k
        if k == 0:
            put(tr("opt.row.theta"), col, _pair(run.points[0]))
            continue
        put(tr("opt.row.theta_prev"), col, _pair(run.points[k - 1]))
        put(tr("opt.row.grad"), col, _pair(run.grads[k - 1]))
        for key, values in run.state.items():
            label = tr("opt.row.state", symbol=STATE_SYMBOLS.get(key, key), buffer=key)
            put(label, col, _pair(values[k - 1]))
        put(tr("opt.row.update"), col, _pair(run.updates[k - 1]))
        put(tr("opt.row.update_norm"), col, f"{np.linalg.norm(run.updates[k - 1]):.4g}")
        put(tr("opt.row.theta"), col, _pair(run.points[k]))
    order = [tr("opt.row.theta_prev"), tr("opt.row.grad")]
    order += [r for r in rows if r not in order and r not in _tail(tr)] + _tail(tr)
    table = pd.DataFrame(
        [{tr("opt.col.quantity"): r, **rows[r]} for r in order if r in rows]
    ).fillna("—")
    return table, shown


def _tail(tr: Translate) -> list[str]:
    return [tr("opt.row.update"), tr("opt.row.update_norm"), tr("opt.row.theta")]


# --- the home page's card ---------------------------------------------------------------------

THUMB_OPTIMIZERS: Sequence[str] = ("sgd", "momentum", "adam")


def thumbnail_data() -> dict[str, Any]:
    """SGD, momentum and Adam for 60 steps on the ravine, over a coarse 40 × 40 contour."""
    surface = surfaces.get("ravine", condition=20.0)
    xs, ys, z = surfaces.grid(surface, 40)
    start = surface.starts[0]
    paths = {
        name: optimizers.run(name, surface.gradient, start, 60, lr=SUGGESTED_LR["ravine"][name])
        for name in THUMB_OPTIMIZERS
    }
    return {"xs": xs, "ys": ys, "z": surfaces.log_height(z), "paths": paths}


def fig_thumbnail(data: Mapping[str, Any]) -> go.Figure:
    """A small, static picture of the race for the home page's card."""
    fig = go.Figure()
    fig.add_contour(
        x=data["xs"],
        y=data["ys"],
        z=np.asarray(data["z"], dtype=np.float32),
        colorscale=SURFACE_SCALE,
        showscale=False,
        ncontours=12,
        line={"color": "white", "width": 0.5},
        hoverinfo="skip",
    )
    for name, points in data["paths"].items():
        fig.add_scatter(
            x=points[:, 0],
            y=points[:, 1],
            mode="lines",
            line={"color": color(name), "width": 2.5},
            hoverinfo="skip",
        )
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    style(fig, height=150)
    fig.update_layout(showlegend=False, margin={"l": 4, "r": 4, "t": 4, "b": 4})
    return fig
