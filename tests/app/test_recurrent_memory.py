"""Section 3 of the recurrent page as a visitor uses it: the sentences say what the curves show,
every control round-trips through the link in both languages, a preset sets its values, hostile
values fall back with one notice, the sweep waits for its button, and nothing retrains twice.
Training kept tiny: T = 3, H = 8, 100 updates (the page's fewest)."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import charts, decode, notices, open_page, texts

from core import sequence_tasks as tasks
from ui import i18n
from ui.state import widget_key
from ui.topics.recurrent import memory

PAGE = "recurrent"
EN = i18n.translator("en")
TINY = {"memlen": "3", "memhid": "8", "memupd": "100"}


def titled(at, key, lang="en", **words):
    title = i18n.translator(lang)(key, **words)
    return next(c for c in charts(at) if c["layout"].get("title", {}).get("text") == title)


def ok(at):
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


@pytest.fixture(scope="module")
def page():
    return ok(open_page(PAGE, {"lang": "en", **TINY}))


def test_sentences_give_the_final_accuracy_each_curve_ends_at(page):
    figure = titled(page, "rnn.mem.fig.accuracy_title")
    finals = {t["name"]: float(decode(t["y"])[-1]) for t in figure["data"]}
    x = tasks.train("adding", 3, 8, 0.01, 100, 1.0, 0)
    for run in x.runs:
        assert finals[EN(f"rnn.mem.cell.{run.cell}")] == pytest.approx(run.final, abs=1e-4)
    text = texts(page)
    for sentence in memory.sentences(memory.result_words(x), EN):
        assert sentence in text


def test_loss_chart_is_drawn_with_the_memoryless_loss(page):
    figure = titled(page, "rnn.mem.fig.loss_title")
    assert figure["layout"]["yaxis"]["type"] == "log"
    assert figure["layout"]["shapes"][0]["y0"] == pytest.approx(1 / 6)
    assert all(np.isfinite(decode(t["y"])).all() for t in figure["data"])


def test_sweep_waits_for_its_button_and_trains_the_main_run_once(monkeypatch):
    calls = {"train": 0, "sweep": 0}
    real_train, real_sweep = tasks.train, tasks.sweep

    def counted_train(*args, **kwargs):
        calls["train"] += 1
        return real_train(*args, **kwargs)

    def counted_sweep(*args, **kwargs):
        calls["sweep"] += 1
        return real_sweep(*args, **kwargs)

    monkeypatch.setattr(tasks, "train", counted_train)
    monkeypatch.setattr(tasks, "sweep", counted_sweep)
    at = ok(open_page(PAGE, {"lang": "en", **TINY, "memseed": "41", "memupd": "100"}))
    sweep_title = EN("rnn.mem.fig.sweep_title", updates=100)
    assert sweep_title not in [c["layout"].get("title", {}).get("text") for c in charts(at)]
    assert calls == {"train": 1, "sweep": 0}
    ok(next(b for b in at.button if b.label == EN("rnn.mem.sweep_button")).click().run())
    figure = titled(at, "rnn.mem.fig.sweep_title", updates=100)
    assert [list(decode(t["x"])) for t in figure["data"]] == [list(tasks.SWEEP_LENGTHS)] * 3
    s = real_sweep("adding", 8, 0.01, 100, 1.0, 41)
    for trace, row in zip(figure["data"], s.accuracy, strict=True):
        np.testing.assert_allclose(decode(trace["y"]), row, atol=1e-4)
    said = texts(at)
    for key, words in memory.sweep_words(s):
        assert EN(key, **{**words, "cell": EN(f"rnn.mem.cell.{words['cell']}")}) in said
    ok(at.run())  # a rerun with the same settings: both from the cache, the sweep still shown
    assert calls == {"train": 1, "sweep": 1}
    assert sweep_title in [c["layout"].get("title", {}).get("text") for c in charts(at)]


@pytest.fixture
def counted(monkeypatch):
    calls = {"train": 0}
    real_train = tasks.train

    def counted_train(*args, **kwargs):
        calls["train"] += 1
        return real_train(*args, **kwargs)

    monkeypatch.setattr(tasks, "train", counted_train)
    return calls


def accuracy_finals(at):
    return [float(decode(t["y"])[-1]) for t in titled(at, "rnn.mem.fig.accuracy_title")["data"]]


def test_a_nudge_trains_nothing_and_the_train_button_trains_once(counted):
    at = ok(open_page(PAGE, {"lang": "en", **TINY, "memseed": "43"}))  # the link's run, trained
    assert counted["train"] == 1
    first = accuracy_finals(at)
    stale = EN("rnn.mem.stale", task=EN("rnn.mem.task.adding"), length="3", hidden="8",
               lr="0.01", updates="100", clip="1", seed="43")  # fmt: skip
    assert stale not in texts(at)
    for key, value in (("memlen", 4), ("memseed", 44)):  # two nudges
        ok(at.slider(key=widget_key(key, PAGE)).set_value(value).run())
    assert counted["train"] == 1  # nothing trained
    assert accuracy_finals(at) == first  # the charts still show the last run
    assert stale in texts(at)  # and say which settings it had
    ok(next(b for b in at.button if b.label == EN("rnn.mem.train_button")).click().run())
    assert counted["train"] == 2  # the button trained once, at the new settings
    x = tasks.train("adding", 4, 8, 0.01, 100, 1.0, 44)
    np.testing.assert_allclose(accuracy_finals(at), [r.final for r in x.runs], atol=1e-4)
    assert "T = 4" in texts(at)
    assert stale not in texts(at)
    ok(at.run())  # a rerun at the same settings trains nothing more
    assert counted["train"] == 3  # (the x above, counted too)


def test_every_control_round_trips_through_the_link_in_korean():
    values = {"memtask": "first", "memlen": 4, "memhid": 16, "memlr": 0.02, "memupd": 100,
              "memclip": "off", "memseed": 7}  # fmt: skip
    link = {k: memory.TABLE[k].spec().serialize(v) for k, v in values.items()}
    at = ok(open_page(PAGE, link | {"lang": "ko"}))
    assert notices(at) == []
    for key, value in values.items():
        assert at.session_state[widget_key(key, PAGE)] == value, key
    text = texts(at)
    assert "T = 4에서 100번 업데이트한 뒤" in text
    assert "클리핑이 없으면" in text


def test_clip_options_read_back_from_the_link_as_numbers():
    at = ok(open_page(PAGE, {"lang": "en", **TINY, "memclip": "0.1"}))
    assert at.session_state[widget_key("memclip", PAGE)] == 0.1
    assert "max_norm = 0.1" in texts(at)


def test_short_preset_sets_its_values_and_trains_them(counted):
    at = ok(open_page(PAGE, {"lang": "en", **TINY, "memseed": "45"}))
    label = EN("rnn.mem.preset.mem_short")
    ok(next(b for b in at.button if b.label == label).click().run())
    for key, value in memory.PRESETS["mem_short"].items():
        assert at.session_state[widget_key(key, PAGE)] == value, key
    assert counted["train"] == 2  # the link's run, then the preset's: pressing a lesson asks
    assert "T = 5" in texts(at)


@pytest.mark.parametrize(
    ("key", "raw"),
    [("memlen", "31"), ("memlen", "1"), ("memupd", "120"), ("memhid", "64"),
     ("memclip", "nan"), ("memtask", "<script>"), ("memlr", "1e9"), ("memseed", "-3")],
)  # fmt: skip
def test_hostile_values_fall_back_with_one_notice(key, raw):
    at = ok(open_page(PAGE, {**TINY, key: raw}))
    said = notices(at)
    assert len(said) == 1
    assert f"`{key}`" in said[0]
    assert "<script" not in texts(at)
