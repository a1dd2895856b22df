"""The recurrent page's "In PyTorch" scripts, one module per group of sections as in
ui/topics/recurrent: each module's builders are named here for the page (`snippets.<build>`)
and its SNIPPETS joined for the topic."""

from __future__ import annotations

from ui.snippets.recurrent import gates as _gates
from ui.snippets.recurrent.gates import gates

SNIPPETS = {**_gates.SNIPPETS}
TEST_LINKS = {**_gates.TEST_LINKS}

__all__ = ["SNIPPETS", "TEST_LINKS", "gates"]
