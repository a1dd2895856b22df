"""Section 3 of the recurrent page: a memory task trained live, RNN against LSTM against GRU."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}
