"""Section 5 of the recurrent page: residual connections through depth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}
