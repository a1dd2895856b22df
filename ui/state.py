"""Controls mirrored into the link: a page declares each control in one line and gets back a
value that is validated, restored from the URL and written back to it.

The first time a control is drawn in a session (a fresh visit, a shared link, a page switch) its
value comes from `st.query_params`, checked against the control's own type, range and options.
Anything invalid falls back to the default and is named once in a plain warning: the raw value
itself is never rendered. After that the widget owns the value, and every rerun writes it back into
the URL (left out when it equals the default), so the address bar always reproduces the view.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import streamlit as st

from ui.i18n import t

MAX_RAW_LENGTH = 200  # longer values are refused before parsing: no link needs more
WIDGET_PREFIX = "q:"
PARAMS_KEY = "_params"  # session key: page -> {param: serialized value}, for navigation links
SPECS_KEY = "_controls"  # session key: page -> {param: spec}, read by the tests
NOTICES_KEY = "_notices"
NOTICE_SLOT_KEY = "_notice_slot"
DRAWN_KEY = "_drawn"  # session key: the link keys drawn in this run (reset by the frame)
PAGE_KEY = "_page"
DEFAULTS_KEY = "_defaults"  # session key: widget key -> the default it was last drawn with
VALUES_KEY = "_values"  # session key: page -> {link key: the value its control last returned}

V = TypeVar("V")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


class Invalid(ValueError):
    """A raw URL value that the control cannot take."""


@dataclass(frozen=True)
class Spec(Generic[V]):
    """What every control knows: its default, how to read and write it as text, what it accepts."""

    default: V

    def parse(self, raw: list[str]) -> V:
        raise NotImplementedError

    def serialize(self, value: V) -> str:
        raise NotImplementedError

    def expected(self) -> str:
        """Plain words for what a valid value looks like (shown in the warning)."""
        raise NotImplementedError

    def is_default(self, value: V) -> bool:
        return value == self.default


def _single(raw: list[str]) -> str:
    # A repeated key takes its last value, as browsers' URLSearchParams.get would not: last wins
    # matches what st.query_params[key] returns.
    text = raw[-1]
    if len(text) > MAX_RAW_LENGTH:
        raise Invalid("too long")
    return text.strip()


def _fmt_number(value: float) -> str:
    return f"{value:.10g}"


@dataclass(frozen=True)
class Number(Spec[float]):
    """A float on a slider from `lo` to `hi` in steps of `step`."""

    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.1

    def parse(self, raw: list[str]) -> float:
        text = _single(raw)
        if not _DECIMAL.fullmatch(text):  # plain ASCII decimals only: no "nan", "inf", "６", "0x10"
            raise Invalid("not a number")
        value = float(text)
        if not math.isfinite(value) or not self.lo <= value <= self.hi:
            raise Invalid("out of range")
        return self.snap(value)

    def snap(self, value: float) -> float:
        """The nearest slider position, rounded so that 0.1 + 0.2 prints as 0.3."""
        snapped = self.lo + round((value - self.lo) / self.step) * self.step
        return round(min(max(snapped, self.lo), self.hi), 10)

    def serialize(self, value: float) -> str:
        return _fmt_number(value)

    def expected(self) -> str:
        return t("url.expected_number", lo=_fmt_number(self.lo), hi=_fmt_number(self.hi))

    def is_default(self, value: float) -> bool:
        return math.isclose(value, self.default, rel_tol=1e-9, abs_tol=1e-12)


@dataclass(frozen=True)
class Integer(Spec[int]):
    """A whole number on a slider from `lo` to `hi`."""

    lo: int = 0
    hi: int = 10
    step: int = 1

    def parse(self, raw: list[str]) -> int:
        text = _single(raw)
        if not re.fullmatch(r"[+-]?[0-9]{1,12}", text):
            raise Invalid("not an integer")
        value = int(text)
        if not self.lo <= value <= self.hi or (value - self.lo) % self.step:
            raise Invalid("out of range")
        return value

    def serialize(self, value: int) -> str:
        return str(value)

    def expected(self) -> str:
        return t("url.expected_integer", lo=self.lo, hi=self.hi)


@dataclass(frozen=True)
class Choice(Spec[Any]):
    """One of a fixed tuple of options (strings or numbers), written as its text."""

    options: tuple[Any, ...] = ()

    def parse(self, raw: list[str]) -> Any:
        text = _single(raw)
        for option in self.options:
            if self.serialize(option) == text:
                return option
        if _DECIMAL.fullmatch(text):  # a number option written another way: "1.0" for 1, "0.10"
            for option in self.options:
                if isinstance(option, float) and option == float(text):
                    return option
        raise Invalid("unknown option")

    def serialize(self, value: Any) -> str:
        return _fmt_number(value) if isinstance(value, float) else str(value)

    def expected(self) -> str:
        return t("url.expected_choice", options=", ".join(self.serialize(o) for o in self.options))


@dataclass(frozen=True)
class LogNumber(Choice):
    """A positive float on a log-spaced grid (learning rates, ε): any number in range from a link
    snaps to the nearest grid value in log space."""

    def parse(self, raw: list[str]) -> Any:
        text = _single(raw)
        if not _DECIMAL.fullmatch(text):
            raise Invalid("not a number")
        value = float(text)
        lo, hi = self.options[0], self.options[-1]
        if not math.isfinite(value) or not lo <= value <= hi:
            raise Invalid("out of range")
        return min(self.options, key=lambda option: abs(math.log(option) - math.log(value)))

    def expected(self) -> str:
        return t(
            "url.expected_number",
            lo=_fmt_number(self.options[0]),
            hi=_fmt_number(self.options[-1]),
        )

    def is_default(self, value: Any) -> bool:
        return math.isclose(value, self.default, rel_tol=1e-9)


def log_grid(lo: float, hi: float, per_decade: int = 3) -> tuple[float, ...]:
    """1-2-5 style points from lo to hi: per_decade=3 gives 1, 2, 5; 4 gives 1, 1.8, 3.2, 5.6;
    values are rounded to 3 significant digits so they read well and serialize stably."""
    if not 0 < lo < hi:
        raise ValueError(f"need 0 < lo < hi, got {lo}, {hi}")
    mantissas = (
        (1.0, 2.0, 5.0)
        if per_decade == 3
        else tuple(float(f"{10 ** (i / per_decade):.2g}") for i in range(per_decade))
    )
    points = []
    for exponent in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in mantissas:
            value = float(f"{m * 10.0**exponent:.3g}")
            if lo * (1 - 1e-9) <= value <= hi * (1 + 1e-9):
                points.append(value)
    return tuple(dict.fromkeys(points))


@dataclass(frozen=True)
class Choices(Spec[tuple[str, ...]]):
    """Several of a fixed tuple of string options, written comma-separated in option order."""

    options: tuple[str, ...] = ()
    max_count: int | None = None

    def parse(self, raw: list[str]) -> tuple[str, ...]:
        text = ",".join(_single([r]) for r in raw)
        picked = [item.strip() for item in text.split(",") if item.strip()]
        if any(item not in self.options for item in picked):
            raise Invalid("unknown option")
        unique = tuple(dict.fromkeys(picked))
        if self.max_count is not None and len(unique) > self.max_count:
            raise Invalid("too many")
        return unique

    def serialize(self, value: tuple[str, ...]) -> str:
        return ",".join(value)

    def expected(self) -> str:
        options = ", ".join(self.options)
        if self.max_count is not None:
            return t("url.expected_choices_max", count=self.max_count, options=options)
        return t("url.expected_choices", options=options)

    def is_default(self, value: tuple[str, ...]) -> bool:
        return tuple(value) == tuple(self.default)


@dataclass(frozen=True)
class Flag(Spec[bool]):
    """On or off, written as 1 or 0."""

    def parse(self, raw: list[str]) -> bool:
        text = _single(raw).lower()
        if text in ("1", "true", "on", "yes"):
            return True
        if text in ("0", "false", "off", "no"):
            return False
        raise Invalid("not a flag")

    def serialize(self, value: bool) -> str:
        return "1" if value else "0"

    def expected(self) -> str:
        return t("url.expected_flag")


# --- the per-session plumbing ---------------------------------------------------------------------


def current_page() -> str:
    return st.session_state.get(PAGE_KEY, "home")


def _notice(message: str) -> None:
    """Collect a warning for this run and show all of them, once, in the frame's notice slot."""
    notices: list[str] = st.session_state.setdefault(NOTICES_KEY, [])
    notices.append(message)
    slot = st.session_state.get(NOTICE_SLOT_KEY)
    body = t("url.ignored_intro") + "\n" + "\n".join(f"- {m}" for m in notices)
    if slot is not None:
        slot.warning(body, icon="⚠️")
    else:  # no frame drew a slot (a bare test script): show it in place
        st.warning(body, icon="⚠️")


def warn_ignored(key: str, expected: str) -> None:
    """Say once that the link's parameter `key` was ignored; `key` is ours, never user text."""
    _notice(t("url.ignored_item", name=key, expected=expected))


def _restore(key: str, spec: Spec[V]) -> V:
    """The link's value for `key` if it is valid, else the default with a warning."""
    raw = st.query_params.get_all(key)
    if not raw:
        return spec.default
    try:
        return spec.parse(raw)
    except Invalid:
        warn_ignored(key, spec.expected())
        return spec.default


def widget_key(key: str, page: str | None = None) -> str:
    """The session key of the widget for link key `key` on `page` (the current page by default).

    Pages share link names (`act`, `depth`, `steps`, …) with different meanings, and Streamlit
    keeps a widget's value for one run after the page that drew it is left: a key per page keeps
    one page's value from being read as another's."""
    return f"{WIDGET_PREFIX}{page or current_page()}:{key}"


def _bind(key: str, spec: Spec[V], widget_value: Callable[[V], Any] = lambda v: v) -> str:
    """Seed the widget's session value from the link the first time it is drawn; return its key.

    A value kept from an earlier run that the control's current range no longer admits (a step
    slider whose maximum just shrank) is clamped into it, and a value left at a default that
    this draw moves follows the default, so no page has to write widget keys."""
    page = current_page()
    st.session_state.setdefault(SPECS_KEY, {}).setdefault(page, {})[key] = spec
    wkey = widget_key(key, page)
    st.session_state.setdefault(DRAWN_KEY, set()).add(key)
    defaults = st.session_state.setdefault(DEFAULTS_KEY, {})
    previous, defaults[wkey] = defaults.get(wkey, spec.default), spec.default
    if wkey not in st.session_state:
        st.session_state[wkey] = widget_value(_restore(key, spec))
    elif previous != spec.default and st.session_state[wkey] == widget_value(previous):
        # Left at a default that a draw moves (the last epoch of a run that grew): follow it.
        st.session_state[wkey] = widget_value(spec.default)
    elif isinstance(spec, Number | Integer):
        kept = st.session_state[wkey]
        clamped = min(max(kept, spec.lo), spec.hi)
        if clamped != kept:
            st.session_state[wkey] = clamped
    elif type(spec) is Choice and st.session_state[wkey] not in spec.options:
        # Options that depend on another control (a run's snapshot epochs): the nearest number,
        # or the default for words.
        st.session_state[wkey] = _nearest(st.session_state[wkey], spec)
    return wkey


def _nearest(kept: Any, spec: Choice) -> Any:
    numbers = [o for o in spec.options if isinstance(o, int | float) and not isinstance(o, bool)]
    if isinstance(kept, int | float) and not isinstance(kept, bool) and numbers:
        return min(numbers, key=lambda option: abs(option - kept))
    return spec.default


def _mirror(key: str, spec: Spec[V], value: V) -> None:
    """Write the value into the URL (only when it changed), and remember it for navigation."""
    remembered = st.session_state.setdefault(PARAMS_KEY, {}).setdefault(current_page(), {})
    if spec.is_default(value):
        remembered.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]
        return
    text = spec.serialize(value)
    remembered[key] = text
    if st.query_params.get_all(key) != [text]:
        st.query_params[key] = text


def _container(where: Any) -> Any:
    return st if where is None else where


# --- the controls a page declares -----------------------------------------------------------------


def number(
    key: str,
    label: str,
    default: float,
    lo: float,
    hi: float,
    step: float,
    *,
    help: str | None = None,
    fmt: str | None = None,
    where: Any = None,
) -> float:
    """A float slider mirrored into the link as `key`."""
    spec = Number(default=float(default), lo=float(lo), hi=float(hi), step=float(step))
    wkey = _bind(key, spec)
    raw = _container(where).slider(
        label, min_value=spec.lo, max_value=spec.hi, step=spec.step, key=wkey, help=help, format=fmt
    )
    value = spec.snap(float(raw))
    _mirror(key, spec, value)
    return value


def integer(
    key: str,
    label: str,
    default: int,
    lo: int,
    hi: int,
    step: int = 1,
    *,
    help: str | None = None,
    where: Any = None,
) -> int:
    """An integer slider mirrored into the link as `key`."""
    spec = Integer(default=int(default), lo=int(lo), hi=int(hi), step=int(step))
    wkey = _bind(key, spec)
    value = int(
        _container(where).slider(
            label, min_value=spec.lo, max_value=spec.hi, step=spec.step, key=wkey, help=help
        )
    )
    _mirror(key, spec, value)
    return value


def choice(
    key: str,
    label: str,
    options: Sequence[Any],
    default: Any,
    *,
    format_func: Callable[[Any], str] = str,
    widget: str = "selectbox",
    help: str | None = None,
    where: Any = None,
) -> Any:
    """One option (selectbox, horizontal radio or select_slider) mirrored into the link as `key`."""
    spec = Choice(default=default, options=tuple(options))
    wkey = _bind(key, spec)
    box = _container(where)
    common = {"key": wkey, "help": help, "format_func": format_func}
    if widget == "radio":
        value = box.radio(label, spec.options, horizontal=True, **common)
    elif widget == "select_slider":
        value = box.select_slider(label, spec.options, **common)
    else:
        value = box.selectbox(label, spec.options, **common)
    _mirror(key, spec, value)
    return value


def choices(
    key: str,
    label: str,
    options: Sequence[str],
    default: Sequence[str],
    *,
    format_func: Callable[[str], str] = str,
    max_count: int | None = None,
    help: str | None = None,
    where: Any = None,
) -> tuple[str, ...]:
    """Several options (a multiselect) mirrored into the link as `key`, comma-separated."""
    spec = Choices(default=tuple(default), options=tuple(options), max_count=max_count)
    wkey = _bind(key, spec, widget_value=list)
    picked = _container(where).multiselect(
        label,
        spec.options,
        key=wkey,
        format_func=format_func,
        max_selections=max_count,
        help=help,
        placeholder=t("app.pick_placeholder"),
    )
    value = tuple(o for o in spec.options if o in picked)  # option order: a stable link
    _mirror(key, spec, value)
    return value


def log_number(
    key: str,
    label: str,
    default: float,
    lo: float,
    hi: float,
    *,
    per_decade: int = 3,
    help: str | None = None,
    where: Any = None,
) -> float:
    """A positive float on a log-spaced slider (1-2-5 by default), mirrored into the link."""
    grid = log_grid(lo, hi, per_decade)
    default = min(grid, key=lambda option: abs(math.log(option) - math.log(default)))
    spec = LogNumber(default=default, options=grid)
    wkey = _bind(key, spec)
    value = _container(where).select_slider(
        label, spec.options, key=wkey, help=help, format_func=lambda v: f"{v:g}"
    )
    _mirror(key, spec, value)
    return float(value)


def apply(values: Mapping[str, Any]) -> None:
    """Set several controls at once (a preset button's on_click): `values` maps a control's key
    to its value as the page uses it (a tuple for a multiselect). Controls not drawn yet take the
    value when they are first drawn."""
    for key, value in values.items():
        st.session_state[widget_key(key)] = list(value) if isinstance(value, tuple) else value


def flag(
    key: str, label: str, default: bool, *, help: str | None = None, where: Any = None
) -> bool:
    """An on/off toggle mirrored into the link as `key` (1 or 0)."""
    spec = Flag(default=bool(default))
    wkey = _bind(key, spec)
    value = bool(_container(where).toggle(label, key=wkey, help=help))
    _mirror(key, spec, value)
    return value


# --- controls declared once, as a table -----------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """One control of a topic, declared once in the topic's table: its link key, what it accepts,
    and the string keys of its words. `kind` is number, integer, log, choice, choices or flag;
    `option_label` is a string key with `{}` for each option's own words ("act.name.{}")."""

    key: str
    kind: str
    default: Any
    label: str
    help: str | None = None
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()
    option_label: str | None = None
    widget: str = "selectbox"
    per_decade: int = 3
    max_count: int | None = None
    fmt: str | None = None

    def spec(self) -> Spec[Any]:
        """What the link may hold for this control (the same spec its widget validates with)."""
        if self.kind == "number":
            return Number(default=float(self.default), lo=self.lo, hi=self.hi, step=self.step)
        if self.kind == "integer":
            return Integer(default=int(self.default), lo=self.lo, hi=self.hi, step=self.step or 1)
        if self.kind == "log":
            grid = log_grid(self.lo, self.hi, self.per_decade)
            nearest = min(grid, key=lambda option: abs(math.log(option) - math.log(self.default)))
            return LogNumber(default=nearest, options=grid)
        if self.kind == "choice":
            return Choice(default=self.default, options=self.options)
        if self.kind == "choices":
            return Choices(
                default=tuple(self.default), options=self.options, max_count=self.max_count
            )
        if self.kind == "flag":
            return Flag(default=bool(self.default))
        raise ValueError(f"unknown control kind {self.kind!r} for {self.key!r}")

    def admits(self, value: Any) -> bool:
        """Whether `value` (as a page uses it) is one this control can show."""
        spec = self.spec()
        try:
            text = spec.serialize(tuple(value) if self.kind == "choices" else value)
            parsed = spec.parse([text])
        except (Invalid, TypeError, ValueError):
            return False
        if self.kind == "choices":
            return tuple(parsed) == tuple(value)
        return _same(parsed, value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(b, int | float) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def table(*controls: Control) -> dict[str, Control]:
    """A topic's control table, by key (a key declared twice is an error)."""
    by_key: dict[str, Control] = {}
    for entry in controls:
        if entry.key in by_key:
            raise ValueError(f"control {entry.key!r} is declared twice")
        entry.spec()  # a malformed declaration fails at import, not when first drawn
        by_key[entry.key] = entry
    return by_key


def draw(entry: Control, *, where: Any = None, **changes: Any) -> Any:
    """Draw a declared control and return its value; `changes` override fields for this run (a
    range that depends on another control: `draw(CONTROLS["t"], hi=steps)`). The value is kept
    for `values` (a section's "In PyTorch" script reads the settings the page drew)."""
    value = _draw(entry, where=where, **changes)
    st.session_state.setdefault(VALUES_KEY, {}).setdefault(current_page(), {})[entry.key] = value
    return value


def _draw(entry: Control, *, where: Any = None, **changes: Any) -> Any:
    if changes:
        entry = replace(entry, **changes)
    words = {"help": t(entry.help) if entry.help else None, "where": where}
    label, key, default = t(entry.label), entry.key, entry.default
    if entry.kind == "number":
        return number(key, label, default, entry.lo, entry.hi, entry.step, fmt=entry.fmt, **words)
    if entry.kind == "integer":
        return integer(key, label, default, entry.lo, entry.hi, entry.step or 1, **words)
    if entry.kind == "log":
        return log_number(
            key, label, default, entry.lo, entry.hi, per_decade=entry.per_decade, **words
        )
    if entry.kind == "flag":
        return flag(key, label, default, **words)
    if entry.option_label is not None:
        pattern = entry.option_label
        words["format_func"] = lambda option: t(pattern.format(option))
    if entry.kind == "choice":
        return choice(key, label, entry.options, default, widget=entry.widget, **words)
    if entry.kind == "choices":
        return choices(key, label, entry.options, default, max_count=entry.max_count, **words)
    raise ValueError(f"unknown control kind {entry.kind!r} for {entry.key!r}")


def check_undrawn(controls: Mapping[str, Control]) -> None:
    """Check the link's values for the declared controls this run did not draw (a learning rate
    while one shared rate is on, a surface's κ on another surface): a value the control could not
    take is named like any other and dropped from the link; a good one waits for its control.
    Call it after the page has drawn its controls."""
    drawn = st.session_state.get(DRAWN_KEY, set())
    known = st.session_state.setdefault(SPECS_KEY, {}).setdefault(current_page(), {})
    for key, entry in controls.items():
        if key in drawn:
            continue
        spec = entry.spec()
        known.setdefault(key, spec)
        raw = st.query_params.get_all(key)
        if not raw:
            continue
        try:
            spec.parse(raw)
        except Invalid:
            warn_ignored(key, spec.expected())
            del st.query_params[key]


def values(controls: Mapping[str, Control]) -> dict[str, Any]:
    """Every declared control's value as the page last drew it on this page (its default when it
    has not been drawn): what a section's "In PyTorch" script is built from."""
    drawn = st.session_state.get(VALUES_KEY, {}).get(current_page(), {})
    found = {key: drawn.get(key, entry.default) for key, entry in controls.items()}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in found.items()}
