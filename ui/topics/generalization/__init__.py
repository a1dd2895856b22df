"""Topic entry: Overfitting, underfitting and regularization.

The page's sections are declared in three modules beside this one, each with its own controls,
presets and sentences: `capacity` (1. capacity and the U curve, 2. more data), `training` (3. train
and test over epochs with early stopping, 4. L2 and L1), `dropout` (5. dropout as PyTorch does it,
6. parameters and hyperparameters). This module joins their tables into the topic's.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ui.snippets.generalization import SNIPPETS
from ui.state import table
from ui.topics import Topic
from ui.topics.generalization import capacity, dropout, training

CONTROLS = table(*capacity.CONTROLS, *training.CONTROLS, *dropout.CONTROLS)
PRESETS = {**capacity.PRESETS, **training.PRESETS, **dropout.PRESETS}


def thumbnail() -> go.Figure:
    return capacity.thumbnail()


TOPIC = Topic(
    id="generalization",
    page="pages/7_generalization.py",
    icon=":material/ssid_chart:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
    snippets=SNIPPETS,
)
