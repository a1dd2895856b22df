"""Topic entry: Gradients through time — RNN, LSTM, GRU and residual connections.

The page's sections are declared in four modules beside this one, each with its own controls,
presets and sentences: `vanishing` (1. vanishing and exploding through time, gradient clipping;
4. parameter counts), `gates` (2. the LSTM's cell state, its gates, the GRU), `memory` (3. a memory
task trained live), `residual` (5. residual connections through depth). This module joins their
tables.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ui.snippets.recurrent import SNIPPETS
from ui.state import table
from ui.topics import Topic
from ui.topics.recurrent import gates, memory, residual, vanishing

CONTROLS = table(*vanishing.CONTROLS, *gates.CONTROLS, *memory.CONTROLS, *residual.CONTROLS)
PRESETS = {**vanishing.PRESETS, **gates.PRESETS, **memory.PRESETS, **residual.PRESETS}


def thumbnail() -> go.Figure:
    return vanishing.thumbnail()


TOPIC = Topic(
    id="recurrent",
    page="pages/9_recurrent.py",
    icon=":material/replay:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
    snippets=SNIPPETS,
)
