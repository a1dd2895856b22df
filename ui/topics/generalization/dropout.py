"""Sections 5–6 of the generalization page: dropout as PyTorch does it, parameters and
hyperparameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}
