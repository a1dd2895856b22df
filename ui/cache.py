"""The two caches every page uses: one for computations, one for charts.

Pages call no `st.cache_*` themselves. Computations are keyed on their (scalar) arguments and
bounded; charts are keyed on their arguments and the session's language, built once per setting
and language with the translator passed in, and shared by every session (never mutated).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from ui.i18n import current_lang, translator

F = TypeVar("F", bound=Callable[..., Any])


def _bound(max_entries: int) -> int:
    """Every cache is bounded, so memory stays flat however many settings visitors try."""
    if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
        raise ValueError(f"a cache needs a bound of at least 1 entry, got {max_entries!r}")
    return max_entries


def computation(max_entries: int = 32) -> Callable[[F], F]:
    """Cache a call into core: each caller gets its own copy of the result (st.cache_data)."""
    _bound(max_entries)

    def decorate(func: F) -> F:
        return st.cache_data(max_entries=max_entries, show_spinner=False)(func)

    return decorate


def _keyed_as(wrapper: F, func: Callable[..., Any]) -> F:
    """Give `wrapper` the identity Streamlit keys a cache on (module, qualified name, source) from
    `func`, so that charts built through the same wrapper never share one cache, while the
    arguments are still hashed by the wrapper's own signature."""
    signature = inspect.signature(wrapper)
    functools.update_wrapper(wrapper, func)
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    return wrapper


def chart(max_entries: int = 16) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Cache a chart builder `build(*args, tr)`: pages call `build(*args)`, and the figure for
    these arguments in the session's language is built once and shared (st.cache_resource)."""
    _bound(max_entries)

    def decorate(build: Callable[..., Any]) -> Callable[..., Any]:
        def built(lang: str, *args: Any) -> Any:
            return build(*args, tr=translator(lang))

        cached = st.cache_resource(max_entries=max_entries, show_spinner=False)(
            _keyed_as(built, build)
        )

        @functools.wraps(build)
        def in_session_language(*args: Any) -> Any:
            return cached(current_lang(), *args)

        return in_session_language

    return decorate
