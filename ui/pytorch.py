""" "In PyTorch": a view's settings as a short script that reproduces the view's numbers in torch.

A snippet is two things built from the same list of `Line`s: the script, whose print statements
are written from the lines (label, format, order), and the readout the page shows beside it (the
page's own numbers from core, formatted the same way), so a learner compares them line by line.
Builders live in ui/snippets/<topic>.py, one per section: `build(values, tr) -> Snippet`, where
`values` maps the topic's control keys to the values the page drew (ui.state.values). Pure: no
Streamlit here, so tests build every snippet without a page.

The script's comments are in the page's language; labels, names and numbers are the same in both.
"""

from __future__ import annotations

import ast
import math
import re
import string
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ui.strings import Translate

COMMENT_WIDTH = 92  # a comment line's length, "# " included
_COMMENT = re.compile(r"^(?P<indent>[ ]*)#: (?P<key>[\w.]+)(?P<words>(?: \w+=\S+)*)$")
IMPORTS = frozenset({"torch", "math", "itertools", "functools", "statistics"})
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan")


def _format(value: float, fmt: str) -> str:
    text = format(value, fmt)
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.0000"


@dataclass(frozen=True)
class Line:
    """One readout line, `label: v₁ v₂ …`, each value formatted with `fmt` (a format spec).

    `statistic` marks a number that PyTorch's random streams cannot reproduce draw for draw: the
    script prints a statistic over its own draws instead, compared within `tolerance` (relative)
    rather than to the displayed precision."""

    label: str
    values: tuple[float, ...]
    fmt: str = ".4f"
    statistic: bool = False
    tolerance: float = 0.0

    def __post_init__(self) -> None:
        if not self.label or re.search(r'[":{}\\\n]', self.label):
            raise ValueError(f"a readout label has no quote, colon, brace: {self.label!r}")
        if not all(math.isfinite(v) for v in self.values):
            raise ValueError(f"readout line {self.label!r} has a non-finite value: {self.values}")

    @property
    def text(self) -> str:
        """What the script prints for this line."""
        return f"{self.label}: " + " ".join(_format(v, self.fmt) for v in self.values)

    @property
    def shown(self) -> str:
        """The line as the page shows it: a statistic carries its tolerance as a comment."""
        return f"{self.text}  # ±{self.tolerance:.0%}" if self.statistic else self.text


@dataclass(frozen=True)
class Snippet:
    """A runnable script and the lines it prints (the page's own numbers, in the same format).

    `settings` names every setting of the view with its value: each value appears in the code
    (tested). `notes` are string keys of remarks shown under the readout."""

    code: str
    readout: tuple[Line, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def readout_text(self) -> str:
        return "\n".join(line.shown for line in self.readout)


class Raw(str):
    """Code put into a script as it is (not as a literal)."""


def lit(value: Any) -> str:
    """`value` as a Python literal in a script: floats in their shortest round-trip form."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return repr(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "math.inf" if value > 0 else "-math.inf"
        return repr(float(value))
    if isinstance(value, list):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(lit(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if hasattr(value, "item"):  # a NumPy scalar
        return lit(value.item())
    raise TypeError(f"no literal for {type(value).__name__}")


def lit_block(values: Sequence[Any], width: int = 88) -> Raw:
    """A long tuple as a literal over several lines (for data written into a script)."""
    items = [lit(v) + "," for v in values]
    if len(lit(tuple(values))) + 12 <= width:
        return Raw(lit(tuple(values)))
    rows = textwrap.wrap(" ".join(items), width=width - 4, break_long_words=False)
    return Raw("(\n" + "".join(f"    {row}\n" for row in rows) + ")")


def prints(line: Line, *expressions: str) -> str:
    """The print statement for `line`: `print(f"label: {e₁:fmt} {e₂:fmt} …")`, one expression per
    value; or, given one expression for several values (a tensor, a list), a loop over it."""
    if len(expressions) == 1 and len(line.values) != 1:
        return f'print("{line.label}:", " ".join(f"{{v:{line.fmt}}}" for v in {expressions[0]}))'
    if len(expressions) != len(line.values):
        raise ValueError(f"{line.label!r} has {len(line.values)} values, {len(expressions)} given")
    fields = " ".join(f"{{{e}:{line.fmt}}}" for e in expressions)
    return f'print(f"{line.label}: {fields}")'


def _comment(indent: str, text: str) -> list[str]:
    width = max(COMMENT_WIDTH - len(indent), 40)
    if re.search("[\uac00-\ud7a3]", text):  # Hangul is drawn about twice as wide
        width = int(width * 0.62)
    wrapped = textwrap.wrap(text, width=width - 2, break_long_words=False, break_on_hyphens=False)
    return [f"{indent}# {part}" for part in wrapped or [""]]


def script(tr: Translate, body: str, **values: Any) -> str:
    """A script from a template: dedented; a line `#: key` (any indent, optionally followed by
    ` name=value` words for the string) becomes that string as a comment, wrapped; `$name` is
    `values[name]` as a literal (`lit`), or as code when it is a `Raw`."""

    def said(key: str, words: str) -> str:
        pairs = dict(w.split("=", 1) for w in words.split())
        return tr(key, **{k: values.get(v[1:], v) if v[:1] == "$" else v for k, v in pairs.items()})

    out: list[str] = []
    for raw_line in textwrap.dedent(body).strip("\n").splitlines():
        found = _COMMENT.match(raw_line)
        code, marker, rest = raw_line.partition("  #: ")
        if found is None and marker:  # a comment after code: one line, not wrapped
            key, _, words = rest.strip().partition(" ")
            out.append(f"{code}  # {said(key, words)}")
        elif found is None:
            out.append(raw_line)
        else:
            out.extend(_comment(found["indent"], said(found["key"], found["words"])))
    text = "\n".join(out) + "\n"
    return string.Template(text).substitute({k: lit(v) for k, v in values.items()})


def printed_labels(code: str) -> list[str]:
    """The labels of the script's print statements in the order they appear: the constant text
    each one starts with, up to its first ':'."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"):
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, ast.JoinedStr):
            first = first.values[0]
        if isinstance(first, ast.Constant) and ":" in str(first.value):
            found.append(((node.lineno, node.col_offset), str(first.value).split(":", 1)[0]))
    return [label for _, label in sorted(found)]


def imported_modules(code: str) -> set[str]:
    """The top-level modules a script imports."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def _numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def _unit(token: str) -> float:
    """One unit in the last displayed place of a formatted number."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.split(".", 1)[1]) if "." in mantissa else 0
    return 10.0 ** (int(exponent or 0) - decimals)


def mismatches(printed: str, readout: Sequence[Line]) -> list[str]:
    """What differs between a script's output and the page's readout: the same labels in the same
    order, and each number within one unit of its last displayed place (a rounding that falls
    the other way), or within the line's tolerance for a statistic."""
    got = [line.split("  #", 1)[0] for line in printed.strip().splitlines() if ": " in line]
    problems = []
    if [g.split(": ", 1)[0] for g in got] != [line.label for line in readout]:
        return [f"labels differ: printed {[g.split(': ', 1)[0] for g in got]}"]
    for text, line in zip(got, readout, strict=True):
        values = _numbers(text.split(": ", 1)[1])
        if len(values) != len(line.values):
            problems.append(f"{line.label}: printed {text!r}, page {line.text!r}")
            continue
        for token, expected in zip(values, line.values, strict=True):
            value = float(token)
            shown = float(format(expected, line.fmt))
            if line.statistic:
                ok = abs(value - expected) <= line.tolerance * max(abs(expected), 1e-12)
            else:
                ok = abs(value - shown) <= 1.0000001 * _unit(token)
            if not ok:
                problems.append(f"{line.label}: printed {text!r}, page {line.text!r}")
    return problems


class _Reading(dict):
    """The settings handed to a builder, noting which ones it reads (iterating or copying the
    whole mapping reads every key)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def __iter__(self):  # also what dict(...) and {**...} of this mapping go through
        self.read.update(super().keys())
        return super().__iter__()

    def keys(self):
        self.read.update(super().keys())
        return super().keys()

    def items(self):
        self.read.update(super().keys())
        return super().items()

    def values(self):
        self.read.update(super().keys())
        return super().values()


class Snippets:
    """A bounded cache of built snippets keyed on the settings each build actually read: a page's
    full rerun hands every section all of the page's settings, and a section's script is rebuilt
    only when one of its own changes. A builder is deterministic, so a build that read the keys S
    with these values of S would read the same keys and return the same snippet again."""

    def __init__(self, max_entries: int = 256) -> None:
        self._built: OrderedDict[tuple[Any, ...], Snippet] = OrderedDict()
        self._reads: dict[tuple[str, str], set[tuple[str, ...]]] = {}
        self._max = max_entries
        self._lock = threading.Lock()

    def get(
        self, build: Callable[..., Snippet], values: Mapping[str, Any], lang: str, tr: Translate
    ) -> Snippet:
        who = (build.__module__, build.__qualname__, lang)
        with self._lock:
            for keys in self._reads.get(who[:2], ()):
                if all(k in values for k in keys):
                    found = self._built.get((*who, keys, tuple(values[k] for k in keys)))
                    if found is not None:
                        self._built.move_to_end((*who, keys, tuple(values[k] for k in keys)))
                        return found
        reading = _Reading(values)
        snippet = build(reading, tr)
        keys = tuple(sorted(reading.read))
        with self._lock:
            self._reads.setdefault(who[:2], set()).add(keys)
            self._built[(*who, keys, tuple(values.get(k) for k in keys))] = snippet
            while len(self._built) > self._max:
                self._built.popitem(last=False)
        return snippet
