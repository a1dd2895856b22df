"""The recurrent page's "In PyTorch" scripts, one module per group of sections as in
ui/topics/recurrent (`residual`: section 5); this module joins their builders."""

from __future__ import annotations

from ui.snippets.recurrent import residual
from ui.snippets.recurrent.residual import depth_stacks

SNIPPETS = {**residual.SNIPPETS}
TEST_LINKS = {**residual.TEST_LINKS}

__all__ = ["SNIPPETS", "TEST_LINKS", "depth_stacks"]
