"""The Activations page as a visitor opens it: both languages, controls, links, hostile links."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    charts,
    notices,
    numbers,
    open_page,
)

from core import activations
from ui.state import widget_key

ALL = ",".join(activations.NAMES)

# One non-default value for every control on the page (all activations picked, so that every
# conditional parameter slider is drawn).
EVERY_PARAM = {
    "act": ALL,
    "xmax": "9.5",
    "slope": "0.2",
    "alpha": "2.5",
    "beta": "2.5",
    "gelu": "tanh",
    "thr": "0.12",
    "mu": "-1.3",
    "sigma": "2.4",
    "depth": "37",
    "target": "abs",
    "k": "5",
    "identity": "1",
}
WIDGETS = {
    "xmax": "slider",
    "slope": "slider",
    "alpha": "slider",
    "beta": "slider",
    "thr": "slider",
    "mu": "slider",
    "sigma": "slider",
    "depth": "slider",
    "k": "slider",
    "gelu": "radio",
    "target": "selectbox",
    "identity": "toggle",
}


def widget(at, key):
    kind = WIDGETS.get(key, "multiselect")
    return getattr(at, kind)(key=widget_key(key, "activations"))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_page_renders_without_exception(lang):
    at = open_page("activations", {"lang": lang})
    assert not at.exception
    assert not at.error
    assert len(charts(at)) == 7
    title = at.title[0].value
    assert title == ("활성화 함수" if lang == "ko" else "Activation functions")


def chart_titles(at) -> list[str]:
    return [fig["layout"].get("title", {}).get("text", "") for fig in charts(at)]


def test_korean_page_shows_korean_labels_on_charts():
    at = open_page("activations", {"lang": "ko"})
    assert "gradient 배율의 기댓값" in chart_titles(at)
    assert "기울기 f′(x)" in chart_titles(at)


def test_every_figure_is_finite():
    at = open_page("activations", {"act": ALL})
    for figure in charts(at):
        for array in numbers(figure):
            assert np.isfinite(array).all()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("xmax", 12.0),
        ("slope", 0.3),
        ("alpha", 2.0),
        ("beta", 3.0),
        ("gelu", "tanh"),
        ("thr", 0.2),
        ("mu", -2.0),
        ("sigma", 3.0),
        ("depth", 50),
        ("target", "exp"),
        ("k", 7),
        ("act", ["relu", "elu"]),
        ("identity", True),
    ],
)
def test_changing_each_control_changes_the_figures(key, value):
    at = open_page("activations", {"act": ALL})
    before = charts(at)
    widget(at, key).set_value(value).run()
    assert not at.exception
    assert charts(at) != before


def test_a_link_with_every_parameter_restores_every_control():
    at = open_page("activations", EVERY_PARAM)
    assert not at.exception
    assert notices(at) == []
    assert list(widget(at, "act").value) == list(activations.NAMES)
    for key, raw in EVERY_PARAM.items():
        if key == "act":
            continue
        assert_shows(widget(at, key).value, raw, key)


def test_a_link_with_every_parameter_round_trips_into_the_url():
    at = open_page("activations", EVERY_PARAM)
    assert {k: at.query_params[k] for k in EVERY_PARAM} == {
        k: [v] if isinstance(at.query_params[k], list) else v for k, v in EVERY_PARAM.items()
    }


def test_default_values_are_left_out_of_the_url():
    at = open_page("activations", {"lang": "en", "xmax": "6", "k": "3"})
    assert "xmax" not in at.query_params
    assert "k" not in at.query_params
    assert at.query_params["lang"] in ("en", ["en"])


HOSTILE = {
    "xmax": ["nan", "inf", "-1e999", "1e308", "<script>alert(1)</script>", "", "6" * 500],
    "depth": ["0", "101", "2.5", "-7", "NaN"],
    "act": ["sigmoid,<img src=x onerror=alert(1)>", "bogus", "relu," * 100],
    "gelu": ["exact", "**bold**", "none\ntanh"],
    "target": ["__import__('os')", "square;drop"],
    "lang": ["fr", "<b>ko</b>"],
    "mu": ["--1", "1,5", "0x10"],
    "identity": ["maybe", "2", "<b>1</b>"],
}


@pytest.mark.parametrize(("key", "raw"), [(k, v) for k, values in HOSTILE.items() for v in values])
def test_a_hostile_value_is_named_once_and_replaced_by_the_default(key, raw):
    assert_one_notice_and_nothing_raw("activations", {"act": "sigmoid,gelu", key: raw}, key)


def test_several_bad_values_are_named_in_one_warning():
    at = open_page("activations", {"xmax": "huge", "k": "99", "sigma": "-3"})
    said = notices(at)
    assert len(said) == 1
    assert all(f"`{k}`" in said[0] for k in ("xmax", "k", "sigma"))


def test_unknown_parameters_are_ignored_silently():
    at = open_page("activations", {"utm_source": "chat", "zzz": "<script>"})
    assert not at.exception
    assert notices(at) == []


def test_repeated_keys_take_the_last_value():
    at = open_page("activations", {"k": ["2", "6"]})
    assert widget(at, "k").value == 6


def test_no_activation_picked_asks_for_one():
    at = open_page("activations", {"act": ""})
    assert not at.exception
    assert len(at.info) == 1
    assert charts(at) == []
