"""The topic registry: every page file is a registered topic, with its strings and a thumbnail."""

from __future__ import annotations

import pytest

from ui import i18n, topics
from ui.topics import ROOT, TOPICS

IDS = [topic.id for topic in TOPICS]


def test_every_page_file_is_one_registered_topic_in_file_order():
    files = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))
    assert [topic.page for topic in TOPICS] == files
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("topic", TOPICS, ids=IDS)
def test_a_topic_s_url_path_is_its_id(topic):
    # folder mode drops the number prefix: pages/2_optimizers.py is served at /optimizers
    assert topic.page.split("/")[-1].split("_", 1)[1] == f"{topic.id}.py"


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("topic", TOPICS, ids=IDS)
def test_a_topic_has_its_navigation_title_and_home_card_strings(topic, lang):
    table = i18n.strings(lang)
    for key in ("nav.{}", "{}.title", "home.{}_question", "home.{}_summary"):
        assert key.format(topic.id) in table, key.format(topic.id)


@pytest.mark.parametrize("topic", TOPICS, ids=IDS)
def test_a_topic_s_thumbnail_is_a_figure_with_data(topic):
    figure = topic.thumbnail()
    assert figure.data


def test_looking_up_an_unknown_topic_names_the_registered_ones():
    with pytest.raises(KeyError, match="activations"):
        topics.topic("nope")


@pytest.mark.parametrize("topic", TOPICS, ids=IDS)
def test_every_preset_names_known_controls_with_values_they_admit(topic):
    for name, values in topic.presets.items():
        for key, value in values.items():
            assert key in topic.controls, f"preset {name} names no control {key!r}"
            assert topic.controls[key].admits(value), f"preset {name}: {key}={value!r}"


@pytest.mark.parametrize("topic", TOPICS, ids=IDS)
def test_every_control_has_its_words_in_both_languages(topic):
    for lang in i18n.LANGS:
        table = i18n.strings(lang)
        for entry in topic.controls.values():
            assert entry.label in table, entry.label
            assert entry.help is None or entry.help in table, entry.help
            if entry.option_label:
                for option in entry.options:
                    assert entry.option_label.format(option) in table
