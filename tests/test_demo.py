"""`callinsight demo` end to end: every demo call ingested, each recording against its script."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from callinsight import Store
from callinsight.cli import app
from callinsight.quality import word_error_rate
from tests.conftest import DEMO

pytestmark = pytest.mark.slow

RECORDINGS = sorted((DEMO / "recordings").glob("*.ogg"))
TRANSCRIPTS = sorted(p for p in (DEMO / "transcripts").iterdir() if p.is_file())
# Floors that hold on any x86-64 CPU, set from the spread bench/transcribe.py measures across
# decodings and int8 kernel paths (oneDNN AVX-512 and AVX2, CTranslate2's own ISA dispatch):
# the shipped decoding's worst channel is 25.2% (rec-02's prospect on AVX2 kernels; 14.7% on
# this machine's own), beam 5's 23.3%, and the demo's pooled WER 10.7% to 11.9%. The invented
# names (Corvala, Invoicera) are the usual misses. A loop, a lost channel or a wrong option
# gives 50% and more on a channel; a subtler regression moves the mean first.
MAX_CHANNEL_WER = 0.30
MAX_MEAN_WER = 0.15


def test_demo_ingests_every_call_and_prints_a_summary(demo_workspace, demo_store):
    _ws, output = demo_workspace
    calls = demo_store.list_calls()
    assert len(calls) == len(RECORDINGS) + len(TRANSCRIPTS)
    assert all(c.status == "transcribed" for c in calls)
    assert "ingest summary" in output
    assert f"{len(calls)} calls" in output
    # CRM metadata reached every call
    assert all(c.metadata.rep and c.metadata.account and c.metadata.outcome for c in calls)


def test_demo_analyses_every_call_including_the_recordings(demo_workspace, demo_store):
    _ws, output = demo_workspace
    assert "content library from content_library.csv: 36 added" in output
    assert set(demo_store.analysis_digests()) == {c.id for c in demo_store.list_calls()}
    findings = demo_store.findings()
    assert {"objection", "attribution", "question", "research", "content_mention"} <= {
        f.kind for f in findings
    }
    recorded = {c.id for c in demo_store.list_calls() if c.source_kind == "audio"}
    from_audio = [f for f in findings if f.call_id in recorded]
    # transcribed speech yields findings too, with the quote's own word times
    assert any(f.kind == "objection" for f in from_audio)
    assert all(f.start_s is not None and f.end_s >= f.start_s for f in from_audio)
    # linked content mentions name a library asset
    linked = [f for f in findings if f.kind == "content_mention" and dict(f.detail).get("asset_id")]
    assert linked and all(dict(f.detail)["asset_id"].startswith("A-") for f in linked)


def _script(rec: Path) -> dict:
    return yaml.safe_load(rec.with_suffix(".script.yaml").read_text())


def _call_for(store: Store, rec: Path):
    return next(c for c in store.list_calls() if Path(c.source_file).name == rec.name)


@pytest.fixture(scope="module")
def channel_wers(demo_store) -> dict[tuple[str, str], float]:
    """Word error rate of every demo recording's rep and prospect channel against its script."""
    wers = {}
    for rec in RECORDINGS:
        script = _script(rec)
        utterances = demo_store.utterances(_call_for(demo_store, rec).id)
        for role, channel in (("rep", 0), ("prospect", 1)):
            reference = " ".join(t["text"] for t in script["turns"] if t["role"] == role)
            said = " ".join(u.text for u in utterances if u.channel == channel)
            wers[(rec.stem, role)] = word_error_rate(reference, said)
    return wers


@pytest.mark.parametrize("rec", RECORDINGS, ids=lambda p: p.stem)
def test_each_recording_matches_its_script_per_channel(demo_store, channel_wers, rec):
    script = _script(rec)
    call = _call_for(demo_store, rec)
    utterances = demo_store.utterances(call.id)
    assert call.channels == 2
    assert call.duration_s == pytest.approx(script["duration_s"], abs=0.5)
    for role, channel in (("rep", 0), ("prospect", 1)):
        mine = [u for u in utterances if u.channel == channel]
        assert mine, f"nothing transcribed on the {role} channel"
        assert {u.role for u in mine} == {role}
        assert {u.role_source for u in mine} == {"channel"}
        wer = channel_wers[(rec.stem, role)]
        assert wer <= MAX_CHANNEL_WER, f"{rec.name} {role} WER {wer:.1%}"
    rep_speakers = {u.speaker for u in utterances if u.role == "rep"}
    assert rep_speakers == {script["rep"]["name"]}


def test_mean_word_error_rate_over_all_demo_channels(channel_wers):
    mean = sum(channel_wers.values()) / len(channel_wers)
    assert mean <= MAX_MEAN_WER, f"mean WER {mean:.1%}"


@pytest.mark.parametrize("rec", RECORDINGS[:3], ids=lambda p: p.stem)
def test_turns_follow_the_script_in_time(demo_store, rec):
    """Every scripted turn is found in a transcribed turn of the same role at the same time."""
    utterances = demo_store.utterances(_call_for(demo_store, rec).id)
    for turn in _script(rec)["turns"]:
        mid = (turn["start"] + turn["end"]) / 2
        covering = [u for u in utterances if u.start_s - 0.5 <= mid <= u.end_s + 0.5]
        assert any(u.role == turn["role"] for u in covering), (rec.name, turn["text"][:40])


def test_show_prints_a_speaker_labelled_transcript(demo_workspace, demo_store):
    rec = RECORDINGS[0]
    script = _script(rec)
    call = _call_for(demo_store, rec)
    result = CliRunner().invoke(app, ["-w", str(demo_workspace[0]), "show", call.id[:10]])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.startswith("[")]
    assert len(lines) >= len(script["turns"]) // 2
    assert lines[0].startswith("[00:0")
    assert f"{script['rep']['name']} (rep):" in lines[0]
    assert any("Speaker R (prospect):" in line for line in lines)


def test_demo_clusters_maps_gaps_and_writes_the_report(demo_workspace, demo_store):
    from callinsight.cluster.summary import cluster_summaries
    from callinsight.content import library_assets

    ws, _output = demo_workspace
    assert (ws / "report" / "report.html").is_file()
    md = (ws / "report" / "report.md").read_text()
    assert "## Objection clusters" in md and "## Content gaps" in md
    assert len(library_assets(demo_store)) == 36
    clusters = cluster_summaries(demo_store, "objection")
    assert len(clusters) >= 10
    assert {c.coverage for c in clusters} >= {"covered", "uncovered"}
    price = [c for c in clusters if c.category == "price"]
    assert price and price[0].quotes and price[0].quotes[0].call_id


def test_demo_suggests_tags_and_counts_whats_working(demo_workspace, demo_store):
    from callinsight.content.working import asset_performance, suggested_tags

    tags = suggested_tags(demo_store)
    assert sum(bool(t) for t in tags.values()) >= 10  # the library is tagged without anyone
    assert "security" in tags["A-010"]  # the security overview answers security objections
    perf = asset_performance(demo_store)
    assert perf[0].mentions and perf[0].deals  # most mentioned first, with its deals
    result = CliRunner().invoke(app, ["-w", str(demo_workspace[0]), "assets", "working"])
    assert result.exit_code == 0 and perf[0].title[:20] in result.output
