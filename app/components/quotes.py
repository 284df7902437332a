"""Quotes as evidence: who said it, in which call, when, with a player that starts there."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st

from callinsight.reports.clock import clock


def seconds(value) -> int | None:
    """A time from a frame (None or NaN when the transcript had no times)."""
    return None if value is None or pd.isna(value) else int(value)


def call_link(call_id: str, name: str, start_s: float | None = None) -> str:
    at = f"&t={seconds(start_s)}" if seconds(start_s) is not None else ""
    return f"[{plain(name)}](/calls?call={call_id[:12]}{at})"


def plain(text: str) -> str:
    """Plain text safe inside Markdown (quotes are buyers' words, never markup)."""
    return html.escape(str(text)).replace("[", "&#91;").replace("]", "&#93;").replace("*", "&#42;")


def quote_line(row: pd.Series) -> str:
    """“quote” — Speaker, call at 01:23 (account, date)."""
    when = row["date"].date().isoformat() if pd.notna(row.get("date")) else "no date"
    who = row.get("account") if pd.notna(row.get("account")) else "unknown account"
    return (
        f"“{plain(row['quote'])}”  \n"
        f"— {plain(row['speaker'])}, {call_link(row['call_id'], row['name'], row['start_s'])} "
        f"at {clock(row['start_s'])} · {plain(who)} · {when}"
    )


def audio_at(row: pd.Series) -> None:
    """A player for the quote's recording, starting at the quote (transcripts have none)."""
    path = row.get("audio_path")
    if isinstance(path, str) and Path(path).is_file():
        st.audio(path, start_time=seconds(row["start_s"]) or 0)
    else:
        st.caption("No recording for this call (it was imported as a transcript).")


def quote_list(rows: pd.DataFrame, limit: int = 20, players: bool = True) -> None:
    if rows.empty:
        st.info("No quotes match.")
        return
    for _, row in rows.head(limit).iterrows():
        with st.container(border=True):
            st.markdown(quote_line(row))
            if players and pd.notna(row.get("audio_path")):
                with st.expander("▶ listen", expanded=False):
                    audio_at(row)
    if len(rows) > limit:
        st.caption(f"Showing {limit} of {len(rows):,} quotes.")
