"""The home page: one card per topic, each with its question, a thumbnail and a link."""

from __future__ import annotations

import pytest
from apptools import charts, numbers, open_page

from ui.topics import TOPICS


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_home_shows_a_card_with_a_finite_thumbnail_for_every_topic(lang):
    at = open_page("home", {"lang": lang})
    assert not at.exception
    figures = charts(at)
    assert len(figures) == len(TOPICS)
    for figure in figures:
        assert figure["data"], "a thumbnail without traces"
        for array in numbers(figure):
            assert (array == array).all()  # no NaN
    subheaders = [s.value for s in at.subheader]
    assert len(subheaders) == len(TOPICS)


def test_card_questions_are_in_the_chosen_language():
    text = " ".join(str(m.value) for m in open_page("home", {"lang": "ko"}).markdown)
    assert "왜 sigmoid를 쓰면 학습이 느려질까?" in text
    assert "Why does sigmoid slow learning down?" not in text
