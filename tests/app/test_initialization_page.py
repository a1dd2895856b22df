"""The Weight initialization page as a visitor opens it: both languages, every control, links,
hostile links, slider corners and presets."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    chart_annotations,
    charts,
    notices,
    numbers,
    open_page,
)

from core import initialization
from ui.state import widget_key

# One non-default value for every control on the page.
EVERY_PARAM = {
    "schemes": "zeros,lecun_uniform,he_normal",
    "act": "relu",
    "bn": "1",
    "depth": "12",
    "width": "128",
    "batch": "128",
    "seed": "7",
    "hist": "gradient",
    "sym_steps": "150",
    "sym_lr": "0.2",
    "tr_depth": "6",
    "tr_width": "16",
    "tr_steps": "100",
    "tr_lr": "0.2",
}
WIDGETS = {
    "schemes": "multiselect",
    "act": "selectbox",
    "bn": "toggle",
    "depth": "slider",
    "width": "select_slider",
    "batch": "select_slider",
    "seed": "slider",
    "hist": "radio",
    "sym_steps": "slider",
    "sym_lr": "select_slider",
    "tr_depth": "slider",
    "tr_width": "select_slider",
    "tr_steps": "slider",
    "tr_lr": "select_slider",
}
# Small settings so that the tests that rerun the page many times stay quick.
QUICK = {"depth": "6", "width": "64", "batch": "64", "tr_depth": "4", "tr_steps": "50"}


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, "initialization"))


def finite(at) -> bool:
    return all(np.isfinite(array).all() for fig in charts(at) for array in numbers(fig))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_without_exception(lang):
    at = open_page("initialization", {"lang": lang})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert not at.error
    assert len(charts(at)) == 12
    assert at.title[0].value == ("가중치 초기화" if lang == "ko" else "Weight initialization")
    assert notices(at) == []


def test_korean_page_shows_korean_labels_on_charts():
    at = open_page("initialization", {"lang": "ko"})
    titles = chart_annotations(at)
    assert "층별 activation 표준편차" in titles
    assert "전부 0" in titles


def test_default_figures_are_finite_and_small():
    at = open_page("initialization", {"lang": "en"})
    assert finite(at)
    assert sum(len(c.proto.spec) for c in at.get("plotly_chart")) < 1_000_000


def test_every_scheme_and_the_zero_network_draw_finite_figures():
    at = open_page("initialization", QUICK | {"schemes": "zeros,small_normal,standard_normal"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert finite(at)
    assert any("0" in i.value for i in at.info)  # the zeros curve is explained, not missing


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("schemes", ["he_normal", "xavier_uniform"]),
        ("act", "relu"),
        ("bn", True),
        ("depth", 9),
        ("width", 32),
        ("batch", 128),
        ("seed", 3),
        ("hist", "gradient"),
        ("sym_steps", 100),
        ("sym_lr", 0.1),
        ("tr_depth", 7),
        ("tr_width", 8),
        ("tr_steps", 100),
        ("tr_lr", 0.2),
    ],
)
def test_changing_each_control_changes_the_figures(key, value):
    at = open_page("initialization", QUICK)
    before = charts(at)
    widget(at, key).set_value(value).run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert charts(at) != before


def test_a_link_with_every_parameter_restores_every_control():
    at = open_page("initialization", EVERY_PARAM)
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert notices(at) == []
    assert list(widget(at, "schemes").value) == EVERY_PARAM["schemes"].split(",")
    assert widget(at, "bn").value is True
    for key, raw in EVERY_PARAM.items():
        if key in ("schemes", "bn"):
            continue
        assert_shows(widget(at, key).value, raw, key)


def test_a_link_with_every_parameter_round_trips_into_the_url():
    at = open_page("initialization", EVERY_PARAM)
    got = {k: at.query_params[k] for k in EVERY_PARAM}
    assert {k: v[-1] if isinstance(v, list) else v for k, v in got.items()} == EVERY_PARAM


HOSTILE = {
    "depth": ["0", "101", "2.5", "NaN"],
    "width": ["2048", "<script>alert(1)</script>"],
    "schemes": [
        "xavier_normal,<img src=x onerror=alert(1)>",
        "a,b,c,d,e,f",
        ",".join(initialization.SCHEMES[:6]),
    ],
    "act": ["__import__('os')"],
    "bn": ["maybe", "2"],
    "tr_lr": ["1e999", "-1"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, values in HOSTILE.items() for v in values])
def test_a_hostile_value_is_named_once_and_replaced_by_the_default(key, raw):
    assert_one_notice_and_nothing_raw("initialization", QUICK | {key: raw}, key)


def test_all_sliders_at_their_minimum_give_finite_figures():
    at = open_page(
        "initialization",
        {
            "schemes": "small_normal",
            "depth": "1",
            "width": "8",
            "batch": "16",
            "sym_steps": "0",
            "sym_lr": "0.01",
            "tr_depth": "1",
            "tr_width": "4",
            "tr_steps": "0",
            "tr_lr": "0.001",
        },
    )
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert len(charts(at)) == 12
    assert finite(at)


def test_all_sliders_at_their_maximum_cap_the_work_and_say_so():
    at = open_page(
        "initialization",
        {
            "schemes": "standard_normal",
            "act": "linear",
            "bn": "1",
            "depth": str(initialization.MAX_DEPTH),
            "width": "1024",
            "batch": "4096",
            "seed": "999",
            "sym_steps": "2000",
            "sym_lr": "1",
            "tr_depth": str(initialization.MAX_TRAIN_DEPTH),
            "tr_width": "128",
            "tr_steps": "1000",
            "tr_lr": "10",
        },
    )
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert finite(at)
    said = " ".join(i.value for i in at.info)
    assert "largest batch" in said
    assert "steps instead" in said


def test_a_diverging_run_is_explained_in_words():
    at = open_page(
        "initialization",
        QUICK | {"schemes": "standard_normal", "act": "relu", "tr_depth": "10", "tr_lr": "10"},
    )
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert any("blew up" in w.value for w in at.warning)
    assert finite(at)


def test_no_scheme_picked_asks_for_one():
    at = open_page("initialization", {"schemes": ""})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert any("at least one" in i.value for i in at.info)
    assert charts(at) == []


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("relu", {"act": "relu", "depth": 30, "bn": False}),
        ("bn", {"act": "tanh", "bn": True}),
    ],
)
def test_preset_buttons_apply_their_values(preset, expected):
    at = open_page("initialization", QUICK | {"act": "elu"})
    at.button(key=f"preset_{preset}").click().run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    for key, value in expected.items():
        assert widget(at, key).value == value, key
    if preset == "relu":
        assert list(widget(at, "schemes").value) == ["xavier_normal", "he_normal"]


def test_a_too_large_symmetry_step_is_explained_in_words():
    at = open_page("initialization", QUICK | {"sym_lr": "1", "sym_steps": "2000"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert any("too large" in w.value for w in at.warning)
    assert finite(at)


def test_wide_and_deep_networks_are_cut_to_the_weight_memory_budget_in_words():
    at = open_page("initialization", {"lang": "en", "width": "1024", "depth": "50"})
    assert not at.exception
    infos = " ".join(str(i.value) for i in at.info)
    assert "50 layers of width 1024" in infos
    assert "first 16 layers" in infos
