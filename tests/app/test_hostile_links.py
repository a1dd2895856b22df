"""Hostile links, page by page: whatever a link holds, a page never raises, names what it ignored
in one plain warning, never echoes the raw text, and draws only finite figures.

The controls of each page come from its topic's control table (ui.topics), so a new page or
control is covered as it is declared; the page tests check that a page draws nothing undeclared.

- Parse level: PARSE_N generated query strings per page through the specs' own `parse`: a raw
  value becomes a value the widget accepts or raises `Invalid`, nothing else. Fast; all in CI.
- End to end: HOSTILE_N links per page (env var, default 20; `HOSTILE_N=300 pytest …` for
  more) through AppTest, plus every page's extreme corners (all sliders at min, at max, and
  alternating, with first and last options; HOSTILE_ALL_OPTIONS=1 for every option).
- Static: no user input reaches unsafe_allow_html; no eval/exec/pickle in the app's code.
"""

from __future__ import annotations

import ast
import math
import os
import random
import re
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pytest
from apptools import PAGES, ROOT, charts, numbers, open_page, texts

from ui import i18n, state, topics

PARSE_N = 1000
HOSTILE_N = int(os.environ.get("HOSTILE_N", "20"))
# End to end, a valid value is the default spelled another way ("+15", " 6.0 ", "tanh,sigmoid"):
# each hostile link then costs one cached rerun. HOSTILE_RANDOM_VALID=1 draws any valid value
# instead (every link a fresh computation: minutes per page).
RANDOM_VALID = bool(os.environ.get("HOSTILE_RANDOM_VALID"))
# Corners at every option of every choice, not just the first and the last.
ALL_OPTIONS = bool(os.environ.get("HOSTILE_ALL_OPTIONS"))
SEED = 20261123

# --- the page's controls -------------------------------------------------------------------------


def _drawn(at: Any, page: str) -> dict[str, state.Spec]:
    return dict(at.session_state.get(state.SPECS_KEY, {}).get(page, {}))


def controls(page: str) -> dict[str, state.Spec]:
    """Every control `page` can draw (key -> spec), as its topic's table declares it: the
    widest range each takes (a page narrows some at run time, and says so when it must)."""
    return topics.specs(page)


# --- generating hostile query strings ------------------------------------------------------------

# `{n}` is a nonce unique to each generated value: finding it anywhere on the page is a leak.
INJECTIONS = (
    "<script>alert('{n}')</script>",
    "<img src=x onerror=alert('{n}')>",
    '"><svg onload=alert("{n}")>',
    "</div><h1>{n}</h1><div>",
    "<iframe src=javascript:alert('{n}')></iframe>",
    "&lt;b&gt;{n}&lt;/b&gt;",
    "<style>*{{display:none}}</style>{n}",
    "**{n}**",
    "# {n}",
    "`{n}`",
    "[{n}](javascript:alert(1))",
    "![{n}](https://evil.example/x.png)",
    ":red[{n}]",
    ":material/warning: {n}",
    "$\\alert{{{n}}}$",
    "$$\\href{{javascript:alert(1)}}{{{n}}}$$",
    "\\def\\x{{{n}}}\\x",
    "{{n}}{{0}}%s%n{n}",
    "{{__class__}}{n}",
    "__import__('os').system('{n}')",
    "1;DROP TABLE {n}",
    "../../etc/passwd{n}",
    "활성화{n}함수",
    "\u202e{n}lave",
    "مرحبا{n}",
    "🔥💥{n}🧨",
    "\u200b{n}\u200b",
    "\ufeff{n}",
    "１２{n}３",
    "e\u0301{n}",
    "{n}\x00\x07\x1b[31m",
    "{n}\nsecond line\r\n- item",
    "\t{n}  ",
)
WRONG_TYPES = (
    "abc", "true", "false", "yes", "None", "null", "undefined", "[]", "[1,2]", "{}", "()", "0x10",
    "0b101", "0o17", "1_000", "1,5", "1.5.2", "--1", "+-1", "1e", "e5", ".", "-", "+", "1 2",
    "١٢", "१२", "٣.٥", "½", "Ⅻ", "1/2", "2**64", "1+1j", "TRUE", "On", "0.1.", "0,1",
)  # fmt: skip
HUGE = (
    "1e308", "1e400", "-1e400", "1.8e308", "-1e308", "9" * 400, "1" + "0" * 309,
    "18446744073709551617", "-9223372036854775809", "999999999999", "1e999999", "2e-400",
    "5e-324", "1e-320", "-0", "-0.0", "0.0000000001",
)  # fmt: skip
NON_FINITE = ("nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "-Infinity", "INF", "nAn")
NEGATIVE = ("-1", "-2", "-100", "-0.5", "-1e-300", "-999999999999", "-1e308")
BLANK = ("", " ", "   ", "\t", "\n", ",", ",,,", " , ")
RANDOM_KEYS = (
    "x", "utm_source", "fbclid", "__proto__", "constructor", "page", "a[b]", "a.b", "키", "ключ",
    "🔑", " ", "%", "=", "&", "_controls", "_lang", "q:depth", "embed", "embed_options", "LANG",
)  # fmt: skip


class Generator:
    """Seeded hostile query strings for one page: a list of (key, value) pairs (keys repeat)."""

    def __init__(
        self, page: str, specs: Mapping[str, state.Spec], salt: int, cheap: bool = False
    ) -> None:
        self.rng = random.Random(SEED + salt + zlib.crc32(page.encode()))
        self.specs = specs
        self.keys = list(specs)
        self.counter = 0
        self.cheap = cheap  # valid values only as the defaults, spelled in different ways

    def nonce(self) -> str:
        self.counter += 1
        return f"zq{self.rng.randrange(10**6):06d}x{self.counter}"

    def injection(self) -> str:
        return self.rng.choice(INJECTIONS).format(n=self.nonce())

    def long(self) -> str:
        filler = self.rng.choice(("9", "a", "<", "1,", "*", "가", "\u200b", "<b>"))
        return (filler * 10_000)[:10_000] + self.nonce()

    def default_spelled(self, spec: state.Spec) -> str:
        """The control's default, written as a person or another tool might write it."""
        text = spec.serialize(spec.default)
        rng = self.rng
        if isinstance(spec, state.Number | state.Integer | state.LogNumber):
            forms = [text, f" {text} ", f"+{text}" if not text.startswith("-") else text]
            if isinstance(spec, state.Integer):
                forms.append("0" + text if not text.startswith("-") else text)
            else:
                forms += [f"{float(spec.default)!r}", f"{float(spec.default):e}"]
            return rng.choice(forms)
        if isinstance(spec, state.Choices):
            items = list(spec.default)
            rng.shuffle(items)
            return ",".join(items + items[:1]) if items else rng.choice(("", ","))
        if isinstance(spec, state.Flag):
            return rng.choice(("1", "true", "ON", "yes") if spec.default else ("0", "off", "No"))
        return rng.choice((text, f" {text}", f"{text}\t"))

    def valid(self, spec: state.Spec) -> str:
        rng = self.rng
        if self.cheap:
            return self.default_spelled(spec)
        if isinstance(spec, state.Number):
            steps = round((spec.hi - spec.lo) / spec.step)
            return spec.serialize(spec.snap(spec.lo + rng.randint(0, steps) * spec.step))
        if isinstance(spec, state.Integer):
            return str(spec.lo + rng.randint(0, (spec.hi - spec.lo) // spec.step) * spec.step)
        if isinstance(spec, state.Choice):
            return spec.serialize(rng.choice(spec.options))
        if isinstance(spec, state.Choices):
            count = rng.randint(0, min(len(spec.options), spec.max_count or len(spec.options)))
            return ",".join(rng.sample(list(spec.options), count))
        if isinstance(spec, state.Flag):
            return rng.choice(("1", "0", "true", "off"))
        return spec.serialize(spec.default)

    def near_edge(self, spec: state.Spec) -> str:
        """Just inside, on, or just outside a range; options with a twist."""
        rng = self.rng
        if isinstance(spec, state.Number | state.Integer):
            low = rng.random() < 0.5
            if self.cheap:  # only just outside: an edge inside the range costs a computation
                delta = rng.choice((spec.step, spec.step / 2, 1e-6, 1))
                edge = spec.lo - delta if low else spec.hi + delta
            else:
                delta = rng.choice((0, spec.step, -spec.step, spec.step / 2, 1e-9, -1e-9, 1e-12))
                edge = (spec.lo if low else spec.hi) + delta
            return repr(edge) if rng.random() < 0.5 else f"{edge:.17g}"
        options = getattr(spec, "options", ())
        if options:
            text = str(rng.choice(options))
            twists = [text + ",bogus", text * 2, text + "\u200b", "\u00a0" + text + "\x00"]
            if not self.cheap:  # these may be valid, other than the default: a computation
                twists += [text.upper(), f" {text} ", text + ",", f"{text},{text}", text[:-1]]
                twists.append(",".join(map(str, options)) * 3)
            return rng.choice(twists)
        return rng.choice(("2", "-1", "yes please", "01"))

    def value(self, key: str) -> str:
        spec = self.specs.get(key)
        kind = self.rng.choices(
            ("valid", "edge", "inject", "long", "wrong", "huge", "nonfinite", "negative", "blank"),
            weights=(4, 3, 4, 1, 2, 2, 2, 1, 1),
        )[0]
        if kind == "valid" and spec is not None:
            return self.valid(spec)
        if kind == "edge" and spec is not None:
            return self.near_edge(spec)
        if kind == "valid" and key == "lang":
            return self.rng.choice(i18n.LANGS)
        return {
            "inject": self.injection,
            "long": self.long,
            "wrong": lambda: self.rng.choice(WRONG_TYPES),
            "huge": lambda: self.rng.choice(HUGE),
            "nonfinite": lambda: self.rng.choice(NON_FINITE),
            "negative": lambda: self.rng.choice(NEGATIVE),
            "blank": lambda: self.rng.choice(BLANK),
        }.get(kind, self.injection)()

    def key(self) -> str:
        roll = self.rng.random()
        if self.keys and roll < 0.6:
            return self.rng.choice(self.keys)
        if roll < 0.72:
            return "lang"
        if roll < 0.9:
            return self.rng.choice(RANDOM_KEYS)
        return self.injection()  # a hostile key: ignored, and never shown

    def query(self) -> list[tuple[str, str]]:
        """One hostile link; at most one long value, so links stay under Streamlit's limits."""
        pairs: list[tuple[str, str]] = []
        long_used = False
        for _ in range(self.rng.randint(2, 9)):
            key = self.key()
            value = self.value(key)
            if len(value) > 1000:
                if long_used:
                    value = self.injection()
                long_used = True
            pairs.append((key, value))
            if self.rng.random() < 0.15:  # the same key again: last one wins
                pairs.append((key, self.value(key)))
        if self.rng.random() < 0.1:  # a link that is all valid: nothing to warn about
            pairs = [(k, self.valid(s)) for k, s in self.specs.items()] + [("lang", "ko")]
        return pairs


def as_params(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """The pairs as AppTest's query_params want them: a repeated key becomes a list."""
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def as_seen(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """What st.query_params.get_all returns for this link: encoded and decoded as Streamlit does
    (AppTest urlencodes, the server parse_qs's with keep_blank_values)."""
    return parse_qs(urlencode(as_params(pairs), doseq=True), keep_blank_values=True)


NONCE = re.compile(r"zq\d{6}x\d+")


def nonces(pairs: list[tuple[str, str]]) -> set[str]:
    return {m for k, v in pairs for m in NONCE.findall(k + " " + v)}


# --- what a widget accepts -----------------------------------------------------------------------


def accepted(spec: state.Spec, value: Any) -> bool:
    """Whether `value` is one the control's widget takes as it is."""
    if isinstance(spec, state.Number):
        if not isinstance(value, float) or not math.isfinite(value):
            return False
        on_grid = abs((value - spec.lo) / spec.step - round((value - spec.lo) / spec.step)) < 1e-6
        return spec.lo <= value <= spec.hi and on_grid
    if isinstance(spec, state.Integer):
        return (
            type(value) is int
            and spec.lo <= value <= spec.hi
            and (value - spec.lo) % spec.step == 0
        )
    if isinstance(spec, state.Choice):  # LogNumber included: a grid value
        return any(type(o) is type(value) and o == value for o in spec.options)
    if isinstance(spec, state.Choices):
        return (
            isinstance(value, tuple)
            and all(v in spec.options for v in value)
            and len(set(value)) == len(value)
            and (spec.max_count is None or len(value) <= spec.max_count)
        )
    if isinstance(spec, state.Flag):
        return isinstance(value, bool)
    return value is not None  # a spec type this test does not know yet: round trip below


@pytest.mark.parametrize("page", list(PAGES))
def test_every_generated_value_parses_to_an_accepted_value_or_is_invalid(page):
    specs = controls(page)
    generator = Generator(page, specs, salt=0)
    parsed = invalid = 0
    for _ in range(PARSE_N):
        pairs = generator.query()
        if generator.rng.random() < 0.2:  # malformed encodings, as a hand-edited link has them
            raw_query = urlencode(pairs)
            cut = generator.rng.randrange(len(raw_query) + 1)
            junk = generator.rng.choice(("%", "%zz", "%E0%A4", "&&", "==", "&=&", "%00", "+"))
            seen = parse_qs(raw_query[:cut] + junk + raw_query[cut:], keep_blank_values=True)
        else:  # what encoding and decoding gives back anyway, without its cost
            seen = {k: [v for key, v in pairs if key == k] for k in dict(pairs)}
        for key, spec in specs.items():
            if key not in seen:
                continue
            raw = seen[key]
            try:
                value = spec.parse(raw)
            except state.Invalid:
                invalid += 1
                continue
            parsed += 1
            assert accepted(spec, value), f"{page}: {key}={raw!r} parsed to {value!r}"
            again = spec.parse([spec.serialize(value)])
            assert again == value, f"{page}: {key}={value!r} does not round-trip ({again!r})"
    if specs:  # both outcomes were exercised
        assert parsed > 0
        assert invalid > 0


# --- end to end ----------------------------------------------------------------------------------

URL_NOTICE_INTROS = tuple(i18n.strings(lang)["url.ignored_intro"] for lang in i18n.LANGS)


def url_notices(at: Any) -> list[str]:
    return [str(w.value) for w in at.warning if any(i in str(w.value) for i in URL_NOTICE_INTROS)]


def ignored_keys(at: Any, page: str, seen: Mapping[str, list[str]]) -> list[str]:
    """The link's keys the page had to ignore: values its drawn controls refuse, and `lang`."""
    out = []
    for key, spec in _drawn(at, page).items():
        if seen.get(key):
            try:
                spec.parse(seen[key])
            except state.Invalid:
                out.append(key)
    if seen.get("lang") and seen["lang"][-1] not in i18n.LANGS:
        out.append("lang")
    return out


def _protos(node: Any) -> Iterator[Any]:
    for child in getattr(node, "children", {}).values():
        yield from _protos(child)
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield proto


def everything_drawn(at: Any) -> str:
    """Every element of the page as protobuf text: text, labels, tables, figures, HTML."""
    return "\n".join(str(proto) for proto in _protos(at._tree))


def _present(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _present(item)
    elif value is not None:
        yield value


def figure_numbers(figure: Mapping[str, Any]) -> Iterator[np.ndarray]:
    """numbers(figure), except that None in a plain JSON list is left out: that is plotly's
    deliberate gap (a legend-only trace's [None], a break in a line, a hole in a heatmap).
    NumPy arrays arrive as typed binary data, where a computed NaN or inf is caught."""
    for trace in figure.get("data", []):
        for axis in ("x", "y", "z"):
            value = trace.get(axis)
            if isinstance(value, list):
                value = list(_present(value))
            if value is not None:
                yield from numbers({"data": [{axis: value}]})


def assert_figures_finite(at: Any, context: str) -> None:
    for i, figure in enumerate(charts(at)):
        for array in figure_numbers(figure):
            assert np.isfinite(array).all(), f"{context}: figure {i} has non-finite values"


def assert_clean_run(at: Any, context: str) -> None:
    assert not at.exception, f"{context}: {at.exception[0].message}\n" + "\n".join(
        at.exception[0].stack_trace
    )
    assert not at.error, f"{context}: st.error {[e.value for e in at.error]}"


def _options_text(specs: Mapping[str, state.Spec]) -> str:
    return ",".join(str(o) for s in specs.values() for o in getattr(s, "options", ()))


@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_links_end_to_end(page):
    """HOSTILE_N links per page, in one test so a failure names the first bad link exactly."""
    specs = controls(page)
    generator = Generator(page, specs, salt=1, cheap=not RANDOM_VALID)
    for i in range(HOSTILE_N):
        pairs = generator.query()
        link = urlencode(pairs)
        context = f"{page} link #{i}: ?{link[:600]}"
        at = open_page(page, as_params(pairs))
        assert_clean_run(at, context)
        seen = as_seen(pairs)
        ignored = ignored_keys(at, page, seen)
        said = url_notices(at)
        if ignored:
            assert len(said) == 1, f"{context}: {len(said)} notices for {ignored}"
            for key in ignored:
                assert f"`{key}`" in said[0], f"{context}: `{key}` not named in {said[0]!r}"
        else:
            assert said == [], f"{context}: nothing was invalid, yet: {said}"
        shown = texts(at) + "\n" + everything_drawn(at)
        leaked = [n for n in nonces(pairs) if n in shown]
        assert not leaked, f"{context}: raw input shown on the page ({leaked})"
        # Raw values the page refused are not repeated in its warning (bar those that are
        # also the names of options or plain numbers, which the warning may list as expected).
        known = _options_text(specs)
        for key in ignored:
            for raw in seen[key]:
                text = raw.strip()
                if len(text) < 4 or text in known or re.fullmatch(r"[-+0-9.eE]+", text):
                    continue
                assert text not in said[0], f"{context}: the warning repeats {text[:80]!r}"
        assert_figures_finite(at, context)


# --- extreme corners ---------------------------------------------------------------------------


def _top(spec: state.Number | state.Integer) -> float | int:
    """The largest value the slider reaches (hi itself unless the steps stop short of it)."""
    if isinstance(spec, state.Integer):
        return spec.lo + (spec.hi - spec.lo) // spec.step * spec.step
    return spec.snap(spec.hi)


def corner_link(specs: Mapping[str, state.Spec], r: int) -> dict[str, str]:
    """Corner r: sliders all at min (r % 4 == 0), all at max (1), alternating min/max (2) and
    max/min (3); single choices at their first option on even r and their last on odd r (or,
    past the first four, at their r-th option), multiselects at their first or last options
    (as many as allowed) and flags on or off, by turns."""

    def value(position: int, spec: state.Spec) -> str:
        if isinstance(spec, state.Number | state.Integer):
            high = (False, True, position % 2 == 1, position % 2 == 0)[r % 4]
            return spec.serialize(_top(spec) if high else spec.lo)
        if isinstance(spec, state.Choice):
            index = r if r >= 4 else (0 if r % 2 == 0 else -1)
            return spec.serialize(spec.options[index % len(spec.options)])
        if isinstance(spec, state.Choices):
            n = spec.max_count or len(spec.options)
            return spec.serialize(tuple(spec.options[:n] if r % 2 == 0 else spec.options[-n:]))
        if isinstance(spec, state.Flag):
            return spec.serialize(r % 2 == 0)
        return spec.serialize(spec.default)

    return {key: value(i, spec) for i, (key, spec) in enumerate(specs.items())}


def corner_count(specs: Mapping[str, state.Spec]) -> int:
    """Four corners in CI; with HOSTILE_ALL_OPTIONS=1, enough that every option of every single
    choice meets an extreme (run r ≥ 4 takes option r)."""
    if not specs:
        return 0
    if not ALL_OPTIONS:
        return 4
    widest = [len(s.options) for s in specs.values() if isinstance(s, state.Choice)]
    return max(4, *widest) if widest else 4


def _refused(specs: Mapping[str, state.Spec], link: Mapping[str, str]) -> list[str]:
    refused = []
    for key, spec in specs.items():
        if key in link:
            try:
                spec.parse([link[key]])
            except state.Invalid:
                refused.append(key)
    return refused


@pytest.mark.parametrize("page", list(PAGES))
def test_extreme_corners_run_clean_with_finite_figures(page):
    specs = controls(page)
    for r in range(corner_count(specs)):
        link = corner_link(specs, r)
        context = f"{page} corner #{r} ?{urlencode(link)}"
        at = open_page(page, {"lang": "en", **link})
        assert_clean_run(at, context)
        drawn = _drawn(at, page)
        if _refused(drawn, link):
            # A range that follows another control (a start point within the chosen surface's
            # domain): take the corner again with the ranges the page drew this time.
            link = corner_link(specs | drawn, r)
            context = f"{page} corner #{r} ?{urlencode(link)}"
            at = open_page(page, {"lang": "en", **link})
            assert_clean_run(at, context)
        assert url_notices(at) == [], f"{context}: valid extremes were refused: {url_notices(at)}"
        assert_figures_finite(at, context)


# --- static checks -------------------------------------------------------------------------------

UNSAFE_KEYWORDS = ("unsafe_allow_html", "unsafe_allow_javascript")


def app_sources(*folders: str) -> list[Path]:
    files = [ROOT / "app.py"] if (ROOT / "app.py").exists() else []
    for folder in folders:
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_translation(node: ast.expr) -> bool:
    """t("some.key") with a literal key: text from our own tables."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("t", "tr")
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and not node.keywords
    )


def _html_calls(tree: ast.Module) -> Iterator[tuple[ast.Call, ast.FunctionDef | None]]:
    """Calls that render HTML: any call with an unsafe_allow_* keyword, and any `.html(…)`
    (st.html, components.html), each with the innermost function it sits in (or None)."""
    home: dict[int, ast.FunctionDef] = {}
    for func in ast.walk(tree):  # outer functions come first, so inner ones overwrite them
        if isinstance(func, ast.FunctionDef):
            home |= {id(n): func for n in ast.walk(func) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        unsafe = any(k.arg in UNSAFE_KEYWORDS for k in node.keywords)
        html = isinstance(node.func, ast.Attribute) and node.func.attr == "html"
        if unsafe or html:
            yield node, home.get(id(node))


# The one other place allowed to hand Streamlit HTML: it checks the colour and escapes the label
# (tests/ui/test_widgets.py feeds it hostile labels).
ESCAPING_SINKS = {("ui/widgets.py", "swatch")}


def test_raw_html_is_drawn_only_by_the_copy_link_button_and_the_escaping_swatch():
    offenders = []
    for path in app_sources("pages", "ui"):
        tree = _parse(path)
        where_file = path.relative_to(ROOT).as_posix()
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for call, func in _html_calls(tree):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if func is not None and (where_file, func.name) in ESCAPING_SINKS:
                continue
            if path != ROOT / "ui" / "frame.py" or func is None:
                offenders.append(f"{where}: raw HTML outside the copy-link button")
                continue
            # html = _COPY_LINK_HTML.format(label=t("…"), …); st.html(html, …)
            arg = call.args[0] if call.args else None
            assigned = {
                n.targets[0].id: n.value
                for n in ast.walk(func)
                if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
            }
            source = assigned.get(arg.id) if isinstance(arg, ast.Name) else arg
            ok = (
                isinstance(source, ast.Call)
                and isinstance(source.func, ast.Attribute)
                and source.func.attr == "format"
                and isinstance(source.func.value, ast.Name)
                and isinstance(constants.get(source.func.value.id), ast.Constant)
                and not source.args
                and all(_is_translation(k.value) for k in source.keywords)
            )
            # st.html(_KOREAN_LINE_BREAKING): a module constant, nothing of the visitor's in it
            fixed = isinstance(arg, ast.Name) and isinstance(constants.get(arg.id), ast.Constant)
            if not (ok or fixed):
                offenders.append(f"{where}: HTML not built only from a constant and t('…')")
    assert not offenders, "\n".join(offenders)


FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve"}


def test_no_eval_exec_or_pickle_in_the_app():
    offenders = []
    for path in app_sources("pages", "ui", "core"):
        for node in ast.walk(_parse(path)):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else None
                attr = node.func.attr if isinstance(node.func, ast.Attribute) else None
                if name in FORBIDDEN_CALLS or attr in ("read_pickle", "to_pickle"):
                    offenders.append(f"{where}: {name or attr}(…)")
                if any(
                    k.arg == "allow_pickle"
                    and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                    for k in node.keywords
                ):
                    offenders.append(f"{where}: allow_pickle")
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{where}: import {a.name}"
                    for a in node.names
                    if a.name.split(".")[0] in FORBIDDEN_MODULES
                ]
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.split(".")[0] in FORBIDDEN_MODULES
            ):
                offenders.append(f"{where}: from {node.module} import …")
    assert not offenders, "\n".join(offenders)
