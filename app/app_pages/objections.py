"""Objections: clusters with count, trend, accounts, coverage; a cluster's quotes and actions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from callinsight.dashboard.queries import matching
from callinsight.errors import CallinsightError
from components import filters
from components.quotes import quote_list
from components.state import cluster_table, data, invalidate, store
from components.tables import cluster_dataframe

st.title("Objections")
if flash := st.session_state.pop("flash", None):
    st.success(flash)
d = data()
f, _, findings = filters.in_view(d)
objections = findings[findings["kind"] == "objection"]
table = cluster_table(f, "objection")

# Find any objection quote by its words, its call or its account.
needle = (
    st.text_input("Find quotes", placeholder="words, call or account", key="find_quotes")
    .strip()
    .lower()
)
if needle:
    hits = matching(objections, needle, ["quote", "name", "source_file", "account"])
    hits = hits.sort_values(["date", "start_s"], ascending=[False, True])
    st.markdown(f"**{len(hits):,} objection quotes** match “{needle}”")
    labels = dict(zip(d.clusters["cluster_id"], d.clusters["label"], strict=True))
    for cid, group in hits.groupby("cluster_id", dropna=False, sort=False):
        name = "unclustered" if pd.isna(cid) else labels.get(cid, "unclustered")
        st.markdown(f"##### {name}")
        quote_list(group, limit=10, players=False)
    st.divider()

if table.empty:
    st.info("No objection clusters yet: analyse calls, then run `callinsight clusters`.")
    st.stop()

cluster_dataframe(
    table,
    ["cluster_id", "label", "category", "findings", "calls", "accounts", "trend", "coverage"],
)
unclustered = objections["cluster_id"].isna().sum()
st.caption(f"{unclustered:,} objections fit no cluster (kept out rather than forced in).")

ids = table["cluster_id"].tolist()
labels = dict(zip(table["cluster_id"], table["label"], strict=True))
wanted = st.query_params.get("cluster")
start = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
cid = st.selectbox("Cluster", ids, index=start, format_func=lambda c: f"{c} · {labels[c]}")
st.query_params["cluster"] = str(cid)
row = table[table["cluster_id"] == cid].iloc[0]
members = objections[objections["cluster_id"] == cid].sort_values("cluster_score", ascending=False)

st.header(row["label"])
m1, m2, m3, m4 = st.columns(4)
m1.metric("Findings", int(row["findings"]))
m2.metric("Calls", int(row["calls"]))
m3.metric("Accounts", int(row["accounts"]))
m4.metric("Coverage", row["coverage"] or "—")

# One section at a time (not tabs, which render all three): the page stays light in the browser.
section = st.radio(
    "Show", ["Quotes", "Assets that answer it", "Actions"], horizontal=True, key="cluster_section"
)
if section == "Quotes":
    quote_list(members, limit=25)
elif section == "Assets that answer it":
    matches = d.matches[d.matches["cluster_id"] == cid].merge(d.assets, on="asset_id")
    matches = matches[matches["decision"] != "rejected"].sort_values("score", ascending=False)
    if matches.empty:
        st.info("No asset answers this cluster: it is a content gap.")
    for m in matches.itertuples():
        with st.container(border=True):
            st.markdown(
                f"**{m.title}** ({m.type or 'asset'}) · score {m.score:.2f}"
                + (f" · {m.decision}" if m.decision else "")
            )
            if m.url:
                st.code(m.url, language=None)
            st.caption(m.passage or "")
else:
    from callinsight.cluster.index import ClusterIndex
    from components.state import embedder

    def act(action: str, *args) -> None:
        try:
            result = getattr(ClusterIndex(store(), embedder()), action)(*args)
        except CallinsightError as exc:
            st.error(exc.message)
            return
        invalidate()
        st.session_state["flash"] = f"{action}: done" + (
            f" (new cluster {result})" if result else ""
        )
        st.rerun()

    with st.form("rename"):
        name = st.text_input("Rename cluster", value=row["label"])
        if st.form_submit_button("Rename"):
            act("rename", cid, name)
    others = [c for c in ids if c != cid]
    with st.form("merge"):
        other = st.selectbox(
            "Merge another cluster into this one",
            others,
            format_func=lambda c: f"{c} · {labels[c]}",
        )
        if st.form_submit_button("Merge") and other is not None:
            act("merge", cid, other)
    quote_of = dict(zip(members["finding_id"], members["quote"], strict=True))
    with st.form("split"):
        chosen = st.multiselect(
            "Split these findings off into a new cluster",
            list(quote_of),
            format_func=lambda i: f"#{i} {quote_of[i][:80]}",
        )
        if st.form_submit_button("Split"):
            act("split", cid, chosen or None)
    with st.form("dismiss"):
        finding = st.selectbox(
            "Not an objection", list(quote_of), format_func=lambda i: f"#{i} {quote_of[i][:80]}"
        )
        if st.form_submit_button("Dismiss") and finding is not None:
            act("dismiss", int(finding))
