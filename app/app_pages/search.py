"""Search: semantic search over findings, keyword search over everything said."""

from __future__ import annotations

import numpy as np
import streamlit as st

from callinsight.cluster.vectors import stored_vectors
from callinsight.dashboard.queries import keyword_search
from callinsight.reports.clock import clock
from components import filters
from components.quotes import plain, quote_list, seconds
from components.state import data, embedder, settings, store


@st.cache_resource(show_spinner="loading the search index…", max_entries=2)
def _finding_vectors(url: str, version: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(finding ids, unit vectors) of the findings whose vectors clustering stored already;
    embedding the rest here would stall the page (the worker and `clusters` store them)."""
    f = data().findings
    have, vectors = stored_vectors(store(), embedder().label, f["quote"].tolist())
    return f["finding_id"].to_numpy()[have], vectors


st.title("Search")
d = data()
_, calls_in_view, in_view = filters.in_view(d)
query = st.text_input("Search calls", placeholder="e.g. worried about migrating our data")
mode = st.radio("How", ["By meaning (findings)", "By words (everything said)"], horizontal=True)
kinds = st.multiselect(
    "Kinds", ["objection", "question", "attribution", "research", "content_mention"]
)
if not query.strip():
    st.stop()
pool = in_view[in_view["kind"].isin(kinds)] if kinds else in_view

if mode.startswith("By meaning"):
    ids, vectors = _finding_vectors(settings().db_url, d.version)
    if not len(ids):
        st.info("No findings to search yet.")
        st.stop()
    q = embedder().encode([query.strip()])[0]
    sims = vectors.astype(np.float32) @ q
    sims[~np.isin(ids, pool["finding_id"].to_numpy())] = -np.inf  # outside the filters
    order = np.argsort(-sims)[:200]
    order = order[np.isfinite(sims[order])]
    ranked = d.findings.set_index("finding_id").loc[ids[order]].reset_index()
    ranked["similarity"] = sims[order]
    ranked = ranked[ranked["similarity"] >= 0.3]
    missing = len(d.findings) - len(ids)
    st.caption(
        f"{len(ranked)} findings close in meaning (cosine ≥ 0.30), closest first."
        + (f" {missing:,} findings are not indexed yet; search them by words." if missing else "")
    )
    quote_list(ranked, limit=25, players=False)
else:
    hits = keyword_search(store(), query, limit=500)
    hits = hits[hits["call_id"].isin(calls_in_view["call_id"])].head(100)
    names = dict(zip(d.calls["call_id"], d.calls["name"], strict=True))
    words = in_view[in_view["quote"].str.lower().str.contains(query.strip().lower(), regex=False)]
    if kinds:
        words = words[words["kind"].isin(kinds)]
    st.markdown(f"**{len(words):,} findings** contain “{plain(query)}”")
    quote_list(words, limit=15, players=False)
    st.markdown(f"**{len(hits):,} utterances** contain every word")
    for r in hits.itertuples():
        name = names.get(r.call_id, r.call_id[:12])
        st.markdown(
            f"- [{plain(name)}](/calls?call={r.call_id[:12]}&t={seconds(r.start_s) or 0}) "
            f"{clock(r.start_s)} **{plain(r.speaker)}** ({r.role}): {plain(r.text)}"
        )
