"""Attribution: how buyers say they heard about us, by channel and named source, over time."""

from __future__ import annotations

import streamlit as st

from callinsight.dashboard.queries import CONTENT_CHANNELS, attribution_share
from components import filters
from components.charts import stacked_bars
from components.quotes import quote_list
from components.state import data

st.title("Attribution")
d = data()
_, calls, findings = filters.in_view(d)
attrib = findings[findings["kind"] == "attribution"].copy()
attrib["channel"] = attrib["channel"].fillna("other")

credit, analysed = attribution_share(findings, calls)
c1, c2, c3 = st.columns(3)
c1.metric("Answers to “how did you hear about us?”", f"{len(attrib):,}")
c2.metric("Calls with an answer", f"{attrib['call_id'].nunique():,}")
c3.metric(
    "Calls crediting marketing content",
    f"{credit / analysed:.0%}" if analysed else "—",
    help=f"a content mention, or an answer naming: {', '.join(CONTENT_CHANNELS)}",
)
if attrib.empty:
    st.info("No attribution answers in these calls.")
    st.stop()

st.subheader("Channels over time")
dated = attrib.dropna(subset=["date"]).assign(month=lambda x: x["date"].dt.strftime("%Y-%m"))
monthly = dated.groupby(["month", "channel"]).size().reset_index(name="answers")
stacked_bars(monthly, "month", "ordinal", "answers", "channel")

left, right = st.columns(2)
with left:
    st.subheader("Channels")
    mix = attrib["channel"].value_counts().rename_axis("channel").reset_index(name="answers")
    mix["share"] = mix["answers"] / mix["answers"].sum()
    st.dataframe(
        mix,
        hide_index=True,
        column_config={"share": st.column_config.ProgressColumn(format="percent")},
    )
with right:
    st.subheader("Named sources")
    named = attrib.dropna(subset=["entity"])
    sources = (
        named.groupby(["entity", "channel"])
        .size()
        .reset_index(name="answers")
        .sort_values("answers", ascending=False)
    )
    st.dataframe(sources, hide_index=True)

st.subheader("In their words")
channel = st.selectbox("Channel", ["all", *mix["channel"].tolist()])
verbatim = attrib if channel == "all" else attrib[attrib["channel"] == channel]
verbatim = verbatim.sort_values("date", ascending=False)
quote_list(verbatim, limit=30, players=False)
