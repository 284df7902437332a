"""callinsight dashboard: `callinsight dashboard` runs this with Streamlit (st.navigation)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Pages import the shared widgets in components/ whatever the working directory.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from components.filters import sidebar_filters
from components.state import load_data, settings

st.set_page_config(page_title="callinsight", page_icon=":material/forum:", layout="wide")

PAGES = {
    "Insights": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:",
                default=True),
        st.Page("app_pages/objections.py", title="Objections", icon=":material/report:"),
        st.Page("app_pages/gaps.py", title="Content gaps", icon=":material/search_off:"),
        st.Page("app_pages/attribution.py", title="Attribution", icon=":material/campaign:"),
    ],
    "Content": [
        st.Page("app_pages/library.py", title="Content library", icon=":material/library_books:"),
        st.Page("app_pages/answer.py", title="Answer an objection", icon=":material/reply:"),
    ],
    "Calls": [
        st.Page("app_pages/calls.py", title="Calls", icon=":material/call:"),
        st.Page("app_pages/search.py", title="Search", icon=":material/search:"),
        st.Page("app_pages/upload.py", title="Upload", icon=":material/upload:"),
    ],
}  # fmt: skip

page = st.navigation(PAGES)
st.sidebar.caption(f"workspace: `{settings().workspace}`")
sidebar_filters(load_data().calls)
page.run()
