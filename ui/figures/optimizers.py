"""Figures of the Optimizers page: paths on a contour map (animated), the 3-D surface, progress
against step, the optimizer-state table, and the home card's picture.

Builders take arrays computed by core and a translator and return a plotly Figure (or a table);
nothing here runs Streamlit or computes in core.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.strings import Translate
from ui.theme import (
    OPTIMIZER_DASHES,
    OPTIMIZER_SYMBOLS,
    TEXT,
    color,
    playback,
    png_data_uri,
    style,
    with_frames,
)

if TYPE_CHECKING:
    from core.optimizers import Trace

MAX_FRAMES = 150  # animation frames per figure; longer runs are sampled evenly
# Light greys and blues under the paths: every optimizer colour stays readable on top.
SURFACE_SCALE = [
    [0.0, "#f8fafc"],
    [0.25, "#e3ebf3"],
    [0.5, "#c9d6e3"],
    [0.75, "#a9bccf"],
    [1.0, "#8299b0"],
]
CAMERA_EYE = {"x": -2.1, "y": -2.2, "z": 1.0}  # the 3-D view's camera, scene units
MAP_MARGIN = {"l": 56, "r": 12, "t": 16, "b": 190}
MINIMUM_MARKER = {
    "symbol": "star",
    "size": 15,
    "color": "#fab005",
    "line": {"color": "#212529", "width": 1},
}

# --- derived numbers along a path ----------------------------------------------------------------


def frame_steps(steps: int) -> np.ndarray:
    """The step numbers the animation shows: all of them, or MAX_FRAMES evenly spaced."""
    if steps <= MAX_FRAMES:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, MAX_FRAMES + 1).round().astype(int))


# --- the figures ---------------------------------------------------------------------------------


def dash(name: str) -> str:
    """The optimizer's line dash, kept on every chart (with its colour)."""
    return OPTIMIZER_DASHES.get(name, "solid")


def symbol(name: str) -> str:
    """The optimizer's marker symbol, kept on every chart (with its colour)."""
    return OPTIMIZER_SYMBOLS.get(name, "circle")


def _label(tr: Translate, name: str) -> str:
    return tr(f"opt.name.{name}")


def _axis_titles(surface_name: str, tr: Translate) -> tuple[str, str]:
    if surface_name == "logistic":
        return tr("opt.fig.w1"), tr("opt.fig.w2")
    return tr("opt.fig.x"), tr("opt.fig.y")


CONTOUR_LEVELS = 22  # bands of the map, as a contour trace's ncontours
CONTOUR_LINE = (255, 255, 255)  # the lines between bands, blended at 70 %


def _scale_rgb(t: float) -> tuple[int, int, int]:
    """SURFACE_SCALE at t in [0, 1], as integer RGB."""
    stops = [(p, tuple(int(c[i : i + 2], 16) for i in (1, 3, 5))) for p, c in SURFACE_SCALE]
    for (p0, c0), (p1, c1) in itertools.pairwise(stops):
        if t <= p1:
            w = (t - p0) / (p1 - p0)
            return tuple(round(a + w * (b - a)) for a, b in zip(c0, c1, strict=True))
    return stops[-1][1]


def contour_bands(height_map: np.ndarray, levels: int = CONTOUR_LEVELS) -> np.ndarray:
    """Which of `levels` equal bands of [0, max] each grid value falls in (ints, same shape)."""
    top = float(np.max(height_map)) or 1.0
    return np.clip((height_map / top * levels).astype(int), 0, levels - 1)


def contour_image(height_map: np.ndarray, levels: int = CONTOUR_LEVELS) -> str:
    """The height map (rows follow y upward) as filled contour bands with light lines between
    them, as a PNG data URI (top row = largest y).

    The map is a layout image, not a contour trace: plotly.js animates with redraw: false by
    re-plotting only animatable traces, and it drops every contour or heatmap layer it does not
    re-plot, so a contour trace vanished on Play (redraw: true keeps it but redraws the whole
    contour for every frame)."""
    band = contour_bands(height_map, levels)
    palette = np.array([_scale_rgb((b + 0.5) / levels) for b in range(levels)], dtype=np.float64)
    rgb = palette[band]
    edge = np.zeros(band.shape, dtype=bool)
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    rgb[edge] = 0.3 * rgb[edge] + 0.7 * np.array(CONTOUR_LINE)
    return png_data_uri(np.round(rgb[::-1]).astype(np.uint8))


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
    """The map of log(1 + f − f*) (a banded image) with every optimizer's path; a play button
    and a step slider move one dot per optimizer along its path in the browser (frames carry
    only the dots). x and y share one scale, so a ravine looks as narrow as it is.

    paths: name -> points (k+1, 2); references: name -> the noise-free path, drawn dotted."""
    fig = go.Figure()
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
            line={"color": color(name), "width": 2, "dash": dash(name)},
            marker={"size": 5, "color": color(name), "symbol": symbol(name)},
            customdata=np.arange(points.shape[0]),
            hovertemplate="t=%{customdata}<br>(%{x:.3f}, %{y:.3f})<extra>" + label + "</extra>",
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
    # The animated dots: frames address them by trace index.
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
            marker={
                "size": 13,
                "color": color(name),
                "symbol": symbol(name),
                "line": {"color": "white", "width": 2},
            },
            hovertemplate="(%{x:.3f}, %{y:.3f})<extra>" + _label(tr, name) + "</extra>",
        )
    dots = list(range(first_dot, first_dot + len(names)))
    # The minimum last, so its star is drawn over the dots that reach it.
    fig.add_scatter(
        x=minima[:, 0],
        y=minima[:, 1],
        mode="markers",
        name=tr("opt.fig.minimum"),
        marker=MINIMUM_MARKER,
        hovertemplate="(%{x:.3f}, %{y:.3f})<extra>" + tr("opt.fig.minimum") + "</extra>",
    )
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
    fig.update_xaxes(
        title_text=x_title, range=[x0, x1], showgrid=False, zeroline=False, constrain="domain"
    )
    # One unit of y is as long as one unit of x on every screen: plotly narrows the plot to
    # keep the ratio, and the plot sits on its controls with any spare room above it.
    fig.update_yaxes(
        title_text=y_title,
        range=[y0, y1],
        showgrid=False,
        zeroline=False,
        scaleanchor="x",
        scaleratio=1.0,
        constrain="domain",
        constraintoward="bottom",
    )
    # A plot area about as tall as the map is at the page's width (wide maps need less height).
    aspect = (y1 - y0) / (x1 - x0)
    plot_px = int(np.clip(560 * aspect, 240, 400))
    fig.update_layout(
        height=plot_px + MAP_MARGIN["t"] + MAP_MARGIN["b"],
        margin=MAP_MARGIN,
        # Under the controls, wrapping onto more rows on a phone (plotly grows the margin).
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -120 / plot_px,
            "x": 0.0,
            "xanchor": "left",
        },
        images=[
            {
                "source": contour_image(height_map),
                "xref": "x",
                "yref": "y",
                "x": float(xs[0]),
                "y": float(ys[-1]),
                "sizex": float(xs[-1] - xs[0]),
                "sizey": float(ys[-1] - ys[0]),
                "sizing": "stretch",
                "xanchor": "left",
                "yanchor": "top",
                "layer": "below",
            }
        ],
    )
    figure = fig.to_dict()
    # The whole width under the buttons; the step number on the buttons' row, at the right.
    labels = (tr("opt.fig.play"), tr("opt.fig.pause"), tr("opt.fig.step"))
    names = [str(int(k)) for k in shown]
    figure["layout"].update(playback(names, len(shown) - 1, labels, frame_ms=60, y=-48 / plot_px))
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
    z_top = 1.05 * float(np.max(height_map)) + lift
    z_step = float(np.ceil(z_top / 3.0)) if z_top >= 3.0 else z_top / 3.0
    z_ticks = [round(z_step * k, 3) for k in range(1, 4) if z_step * k <= z_top]
    style(fig, height=520)
    # The camera stands back far enough that a phone's narrow scene is not cropped, and a little
    # lower, so the z ticks (left edge) stand clear of the y ticks (front edge).
    ticks = {"nticks": 5, "tickfont": {"size": 11}}
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 60},
        scene={
            "xaxis": {"title": {"text": x_title}, "range": [float(xs[0]), float(xs[-1])], **ticks},
            "yaxis": {"title": {"text": y_title}, "range": [float(ys[0]), float(ys[-1])], **ticks},
            "zaxis": {
                "title": {"text": "log(1 + f − f*)"},
                "range": [0.0, z_top],
                # No tick at 0: it would sit on the corner where the y ticks start.
                "tickvals": z_ticks,
                "tickfont": {"size": 11},
            },
            "camera": {"eye": CAMERA_EYE},
            "aspectmode": "manual",
            "aspectratio": {"x": 1.3, "y": 1.0, "z": 0.6},
        },
    )
    return fig


PROGRESS = {  # metric -> (index in the progress pair, title key, axis key, hover name)
    "loss": (0, "opt.fig.loss_title", "opt.fig.loss_axis", "f − f*"),
    "distance": (1, "opt.fig.distance_title", "opt.fig.distance_axis", "‖θ − θ*‖"),
}


def fig_progress(
    progress: Mapping[str, tuple[np.ndarray, np.ndarray]],
    tr: Translate,
    metric: str = "loss",
) -> go.Figure:
    """f(θ_t) − f* ("loss") or the distance to the nearest minimum ("distance") against t, on a
    log axis; progress: name -> (gap, distance). One figure each, drawn side by side in columns
    (a phone stacks them)."""
    index, title, axis, what = PROGRESS[metric]
    fig = go.Figure()
    for name, pair in progress.items():
        values = pair[index]
        label = _label(tr, name)
        fig.add_scatter(
            x=np.arange(values.shape[0]),
            y=values,
            mode="lines",
            name=label,
            legendgroup=name,
            line={"color": color(name), "width": 2.2, "dash": dash(name)},
            hovertemplate="t=%{x}<br>" + what + "=%{y:.3e}<extra>" + label + "</extra>",
        )
    fig.update_xaxes(title_text=tr("opt.fig.step_axis"), rangemode="tozero")
    fig.update_yaxes(type="log", exponentformat="power", title_text=tr(axis))
    return style(fig, title=tr(title), height=360)


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
    traces: Mapping[str, Trace], t: int, tr: Translate
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

# The names are the same in Korean and English (content/*/optimizers.toml, opt.name.*); the
# home page builds its thumbnails without a translator.
THUMB_LABELS: Mapping[str, str] = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}


def fig_thumbnail(data: Mapping[str, Any]) -> go.Figure:
    """A small, static picture of the race for the home page's card, with a compact legend."""
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
        showlegend=False,
    )
    for name, points in data["paths"].items():
        fig.add_scatter(
            x=points[:, 0],
            y=points[:, 1],
            mode="lines",
            name=THUMB_LABELS.get(name, name),
            line={"color": color(name), "width": 2.5, "dash": dash(name)},
            hoverinfo="skip",
        )
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    style(fig, height=150)
    fig.update_layout(
        showlegend=True,
        # Inside the map, top right: the paths start at the top left and end at the centre.
        legend={
            "orientation": "h",
            "x": 1.0,
            "xanchor": "right",
            "y": 1.0,
            "yanchor": "top",
            "bgcolor": "rgba(255, 255, 255, 0.85)",
            "font": {"size": 10},
            "itemwidth": 30,
            "tracegroupgap": 0,
        },
        height=150,
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
    )
    return fig
