"""Every string exists in Korean and English, with the same placeholders, and loads."""

import re
import string

import pytest

from ui import i18n

CONTENT = i18n.CONTENT


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages():
    ko, en = i18n.strings("ko"), i18n.strings("en")
    assert sorted(set(ko) - set(en)) == []
    assert sorted(set(en) - set(ko)) == []


def test_placeholders_match_between_languages():
    ko, en = i18n.strings("ko"), i18n.strings("en")
    mismatched = [key for key in en if _fields(en[key]) != _fields(ko[key])]
    assert mismatched == []


def test_no_string_is_empty():
    for lang in i18n.LANGS:
        assert [k for k, v in i18n.strings(lang).items() if not v.strip()] == []


def test_every_markdown_file_exists_in_both_languages():
    ko = {p.relative_to(CONTENT / "ko") for p in (CONTENT / "ko").rglob("*.md")}
    en = {p.relative_to(CONTENT / "en") for p in (CONTENT / "en").rglob("*.md")}
    assert ko == en
    assert ko, "no explanations found"


def test_korean_text_is_korean():
    """A Korean table that silently kept English text would pass the key check; this would not."""
    ko = i18n.strings("ko")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    sentences = [k for k, v in ko.items() if len(v.split()) >= 4]
    untranslated = [k for k in sentences if not hangul.search(ko[k])]
    assert untranslated == []


def test_translator_fills_fields_and_rejects_unknown_keys():
    tr = i18n.translator("en")
    assert tr("url.expected_number", lo=1, hi=2) == "a number from 1 to 2"
    with pytest.raises(KeyError):
        tr("no.such.key")


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("ko-KR", "ko"),
        ("ko", "ko"),
        ("KO-kr", "ko"),
        ("en-US", "en"),
        ("ja-JP", "en"),
        (None, "en"),
    ],
)
def test_language_follows_the_browser_locale(locale, lang):
    assert i18n.lang_from_locale(locale) == lang


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="ko, en"):
        i18n.strings("fr")
