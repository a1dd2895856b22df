"""Across pages: the sidebar keeps each page's own settings, and every page fits a phone.

Pages share link names with different meanings (`act` is a list on Activations and one name on
Initialization; `steps`, `sigma`, `seed`, `depth` mean something else on each page). A walk through
the sidebar that takes every ordered pair of pages checks that each page arrives with exactly
what it last had. At 390 px (a phone) every page starts with the sidebar closed, no chart's
titles, axis titles or legend overlap, and nothing sticks out past the right edge.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from apptools import PAGES
from conftest import SLIDER_INPUT, assert_no_exception, query, shoot, wait_for_app

pytestmark = pytest.mark.browser

ORDER = list(PAGES)  # home first, then the topics: also the sidebar's order
# The walk starts on Initialization with values whose names mean something else elsewhere.
START = "initialization"
START_LINK = "act=relu&depth=40&schemes=xavier_normal,he_normal&seed=3"


def eulerian_walk(nodes: list[str]) -> list[str]:
    """A closed walk through every ordered pair (a, b), a ≠ b, exactly once (Hierholzer)."""
    unused = {a: [b for b in nodes if b != a] for a in nodes}
    stack, walk = [nodes[0]], []
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def test_the_walk_takes_every_ordered_pair_once():
    walk = eulerian_walk(ORDER)
    pairs = list(itertools.pairwise(walk))
    assert len(pairs) == len(set(pairs)) == len(ORDER) * (len(ORDER) - 1)


def _settled_query(page, expected: dict[str, list[str]], timeout_ms: int = 15_000):
    """The link once the page has written its controls back (or whatever it shows by then)."""
    deadline = page.evaluate("() => Date.now()") + timeout_ms
    while True:
        wait_for_app(page)
        now = query(page)
        if now == expected or page.evaluate("() => Date.now()") > deadline:
            return now
        page.wait_for_timeout(250)


def _nudge_first_slider(page) -> None:
    before = page.url
    slider = page.locator(SLIDER_INPUT).first
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => window.location.href !== {before!r}", timeout=15_000)
    wait_for_app(page)


def test_sidebar_switches_keep_every_page_s_own_settings(server, page):
    """Every ordered pair of pages through the sidebar, each page arriving with what it last had:
    its defaults on the first visit (then one slider is moved), its own values after that."""
    page.goto(f"{server}/{START}?lang=en&{START_LINK}")
    wait_for_app(page)
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0
    expected = {START: query(page)}
    for pair in START_LINK.split("&"):  # every value was taken, so the names do collide
        key, value = pair.split("=")
        assert expected[START][key] == [value], key

    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    walk = eulerian_walk([START, *(p for p in ORDER if p != START)])
    for here, there in itertools.pairwise(walk):
        links.nth(ORDER.index(there)).click()
        page.wait_for_url(
            lambda url, d=there: f"/{d}?" in url or (PAGES[d] is None and "/?" in url)
        )
        want = expected.get(there, {"lang": ["en"]})
        got = _settled_query(page, want)
        assert_no_exception(page)
        assert got == want, f"{here} → {there}"
        assert page.locator('[data-testid="stAlertContentInfo"]').count() == 0, there
        if there not in expected:
            if PAGES[there] is not None:
                _nudge_first_slider(page)
            expected[there] = query(page)


# --- on a phone -------------------------------------------------------------------------------

# Read from files beside this one: each is one arrow function for page.evaluate.
OVERLAPS = (Path(__file__).with_name("phone_overlaps.js")).read_text()
OVERFLOW = (Path(__file__).with_name("phone_overflow.js")).read_text()
# Markdown that failed to parse shows its asterisks: CommonMark does not close **bold** when the
# text ends in punctuation and Hangul follows at once ("**46%**입니다").
RAW_MARKUP = """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .map(e => e.innerText).filter(text => text.includes('**'))"""
KOREAN_BREAKS = """() => [...new Set([...document.querySelectorAll(
    '[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"], h1, h2, h3')]
    .map(e => getComputedStyle(e).wordBreak))]"""


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", ORDER)
def test_every_page_fits_a_phone(server, browser, name, lang):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    path = "" if PAGES[name] is None else name
    page.goto(f"{server}/{path}?lang={lang}")
    wait_for_app(page)
    page.wait_for_timeout(500)  # plotly lays charts out after the script has finished
    assert_no_exception(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_attribute("data-collapsed") == "true"  # a friend's link lands on the page
    if lang == "ko":  # the frame's rule wins over Streamlit's own word-break on paragraphs
        assert page.evaluate(KOREAN_BREAKS) == ["keep-all"]
    assert page.evaluate(RAW_MARKUP) == []
    shot = shoot(page, f"phone-{name}-{lang}")
    assert page.evaluate(OVERLAPS) == [], shot.name
    assert page.evaluate(OVERFLOW) == [], shot.name
    context.close()
