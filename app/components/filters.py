"""Sidebar filters shared by every analytic page: date range, rep, industry, stage, outcome."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from callinsight.dashboard.queries import Filters

KEYS = ("f_dates", "f_reps", "f_industries", "f_stages", "f_outcomes")


def _options(calls: pd.DataFrame, column: str) -> list[str]:
    return sorted(str(v) for v in calls[column].dropna().unique())


def sidebar_filters(calls: pd.DataFrame) -> None:
    # A popover, not an expander: the browser builds a closed popover's widgets only when it
    # opens, while a collapsed expander's date picker and selects cost every page ~0.1-0.3 s.
    with st.sidebar.popover("Filters", icon=":material/filter_list:", width="stretch"):
        dates = calls["date"].dropna()
        if not dates.empty:
            lo, hi = dates.min().date(), dates.max().date()
            st.session_state["_f_bounds"] = (lo, hi)
            st.date_input("Date range", value=(lo, hi), min_value=lo, max_value=hi, key="f_dates")
        st.multiselect("Rep", _options(calls, "rep"), key="f_reps")
        st.multiselect("Industry", _options(calls, "industry"), key="f_industries")
        st.multiselect("Deal stage", _options(calls, "stage"), key="f_stages")
        st.multiselect("Outcome", _options(calls, "outcome"), key="f_outcomes")


def current() -> Filters:
    """The filters as the sidebar holds them (all calls when untouched)."""
    state = st.session_state
    dates = state.get("f_dates") or ()
    start, end = ((*tuple(dates), None, None))[:2] if dates else (None, None)
    if (start, end) == state.get("_f_bounds"):  # the whole range is no filter
        start = end = None
    return Filters(
        start=start,
        end=end,
        reps=tuple(state.get("f_reps") or ()),
        industries=tuple(state.get("f_industries") or ()),
        stages=tuple(state.get("f_stages") or ()),
        outcomes=tuple(state.get("f_outcomes") or ()),
    )


class View(NamedTuple):
    filters: Filters
    calls: pd.DataFrame
    findings: pd.DataFrame


def in_view(d) -> View:
    """The calls and findings the sidebar's filters let through, said once under the title."""
    f = current()
    calls = f.apply(d.calls)
    if f.active:
        st.caption(f"Filtered: {len(calls):,} of {len(d.calls):,} calls. Change it under Filters.")
    return View(f, calls, f.apply(d.findings))
