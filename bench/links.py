"""Links with valid random settings for any page, from the controls its topic declares
(ui.topics: each topic's control table)."""

from __future__ import annotations

import random
import sys
from typing import Any
from urllib.parse import urlencode

from bench.server import ROOT

for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from ui import state  # noqa: E402


def discover(page: str) -> dict[str, Any]:
    """The page's controls (key -> spec), as its topic's control table declares them."""
    from ui import topics

    return topics.specs(page)


def random_value(spec: Any, rng: random.Random) -> str:
    """A valid value for `spec` as the link writes it."""
    if isinstance(spec, state.Number):
        steps = round((spec.hi - spec.lo) / spec.step)
        return spec.serialize(spec.snap(spec.lo + rng.randint(0, steps) * spec.step))
    if isinstance(spec, state.Integer):
        return spec.serialize(
            spec.lo + rng.randint(0, (spec.hi - spec.lo) // spec.step) * spec.step
        )
    if isinstance(spec, state.Choice):  # LogNumber included
        return spec.serialize(rng.choice(spec.options))
    if isinstance(spec, state.Choices):
        limit = min(len(spec.options), spec.max_count or len(spec.options))
        picked = set(rng.sample(spec.options, rng.randint(1, limit)))
        return spec.serialize(tuple(o for o in spec.options if o in picked))
    if isinstance(spec, state.Flag):
        return spec.serialize(rng.random() < 0.5)
    return spec.serialize(spec.default)


def random_link(specs: dict[str, Any], rng: random.Random, lang: str | None = None) -> str:
    """A query string setting every control to a random valid value."""
    params = {"lang": lang or rng.choice(("en", "ko"))}
    params |= {key: random_value(spec, rng) for key, spec in specs.items()}
    return urlencode(params)


def tweaked_link(specs: dict[str, Any], rng: random.Random, changes: int = 3) -> str:
    """A query string as a visitor's shared link looks: the defaults with one to `changes`
    controls set to random valid values (all of them, on a page with fewer controls)."""
    params = {"lang": rng.choice(("en", "ko"))}
    keys = rng.sample(sorted(specs), min(len(specs), rng.randint(1, changes))) if specs else []
    params |= {key: random_value(specs[key], rng) for key in keys}
    return urlencode(params)
