"""Calls: a filterable list; a call's transcript with roles, highlighted findings and audio."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st

from callinsight.dashboard.queries import matching
from callinsight.reports.clock import clock
from components import filters
from components.state import data, settings, store

KIND_COLOURS = {
    "objection": "#fde2e1",
    "question": "#e3f0ff",
    "attribution": "#e6f6e6",
    "research": "#fff4d6",
    "content_mention": "#efe6ff",
}


@st.cache_data(show_spinner=False, max_entries=32)
def _utterances(url: str, call_id: str, version: tuple) -> pd.DataFrame:
    rows = [
        (u.index, u.speaker, u.role, u.start_s, u.end_s, u.text)
        for u in store().utterances(call_id)
    ]
    return pd.DataFrame(rows, columns=["index", "speaker", "role", "start_s", "end_s", "text"])


def highlighted(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """The utterance as HTML with each finding's exact quote marked (escaped, no overlaps)."""
    out, at = [], 0
    for start, end, kind, label in sorted(spans):
        if start < at:
            continue
        out.append(html.escape(text[at:start]))
        colour = KIND_COLOURS.get(kind, "#eee")
        out.append(
            f'<mark style="background:{colour}" title="{html.escape(label)}">'
            f"{html.escape(text[start:end])}</mark>"
        )
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


st.title("Calls")
d = data()
_, calls, _ = filters.in_view(d)
needle = st.text_input("Find calls", placeholder="title, file, account or rep")
calls = matching(calls, needle, ["name", "source_file", "account", "rep"])
counts = d.findings.groupby(["call_id", "kind"]).size().unstack(fill_value=0)
listing = calls.merge(counts, left_on="call_id", right_index=True, how="left")
for kind in ("objection", "question", "attribution"):
    if kind not in listing:
        listing[kind] = 0
listing = listing.sort_values("date", ascending=False)
SHOWN = 1000  # a browser table of every call in a big archive is slow and nobody scrolls it
if len(listing) > SHOWN:
    st.caption(f"The {SHOWN:,} most recent of {len(listing):,} calls; narrow with filters or find.")
listing = listing.head(SHOWN).copy()
listing["open"] = listing["call_id"].map(lambda c: f"/calls?call={c[:12]}")
st.dataframe(
    listing[
        [
            "name",
            "date",
            "rep",
            "account",
            "stage",
            "outcome",
            "status",
            "objection",
            "question",
            "attribution",
            "open",
        ]
    ],
    hide_index=True,
    column_config={
        "date": st.column_config.DateColumn("date"),
        "objection": st.column_config.NumberColumn("objections", format="%d"),
        "question": st.column_config.NumberColumn("questions", format="%d"),
        "attribution": st.column_config.NumberColumn("sources", format="%d"),
        "open": st.column_config.LinkColumn("call", display_text="open"),
    },
)
failed = calls[calls["status"] == "failed"]
if not failed.empty:
    with st.expander(f"{len(failed)} files could not be read"):
        for r in failed.itertuples():
            st.markdown(f"- `{r.source_file}`: {r.error}")

if listing.empty:
    st.stop()
wanted = st.query_params.get("call", "")
ids = listing["call_id"].tolist()
names = dict(zip(listing["call_id"], listing["name"], strict=True))
start = next((i for i, c in enumerate(ids) if wanted and c.startswith(wanted)), 0)
call_id = st.selectbox("Call", ids, index=start, format_func=lambda c: names[c])
if not call_id.startswith(wanted or "\0"):
    st.query_params["call"] = call_id[:12]
    st.query_params.pop("t", None)
call = listing[listing["call_id"] == call_id].iloc[0]

st.header(call["name"])
facts = [
    f"{k}: {call[k]}"
    for k in ("rep", "account", "stage", "outcome", "industry")
    if isinstance(call[k], str)
]
when = call["date"].date().isoformat() if pd.notna(call["date"]) else "no date"
st.caption(" · ".join([when, *facts, f"file: {Path(str(call['source_file'])).name}"]))
t = st.query_params.get("t")
if isinstance(call["audio_path"], str) and Path(call["audio_path"]).is_file():
    st.audio(call["audio_path"], start_time=int(t) if t and t.isdigit() else 0)

found = d.findings[d.findings["call_id"] == call_id]
legend = " ".join(
    f'<mark style="background:{c}">{k.replace("_", " ")}</mark>' for k, c in KIND_COLOURS.items()
)
st.markdown(f"Findings: {len(found)} · {legend}", unsafe_allow_html=True)
spans: dict[int, list[tuple[int, int, str, str]]] = {}
for r in found.itertuples():
    start, end = int(r.char_start), int(r.char_end)
    label = (
        r.kind
        + (f": {r.category}" if isinstance(r.category, str) else "")
        + (f": {r.channel}" if isinstance(r.channel, str) else "")
    )
    spans.setdefault(r.utterance_index, []).append((start, end, r.kind, label))

lines = []
for u in _utterances(settings().db_url, call_id, d.version).itertuples():
    role = u.role if u.role in ("rep", "prospect") else "unknown"
    lines.append(
        f'<p style="margin:0 0 .5em 0"><code>{clock(u.start_s)}</code> '
        f"<b>{html.escape(u.speaker)}</b> <small>({role})</small>: "
        f"{highlighted(u.text, spans.get(u.index, []))}</p>"
    )
st.markdown("\n".join(lines), unsafe_allow_html=True)
