"""The Weight initialization page as a visitor opens it: both languages, every control, links,
hostile links, slider corners and presets."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from apptools import (
    assert_one_notice_and_nothing_raw,
    assert_shows,
    chart_annotations,
    charts,
    decode,
    notices,
    numbers,
    open_page,
)

from core import initialization
from ui import heavy
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


def chart_titles(at) -> list[str]:
    return [str((fig["layout"].get("title") or {}).get("text", "")) for fig in charts(at)]


def test_korean_page_shows_korean_labels_on_charts():
    at = open_page("initialization", {"lang": "ko"})
    assert "층별 activation 표준편차" in chart_titles(at)
    assert "전부 0" in chart_annotations(at)  # the stacked heatmaps' row titles


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


def headers(at) -> list[str]:
    return [str(h.value) for h in at.header]


def markdown(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_the_histogram_heading_and_text_follow_the_view():
    at = open_page("initialization", QUICK)
    assert "Layer by layer: the distribution of activations" in headers(at)
    assert "is true of one saturated unit, not of this network" in markdown(at)
    widget(at, "hist").set_value("gradient").run()
    assert "Layer by layer: the distribution of gradients" in headers(at)
    assert "Layer by layer: the distribution of activations" not in headers(at)
    text = markdown(at)
    assert "**explodes** backward" in text  # N(0, 1) with tanh: what the gradient chart shows
    assert "holds for a single unit" in text
    assert "but not for the network" in text


def test_korean_histogram_heading_follows_the_view():
    at = open_page("initialization", QUICK | {"lang": "ko", "hist": "gradient"})
    assert "층별로 본 gradient 분포" in headers(at)
    assert "뉴런 하나에는 맞습니다" in markdown(at)


def test_the_relu_preset_explains_relu_not_tanh():
    at = open_page("initialization", QUICK)
    at.button(key="preset_relu").click().run()
    text = markdown(at)
    assert "ReLU sets every negative input to 0" in text
    assert "most tanh units sit at" not in text
    widget(at, "hist").set_value("gradient").run()
    text = markdown(at)
    assert "ReLU passes the gradient unchanged through every active unit" in text
    assert "saturated" not in text.split("### Takeaways")[0].split("Where the factor")[0]


def test_other_activations_get_the_general_text():
    at = open_page("initialization", QUICK | {"act": "elu"})
    text = markdown(at)
    assert "Whatever $f$ is" in text
    assert "most tanh units sit at" not in text
    assert "ReLU sets every negative input" not in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_flat_loss_says_how_close_to_half_the_outputs_are(lang):
    # Item 7: at the defaults 0.01·N(0, 1) shows loss 0.693 and accuracy 87 %: the page says
    # the outputs are 0.5 ± a tiny margin whose sign sorts the points, so it does not contradict.
    at = open_page("initialization", {"lang": lang})
    line = next(m for m in markdown(at).split("\n") if m.startswith("**0.01·N(0, 1)**"))
    assert "loss 0.693" in line
    assert "87%" in line
    assert "e-28" in line  # the margin, measured: 2.1e-28
    assert ("coin flip" if lang == "en" else "동전 던지기") in line
    others = [m for m in markdown(at).split("\n") if m.startswith("**Xavier")]
    assert others
    assert all("±" not in m for m in others)  # a network that learns gets the plain line


def test_korean_zeros_note_names_the_curve_as_the_legend_does():
    at = open_page("initialization", QUICK | {"lang": "ko", "schemes": "zeros,xavier_normal"})
    note = " ".join(str(i.value) for i in at.info)
    assert "'0으로 초기화' 곡선" in note
    names = {t.get("name") for fig in charts(at) for t in fig["data"]}
    assert "0으로 초기화" in names


def test_the_schemes_table_scrolls_inside_its_own_box_with_a_cue():
    at = open_page("initialization", QUICK)
    style = " ".join(str(h.proto.body) for h in at.get("html"))
    assert ".st-key-init_table{overflow-x:auto}" in style
    assert "@media (max-width:640px){.st-key-init_table_cue{display:block}}" in style
    assert any("swipe it sideways" in str(c.value) for c in at.caption)


HEAVY = {
    "tr_depth": "50",
    "tr_width": "128",
    "tr_steps": "1000",
    "tr_lr": "10",
    "schemes": "zeros,small_normal,standard_normal,he_normal,xavier_normal",
}


def test_a_heavy_run_that_cannot_start_in_time_is_refused_in_words(monkeypatch):
    monkeypatch.setattr(heavy, "WAIT_SECONDS", 0.05)
    # Another session's heavy run holds the slot: a thread of its own (the slot is reentrant).
    held, release = threading.Event(), threading.Event()

    def hold():
        with heavy._ONE:
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        at = open_page("initialization", QUICK | HEAVY | {"seed": "11"})
    finally:
        release.set()
        holder.join()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert any("busy with other large runs" in w.value for w in at.warning)
    assert len(charts(at)) == 10  # everything but the two training charts, drawn at once


def test_a_training_run_past_its_cpu_budget_is_cut_in_words(monkeypatch):
    monkeypatch.setattr(heavy, "cpu_budget", lambda seconds: lambda: True)
    at = open_page("initialization", QUICK | {"seed": "12", "schemes": "xavier_normal"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert any("stopped at step 0" in w.value for w in at.warning)
    assert finite(at)


def measured(at, chart: int, label: str) -> np.ndarray:
    """The measured curve of scheme `label` on chart `chart` of the page (1: activation std,
    2: gradient std, 3: saturated share), as drawn."""
    fig = charts(at)[chart]
    trace = next(t for t in fig["data"] if t.get("name") == label and t.get("showlegend"))
    return np.asarray(decode(trace["y"]) if isinstance(trace["y"], dict) else trace["y"], float)


def factor(values: np.ndarray) -> float:
    return float(np.exp(np.mean(np.diff(np.log(values)))))


def test_preset_tanh_shows_vanishing_saturating_and_kept_activations():
    at = open_page("initialization", {"act": "relu", "depth": "5"})
    at.button(key="preset_tanh").click().run()
    assert measured(at, 1, "0.01·N(0, 1)")[-1] < 1e-10
    assert measured(at, 3, "N(0, 1)")[-1] > 0.85
    assert measured(at, 1, "Xavier normal")[-1] > 0.15
    assert measured(at, 2, "N(0, 1)")[0] > 1e6  # and its gradient explodes, as the text says


def test_preset_relu_shows_xavier_halving_the_variance_and_he_keeping_it():
    at = open_page("initialization", {})
    at.button(key="preset_relu").click().run()
    assert factor(measured(at, 1, "Xavier normal")) == pytest.approx(2**-0.5, rel=0.05)
    assert factor(measured(at, 1, "He normal")) == pytest.approx(1.0, abs=0.05)


def test_preset_bn_rescues_the_bad_inits():
    at = open_page("initialization", {})
    at.button(key="preset_bn").click().run()
    for label in ("0.01·N(0, 1)", "N(0, 1)"):
        assert np.all((measured(at, 1, label) > 0.5) & (measured(at, 1, label) < 0.7)), label
        assert 1 < measured(at, 2, label)[0] < 10, label


def test_a_visitor_at_the_defaults_never_waits_for_heavy_runs(monkeypatch):
    # Item 3: while another session's heavy run holds the slot, a light page runs at once.
    monkeypatch.setattr(heavy, "WAIT_SECONDS", 0.05)
    held, release = threading.Event(), threading.Event()

    def hold():
        with heavy._ONE:
            held.set()
            release.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        at = open_page("initialization", {"seed": "13"})  # fresh: nothing cached
    finally:
        release.set()
        holder.join()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert not any("busy" in w.value for w in at.warning)
    assert len(charts(at)) == 12
