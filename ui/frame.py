"""The frame every page starts with: page config, language, translated navigation, copy-link button.

Each page (and app.py) calls `page_frame(page_id)` first. The app uses Streamlit's classic `pages/`
folder without `st.navigation`: a shared deep link opened on a freshly started server runs the page
script alone, so everything a page needs around it must come from this one call.
"""

from __future__ import annotations

import streamlit as st

from ui import i18n, state
from ui.i18n import Translate, t
from ui.topics import PAGES

LANG_WIDGET = "w:lang"


def _resolve_language() -> None:
    """Fix the session's language once: the link's `lang`, else the browser's locale."""
    if i18n.SESSION_KEY in st.session_state:
        return
    raw = st.query_params.get_all("lang")
    lang = raw[-1] if raw else None
    if lang not in i18n.LANGS:
        lang = i18n.lang_from_locale(st.context.locale)
        if raw:
            st.session_state["_bad_lang"] = True  # said once the notice slot exists
    st.session_state[i18n.SESSION_KEY] = lang


def _on_language_change() -> None:
    st.session_state[i18n.SESSION_KEY] = st.session_state[LANG_WIDGET]


def _language_switch() -> None:
    st.session_state[LANG_WIDGET] = i18n.current_lang()
    st.sidebar.radio(
        "언어 · Language",
        i18n.LANGS,
        format_func=i18n.LANG_NAMES.__getitem__,
        key=LANG_WIDGET,
        horizontal=True,
        on_change=_on_language_change,
    )
    if st.query_params.get_all("lang") != [i18n.current_lang()]:
        st.query_params["lang"] = i18n.current_lang()


def _navigation(current: str) -> None:
    remembered = st.session_state.get(state.PARAMS_KEY, {})
    lang = i18n.current_lang()
    with st.sidebar:
        st.markdown(f"### {t('app.name')}")
        for page in PAGES:
            params = {"lang": lang} | (remembered.get(page.id, {}) if page.id != current else {})
            st.page_link(page.page, label=t(f"nav.{page.id}"), icon=page.icon, query_params=params)


# The button copies the address bar itself, so it is right whatever reran last (fragments included).
# Its two labels come from our own tables; nothing from the URL is ever put into this HTML.
_COPY_LINK_HTML = """
<div class="gn-copy">
  <button type="button" id="gn-copy-link" data-done="{done}" data-prompt="{prompt}">
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none"
         stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      <path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7"/>
      <path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7"/>
    </svg>
    <span class="gn-label">{label}</span>
  </button>
</div>
<style>
  .gn-copy button {{
    width: 100%; padding: 0.45rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
    border: 1px solid rgba(49, 51, 63, 0.2); background: #ffffff; color: #1f2430; font-size: 0.9rem;
    display: flex; align-items: center; justify-content: center; gap: 0.4rem;
  }}
  .gn-copy button:hover {{ border-color: #3b5bdb; color: #3b5bdb; }}
  /* A display formula wider than a phone scrolls sideways in its own box, not cut off. */
  .katex-display {{ overflow-x: auto; overflow-y: hidden; padding-bottom: 2px; }}
</style>
<script>
  (function () {{
    const button = document.getElementById("gn-copy-link");
    if (!button || button.dataset.bound) return;
    button.dataset.bound = "1";
    const text = button.querySelector(".gn-label");
    const label = text.textContent;
    button.addEventListener("click", async function () {{
      const url = window.location.href;
      try {{
        await navigator.clipboard.writeText(url);
        text.textContent = "✓ " + button.dataset.done;
        setTimeout(function () {{ text.textContent = label; }}, 2000);
      }} catch (err) {{
        window.prompt(button.dataset.prompt, url);
      }}
    }});
  }})();
</script>
"""


# Browsers break Hangul between any two syllables ("어/떻게"); Korean breaks between words, and a
# long token (a formula, a link) may still wrap anywhere rather than overflow.
_KOREAN_LINE_BREAKING = (  # important: Streamlit's Markdown sets word-break on every paragraph
    "<style>.stApp, .stApp * { word-break: keep-all !important; "
    "overflow-wrap: anywhere !important; }</style>"
)


def _line_breaking() -> None:
    if i18n.current_lang() == "ko":
        st.html(_KOREAN_LINE_BREAKING)


def _copy_link_button() -> None:
    html = _COPY_LINK_HTML.format(
        label=t("app.copy_link"), done=t("app.copied"), prompt=t("app.copy_prompt")
    )
    with st.sidebar:
        st.html(html, unsafe_allow_javascript=True)
        st.caption(t("app.copy_link_help"))


def _notice_slot() -> None:
    st.session_state[state.NOTICES_KEY] = []
    st.session_state[state.DRAWN_KEY] = set()
    st.session_state[state.NOTICE_SLOT_KEY] = st.empty()
    if st.session_state.pop("_bad_lang", False):
        state.warn_ignored("lang", t("url.expected_choice", options=", ".join(i18n.LANGS)))


def page_frame(page_id: str) -> Translate:
    """Draw the frame around page `page_id` and return the session's translator."""
    _resolve_language()
    st.session_state[state.PAGE_KEY] = page_id
    st.set_page_config(
        page_title=f"{t(f'nav.{page_id}')} · {t('app.name')}",
        page_icon="📉",
        layout="wide",
        initial_sidebar_state="auto",  # collapsed on a phone: a shared link lands on the page,
    )
    _line_breaking()
    _language_switch()
    _navigation(page_id)
    _copy_link_button()
    st.title(t(f"{page_id}.title"))
    _notice_slot()
    return i18n.translator(i18n.current_lang())
