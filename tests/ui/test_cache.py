"""ui.cache: charts keyed by their own builder and the session's language, bounded computations."""

from __future__ import annotations

import streamlit as st

from ui import cache, i18n


@cache.chart(max_entries=4)
def _first(value, tr):
    return ("first", value, tr("app.copy_link"))


@cache.chart(max_entries=4)
def _second(value, tr):
    return ("second", value, tr("app.copy_link"))


def test_two_charts_with_the_same_arguments_do_not_share_a_cache():
    assert _first(1)[0] == "first"
    assert _second(1)[0] == "second"
    assert _first(1)[0] == "first"


def test_a_chart_is_built_in_the_session_language_and_kept_per_language():
    st.session_state[i18n.SESSION_KEY] = "ko"
    ko = _first(2)
    st.session_state[i18n.SESSION_KEY] = "en"
    en = _first(2)
    assert ko[2] == i18n.translator("ko")("app.copy_link")
    assert en[2] == i18n.translator("en")("app.copy_link")
    assert _first(2) is en  # the same shared object, not rebuilt


def test_a_chart_is_rebuilt_only_for_new_arguments():
    calls = []

    @cache.chart(max_entries=2)
    def counted(value, tr):
        calls.append(value)
        return value

    counted(1), counted(1), counted(2), counted(1)
    assert calls == [1, 2]


def test_a_computation_hands_each_caller_a_copy():
    @cache.computation(max_entries=2)
    def listing(n):
        return list(range(n))

    first = listing(3)
    first.append(99)
    assert listing(3) == [0, 1, 2]


def test_every_cache_is_bounded():
    import pytest

    for unbounded in (None, 0, -1, 2.5, True):
        with pytest.raises(ValueError, match="bound"):
            cache.computation(max_entries=unbounded)
        with pytest.raises(ValueError, match="bound"):
            cache.chart(max_entries=unbounded)
