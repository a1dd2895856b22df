"""The generalization page's sections 5–6 as a visitor opens them: both languages, every control
of theirs in the link, the presets, and each claim of their texts checked on the charts' data."""

from __future__ import annotations

import numpy as np
import pytest
from apptools import assert_shows, charts, decode, notices, open_page, texts

from core import dropout as D
from ui import i18n
from ui.figures.gen_dropout import COLORS
from ui.state import widget_key
from ui.topics.generalization import dropout as topic

EVERY_PARAM = {
    "drp": "0.45",
    "drseed": "3",
    "drstep": "7",
    "drpass": "120",
    "drt": "512",
    "hptrials": "9",
    "hpseed": "2",
}
WIDGETS = dict.fromkeys(EVERY_PARAM, "slider") | {"drt": "select_slider"}
TITLES = {
    "masks": "gen.drop.fig.masks_title",
    "loss": "gen.drop.fig.loss_title",
    "inverted": "gen.drop.fig.inverted_title",
    "classic": "gen.drop.fig.classic_title",
    "spread": "gen.drop.fig.spread_title",
    "x0": "gen.drop.fig.x0_title",
    "mc": "gen.drop.fig.mc_title",
    "search": "gen.hyper.fig.search_title",
    "progress": "gen.hyper.fig.progress_title",
}


def en(key, **fields):
    return i18n.translator("en")(key, **fields)


def widget(at, key):
    return getattr(at, WIDGETS[key])(key=widget_key(key, "generalization"))


def ours(at, lang="en"):
    """Our charts by title (the other sections' charts come before them)."""
    tr = i18n.translator(lang)
    by_title = {f["layout"].get("title", {}).get("text"): f for f in charts(at)}
    found = {name: by_title[tr(key)] for name, key in TITLES.items() if tr(key) in by_title}
    found["connect"] = next(
        f
        for t, f in by_title.items()
        if t and t.startswith(tr("gen.drop.fig.connect_title", kept="", total="").split("(")[0])
    )
    return found


def _trace(fig, name):
    return next(t for t in fig["data"] if t.get("name") == name)


def press(at, key):
    next(b for b in at.button if b.label == en(key)).click().run()
    assert not at.exception


def test_every_control_of_sections_5_and_6_is_in_the_table():
    assert set(WIDGETS) == {c.key for c in topic.CONTROLS}
    assert set(topic.DROP_PRESETS + topic.HYPER_PRESETS) == set(topic.PRESETS)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sections_5_and_6_render_every_control_chart_and_the_table_in_both_languages(lang):
    at = open_page("generalization", {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    tr = i18n.translator(lang)
    for key in WIDGETS:
        assert widget(at, key) is not None
    assert {tr(f"gen.drop.sub.{p}") for p in topic.PARTS} <= {s.value for s in at.subheader}
    shown = ours(at, lang)
    for fig in shown.values():
        assert fig["layout"]["xaxis"]["title"]["text"]
    table = at.table[-1].value
    assert len(table) == len(topic.TABLE_ROWS)
    assert tr("gen.hyper.col.kind") in table.columns
    assert list(table[tr("gen.hyper.col.kind")]).count(tr("gen.hyper.kind.parameter")) == 2


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_link_with_every_parameter_restores_every_control_and_round_trips(lang):
    at = open_page("generalization", EVERY_PARAM | {"lang": lang})
    assert not at.exception
    assert notices(at) == []
    for key, raw in EVERY_PARAM.items():
        assert_shows(widget(at, key).value, raw, key)
        assert at.query_params[key] in (raw, [raw])
    shown = ours(at, lang)
    assert shown["masks"]["layout"]["sliders"][0]["active"] == 6  # step 7
    # the MC sentence's spreads are over the 120 passes the histogram above draws
    values = {k: float(v) if k == "drp" else int(v) for k, v in EVERY_PARAM.items()}
    view = topic.view(values["drp"], values["drseed"])
    words = topic.words("mc", view, values)
    assert words["passes"] == "120"
    assert i18n.translator(lang)("gen.drop.say.mc", **words) in texts(at)
    tr = i18n.translator(lang)
    for name in ("dropout_passes", "connect_passes"):
        assert decode(_trace(shown["x0"], tr(f"gen.drop.fig.{name}", passes=120))["y"]).sum() == 120
    assert len(decode(_first_markers(shown["search"])["x"])) == 9


def _first_markers(fig):
    return fig["data"][0]


def test_the_default_sentences_state_the_numbers_their_charts_draw():
    at = open_page("generalization", {"lang": "en"})
    said = texts(at)
    shown = ours(at)
    view = topic.view(0.3, 0)
    # masks: the kept counts are the nodes drawn in the kept colour
    colors = shown["masks"]["data"][2]["marker"]["color"]
    kept1 = sum(c == COLORS["kept"] for c in colors[1 : 1 + D.WIDTH])
    kept2 = sum(c == COLORS["kept"] for c in colors[1 + D.WIDTH : 1 + 2 * D.WIDTH])
    assert f"**{kept1} of 8** units of h₁ and **{kept2} of 8** of h₂" in said
    # unit: the marked mean and eval value are the sentence's, and agree within 5 SE
    marks = [s["x0"] for s in shown["inverted"]["layout"]["shapes"]]  # eval() under the mean
    w = topic.unit_words(view)
    assert f"{marks[1]:.3f}" == w["inv_mean"]
    assert f"{marks[0]:.3f}" == w["eval"]
    assert f"inverted dropout's mean is **{w['inv_mean']}**" in said
    se = D.unit(view.run).inverted.std(ddof=1) / np.sqrt(D.DRAWS)
    assert abs(marks[0] - marks[1]) <= 5 * se
    # MC: the sentence's slope is the chart's line's, about −½
    limit = _trace(shown["mc"], en("gen.drop.fig.to_limit"))
    slope = D.slope(decode(limit["x"]), np.array(limit["y"], dtype=float))
    assert f"the fitted slope is {slope:.2f}".replace("-", "−") in said
    assert -0.65 < slope < -0.35


def test_forgetting_eval_gives_the_same_input_as_many_outputs_as_passes():
    at = open_page("generalization", {"lang": "en"})
    press(at, "gen.drop.preset.forget_eval")
    assert widget(at, "drp").value == pytest.approx(0.5)
    assert widget(at, "drpass").value == 200
    said = texts(at)
    assert "**200 different outputs in 200 passes**" in said
    x0 = ours(at)["x0"]
    counts = decode(_trace(x0, en("gen.drop.fig.dropout_passes", passes=200))["y"])
    assert counts.sum() == 200
    view = topic.view(0.5, 0)
    assert view.passes.at_x0[:200].std() > 0.1
    assert np.all(view.passes.outputs[:200].std(axis=0) > 0)  # every input spreads


def test_mc_dropout_preset_reaches_its_limit_but_not_eval():
    at = open_page("generalization", {"lang": "en"})
    press(at, "gen.drop.preset.mc_dropout")
    assert widget(at, "drt").value == D.T_MAX
    mc = ours(at)["mc"]
    marker = _trace(mc, en("gen.drop.fig.this_t", t=D.T_MAX))
    to_limit, to_eval = marker["y"]
    view = topic.view(0.3, 0)
    assert to_limit < 3 * view.mc.reference()[-1]
    assert to_eval > 0.5 * view.mc.gap > to_limit
    assert f"stops near **{topic.mc_words(view, D.T_MAX, 50)['gap']}**" in texts(at)


def test_convnetjs_preset_shows_scaling_by_p_missing_the_classic_mean():
    at = open_page("generalization", {"lang": "en"})
    press(at, "gen.drop.preset.convnetjs_p")
    assert widget(at, "drp").value == pytest.approx(0.2)
    mean, classic, convnetjs = (s["x0"] for s in ours(at)["classic"]["layout"]["shapes"])
    u = D.unit(topic.view(0.2, 0).run)
    se = u.classic.std(ddof=1) / np.sqrt(u.draws)
    assert abs(mean - classic) <= 5 * se
    assert abs(convnetjs - mean) > 5 * se
    assert f"{topic.unit_words(topic.view(0.2, 0))['cj_off']} standard errors" in texts(at)


def test_no_dropout_preset_keeps_every_unit_and_train_mode_is_eval():
    at = open_page("generalization", {"lang": "en"})
    press(at, "gen.drop.preset.no_dropout")
    colors = ours(at)["masks"]["data"][2]["marker"]["color"]
    assert set(colors) == {COLORS["kept"]}
    view = topic.view(0.0, 0)
    assert en("gen.drop.say.spread_none", **topic.spread_words(view, 50, 64)) in texts(at)
    # nothing random to average: a note instead of the MC error chart, DropConnect still drawn
    shown = ours(at)
    assert "mc" not in shown
    assert "connect" in shown
    assert en("gen.drop.fig.mc_none") in [str(i.value) for i in at.info]


@pytest.mark.parametrize("count", [10, 50, 200, D.CONNECT_PASSES])
def test_the_mc_sentence_s_spreads_are_over_the_passes_its_histogram_draws(count):
    """The sentence under the MC chart states the spread of the passes the x = 1 histogram
    bins, for the slider's count (not every pass computed)."""
    view = topic.view(0.3, 0)
    values = {"drp": 0.3, "drseed": 0, "drpass": count, "drt": 64}
    x0 = topic.charts("spread", view, topic.args("spread", values), i18n.translator("en"))[1]
    words = topic.words("mc", view, values)
    assert words["passes"] == str(count)
    for name, samples, sd in (
        ("dropout_passes", view.passes.at_x0[:count], words["sd_d"]),
        ("connect_passes", view.passes.connect_at_x0[:count], words["sd_c"]),
    ):
        bars = _trace(x0.to_dict(), en(f"gen.drop.fig.{name}", passes=count))
        centres, width = decode(bars["x"]).astype(float), bars["width"]
        edges = np.append(centres - width / 2, centres[-1] + width / 2)
        counts, _ = np.histogram(samples, edges + np.r_[-1e-6, np.zeros(len(centres) - 1), 1e-6])
        assert decode(bars["y"]).tolist() == counts.tolist()
        assert sd == f"{samples.std():.3f}"
    said = en("gen.drop.say.mc", **words)
    assert f"its {count} passes spread by {words['sd_c']}, dropout's by {words['sd_d']}" in said


@pytest.mark.parametrize("preset", ["hyper_few", "hyper_many"])
def test_search_presets_star_the_argmin_of_the_validation_errors_drawn(preset):
    at = open_page("generalization", {"lang": "en"})
    press(at, f"gen.hyper.preset.{preset}")
    trials = topic.PRESETS[preset]["hptrials"]
    assert widget(at, "hptrials").value == trials
    search = ours(at)["search"]
    val = decode(search["data"][0]["customdata"])
    lrs = decode(search["data"][0]["x"])
    assert len(val) == trials
    best = int(np.argmin(val))
    assert search["data"][1]["x"][0] == pytest.approx(lrs[best], rel=1e-6)
    assert f"trial {best + 1} has the lowest validation MSE" in texts(at)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_mc_preset_s_label_names_the_t_it_sets(lang):
    tr = i18n.translator(lang)
    assert topic.PRESETS["mc_dropout"]["drt"] == D.T_MAX
    assert str(D.T_MAX) in tr("gen.drop.preset.mc_dropout")
    assert str(D.T_MAX) in tr("gen.drop.preset.mc_dropout_help")


def test_the_explanations_numbers_are_core_s_settings():
    """drop_intro, hyper_search and the table state the section's settings: they are core's."""
    from core import search as S
    from ui.strings import markdown

    intro = markdown("en", "generalization/drop_intro")
    assert f"on {D.N_TRAIN} noisy samples of sin x" in intro
    net = D.network(0.3, 0)
    assert repr(net).count("Dropout(p=0.3)") == 2
    assert repr(net).count("Activation('tanh')") == 2
    assert [layer.out_features for layer in net if hasattr(layer, "out_features")] == [8, 8, 1]
    hyper = markdown("en", "generalization/hyper_search")
    lo, hi = (round(np.log10(v)) for v in S.LR_RANGE)
    assert f"U({lo}, {hi})" in hyper
    assert f"from {S.WIDTH_RANGE[0]} to {S.WIDTH_RANGE[1]}" in hyper
    assert f"{S.EPOCHS} full-batch updates" in hyper
    assert f"on {S.SPLITS[0]}\ntraining points, and scores it on {S.SPLITS[1]} validation" in hyper
    tr = i18n.translator("en")
    assert f"{D.WIDTH} in section 5" in tr("gen.hyper.row.width.here")
    assert f"{D.LR:g} in section 5" in tr("gen.hyper.row.lr.here")
    assert f"{S.EPOCHS} below" in tr("gen.hyper.row.epochs.here")


@pytest.mark.parametrize(("p", "key"), [(0.0, "unit_none"), (0.5, "unit_half"), (0.2, "unit")])
def test_the_unit_sentence_fits_p(p, key):
    view = topic.view(p, 0)
    assert topic.say_key("unit", view) == f"gen.drop.say.{key}"
    words = topic.unit_words(view)
    if key == "unit_half":
        assert words["cj"] == words["cl_value"]
    if key == "unit_none":
        assert words["cj"] != words["eval"]
        assert words["inv_mean"] == words["eval"] == words["cl_value"]
