"""Every dashboard page on the demo workspace, asserting what it shows (AppTest, no browser)."""

from __future__ import annotations

from collections import Counter

import pytest

from callinsight.cluster.summary import cluster_summaries
from callinsight.content.gaps import find_gaps
from callinsight.dashboard.jobs import Upload, enqueue_uploads
from callinsight.store import Store
from tests.dashboard.conftest import page, shown_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def biggest(demo_store):
    return cluster_summaries(demo_store, "objection")[0]


def test_overview_shows_counts_top_clusters_and_attribution(app, demo_store, biggest):
    at = page(app, "overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Calls analysed"] == str(len(demo_store.analysis_digests()))
    objections = len(demo_store.findings(kind="objection"))
    assert metrics["Objections found"] == f"{objections:,}"
    top = at.dataframe[0].value
    assert biggest.label in top["label"].tolist()
    assert top["quotes"].str.startswith("/objections?cluster=").all()  # numbers lead to quotes


def test_filters_narrow_every_number(app, demo_store):
    lost = [c for c in demo_store.list_calls() if c.metadata.outcome == "lost"]
    at = page(app, "overview")
    at.multiselect(key="f_outcomes").set_value(["lost"]).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Calls analysed"] == str(len(lost))
    assert "Filtered:" in shown_text(at)
    # The sidebar's choice holds on the other pages too.
    lost_ids = {c.id for c in lost}
    answers = [f for f in demo_store.findings(kind="attribution") if f.call_id in lost_ids]
    at = page(at, "attribution")
    assert int(at.dataframe[0].value["answers"].sum()) == len(answers)


def test_objections_lists_clusters_and_a_clusters_quotes(app, biggest):
    at = page(app, "objections")
    assert biggest.label in at.dataframe[0].value["label"].tolist()
    at.selectbox[0].set_value(biggest.id).run()
    text = shown_text(at)
    assert biggest.label in text
    assert biggest.quotes[0].quote[:40] in text  # the quote, with its call and time
    assert "/calls?call=" in text
    at.text_input(key="find_quotes").input(biggest.quotes[0].quote.split()[-1]).run()
    assert "objection quotes** match" in shown_text(at)


def test_gaps_rank_the_briefs(app, demo_store):
    gaps = find_gaps(demo_store)
    at = page(app, "gaps")
    labels = [e.label for e in at.expander]
    assert any(gaps[0].cluster.label in label and label.startswith("#1") for label in labels)
    text = shown_text(at)
    assert "Suggested asset:" in text and gaps[0].working_title in text
    assert {b.label for b in at.get("download_button")} >= {
        "Download as Markdown",
        "Download as CSV",
    } or len(at.get("download_button")) == 2


def test_attribution_shows_channels_sources_and_verbatim_answers(app, demo_store):
    answers = demo_store.findings(kind="attribution")
    channel, _ = Counter(f.channel or "other" for f in answers).most_common(1)[0]
    at = page(app, "attribution")
    mix = at.dataframe[0].value
    assert mix.iloc[0]["channel"] == channel
    assert int(mix["answers"].sum()) == len(answers)
    assert any(f.quote[:30] in shown_text(at) for f in answers)


def test_library_lists_assets_with_what_they_answer_and_whats_working(app):
    at = page(app, "library")
    table = at.dataframe[0].value
    assert "AP Automation ROI Calculator" in table["title"].tolist()
    assert table["answers"].str.len().gt(0).sum() >= 10  # suggested, not hand-tagged
    assert table["mentions"].sum() > 0
    at.selectbox[0].set_value("A-010").run()
    text = shown_text(at)
    assert "Corvala Security Overview" in text and "Clusters it answers" in text


def test_answer_finds_the_asset_for_a_security_objection(app):
    at = page(app, "answer")
    at.text_input(key="objection_text").input(
        "Our IT team needs your SOC 2 report and a security review before we can go further"
    ).run()
    first = next(m.value for m in at.markdown if m.value.startswith("**1."))
    assert "Security" in first or "SOC 2" in first
    assert at.code[0].value.startswith("https://")  # the link, with a copy button


def test_marking_an_asset_as_sent_is_recorded(writable_app):
    at, workspace = writable_app
    at = page(at, "answer")
    at.text_input(key="objection_text").input("the price is way over our budget").run()
    at.button[0].click().run()
    assert "marked" in shown_text(at)
    store = Store(f"sqlite:///{workspace / 'callinsight.db'}")
    from callinsight.content.working import asset_performance

    assert sum(p.sends for p in asset_performance(store)) == 1
    store.close()


def test_renaming_a_cluster_from_the_objections_page(writable_app, biggest):
    at, _ = writable_app
    at = page(at, "objections")
    at.selectbox[0].set_value(biggest.id).run()
    at.radio(key="cluster_section").set_value("Actions").run()
    rename = next(t for t in at.text_input if t.label == "Rename cluster")
    rename.input("Budget pushback")  # a form: the value goes in with its submit button
    next(b for b in at.button if b.label == "Rename").click().run()
    assert "rename: done" in shown_text(at)
    assert "Budget pushback" in at.dataframe[0].value["label"].tolist()


def test_calls_show_a_transcript_with_highlighted_findings(app, demo_store):
    call = next(c for c in demo_store.list_calls() if demo_store.findings(c.id, "objection"))
    at = page(app, "calls")
    assert len(at.dataframe[0].value) == len(demo_store.list_calls())
    at.selectbox[0].set_value(call.id).run()
    transcript = "\n".join(m.value for m in at.markdown)
    assert "<mark" in transcript
    quote = demo_store.findings(call.id, "objection")[0].quote
    assert quote.replace("'", "&#x27;")[:30] in transcript


def test_search_by_words_and_by_meaning(app):
    at = page(app, "search")
    at.text_input[0].input("budget").run()
    at.radio[0].set_value("By words (everything said)").run()
    assert "findings** contain" in shown_text(at)
    at.radio[0].set_value("By meaning (findings)").run()
    assert "close in meaning" in shown_text(at)
    assert "“" in shown_text(at)


def test_upload_page_lists_jobs(writable_app):
    at, workspace = writable_app
    at = page(at, "upload")
    assert "No uploads yet." in shown_text(at)
    store = Store(f"sqlite:///{workspace / 'callinsight.db'}")
    from callinsight.config import load_settings

    enqueue_uploads(store, load_settings(workspace=workspace), [Upload("call.vtt", b"WEBVTT\n")])
    store.close()
    at.run()
    assert "**call.vtt** · queued" in shown_text(at)
