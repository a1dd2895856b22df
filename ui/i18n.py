"""The session's language: `t(key)` and `md(name)` are `ui.strings`' lookups bound to it.

`translator(lang)` and the tables live in `ui.strings`, which does not import Streamlit.
"""

from __future__ import annotations

import streamlit as st

from ui.strings import (
    CONTENT,
    DEFAULT_LANG,
    LANG_NAMES,
    LANGS,
    Translate,
    lang_from_locale,
    markdown,
    strings,
    translator,
)

__all__ = [
    "CONTENT",
    "DEFAULT_LANG",
    "LANGS",
    "LANG_NAMES",
    "SESSION_KEY",
    "Translate",
    "current_lang",
    "lang_from_locale",
    "markdown",
    "md",
    "strings",
    "t",
    "translator",
]

SESSION_KEY = "_lang"


def current_lang() -> str:
    """The session's language (set by the frame before anything is drawn)."""
    lang = st.session_state.get(SESSION_KEY, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **fields: object) -> str:
    """`key` translated into the session's language."""
    return translator(current_lang())(key, **fields)


def md(name: str) -> str:
    """The Markdown explanation `name` in the session's language."""
    return markdown(current_lang(), name)
