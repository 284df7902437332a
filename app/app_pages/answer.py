"""Answer an objection (for reps): the best assets to send, the passage that answers, a link."""

from __future__ import annotations

import streamlit as st

from callinsight.content import library_assets
from callinsight.content.mapping import PassageIndex, Thresholds
from callinsight.content.working import mark_sent
from callinsight.dashboard.queries import assets_version
from callinsight.errors import CallinsightError
from components.quotes import plain
from components.state import data, embedder, invalidate, settings, store


@st.cache_resource(show_spinner="indexing the content library…", max_entries=2)
def _index(url: str, assets_version: tuple) -> PassageIndex:
    return PassageIndex(store(), embedder(), library_assets(store()))


st.title("Answer an objection")
st.caption("Type what the buyer said, or pick an objection heard before; send the best asset.")
if flash := st.session_state.pop("flash", None):
    st.success(flash)
d = data()
clusters = d.clusters[d.clusters["kind"] == "objection"]
heard = dict(zip(clusters["cluster_id"], clusters["label"], strict=True))

typed = st.text_input(
    "What did the buyer say?",
    key="objection_text",
    placeholder="e.g. we can't justify the price this quarter",
)
picked = st.selectbox(
    "…or pick an objection heard in calls",
    [None, *heard],
    format_func=lambda c: "—" if c is None else heard[c],
)
if not typed.strip() and picked is None:
    st.stop()

index = _index(settings().db_url, assets_version(d.version))
if picked is not None and not typed.strip():
    members = d.findings[(d.findings["cluster_id"] == picked)]
    query_texts = members["quote"].tolist()[:50] or [heard[picked]]
else:
    query_texts = [typed.strip()]
vectors = embedder().encode(query_texts)
query = vectors.mean(axis=0)
query /= max(float((query**2).sum() ** 0.5), 1e-12)
matches = index.matches(query, top=5)
t = Thresholds.load()
if not matches:
    st.warning("The content library is empty: import assets on the Content library page.")
    st.stop()
if matches[0].score < t.partly:
    st.warning("Nothing in the library answers this well: it may be a content gap.")

for rank, m in enumerate(matches, start=1):
    a = index.assets[m.asset_id]
    strength = (
        "answers it"
        if m.score >= t.covered
        else "partly answers it"
        if m.score >= t.partly
        else "weak match"
    )
    with st.container(border=True):
        st.markdown(
            f"**{rank}. {plain(a.title)}** · {a.type or 'asset'} · {strength} (score {m.score:.2f})"
        )
        st.code(a.url or f"asset {a.id} (no URL in the library)", language=None)
        st.markdown(f"> {plain(m.passage)}")
        if st.button("Mark as sent", key=f"sent-{a.id}"):
            try:
                mark_sent(
                    store(),
                    a.id,
                    cluster_id=int(picked) if picked is not None else None,
                    note=typed.strip() or None,
                )
            except CallinsightError as exc:
                st.error(exc.message)
            else:
                invalidate()
                st.session_state["flash"] = f"marked “{a.title}” as sent"
                st.rerun()
