"""What every topic page must do with its control table, parametrized over the registry:
every control it draws is declared, and every declared control it draws at its defaults takes a
valid link value, shows it, writes it back into the link, and leaves its default out."""

from __future__ import annotations

from typing import Any

import pytest
from apptools import notices, open_page

from ui import i18n, state
from ui.topics import TOPICS, Topic

TABLED = [topic for topic in TOPICS if topic.controls]


def _everything(topic: Topic) -> dict[str, str]:
    """A link that reveals conditional controls: every multiselect as full as it may be."""
    return {
        key: ",".join(entry.options[: entry.max_count])
        for key, entry in topic.controls.items()
        if entry.kind == "choices"
    }


def _drawn(at: Any, topic: Topic) -> set[str]:
    """The link keys the last run drew a widget for."""
    return set(at.session_state[state.DRAWN_KEY])


def _ignored(at: Any) -> list[str]:
    """Notices that a link value was ignored (a page's own warnings, say divergence, aside)."""
    intros = [i18n.strings(lang)["url.ignored_intro"] for lang in i18n.LANGS]
    return [n for n in notices(at) if any(intro in n for intro in intros)]


@pytest.mark.parametrize("topic", TABLED, ids=[t.id for t in TABLED])
def test_every_control_a_page_draws_is_declared_in_its_table(topic):
    for params in ({}, _everything(topic)):
        at = open_page(topic.id, {"lang": "en", **params})
        assert not at.exception
        assert _drawn(at, topic) <= set(topic.controls)


def _another_value(entry: state.Control) -> Any:
    """A valid value other than the default."""
    spec = entry.spec()
    if entry.kind in ("number", "integer"):
        step = entry.step or 1
        up = spec.default + step
        return up if up <= entry.hi else spec.default - step
    if entry.kind in ("log", "choice"):
        options = list(spec.options)
        return options[(options.index(spec.default) + 1) % len(options)]
    if entry.kind == "choices":
        default = tuple(spec.default)
        if len(default) > 1:
            return default[:1]
        extra = next(o for o in spec.options if o not in default)
        return tuple(o for o in spec.options if o in (*default, extra))
    return not spec.default


def _drawn_at_defaults() -> list[tuple[Topic, str]]:
    cases = []
    for topic in TABLED:
        at = open_page(topic.id, {"lang": "en"})
        cases += [(topic, key) for key in sorted(_drawn(at, topic) & set(topic.controls))]
    return cases


CASES = _drawn_at_defaults()


@pytest.mark.parametrize(("topic", "key"), CASES, ids=[f"{t.id}-{k}" for t, k in CASES])
def test_a_valid_link_value_is_shown_and_written_back_and_a_default_is_left_out(topic, key):
    entry = topic.controls[key]
    spec = entry.spec()
    value = _another_value(entry)
    text = spec.serialize(value)
    at = open_page(topic.id, {"lang": "en", key: text})
    assert not at.exception
    assert _ignored(at) == []
    shown = at.session_state[state.widget_key(key, topic.id)]
    assert spec.serialize(tuple(shown) if entry.kind == "choices" else shown) == text
    assert at.query_params[key] in (text, [text])
    at = open_page(topic.id, {"lang": "en", key: spec.serialize(spec.default)})
    assert key not in at.query_params
