"""Section 2 of the recurrent page: the LSTM's cell state, its four gates, the GRU beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}
