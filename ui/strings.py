"""Korean and English text, pure: short strings from one TOML table per language (plus one per
page), long ones from Markdown. Figure builders receive `translator(lang)` and import nothing
that loads Streamlit; `ui.i18n` binds the same lookup to the session's language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "content"
LANGS: tuple[str, ...] = ("ko", "en")
DEFAULT_LANG = "en"
LANG_NAMES: Mapping[str, str] = {"ko": "한국어", "en": "English"}

Translate = Callable[..., str]


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@cache
def strings(lang: str) -> Mapping[str, str]:
    """The flat `section.key -> text` table of one language: `content/<lang>.toml` plus one
    `content/<lang>/<page>.toml` per page; a key defined twice is an error."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    table: dict[str, str] = {}
    for path in (CONTENT / f"{lang}.toml", *sorted((CONTENT / lang).glob("*.toml"))):
        with path.open("rb") as f:
            part = _flatten(tomllib.load(f))
        clash = sorted(set(part) & set(table))
        if clash:
            raise ValueError(f"{path.name} redefines {clash[0]!r} in {lang}")
        table.update(part)
    return table


@cache
def markdown(lang: str, name: str) -> str:
    """The long explanation `content/<lang>/<name>.md`."""
    return (CONTENT / lang / f"{name}.md").read_text(encoding="utf-8")


def translator(lang: str) -> Translate:
    """A pure `tr(key, **fields)`: the text of `key` in `lang`, with `{fields}` filled in."""
    table = strings(lang)

    def tr(key: str, **fields: object) -> str:
        text = table[key]
        return text.format(**fields) if fields else text

    return tr


def lang_from_locale(locale: str | None) -> str:
    """Korean for a `ko…` browser locale, English otherwise."""
    return "ko" if (locale or "").lower().startswith("ko") else "en"
