"""Sections 1–2 of the convolutions page: the operation step by step, shapes, receptive fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core import images
from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}


def thumbnail() -> go.Figure:
    from ui.figures import cnn_operation as figures  # loaded when the home page draws its card

    return figures.fig_thumbnail(images.picture("house"))
