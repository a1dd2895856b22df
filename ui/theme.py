"""One look for every chart: fonts that carry Hangul, one colour per activation, quiet axes."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

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

# One colour per activation, kept on every chart of every page.
ACTIVATION_COLORS: Mapping[str, str] = {
    "sigmoid": "#e8590c",
    "tanh": "#1971c2",
    "relu": "#2f9e44",
    "leaky_relu": "#66a80f",
    "elu": "#0c8599",
    "selu": "#6741d9",
    "gelu": "#c2255c",
    "silu": "#f08c00",
    "softplus": "#862e9c",
    "linear": "#495057",
}

# One colour per optimizer and per initialization scheme, likewise fixed across charts.
OPTIMIZER_COLORS: Mapping[str, str] = {
    "sgd": "#495057",
    "momentum": "#1971c2",
    "nesterov": "#0c8599",
    "adagrad": "#66a80f",
    "rmsprop": "#f08c00",
    "adadelta": "#a61e4d",
    "adam": "#e03131",
    "adamw": "#6741d9",
    "adamax": "#862e9c",
    "nadam": "#d6336c",
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


def color(name: str) -> str:
    """The fixed colour of an activation, optimizer or initialization scheme."""
    return _ALL_COLORS.get(name, ACCENT)


def rgba(hex_color: str, alpha: float) -> str:
    """`#rrggbb` with an alpha, for fills."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


LEGEND_ROOM = 44  # pixels under the x-axis title where the legend sits


def style(fig: go.Figure, *, title: str | None = None, height: int = 380) -> go.Figure:
    """Apply the house layout: white background, light grid, legend below, Hangul-safe fonts.

    The legend goes under the plot so it never collides with subplot titles; plotly places it in
    plot-area fractions, so its offset is computed from the pixel height."""
    top, bottom = (60 if title else 40), 60 + LEGEND_ROOM
    plot_height = max(height + LEGEND_ROOM - top - bottom, 1)
    fig.update_layout(
        template="plotly_white",
        height=height + LEGEND_ROOM,
        margin={"l": 60, "r": 20, "t": top, "b": bottom},
        font={"family": FONT_FAMILY, "size": 13, "color": TEXT},
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}} if title else None,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -62 / plot_height,
            "xanchor": "left",
            "x": 0.0,
        },
        hoverlabel={"font": {"family": FONT_FAMILY}},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor="#c9ced6", title_standoff=8)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor="#c9ced6", title_standoff=8)
    return fig
