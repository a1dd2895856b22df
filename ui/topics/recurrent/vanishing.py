"""Sections 1 and 4 of the recurrent page: vanishing and exploding through time, gradient
clipping; parameter counts in PyTorch's layout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}


def thumbnail() -> go.Figure:
    from ui.figures import rnn_vanishing as figures  # loaded when the home page draws its card

    steps = np.arange(1, 31)
    return figures.fig_thumbnail(steps, {r: r**steps for r in (0.8, 1.0, 1.2)})
