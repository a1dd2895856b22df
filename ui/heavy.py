"""One heavy computation at a time in this server process.

A network propagated or trained at the largest settings allocates a few hundred MB for a moment.
Four visitors with four new settings at once once took the server to 687 MB, against Community
Cloud's 690 MB (bench/RESULTS.md, Load; with ui.memory the peak is now ~410 MB). Two cores
gain nothing from running them side by side (NumPy's BLAS already uses both), so they queue: the
transient peak is one run's, whatever the number of sessions. Cached answers never wait: put
this under the cache decorator.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# Reentrant: a heavy function may call another on the same thread.
_ONE = threading.RLock()


def one_at_a_time(func: Callable[P, R]) -> Callable[P, R]:
    """`func`, run while no other thread runs a function decorated so."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _ONE:
            return func(*args, **kwargs)

    return wrapper
