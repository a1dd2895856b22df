"""Sections 3–4 of the generalization page: train and test over epochs, early stopping, L1, L2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.state import Control

CONTROLS: tuple[Control, ...] = ()
PRESETS: Mapping[str, Mapping[str, Any]] = {}
