"""One look for every chart: fonts that carry Hangul, one colour per activation, quiet axes."""

from __future__ import annotations

import base64
import copy
import functools
import struct
import zlib
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

# Hangul first-class: Noto Sans KR / Noto Sans CJK KR where installed, the OS's Korean fonts next.
FONT_FAMILY = (
    '"Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", '
    '"Source Sans Pro", "Segoe UI", sans-serif'
)
TEXT = "#1f2430"
MUTED = "#6b7280"
GRID = "#e5e7eb"
ACCENT = "#3b5bdb"
SATURATED = "rgba(120, 120, 120, 0.12)"
# Images and signed maps, one convention on every page: a pixel's value is its brightness
# (0 black, 1 white, as an image viewer shows it), and a signed value is red above 0 and blue below
# (a feature map, a kernel, a gradient), on a range symmetric about 0.
PIXEL_SCALE = [[0.0, "#000000"], [1.0, "#ffffff"]]
SIGNED_SCALE = [[0.0, "#2166ac"], [0.5, "#f7f7f7"], [1.0, "#b2182b"]]

# One colour per activation, kept on every chart of every page: the Okabe–Ito palette (its
# yellow left out: too light on white) plus Tol's wine, olive and indigo. Colours that a
# colour-blind reader could confuse never share a dash pattern (tests/ui/test_figures_activations.py
# simulates protanopia, deuteranopia and tritanopia).
ACTIVATION_COLORS: Mapping[str, str] = {
    "sigmoid": "#e69f00",
    "tanh": "#0072b2",
    "relu": "#009e73",
    "leaky_relu": "#d55e00",
    "elu": "#cc79a7",
    "selu": "#56b4e9",
    "gelu": "#882255",
    "silu": "#999933",
    "softplus": "#332288",
    "linear": "#555555",
}
ACTIVATION_DASHES: Mapping[str, str] = {
    "sigmoid": "solid",
    "tanh": "solid",
    "relu": "solid",
    "leaky_relu": "dash",
    "elu": "solid",
    "selu": "dash",
    "gelu": "dashdot",
    "silu": "longdash",
    "softplus": "dashdot",
    "linear": "dot",
}

# One colour per optimizer and per initialization scheme, likewise fixed across charts.
# Optimizers: Okabe–Ito hues (distinct for colour-blind readers too; yellow, purple and
# vermillion darkened where a second optimizer shares a hue family), and a dash and a marker
# each, so ten lines stay apart where hue alone would not: SGD black; the momentum family blues;
# the adaptive ones green, orange, purple; Adam and its variants vermillion, dark vermillion,
# dark yellow, dark purple.
OPTIMIZER_COLORS: Mapping[str, str] = {
    "sgd": "#000000",
    "momentum": "#0072b2",
    "nesterov": "#56b4e9",
    "adagrad": "#009e73",
    "rmsprop": "#e69f00",
    "adadelta": "#cc79a7",
    "adam": "#d55e00",
    "adamw": "#8f3b00",
    "adamax": "#a89400",
    "nadam": "#7a3d6a",
}
OPTIMIZER_DASHES: Mapping[str, str] = {
    "sgd": "solid",
    "momentum": "solid",
    "nesterov": "dash",
    "adagrad": "solid",
    "rmsprop": "solid",
    "adadelta": "longdash",
    "adam": "solid",
    "adamw": "dash",
    "adamax": "dashdot",
    "nadam": "dash",
}
OPTIMIZER_SYMBOLS: Mapping[str, str] = {
    "sgd": "circle",
    "momentum": "square",
    "nesterov": "diamond",
    "adagrad": "triangle-up",
    "rmsprop": "triangle-down",
    "adadelta": "pentagon",
    "adam": "circle",
    "adamw": "square",
    "adamax": "diamond",
    "nadam": "triangle-up",
}
SCHEME_COLORS: Mapping[str, str] = {
    "zeros": "#868e96",
    "small_normal": "#e8590c",
    "standard_normal": "#c92a2a",
    "lecun_uniform": "#74b816",
    "lecun_normal": "#2f9e44",
    "xavier_uniform": "#4dabf7",
    "xavier_normal": "#1971c2",
    "he_uniform": "#9775fa",
    "he_normal": "#6741d9",
}
_ALL_COLORS: Mapping[str, str] = {**ACTIVATION_COLORS, **OPTIMIZER_COLORS, **SCHEME_COLORS}

PLOT_CONFIG: Mapping[str, object] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
THUMBNAIL_CONFIG: Mapping[str, object] = {"staticPlot": True, "displayModeBar": False}


HIDDEN_AXIS: Mapping[str, object] = {"showticklabels": False, "showgrid": False, "zeroline": False}
THUMBNAIL_LAYOUT: Mapping[str, object] = {
    "showlegend": False,
    "height": 150,
    "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
}


def thumbnail_figure(data: Sequence[Mapping[str, object]], **axes: object) -> go.Figure:
    """A home card's chart: wordless, no legend, 150 px high with 4 px margins; `axes` gives its
    axes (start them from HIDDEN_AXIS) and any other layout (shapes)."""
    layout = {**axes, **THUMBNAIL_LAYOUT}
    return go.Figure({"data": list(data), "layout": layout}, _validate=False)


def color(name: str) -> str:
    """The fixed colour of an activation, optimizer or initialization scheme."""
    return _ALL_COLORS.get(name, ACCENT)


def rgba(hex_color: str, alpha: float) -> str:
    """`#rrggbb` with an alpha, for fills."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


LEGEND_ROOM = 44  # pixels under the x-axis title where the legend sits


def _house_template() -> go.layout.Template:
    """plotly_white with our fonts and quiet axes, built once: a figure that names a template
    makes plotly copy and validate all of it (about 20 ms a figure), one that inherits the
    default does not."""
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    axis = {"gridcolor": GRID, "zerolinecolor": "#c9ced6", "title": {"standoff": 8}}
    template.layout.xaxis.update(axis)
    template.layout.yaxis.update(axis)
    return template


TEMPLATE_NAME = "gradient_notes"
pio.templates[TEMPLATE_NAME] = _house_template()
pio.templates.default = TEMPLATE_NAME


def style(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """Apply the house layout: the house template (white, light grid, Hangul-safe fonts; the
    default for every figure), the legend below, the height and the title.

    The legend goes under the plot so it never collides with subplot titles; plotly places it in
    plot-area fractions, so its offset is computed from the pixel height."""
    top, bottom = (60 if title else 40), 60 + LEGEND_ROOM
    plot_height = max(height + LEGEND_ROOM - top - bottom, 1)
    fig.update_layout(
        height=height + LEGEND_ROOM,
        margin={"l": 60, "r": 20, "t": top, "b": bottom},
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}} if title else None,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -62 / plot_height,
            "xanchor": "left",
            "x": 0.0,
        },
    )
    return fig


def _axis(letter: str, subplot: int) -> str:
    return letter if subplot == 1 else f"{letter}{subplot}"


def band(
    axis: str, lo: float, hi: float, fill: str, *, subplot: int = 1, layer: str = "below"
) -> dict:
    """A shaded band across subplot `subplot` (1, 2, … in make_subplots order): from lo to hi in
    x (axis="x", a vertical band) or in y (axis="y"), spanning the whole other axis. A plain
    shape dict: collect them and set layout.shapes once (add_vrect per band re-validates every
    shape already there, ~25 ms each)."""
    x, y = _axis("x", subplot), _axis("y", subplot)
    shape = {"type": "rect", "fillcolor": fill, "line": {"width": 0}, "layer": layer}
    if axis == "x":
        return shape | {"xref": x, "yref": f"{y} domain", "x0": lo, "x1": hi, "y0": 0, "y1": 1}
    return shape | {"xref": f"{x} domain", "yref": y, "x0": 0, "x1": 1, "y0": lo, "y1": hi}


def vline(x: float, line: Mapping[str, object], *, subplot: int = 1) -> dict:
    """A vertical line at x across subplot `subplot`, as a plain shape dict (see band)."""
    return {
        "type": "line",
        "xref": _axis("x", subplot),
        "yref": f"{_axis('y', subplot)} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": dict(line),
    }


def with_frames(fig: go.Figure, frames: Sequence[Mapping[str, object]]) -> go.Figure:
    """`fig` with animation frames given as plain dicts ({"name", "data", "traces"}), trusted as
    they are. Plotly validates frames on every path in, even into a figure built with
    _validate=False (about 1.5 ms a frame, more than the rest of a 150-frame figure); a Frame
    built with _validate=False is stored as given, and the figure keeps them in _frame_objs."""
    fig._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
    return fig


def playback(
    names: Sequence[str],
    active: int,
    labels: tuple[str, str, str],
    *,
    frame_ms: int,
    y: float,
    buttons_above: bool = False,
    slider_pad: int = 0,
    from_current: bool = False,
    redraw: bool = False,
) -> dict[str, list[dict]]:
    """The layout's updatemenus and sliders of an in-chart playback through frames `names`:
    ▶ and ❚❚ buttons (labels[0], labels[1]) at the left, a slider under them across the whole
    width with its value (prefix labels[2]) on the buttons' row at the right, starting at
    `active`. Buttons at height y (or just above the plot with buttons_above); `redraw` for
    frames that change what only a full redraw shows (a heatmap's z)."""
    play = {"frame": {"duration": frame_ms, "redraw": redraw}, "transition": {"duration": 0}}
    resume = {"fromcurrent": True} if from_current else {}
    buttons = {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": 1.02 if buttons_above else y,
        "yanchor": "bottom" if buttons_above else "top",
        "pad": {"t": 0, "r": 6},
        "buttons": [
            {
                "label": "▶ " + labels[0],
                "method": "animate",
                "args": [list(names), {**play, "mode": "immediate", **resume}],
            },
            {
                "label": "❚❚ " + labels[1],
                "method": "animate",
                "args": [[None], {**play, "mode": "immediate"}],
            },
        ],
    }
    slider = {
        "active": active,
        "x": 0.0,
        "len": 1.0,
        "y": y,
        "yanchor": "top",
        "pad": {"t": slider_pad, "b": 0, "l": 0, "r": 0},
        "currentvalue": {
            "prefix": labels[2] + " ",
            "xanchor": "right",
            "font": {"size": 13, "color": TEXT},
        },
        # One tick per frame: their labels would only pile up, so they are hidden.
        "font": {"size": 1, "color": "rgba(0, 0, 0, 0)"},
        "ticklen": 3,
        "minorticklen": 0,
        "steps": [
            {"label": name, "method": "animate", "args": [[name], {**play, "mode": "immediate"}]}
            for name in names
        ],
    }
    return {"updatemenus": [buttons], "sliders": [slider]}


def png_data_uri(rgb: np.ndarray) -> str:
    """An (h, w, 3) uint8 image, top row first, as a data: URI of a PNG (8-bit RGB, zlib)."""
    h, w, _ = rgb.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8), rgb.reshape(h, 3 * w)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _hashable(value: object) -> object:
    """make_subplots arguments as a cache key: lists and dicts become tagged tuples."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("seq", tuple(_hashable(v) for v in value))
    return value


def _plain(value: object) -> object:
    """The inverse of _hashable."""
    if isinstance(value, tuple) and value[:1] == ("dict",):
        return {k: _plain(v) for k, v in value[1]}
    if isinstance(value, tuple) and value[:1] == ("seq",):
        return [_plain(v) for v in value[1]]
    return value


@functools.lru_cache(maxsize=128)
def _grid(arguments: tuple) -> tuple[dict, object, object]:
    fig = make_subplots(**{k: _plain(v) for k, v in arguments})
    return fig.layout.to_plotly_json(), fig._grid_ref, fig._grid_str


def subplots(**arguments: object) -> go.Figure:
    """make_subplots(**arguments), without its cost on every call: the grid (axis domains,
    subplot titles) is laid out once per arguments by plotly itself and reused, and the figure
    is built without property validation (make_subplots plus the validated edits that follow
    it were most of a rerun). Traces still go in with row= and col=."""
    layout, grid_ref, grid_str = _grid(
        tuple((k, _hashable(v)) for k, v in sorted(arguments.items()))
    )
    fig = go.Figure(layout=copy.deepcopy(layout), _validate=False)
    fig._grid_ref, fig._grid_str = grid_ref, grid_str
    return fig
