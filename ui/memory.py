"""Give big freed blocks back to the operating system (glibc's malloc only).

glibc serves an allocation above its mmap threshold with a fresh mapping that `free` unmaps. The
threshold starts at 128 kB but rises to the size of every mapped block freed (up to 32 MB), after
which blocks that size come from the heaps of the per-thread arenas, and freed ones stay there:
Streamlit runs each session's script on its own thread, and a few hundred distinct settings left
the server holding memory that nothing used (bench/RESULTS.md, Load). Fixing the threshold keeps
arrays of 4 MB and more mapped and unmapped: in a stand-alone run of 100 initialization passes on
four threads, the peak fell from 449 to 323 MB and what stayed from 385 to 192 MB, for about a
fifth more time in those passes (fresh pages each time).
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
THRESHOLD = 4 << 20


def return_big_blocks() -> bool:
    """Fix glibc's mmap threshold at THRESHOLD; False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    if not hasattr(libc, "gnu_get_libc_version"):  # glibc's own symbol: another C library
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD))
