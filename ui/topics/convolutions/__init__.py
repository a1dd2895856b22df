"""Topic entry: Convolutions — why images need CNNs.

The page's sections are declared in three modules beside this one, each with its own controls,
presets and sentences: `operation` (1. the operation step by step, 2. shapes and receptive
fields), `sharing` (3. parameter sharing, 4. pooling), `flatten` (5. what flattening throws away:
translation equivariance and the permuted-pixels experiment). This module joins their tables.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ui.snippets.convolutions import SNIPPETS
from ui.state import table
from ui.topics import Topic
from ui.topics.convolutions import flatten, operation, sharing

CONTROLS = table(*operation.CONTROLS, *sharing.CONTROLS, *flatten.CONTROLS)
PRESETS = {**operation.PRESETS, **sharing.PRESETS, **flatten.PRESETS}


def thumbnail() -> go.Figure:
    return operation.thumbnail()


TOPIC = Topic(
    id="convolutions",
    page="pages/8_convolutions.py",
    icon=":material/grid_on:",
    thumbnail=thumbnail,
    controls=CONTROLS,
    presets=PRESETS,
    snippets=SNIPPETS,
)
