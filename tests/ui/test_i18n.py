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


# Latin words a Korean string may keep: names (of functions, optimizers, schemes, surfaces, people,
# libraries), the English terms ../shared/GLOSSARY.md keeps in Korean, and math. Anything else in
# Latin letters is an untranslated label ("Optimizer", "Step 수", "γ (scale)", "random seed").
KEPT_IN_ENGLISH = frozenset(
    """
    sigmoid tanh relu leaky elu selu gelu silu swish softplus linear maxout batchnorm bn softmax
    mlp xor rnn lstm gru cnn autograd cpu torch pytorch python
    sgd momentum nesterov adagrad rmsprop adadelta adam adamw adamax nadam amsgrad dampening
    centered lr betas eps
    lecun xavier glorot he kaiming goodfellow ioffe szegedy nielsen
    rosenbrock beale himmelblau logistic
    activation pre-activation gradient dying epoch running mean variance learning rate bias
    correction weight decay dropout stride padding zero-centered gain loss full batch early
    stopping chain rule mse sse mean-field nan
    pytorch torch numpy keras notes cs vs transformer heavy-ball tensorflow playground convnetjs
    dropconnect alexnet lenet mnist deepface vgg imagenet flops
    exp log sin cos erf max min var std sub in out dy
    """.split()  # noqa: SIM905 (a word list reads better than 70 quoted lines)
)  # by line: activations and layers; optimizers and their PyTorch arguments; schemes and people;
# loss surfaces; the glossary's English terms; libraries, the app's name, the course; math


def _latin_words(text: str) -> list[str]:
    """Latin words of a Korean string outside placeholders, math, code and glosses: a Latin
    phrase in parentheses right after Hangul or bold ("**기울기 소실**(vanishing gradient)") is a
    gloss."""
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)  # display math
    text = re.sub(r"\{[^}]*\}|\$[^$]*\$|`[^`]*`|\w+_\w+", " ", text)  # y_train is math too
    text = re.sub(r'"[^"]*"', " ", text)  # a quoted title ("Neural Networks Part 3")
    text = re.sub(r"([\uac00-\ud7a3*])\s*\([^)]*\)", r"\1 ", text)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", text) if len(w) > 2]


def test_korean_labels_use_the_glossary_terms():
    """Short labels too: every Latin word in a Korean string is a name or a kept term."""
    ko = i18n.strings("ko")
    stray = {
        key: words
        for key, text in ko.items()
        if (words := [w for w in _latin_words(text) if w.lower() not in KEPT_IN_ENGLISH])
    }
    assert stray == {}


@pytest.mark.parametrize(
    "path", sorted((CONTENT / "ko").rglob("*.md")), ids=lambda p: str(p.relative_to(CONTENT))
)
def test_korean_explanations_use_the_glossary_terms(path):
    text = path.read_text(encoding="utf-8")
    words = [w for w in _latin_words(text) if w.lower() not in KEPT_IN_ENGLISH]
    assert words == []


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
