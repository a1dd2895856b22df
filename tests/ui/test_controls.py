"""Controls declared once in a table: their specs, what they admit, and drawing them by key."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui.state import Choice, Choices, Control, Flag, Integer, LogNumber, Number, table

CONTROLS = table(
    Control("depth", "integer", 20, "act.ctl.depth", lo=1, hi=100),
    Control("mu", "number", 0.0, "act.ctl.mu", lo=-5.0, hi=5.0, step=0.1),
    Control("lr", "log", 0.05, "act.ctl.mu", lo=0.001, hi=10.0),
    Control("act", "choice", "tanh", "act.ctl.pick", options=("tanh", "relu"),
            option_label="act.name.{}"),
    Control("pick", "choices", ("tanh",), "act.ctl.pick", options=("tanh", "relu", "elu"),
            option_label="act.name.{}", max_count=2),
    Control("bn", "flag", False, "act.ctl.pick"),
)  # fmt: skip


def test_each_kind_gets_the_spec_its_widget_validates_with():
    kinds = {key: type(entry.spec()) for key, entry in CONTROLS.items()}
    assert kinds == {
        "depth": Integer,
        "mu": Number,
        "lr": LogNumber,
        "act": Choice,
        "pick": Choices,
        "bn": Flag,
    }
    assert CONTROLS["lr"].spec().default == 0.05


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("depth", 100, 101),
        ("depth", 1, 2.5),
        ("mu", -0.3, 0.35),  # off the slider's grid
        ("mu", 5.0, 5.1),
        ("lr", 0.2, 0.3),  # not a 1-2-5 grid value
        ("act", "relu", "elu"),
        ("pick", ("relu", "elu"), ("tanh", "relu", "elu")),  # over its limit
        ("pick", ("tanh",), ("gelu",)),
        ("bn", True, "yes"),
    ],
)
def test_a_control_admits_what_its_widget_can_show_and_nothing_else(key, good, bad):
    assert CONTROLS[key].admits(good)
    assert not CONTROLS[key].admits(bad)


def test_a_key_declared_twice_or_a_malformed_control_fails_at_declaration():
    with pytest.raises(ValueError, match="declared twice"):
        table(Control("a", "flag", False, "x"), Control("a", "flag", True, "x"))
    with pytest.raises(ValueError, match="unknown control kind"):
        table(Control("a", "dial", 0, "x"))


def _script():
    import streamlit as st

    from tests.ui.test_controls import CONTROLS
    from ui import state

    st.session_state.setdefault("_lang", "ko")
    values = {key: state.draw(entry) for key, entry in CONTROLS.items() if key != "depth"}
    values["depth"] = state.draw(CONTROLS["depth"], hi=10)  # a range set by another control
    st.session_state["drawn"] = values


def test_drawn_controls_take_their_words_values_and_run_time_ranges_from_the_table():
    at = AppTest.from_function(_script)
    at.query_params["depth"] = "7"
    at.query_params["pick"] = "relu,elu"
    at.run()
    assert not at.exception
    drawn = at.session_state["drawn"]
    assert drawn["depth"] == 7
    assert drawn["pick"] == ("relu", "elu")
    assert drawn["lr"] == 0.05
    depth = at.slider[0] if at.slider[0].max == 10 else at.slider[1]
    assert depth.max == 10
    box = at.selectbox[0]
    assert box.format_func("relu") == "ReLU"
    assert at.multiselect[0].max_selections == 2


def _script_with_an_undrawn_control():
    import streamlit as st

    from tests.ui.test_controls import CONTROLS
    from ui import state

    st.session_state.setdefault("_lang", "en")
    st.session_state[state.DRAWN_KEY] = set()
    state.draw(CONTROLS["mu"])
    state.check_undrawn(CONTROLS)


def test_a_bad_value_of_an_undrawn_control_is_named_and_dropped_a_good_one_waits():
    at = AppTest.from_function(_script_with_an_undrawn_control)
    at.query_params["depth"] = "abc"  # not drawn this run, and not a value it could take
    at.query_params["lr"] = "0.2"  # not drawn either, but a value its control can show
    at.run()
    assert not at.exception
    said = [str(w.value) for w in at.warning]
    assert len(said) == 1
    assert "`depth`" in said[0]
    assert "`lr`" not in said[0]
    assert "depth" not in at.query_params
    assert at.query_params["lr"] in ("0.2", ["0.2"])
