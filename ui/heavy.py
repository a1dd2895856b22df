"""Heavy computations in this server process: BLAS on one thread, big runs one at a time, light
runs never wait, and no run past a budget.

Why each rule (bench/RESULTS.md, Heavy runs, has the figures):
- BLAS on one thread. NumPy's OpenBLAS starts a worker per core and its workers spin while
  they wait for each other; when the two cores are shared (another process, another session's
  run) they spin against each other and a 2-second training run took 9–17 s. One thread per
  run does the same work in the caller's thread and leaves the other core to everyone else.
  The limit is set at run time with threadpoolctl, because NumPy is usually loaded before this
  module (a page imports it first), too late for OPENBLAS_NUM_THREADS.
- Big runs one at a time. A network propagated at the largest settings holds ~128 MB for a
  moment; four of them at once once took the server to 687 MB, against Community Cloud's
  690 MB. So a call whose estimated cost is past LIGHT_WORK multiply-adds or LIGHT_CELLS
  float32 cells waits for the one heavy slot.
- Light runs never wait. The old lock made every call wait, so a visitor opening a page at
  its defaults queued behind six max-setting links (12 s instead of 2.7 s). A light call needs
  little memory and little time: it runs at once, beside the heavy one, on the other core.
- A budget. A heavy call that cannot get the slot within WAIT_SECONDS is refused (Busy) rather
  than queued for minutes; the page says so in words, and nothing is cached for it. What one
  call may compute is bounded by the page's work budgets, and train runs check a CPU budget as
  they go (cpu_budget), so no link costs a minute of CPU.
Put this under the cache decorator: cached answers never wait, and a refusal is not cached.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

BLAS_THREADS = 1
LIGHT_WORK = 2**35  # multiply-adds (overhead counted in): about a second on one core, the defaults
LIGHT_CELLS = 2**22  # float32 cells held at once (16 MB)
WAIT_SECONDS = 45.0  # a heavy call waits this long for the slot at most, then is refused

# Reentrant: a heavy function may call another on the same thread.
_ONE = threading.RLock()


class Busy(RuntimeError):
    """A heavy call was refused: other heavy runs held the slot for WAIT_SECONDS."""


def limit_blas_threads(threads: int = BLAS_THREADS) -> list[dict[str, Any]]:
    """Limit every BLAS library loaded in this process to `threads` threads; returns
    threadpoolctl's view of them afterwards (empty when threadpoolctl is missing, in which case
    the environment variables still help a process that has not loaded NumPy yet)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is in requirements.txt
        return []
    import numpy  # noqa: F401  (loads OpenBLAS, so that there is a pool to limit)

    threadpool_limits(threads, user_api="blas")
    return threadpool_info()


BLAS = limit_blas_threads()


def is_light(work: float, cells: float) -> bool:
    return work <= LIGHT_WORK and cells <= LIGHT_CELLS


@contextlib.contextmanager
def slot(work: float, cells: float = 0.0, what: str = "") -> Iterator[None]:
    """Run the block at once when (multiply-adds, cells) is light; otherwise inside the one heavy
    slot, waiting for it at most WAIT_SECONDS (then Busy). A page puts a whole heavy section in
    one (its core calls and its figures): the Python part of building figures holds the GIL, so
    six heavy links building figures side by side would starve a light visitor's run of it."""
    if is_light(work, cells):
        yield
        return
    if not _ONE.acquire(timeout=WAIT_SECONDS):
        raise Busy(what)
    try:
        yield
    finally:
        _ONE.release()


def gated(cost: Callable[..., tuple[float, float]]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: `func(*args)` runs at once when cost(*args) = (multiply-adds, cells) is within
    LIGHT_WORK and LIGHT_CELLS; otherwise it waits for the one heavy slot (at most WAIT_SECONDS,
    then raises Busy). Inside a slot the same thread already holds (reentrant), it never waits."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with slot(*cost(*args, **kwargs), what=func.__name__):
                return func(*args, **kwargs)

        return wrapper

    return decorate


def one_at_a_time(func: Callable[P, R]) -> Callable[P, R]:
    """`func`, always heavy: run while no other heavy call runs."""
    return gated(lambda *a, **k: (float("inf"), 0.0))(func)


def cpu_budget(seconds: float) -> Callable[[], bool]:
    """A stop test for a long loop: true once this thread has used `seconds` of CPU since the
    call. Thread CPU time, not wall time: waiting for a shared core does not count, so a run is
    cut for what it costs, not for how busy the machine is (BLAS on one thread runs in this
    thread, so its work counts)."""
    start = time.thread_time()
    return lambda: time.thread_time() - start > seconds
