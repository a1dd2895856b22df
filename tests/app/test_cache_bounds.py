"""Every Streamlit cache in the app is bounded, so memory stays flat however many settings
visitors try: each st.cache_data / st.cache_resource in app.py, pages/ and ui/ is a decorator
call with max_entries (or ttl).

Checked by reading the sources (AST), not by running them. That a few hundred distinct settings
really keep the server's memory flat is measured by the load benchmark (`python -m bench.load`,
its distinct-settings phase; see bench/RESULTS.md), not here: it needs a live server.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from apptools import ROOT

CACHES = ("cache_data", "cache_resource")
BOUNDS = ("max_entries", "ttl")


def sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("pages", "ui"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if f.exists()]


def _cache_name(node: ast.expr) -> str | None:
    """`cache_data` for st.cache_data, streamlit.cache_data or a bare imported cache_data."""
    if isinstance(node, ast.Attribute) and node.attr in CACHES:
        return node.attr
    if isinstance(node, ast.Name) and node.id in CACHES:
        return node.id
    return None


def _bounded(call: ast.Call) -> bool:
    return any(
        k.arg in BOUNDS and not (isinstance(k.value, ast.Constant) and k.value.value is None)
        for k in call.keywords
    )


def unbounded_caches(path: Path, root: Path = ROOT) -> Iterator[str]:
    """Each use of a Streamlit cache in `path` that sets no bound, as `file:line: what`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root)
    called: set[int] = set()
    for node in ast.walk(tree):
        # @st.cache_data(max_entries=…), st.cache_data(fn, max_entries=…), or an alias call.
        if isinstance(node, ast.Call) and _cache_name(node.func):
            called.add(id(node.func))
            if not _bounded(node):
                yield f"{where}:{node.lineno}: {_cache_name(node.func)}(…) without max_entries"
    for node in ast.walk(tree):
        # Bare @st.cache_data, or the function itself passed around (x = st.cache_data).
        name = _cache_name(node) if isinstance(node, ast.Attribute | ast.Name) else None
        stored = isinstance(getattr(node, "ctx", None), ast.Store)
        if name and id(node) not in called and not stored:
            yield f"{where}:{node.lineno}: bare {name} (unbounded)"


def test_the_checker_finds_unbounded_caches(tmp_path):
    """The AST check itself: bare decorators, calls without a bound and aliases are caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import streamlit as st\n"
        "from streamlit import cache_resource\n"
        "@st.cache_data\ndef a(): ...\n"
        "@st.cache_data(show_spinner=False)\ndef b(): ...\n"
        "@cache_resource(max_entries=None)\ndef c(): ...\n"
        "@st.cache_data(max_entries=8)\ndef d(): ...\n"
        "@st.cache_resource(ttl=3600)\ndef e(): ...\n"
        "f = st.cache_data(lambda: 1)\n",
        encoding="utf-8",
    )
    found = list(unbounded_caches(sample, root=tmp_path))
    assert [line.split(":")[1] for line in found] == ["5", "7", "13", "3"]


def test_every_streamlit_cache_sets_max_entries_or_ttl():
    offenders = [line for path in sources() for line in unbounded_caches(path)]
    assert not offenders, "\n".join(offenders)


def test_the_app_has_caches_to_check():
    """Guard against the check passing because it looked at nothing."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources())
    assert "cache_data" in text or "cache_resource" in text
