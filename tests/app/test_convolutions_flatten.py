"""Section 5 of the convolutions page as a visitor uses it: the equivariance sentence on the
difference it draws, the permuted-pixels experiment's claims on the curves it draws, presets,
every control in the link in both languages, hostile values, and what reruns training."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import charts, decode, notices, open_page, texts

from core import cnn
from ui import i18n
from ui.state import widget_key
from ui.topics.convolutions import flatten as flat

PAGE = "convolutions"
EN = i18n.translator("en")


def titled(at, key, lang="en"):
    """The chart whose title is string `key`."""
    title = i18n.translator(lang)(key)
    return next(c for c in charts(at) if c["layout"].get("title", {}).get("text") == title)


def curves(at, lang="en"):
    """{run name: test accuracies} of the accuracy chart."""
    figure = titled(at, "cnn.flat.fig.accuracy_title", lang)
    return {t["name"]: decode(t["y"]) for t in figure["data"]}


def press(at, preset):
    label = EN(f"cnn.flat.preset.{preset}")
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE, {"lang": "en"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_defaults_mlp_curves_identical_and_cnn_falls_by_at_least_the_promise(page):
    lines = curves(page)
    mlp, mlp_s = (
        lines[EN("cnn.flat.fig.run_mlp_images")],
        lines[EN("cnn.flat.fig.run_mlp_shuffled")],
    )
    cnn_i, cnn_s = (
        lines[EN("cnn.flat.fig.run_cnn_images")],
        lines[EN("cnn.flat.fig.run_cnn_shuffled")],
    )
    assert np.array_equal(mlp, mlp_s)
    assert cnn_i[-1] - cnn_s[-1] >= flat.FALL_PROMISED
    text = texts(page)
    fall = f"{100 * (cnn_i[-1] - cnn_s[-1]):.1f} points less"
    assert fall in text  # the sentence says what the chart shows
    assert "the same prediction for every test image at every epoch" in text


def test_defaults_equivariance_sentence_matches_the_difference_drawn(page):
    diff = decode(titled(page, "cnn.flat.fig.difference")["data"][0]["z"])
    e = cnn.equivariance(*(flat.CONTROLS[i].default for i in range(4)))
    inside = np.abs(diff[e.interior]).max()
    assert inside == 0.0
    assert f"differs in {int((np.abs(diff) > cnn.EXACT).sum())} cells" in texts(page)


def test_shuffled_examples_hold_the_same_pixels_elsewhere(page):
    shown = [decode(t["z"]) for t in titled(page, "cnn.flat.fig.examples")["data"]]
    mixed = [decode(t["z"]) for t in titled(page, "cnn.flat.fig.shuffled")["data"]]
    for a, b in zip(shown, mixed, strict=True):
        assert np.array_equal(np.sort(a, axis=None), np.sort(b, axis=None))
        assert not np.array_equal(a, b)


def test_border_preset_differs_only_outside_the_box_and_inside_preset_nowhere():
    at = press(open_page(PAGE, {"lang": "en"}), "flat_border")
    diff = decode(titled(at, "cnn.flat.fig.difference")["data"][0]["z"])
    e = cnn.equivariance("checkerboard", "edge", 3, 3)
    assert np.abs(diff[e.interior]).max() == 0.0
    assert np.abs(diff[~e.interior]).max() > 0.5
    press(at, "flat_inside")
    diff = decode(titled(at, "cnn.flat.fig.difference")["data"][0]["z"])
    assert np.abs(diff).max() == 0.0
    assert "exactly 0 in every cell here" in texts(at)


def test_every_control_round_trips_through_the_link_in_korean():
    values = {"flpic": "house", "flkern": "laplacian", "flrow": -2, "flcol": 5,
              "fltrain": 300, "flepochs": 2, "flseed": 4, "flperm": 9}  # fmt: skip
    specs = {k: flat.CONTROLS[[c.key for c in flat.CONTROLS].index(k)].spec() for k in values}
    link = {k: specs[k].serialize(v) for k, v in values.items()}
    at = open_page(PAGE, link | {"lang": "ko"})
    assert not at.exception
    assert notices(at) == []
    for key, value in values.items():
        assert at.session_state[widget_key(key, PAGE)] == value, key
    assert "학습용 숫자 300개로 2 epoch" in texts(at)


@pytest.mark.parametrize(
    ("key", "raw"),
    [("flrow", "99"), ("fltrain", "-5"), ("flepochs", "abc"), ("flpic", "<script>"),
     ("flkern", "**bold**"), ("flperm", "1e9")],
)  # fmt: skip
def test_hostile_values_fall_back_with_one_notice(key, raw):
    at = open_page(PAGE, {key: raw, "fltrain": "200", "flepochs": "1"} | {key: raw})
    assert not at.exception
    said = notices(at)
    assert len(said) == 1
    assert f"`{key}`" in said[0]
    assert "<script" not in texts(at)
    assert "**bold**" not in texts(at)


def test_moving_the_shift_reruns_no_training(monkeypatch):
    calls = []
    real = cnn.experiment

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(cnn, "experiment", counted)
    at = open_page(PAGE, {"fltrain": "200", "flepochs": "1", "flseed": "11"})
    assert len(calls) == 1
    at.session_state[widget_key("flrow", PAGE)] = -3
    at.run()
    at.session_state[widget_key("flkern", PAGE)] = "sharpen"
    at.run()
    assert len(calls) == 1
    assert not at.exception
