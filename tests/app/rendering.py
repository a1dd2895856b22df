"""What a link renders, as a compact fingerprint, and the recorded links a refactor must keep.

A fingerprint holds, per chart, its title, the number of frames and per trace its type, name and a
summary of each numeric array (size, sum, sum of |x|, min, max over the finite values, count of
non-finite ones); the notices verbatim; and a short hash of every text element in order. Two
renderings match when the strings are equal and the numbers agree to 1e-9 relative.

    python tests/app/rendering.py            # record tests/app/rendered_links.json anew

Record only when what a visitor sees is meant to change; test_rendered_links.py compares.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent.parent)]

from apptools import PAGES, charts, decode, notices, open_page  # noqa: E402

RECORD = HERE / "rendered_links.json"
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "latex", "info", "error")

# Beyond each page at its defaults and after each of its buttons: links with several controls set
# and a few hostile ones (the page must keep saying exactly what it says today).
EXTRA_LINKS: tuple[tuple[str, dict[str, str]], ...] = (
    ("home", {"lang": "ko"}),
    ("activations", {"lang": "ko", "act": "sigmoid,relu", "mu": "-1", "depth": "30"}),
    ("activations", {"lang": "en", "act": "leaky_relu,elu,gelu", "slope": "0.2", "alpha": "2"}),
    ("activations", {"lang": "en", "target": "abs", "k": "6", "xmax": "3"}),
    ("optimizers", {"lang": "ko", "opt": "sgd,adam,rmsprop", "steps": "200"}),
    ("optimizers", {"lang": "en", "surf": "rosenbrock", "opt": "adam,nadam", "same_lr": "1"}),
    ("optimizers", {"lang": "en", "surf": "logistic", "batch": "10", "seed": "3"}),
    ("initialization", {"lang": "ko", "schemes": "he_normal,xavier_normal", "act": "relu"}),
    ("initialization", {"lang": "en", "depth": "30", "width": "64", "bn": "1", "hist": "gradient"}),
    ("initialization", {"lang": "en", "tr_depth": "6", "tr_steps": "100", "sym_steps": "50"}),
    ("batchnorm", {"lang": "ko", "dist": "bimodal", "n": "64", "gamma": "2", "beta": "-1"}),
    ("batchnorm", {"lang": "en", "opt": "adam", "lr": "0.05", "steps": "200", "act": "sigmoid"}),
    ("activations", {"lang": "en", "depth": "<script>", "act": "nope"}),
    ("optimizers", {"lang": "en", "steps": "1e9", "opt": "sgd,sgd,??"}),
    ("initialization", {"lang": "xx", "schemes": "zeros,he_normal,a,b,c,d,e", "depth": "NaN"}),
    ("batchnorm", {"lang": "en", "eps": "-1", "n": "1"}),
    ("perceptron", {"lang": "ko", "pdata": "xor", "c2": "0"}),
    ("perceptron", {"lang": "en", "ds": "spiral3", "layers": "3", "n1": "8", "a2": "relu"}),
    ("perceptron", {"lang": "en", "ds": "bumps", "opt": "adam", "lr": "0.01", "epochs": "100"}),
    ("perceptron", {"lang": "en", "bn": "1", "drop": "0.2", "droplast": "1", "batch": "16"}),
    ("perceptron", {"lang": "en", "layers": "9", "lr": "nan", "feat": "x9", "at": "-3"}),
    ("generalization", {"lang": "ko", "capm": "mlp", "capax": "depth", "fitreg": "l1"}),
    ("generalization", {"lang": "en", "capt": "d2l", "capn": "22", "capsd": "1", "drp": "0"}),
    ("generalization", {"lang": "en", "capn": "1e9", "fitlam": "-1", "drp": "NaN"}),
    ("convolutions", {"lang": "ko", "opimg": "scene", "oppos": "0"}),
    ("convolutions", {"lang": "en", "oppos": "-4", "w00": "1e9", "flrow": "99"}),
    ("recurrent", {"lang": "ko", "vnl": "relu", "vsig": "1.2", "gfb": "1", "rsact": "relu"}),
    ("recurrent", {"lang": "en", "vt": "1e9", "memclip": "NaN", "gsp1": "999", "rswidth": "7"}),
)


def _summary(values: Any) -> list[Any]:
    try:
        array = decode(values).astype(float).ravel()
    except (TypeError, ValueError):
        return ["categories", len(values) if hasattr(values, "__len__") else 1]
    finite = array[np.isfinite(array)]
    if not finite.size:
        return [int(array.size), int(array.size)]
    return [
        int(array.size),
        int(array.size - finite.size),
        float(finite.sum()),
        float(np.abs(finite).sum()),
        float(finite.min()),
        float(finite.max()),
    ]


def _title(layout: dict[str, Any]) -> str:
    title = layout.get("title", "")
    return str(title.get("text", "") if isinstance(title, dict) else title)


def fingerprint(at: Any) -> dict[str, Any]:
    """What the page drew, compactly (see the module docstring)."""
    figures = []
    for spec in charts(at):
        traces = []
        for trace in spec.get("data", []):
            entry = {"type": trace.get("type", "scatter"), "name": str(trace.get("name", ""))}
            for axis in ("x", "y", "z"):
                if trace.get(axis) is not None:
                    entry[axis] = _summary(trace[axis])
            traces.append(entry)
        layout = spec.get("layout", {})
        figures.append(
            {"title": _title(layout), "frames": len(spec.get("frames", [])), "traces": traces}
        )
    texts = [str(el.value) for kind in TEXT_KINDS for el in at.get(kind)]
    return {
        "exception": bool(at.exception),
        "notices": notices(at),
        "texts": [hashlib.sha1(t.encode()).hexdigest()[:10] for t in texts],
        "figures": figures,
    }


def differences(want: Any, got: Any, where: str = "") -> list[str]:
    """Where two fingerprints disagree (numbers to 1e-9 relative, everything else exactly)."""
    if isinstance(want, dict) and isinstance(got, dict):
        if set(want) != set(got):
            return [f"{where}: keys {sorted(set(want) ^ set(got))}"]
        return [d for k in want for d in differences(want[k], got[k], f"{where}.{k}")]
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return [f"{where}: {len(want)} items, now {len(got)}"]
        return [
            d
            for i, (w, g) in enumerate(zip(want, got, strict=True))
            for d in differences(w, g, f"{where}[{i}]")
        ]
    both_numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (want, got))
    if both_numbers and math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12):
        return []
    return [] if want == got else [f"{where}: {want!r} → {got!r}"]


def _links_after_buttons(page: str) -> list[dict[str, str]]:
    """The link each of the page's buttons leads to (its presets, above all)."""
    found = []
    count = len(open_page(page, {"lang": "en"}).button)
    for index in range(count):
        at = open_page(page, {"lang": "en"})
        at.button[index].click().run()
        remembered = (
            at.session_state["_params"].get(page, {}) if "_params" in at.session_state else {}
        )
        link = {"lang": "en", **remembered}
        if link not in found:
            found.append(link)
    return found


def links() -> list[tuple[str, dict[str, str]]]:
    """Every recorded link: each page at defaults, after each of its buttons, and EXTRA_LINKS."""
    out: list[tuple[str, dict[str, str]]] = []
    for page in PAGES:
        out.append((page, {"lang": "en"}))
        out.extend((page, link) for link in _links_after_buttons(page) if link != {"lang": "en"})
    out.extend(EXTRA_LINKS)
    return out


def record() -> None:
    entries = [
        {"page": page, "params": params, "renders": fingerprint(open_page(page, params))}
        for page, params in links()
    ]
    RECORD.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {len(entries)} links in {RECORD.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    record()
