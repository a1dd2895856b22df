"""Every topic's "In PyTorch" scripts, without PyTorch: they compile, import only torch and the
standard library, name every setting of their view, and print exactly the page's readout lines.

tests/vs_torch/test_snippets_torch.py runs them under a real torch and compares the output."""

from __future__ import annotations

import re

import pytest
from snippet_links import cases

from ui import pytorch
from ui.strings import LANGS, translator
from ui.topics import ROOT, TOPICS, topic

CASES = cases()
IDS = [f"{t}-{s}-{n}" for t, s, n, _ in CASES]
_COMMENT = re.compile(r"^\s*#.*$|  # .*$", re.MULTILINE)


def _build(topic_id, section, values, lang):
    return topic(topic_id).snippets[section](values, translator(lang))


@pytest.mark.parametrize(("topic_id", "section", "name", "values"), CASES, ids=IDS)
def test_snippet_compiles_names_its_settings_and_prints_the_readout(
    topic_id, section, name, values
):
    snippet = _build(topic_id, section, values, "en")
    compile(snippet.code, "<snippet>", "exec")
    assert pytorch.imported_modules(snippet.code) <= pytorch.IMPORTS
    missing = {k: v for k, v in snippet.settings.items() if pytorch.lit(v) not in snippet.code}
    assert not missing, f"settings not in the script: {missing}"
    assert snippet.readout, "a snippet prints at least one line"
    assert pytorch.printed_labels(snippet.code) == [line.label for line in snippet.readout]
    assert max(len(line) for line in snippet.code.splitlines()) <= 100


@pytest.mark.parametrize(("topic_id", "section", "name", "values"), CASES[::7], ids=IDS[::7])
def test_snippet_differs_between_languages_only_in_its_comments(topic_id, section, name, values):
    built = [_build(topic_id, section, values, lang) for lang in LANGS]
    codes = {
        "\n".join(line for line in _COMMENT.sub("", b.code).splitlines() if line.strip())
        for b in built
    }
    assert len(codes) == 1
    assert len({b.readout for b in built}) == 1
    assert len({b.code for b in built}) == len(LANGS)  # the comments are translated


@pytest.mark.parametrize("entry", TOPICS, ids=[t.id for t in TOPICS])
def test_every_topic_has_snippets_and_its_page_shows_each_one(entry):
    assert entry.snippets, f"{entry.id} has no In PyTorch snippets"
    page = (ROOT / entry.page).read_text(encoding="utf-8")
    for section, build in entry.snippets.items():
        assert f"in_pytorch(snippets.{build.__name__}," in page, (
            f"{entry.page} never shows the snippet of {section}"
        )


def test_readout_comparison_accepts_a_rounding_and_refuses_a_wrong_digit():
    line = pytorch.Line("loss", (0.123449,), ".4f")
    assert pytorch.mismatches("loss: 0.1235", [line]) == []  # rounded the other way
    assert pytorch.mismatches("loss: 0.1234", [line]) == []
    assert pytorch.mismatches("loss: 0.1237", [line]) != []
    assert pytorch.mismatches("lost: 0.1234", [line]) != []
    stat = pytorch.Line("std", (1.0,), ".3f", statistic=True, tolerance=0.05)
    assert pytorch.mismatches("std: 1.040", [stat]) == []
    assert pytorch.mismatches("std: 1.060", [stat]) != []


def test_script_template_translates_comments_and_writes_literals():
    code = pytorch.script(translator("en"), "#: torch.float64\nx = $x\ny = $y", x=0.1, y=(1, 2.5))
    assert code.splitlines()[0].startswith("# Double precision")
    assert "x = 0.1\ny = (1, 2.5)" in code
    trailing = pytorch.script(translator("en"), "k = $k  #: torch.act.pieces k=$k", k=3)
    assert trailing.startswith("k = 3  # The page's best fit with 3 pieces")


def test_snippet_cache_rebuilds_only_when_a_setting_the_build_read_changes():
    calls = []

    def build(values, tr):
        calls.append(dict(values) if values["copy"] else values["a"])
        return pytorch.Snippet(f"print({values['a']!r})\n", (pytorch.Line("a", (1.0,)),))

    cache, tr = pytorch.Snippets(max_entries=8), translator("en")
    first = cache.get(build, {"a": 1, "b": 1, "copy": False}, "en", tr)
    assert cache.get(build, {"a": 1, "b": 2, "copy": False}, "en", tr) is first  # b unread
    assert cache.get(build, {"a": 2, "b": 2, "copy": False}, "en", tr) is not first
    assert cache.get(build, {"a": 1, "b": 2, "copy": False}, "ko", tr) is not first  # language
    assert len(calls) == 3
    cache.get(build, {"a": 1, "b": 1, "copy": True}, "en", tr)  # a copy reads every key
    cache.get(build, {"a": 1, "b": 3, "copy": True}, "en", tr)
    assert len(calls) == 5
