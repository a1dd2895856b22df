"""The frame around every page: language, navigation, link mirroring, copy-link button."""

from __future__ import annotations

import pytest
from apptools import PAGES, notices, open_page


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
