"""The recurrent page's "In PyTorch" scripts, one module per group of sections as in
ui/topics/recurrent/: each module's SNIPPETS joined here, and its builders named here so that the
page calls `in_pytorch(snippets.<build>, values(CONTROLS))`."""

from __future__ import annotations

from ui.snippets.recurrent import gates as _gates
from ui.snippets.recurrent import memory, residual, vanishing
from ui.snippets.recurrent.gates import gates
from ui.snippets.recurrent.memory import mem_task, mem_values
from ui.snippets.recurrent.residual import depth_stacks
from ui.snippets.recurrent.vanishing import par_counts, van_clipping, van_through_time

SNIPPETS = {**vanishing.SNIPPETS, **_gates.SNIPPETS, **memory.SNIPPETS, **residual.SNIPPETS}

__all__ = [
    "SNIPPETS",
    "depth_stacks",
    "gates",
    "mem_task",
    "mem_values",
    "par_counts",
    "van_clipping",
    "van_through_time",
]
