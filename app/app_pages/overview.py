"""Overview: calls analysed, objections found, top clusters, gaps, attribution mix, trends."""

from __future__ import annotations

import altair as alt
import streamlit as st

from callinsight.dashboard.queries import attribution_share
from components import filters
from components.charts import stacked_bars
from components.state import cluster_table, data
from components.tables import cluster_dataframe

st.title("Overview")
d = data()
f, calls, findings = filters.in_view(d)

objections = findings[findings["kind"] == "objection"]
table = cluster_table(f, "objection")
gaps = table[table["coverage"].isin(["uncovered", "partly"])]
credit, analysed = attribution_share(findings, calls)

c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("Calls analysed", f"{int(calls['analysed'].sum()):,}", help="of the calls in the filter")
c2.metric("Objections found", f"{len(objections):,}")
c3.metric("Objection clusters", f"{len(table):,}")
c4.metric("Content gaps", f"{len(gaps):,}", help="clusters no asset covers, or covers partly")
c5.metric(
    "Calls crediting content",
    f"{credit / analysed:.0%}" if analysed else "—",
    help="share of analysed calls where the buyer names marketing content as a source",
)

# Every number leads to what is behind it.
l1, l2, l3, l4, l5 = st.columns(5)
l1.page_link("app_pages/calls.py", label="the calls", icon=":material/call:")
l2.page_link("app_pages/objections.py", label="the quotes", icon=":material/format_quote:")
l3.page_link("app_pages/objections.py", label="the clusters", icon=":material/workspaces:")
l4.page_link("app_pages/gaps.py", label="the briefs", icon=":material/search_off:")
l5.page_link("app_pages/attribution.py", label="the answers", icon=":material/campaign:")

left, right = st.columns([3, 2])
with left:
    st.subheader("Top objection clusters")
    if table.empty:
        st.info("No objection clusters yet: analyse calls, then run `callinsight clusters`.")
    else:
        cluster_dataframe(
            table.head(10),
            ["label", "category", "findings", "calls", "accounts", "coverage", "trend"],
        )
        st.markdown(
            "Biggest gaps: "
            + (", ".join(f"[{r.label}](/gaps)" for r in gaps.head(3).itertuples()) or "none")
        )
with right:
    st.subheader("How buyers heard about us")
    attrib = findings[findings["kind"] == "attribution"]
    if attrib.empty:
        st.info("No attribution answers in these calls.")
    else:
        mix = attrib["channel"].fillna("other").value_counts().rename_axis("channel")
        mix = mix.reset_index(name="answers")
        st.altair_chart(
            alt.Chart(mix)
            .mark_bar()
            .encode(x="answers:Q", y=alt.Y("channel:N", sort="-x"), tooltip=["channel", "answers"]),
            width="stretch",
        )

st.subheader("Objections over time")
if objections["date"].notna().any():
    weekly = (
        objections.dropna(subset=["date"])
        .assign(week=lambda x: x["date"].dt.to_period("W").dt.start_time)
        .groupby(["week", "category"])
        .size()
        .reset_index(name="objections")
    )
    stacked_bars(weekly, "week", "temporal", "objections", "category")
else:
    st.caption("The calls have no dates (add them with a CRM metadata file).")
