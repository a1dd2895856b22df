"""Sections 1–2 of the generalization page: capacity and the U curve, more data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core import datasets
from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}


def thumbnail() -> go.Figure:
    from ui.figures import gen_capacity as figures  # loaded when the home page first draws its card

    x, y = datasets.make("bumps", 60, 0.1, 0)
    return figures.fig_thumbnail(x[:, 0], y)
