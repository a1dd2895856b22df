"""The layers keep to their jobs: core is pure NumPy, figures only draw, pages only wire.

- core/ imports neither streamlit nor plotly.
- ui/figures/ loads no Streamlit (not even through ui.i18n) and imports nothing from core that
  computes (data types for annotations and constants are fine).
- pages and app.py call no st.cache_* (ui.cache does) and no st.query_params (ui.state does),
  do no NumPy math of their own, and stay short enough to read top to bottom.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted((ROOT / "core").rglob("*.py"))
FIGURES = sorted(p for p in (ROOT / "ui" / "figures").glob("*.py") if p.name != "__init__.py")
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
MAX_PAGE_LINES = 250


def _runtime_nodes(tree: ast.AST):
    """Every node outside `if TYPE_CHECKING:` blocks (imports for annotations only run nothing)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            yield from (n for child in node.orelse for n in _walk(child))
            continue
        yield node
        yield from _runtime_nodes(node)


def _walk(node: ast.AST):
    yield node
    yield from _runtime_nodes(node)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", CORE, ids=_rel)
def test_core_imports_neither_streamlit_nor_plotly(path):
    bad = {n for n in _imports(path) if n.split(".")[0] in ("streamlit", "plotly", "ui")}
    assert bad == set()


def _calls_core(name: str) -> bool:
    """An import of something from core that can compute (a constant, in capitals, cannot)."""
    parts = name.split(".")
    return parts[0] == "core" and (len(parts) < 3 or not parts[-1].isupper())


@pytest.mark.parametrize("path", FIGURES, ids=_rel)
def test_a_figure_module_imports_no_streamlit_and_nothing_from_core_that_computes(path):
    imported = _imports(path)
    modules = {n for n in imported if n.startswith("core") and n.count(".") == 1}
    things = {n for n in imported if n.startswith("core.") and n.count(".") >= 2}
    bad = {
        n
        for n in imported
        if n.split(".")[0] == "streamlit"
        or n.startswith(("ui.i18n", "ui.state", "ui.frame", "ui.cache", "ui.widgets", "ui.topics"))
    }
    bad |= {n for n in things if _calls_core(n)}
    bad |= {m for m in modules if not any(t.startswith(m + ".") for t in things)}  # import core.x
    assert bad == set()


def test_loading_every_figure_module_loads_no_streamlit():
    modules = ", ".join(f"ui.figures.{p.stem}" for p in FIGURES)
    code = f"import sys, {modules}; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def _attribute_chains(path: Path) -> set[str]:
    chains = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            chains.add(f"{node.value.id}.{node.attr}")
    return chains


@pytest.mark.parametrize("path", PAGES, ids=_rel)
def test_a_page_calls_no_cache_and_no_query_params_itself(path):
    used = _attribute_chains(path)
    assert {c for c in used if c.startswith("st.cache") or c == "st.query_params"} == set()


@pytest.mark.parametrize("path", PAGES, ids=_rel)
def test_a_page_does_no_numpy_math_of_its_own(path):
    imported = {n.split(".")[0] for n in _imports(path)}
    assert "numpy" not in imported
    assert "math" not in imported


@pytest.mark.parametrize("path", PAGES, ids=_rel)
def test_a_page_is_short_enough_to_read_top_to_bottom(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES


def test_only_ui_cache_calls_streamlit_s_caches():
    # ui.cache bounds every cache (tests/ui/test_cache.py): no other module makes one of its own
    callers = [
        _rel(path)
        for path in [*PAGES, *sorted((ROOT / "ui").rglob("*.py"))]
        if path != ROOT / "ui" / "cache.py"
        and {c for c in _attribute_chains(path) if c in ("st.cache_data", "st.cache_resource")}
    ]
    assert callers == []
