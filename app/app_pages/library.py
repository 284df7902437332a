"""Content library: browse and search assets, add, edit, import; what each answers and does."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from callinsight.content.library import import_library, save_asset
from callinsight.content.working import asset_performance
from callinsight.dashboard.queries import matching
from callinsight.errors import CallinsightError
from components.quotes import plain, quote_list
from components.state import data, invalidate, settings, store


@st.cache_data(show_spinner=False, max_entries=4)
def _performance(url: str, version: tuple) -> pd.DataFrame:
    rows = []
    for p in asset_performance(store(), quotes=False):
        rows.append(
            {
                "asset_id": p.asset_id,
                "mentions": p.mention_count,
                "sent": p.sends,
                "deals": len(p.deals),
                "won": p.outcome_count("won"),
                "lost": p.outcome_count("lost"),
                "win_rate": p.win_rate,
                "mention_ids": p.mention_ids,
            }
        )
    return pd.DataFrame(rows)


st.title("Content library")
if flash := st.session_state.pop("flash", None):
    st.success(flash)
d = data()
assets = d.assets.merge(_performance(settings().db_url, d.version), on="asset_id", how="left")
st.caption(f"{len(assets):,} assets. “Answers” is suggested from the mapping, not hand-tagged.")

needle = st.text_input("Search assets", placeholder="title, type, tag or summary")
shown = matching(assets, needle, ["title", "type", "summary", "tags", "suggested_tags"])
table = shown.assign(
    tags=shown["tags"].map(lambda t: ", ".join(t or [])),
    answers=shown["suggested_tags"].map(lambda t: ", ".join(t or [])),
)
st.dataframe(
    table[
        [
            "asset_id",
            "title",
            "type",
            "tags",
            "answers",
            "mentions",
            "sent",
            "deals",
            "won",
            "lost",
            "win_rate",
            "url",
        ]
    ],
    hide_index=True,
    column_config={
        "win_rate": st.column_config.NumberColumn("win rate", format="percent"),
        "url": st.column_config.LinkColumn("url"),
    },
)

# One section at a time (tabs would render every form on every visit).
section = st.radio(
    "Section", ["Asset details", "Add or edit", "Import"], horizontal=True, key="library_section"
)
if section == "Asset details":
    if shown.empty:
        st.info("No asset matches.")
    else:
        titles = dict(zip(shown["asset_id"], shown["title"], strict=True))
        aid = st.selectbox("Asset", list(titles), format_func=lambda a: f"{a} · {titles[a]}")
        a = assets[assets["asset_id"] == aid].iloc[0]
        st.subheader(a["title"])
        st.markdown(
            f"{a['type'] or 'asset'} · stage {a['stage'] or '—'} · persona "
            f"{a['persona'] or '—'} · owner {a['owner'] or '—'}"
        )
        if a["url"]:
            # A link, not st.code: the code block's highlighter costs the page ~0.3 s to load.
            st.markdown(f"[{plain(a['url'])}]({a['url']})")
        st.caption(a["summary"] or "")
        c = st.columns(5)
        c[0].metric("Buyer mentions", int(a["mentions"] or 0))
        c[1].metric("Sent by reps", int(a["sent"] or 0))
        c[2].metric("Deals won", int(a["won"] or 0))
        c[3].metric("Deals lost", int(a["lost"] or 0))
        c[4].metric("Win rate", "—" if pd.isna(a["win_rate"]) else f"{a['win_rate']:.0%}")
        st.markdown("**Clusters it answers**")
        answers = d.matches[(d.matches["asset_id"] == aid) & (d.matches["decision"] != "rejected")]
        answers = answers.merge(
            d.clusters[["cluster_id", "label", "kind", "coverage"]], on="cluster_id"
        ).sort_values("score", ascending=False)
        if answers.empty:
            st.caption("None yet.")
        for m in answers.itertuples():
            st.page_link(
                "app_pages/objections.py",
                label=f"{m.label} ({m.kind}) · score "
                f"{m.score:.2f}" + (f" · {m.decision}" if m.decision else ""),
                query_params={"cluster": str(m.cluster_id)},
            )
        ids = a["mention_ids"] if isinstance(a["mention_ids"], list) else []
        if ids:
            st.markdown("**Buyers who mentioned it**")
            quote_list(d.findings[d.findings["finding_id"].isin(ids)], players=False)

elif section == "Add or edit":
    current = None
    if not shown.empty:
        pick = st.selectbox("Edit", ["(new asset)", *shown["asset_id"].tolist()], key="edit")
        if pick != "(new asset)":
            current = assets[assets["asset_id"] == pick].iloc[0]

    def v(key: str) -> str:
        value = None if current is None else current[key]
        if isinstance(value, list):
            return "; ".join(value)
        return (
            "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
        )

    with st.form("asset"):
        asset_id = st.text_input("Asset id", value=v("asset_id"), disabled=current is not None)
        title = st.text_input("Title", value=v("title"))
        url = st.text_input("URL", value=v("url"))
        kind = st.text_input("Type", value=v("type"), placeholder="case study, guide, video…")
        tags = st.text_input("Tags (separated by ;)", value=v("tags"))
        persona = st.text_input("Persona", value=v("persona"))
        stage = st.text_input("Funnel stage", value=v("stage"))
        owner = st.text_input("Owner", value=v("owner"))
        published = st.text_input("Published (YYYY-MM-DD)", value=v("published"))
        summary = st.text_area("Summary", value=v("summary"))
        text = st.text_area("Text (what the asset says; used for matching)", value="")
        if st.form_submit_button("Save asset"):
            record = {
                "asset_id": asset_id or v("asset_id"),
                "title": title,
                "url": url,
                "type": kind,
                "tags": tags,
                "persona": persona,
                "stage": stage,
                "owner": owner,
                "published": published,
                "summary": summary,
            }
            if text.strip():
                record["text"] = text
            elif current is not None:
                from callinsight.content import library_assets

                old = {x.id: x for x in library_assets(store())}.get(current["asset_id"])
                record["text"] = old.text if old else None
            try:
                report = save_asset(store(), record)
            except CallinsightError as exc:
                st.error(exc.message)
            else:
                invalidate()
                st.session_state["flash"] = (
                    f"saved {record['asset_id']} ({'added' if report.added else 'updated'}); "
                    "`callinsight clusters` re-maps it to the objections it answers"
                )
                st.rerun()

else:
    file = st.file_uploader("Library file (CSV, JSON or YAML)", type=["csv", "json", "yaml", "yml"])
    if file is not None and st.button("Import"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(file.name).name
            path.write_bytes(file.getvalue())
            try:
                report = import_library(store(), path)
            except CallinsightError as exc:
                st.error(exc.message)
            else:
                invalidate()
                for e in report.errors:
                    st.warning(str(e))
                st.success(
                    f"{report.added} added, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {len(report.errors)} errors"
                )
