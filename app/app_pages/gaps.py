"""Content gaps: objection clusters nothing answers, ranked, each with a content brief."""

from __future__ import annotations

import streamlit as st

from callinsight.reports.clock import clock
from callinsight.reports.report import gap_brief_md, render_gaps
from components import filters
from components.quotes import plain
from components.state import data, gaps

st.title("Content gaps")
d = data()
f, _, findings = filters.in_view(d)
st.caption(
    "Score = coverage weight (1.0 uncovered, 0.6 partly covered) × (0.35 frequency + 0.30 "
    "distinct accounts + 0.15 recent trend + 0.20 share of decided deals lost)."
)
with st.spinner("ranking gaps…"):
    ranked = gaps(d.version)
in_filter = findings[findings["kind"] == "objection"].groupby("cluster_id").size()
shown = [g for g in ranked if g.cluster.id in in_filter.index] if f.active else ranked
if not shown:
    st.success("No gaps: every objection cluster in view has content that answers it.")
    st.stop()

c1, c2, c3 = st.columns(3)
c1.download_button("Download as Markdown", render_gaps(shown, "md"), "gaps.md", "text/markdown")
c2.download_button("Download as CSV", render_gaps(shown, "csv"), "gaps.csv", "text/csv")
# Briefs are long: the first ones open, the page lists a screenful (downloads have them all).
top = c3.number_input("Show the top", 1, len(shown), min(20, len(shown)), key="gaps_top")
st.caption(f"{len(shown):,} gaps; showing the top {top}.")

for g in shown[:top]:
    c = g.cluster
    n = int(in_filter.get(c.id, 0)) if f.active else c.size
    title = f"#{g.rank} · {c.label} · {c.coverage} · score {g.score:.2f} · {n} objections"
    # A closed brief is rendered when it is opened (a rerun): twenty briefs of a few dozen
    # elements each would cost every visit most of a second in the browser.
    brief = st.expander(title, expanded=g.rank <= 3, key=f"gap_{c.id}", on_change="rerun")
    if not brief.open:
        continue
    with brief:
        st.markdown(f"**In their words:** “{plain(g.in_their_words)}”")
        cols = st.columns(4)
        cols[0].metric("frequency", f"{g.frequency:.2f}")
        cols[1].metric("accounts", f"{g.accounts:.2f}")
        cols[2].metric("trend", f"{g.trend:.2f}")
        cols[3].metric("lost deals", f"{g.lost:.2f}")
        sections = [
            f"**Suggested asset:** {g.asset_type} — *{g.working_title}*",
            "**Top quotes**",
            "\n".join(
                f"- “{plain(q.quote)}” — {plain(q.speaker)}, "
                f"[{q.title or q.source_file}](/calls?call={q.call_id[:12]}"
                f"&t={int(q.start_s or 0)}) at {clock(q.start_s)}"
                for q in c.quotes
            ),
        ]
        if g.questions:
            sections.append("**Questions the content must answer**")
            sections.append("\n".join(f"- “{plain(q.quote)}”" for q in g.questions))
        if g.related:
            sections.append("**Related assets that exist**")
            sections.append("\n".join(f"- {r.title} (score {r.score:.2f})" for r in g.related))
        st.markdown("\n\n".join(sections))
        st.page_link(
            "app_pages/objections.py",
            label="All quotes of this cluster",
            query_params={"cluster": str(c.id)},
            icon=":material/format_quote:",
        )
        with st.popover("Brief as Markdown"):
            st.code(gap_brief_md(g), language="markdown")
