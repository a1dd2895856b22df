"""The frame around every page: language, navigation, link mirroring, copy-link button."""

from __future__ import annotations

import pytest
from apptools import PAGES, notices, open_page

from core.initialization import SCHEMES
from ui.i18n import translator
from ui.state import widget_key


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_renders_in_both_languages(page, lang):
    at = open_page(page, {"lang": lang})
    assert not at.exception
    assert at.session_state["_lang"] == lang
    assert at.query_params["lang"] in (lang, [lang])


def test_language_link_switches_every_label():
    en = open_page("home", {"lang": "en"})
    ko = open_page("home", {"lang": "ko"})
    assert en.title[0].value != ko.title[0].value or en.subheader[0].value != ko.subheader[0].value
    assert "활성화 함수" in [s.value for s in ko.subheader]
    assert "Activation functions" in [s.value for s in en.subheader]


def test_without_lang_the_default_is_english_for_an_unknown_locale():
    at = open_page("home")
    assert at.session_state["_lang"] == "en"
    assert at.query_params["lang"] in ("en", ["en"])


def test_language_switch_changes_the_session_language():
    at = open_page("activations", {"lang": "en"})
    at.radio(key="w:lang").set_value("ko").run()
    assert at.session_state["_lang"] == "ko"
    assert at.title[0].value == "활성화 함수"


def test_an_unknown_language_is_named_in_the_warning():
    at = open_page("home", {"lang": "xx"})
    said = notices(at)
    assert len(said) == 1
    assert "`lang`" in said[0]


def test_navigation_links_carry_the_language():
    at = open_page("home", {"lang": "ko"})
    links = at.get("page_link")
    assert len(links) >= 2
    assert all(
        "lang=ko" in str(link.proto) or "ko" in str(link.proto.query_string) for link in links
    )


def _styles(at) -> str:
    return "".join(h.proto.body for h in at.get("html") if "<style>" in h.proto.body)


def test_korean_text_breaks_between_words_and_english_is_left_alone():
    assert "word-break: keep-all" in _styles(open_page("activations", {"lang": "ko"}))
    assert "keep-all" not in _styles(open_page("activations", {"lang": "en"}))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_copy_link_fallback_asks_to_copy_rather_than_saying_it_copied(lang):
    at = open_page("home", {"lang": lang})
    button = next(h.proto.body for h in at.get("html") if "gn-copy-link" in h.proto.body)
    tr = translator(lang)
    assert f'data-prompt="{tr("app.copy_prompt")}"' in button
    assert "window.prompt(button.dataset.prompt" in button
    assert tr("app.copy_prompt") != tr("app.copied")


def test_a_list_over_its_limit_is_told_the_limit():
    at = open_page("initialization", {"lang": "en", "schemes": ",".join(SCHEMES[:6])})
    said = notices(at)
    assert len(said) == 1
    assert "`schemes`" in said[0]
    assert "at most 5" in said[0]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_emptied_multiselect_speaks_the_page_language(lang):
    at = open_page("activations", {"lang": lang})
    box = at.multiselect(key=widget_key("act", "activations"))
    assert box.proto.placeholder == translator(lang)("app.pick_placeholder")
