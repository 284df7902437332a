"""Upload: recordings or transcripts become jobs; the worker ingests and analyses them."""

from __future__ import annotations

import streamlit as st

from callinsight.dashboard.jobs import Upload, enqueue_uploads, recent_jobs
from callinsight.records import CallMetadata
from components.state import settings, store

STATUS_ICONS = {"queued": "⏳", "running": "⚙️", "done": "✅", "failed": "❌"}

st.title("Upload")
st.caption(
    "Recordings (wav, mp3, m4a, ogg, flac, webm, mp4…) or transcripts (vtt, srt, json, txt). "
    "Each file becomes a job: transcribed, speakers and roles found, objections and sources "
    "extracted, clustered and matched to content. You can leave this page; jobs keep running."
)

with st.form("upload", clear_on_submit=True):
    files = st.file_uploader("Recordings or transcripts", accept_multiple_files=True)
    with st.expander("Call details (optional, applied to every file in this upload)"):
        c1, c2, c3 = st.columns(3)
        rep = c1.text_input("Rep")
        account = c2.text_input("Account")
        date = c3.date_input("Call date", value=None)
        c4, c5, c6 = st.columns(3)
        stage = c4.text_input("Deal stage")
        outcome = c5.selectbox("Outcome", [None, "open", "won", "lost"])
        industry = c6.text_input("Industry")
    submitted = st.form_submit_button("Queue uploads", type="primary")
if submitted:
    if not files:
        st.warning("Choose at least one file first.")
    else:
        meta = CallMetadata(
            rep=rep or None,
            account=account or None,
            date=date,
            stage=stage or None,
            outcome=outcome,
            industry=industry or None,
        )
        ids = enqueue_uploads(
            store(), settings(), [Upload(f.name, f.getvalue()) for f in files], meta
        )
        st.success(f"Queued {len(ids)} file{'s' if len(ids) != 1 else ''}.")


@st.fragment(run_every=2)
def jobs() -> None:
    st.subheader("Jobs")
    views = recent_jobs(store(), limit=30)
    if not views:
        st.caption("No uploads yet.")
        return
    for j in views:
        with st.container(border=True):
            left, right = st.columns([3, 2])
            left.markdown(f"{STATUS_ICONS.get(j.status, '')} **{j.name}** · {j.status}")
            left.caption(j.message)
            if j.status in ("queued", "running"):
                right.progress(min(max(j.progress, 0.0), 1.0))
            elif j.status == "done" and j.call_id:
                right.page_link(
                    "app_pages/calls.py",
                    label="open the call",
                    query_params={"call": j.call_id[:12]},
                )


jobs()
