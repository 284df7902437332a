"""The bundled demo corpus: complete, well-formed, and ingestible, with its broken files refused."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
import yaml

from callinsight.errors import IngestError
from callinsight.ingest import decode, load_metadata, parse_transcript, sniff
from tests.conftest import DEMO

TRANSCRIPTS = sorted(p for p in (DEMO / "transcripts").iterdir() if p.is_file())
RECORDINGS = sorted((DEMO / "recordings").glob("*.ogg"))


def test_at_least_60_transcripts_in_every_format():
    assert len(TRANSCRIPTS) >= 60
    formats = Counter(sniff(p).format for p in TRANSCRIPTS)
    assert set(formats) == {"vtt", "srt", "txt", "json"}
    assert min(formats.values()) >= 10, formats


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.name)
def test_every_transcript_parses_into_several_speakers(path):
    transcript = parse_transcript(path, sniff(path).format)
    assert len(transcript.utterances) >= 8
    assert len({u.speaker for u in transcript.utterances}) >= 2


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("no-header-bad-timestamp.vtt", "E111"),
        ("truncated.json", "E113"),
        ("backwards-times.srt", "E115"),
    ],
)
def test_malformed_demo_files_are_refused_with_a_reason(name, code):
    path = DEMO / "transcripts" / "malformed" / name
    with pytest.raises(IngestError) as info:
        parse_transcript(path, sniff(path).format)
    assert info.value.code == code
    assert name in info.value.message


def test_at_least_10_two_channel_recordings_of_1_to_4_minutes_with_scripts():
    assert len(RECORDINGS) >= 10
    for rec in RECORDINGS:
        audio = decode(rec)
        assert audio.channels == 2, rec.name
        assert 60 <= audio.duration_s <= 240, (rec.name, audio.duration_s)
        script = yaml.safe_load(rec.with_suffix(".script.yaml").read_text())
        assert script["channels"] == {"left": "rep", "right": "prospect"}
        assert script["rep"]["voice"] != script["prospect"]["voice"]
        assert all(t["end"] > t["start"] for t in script["turns"])
        assert script["duration_s"] == pytest.approx(audio.duration_s, abs=0.5)


def test_demo_folder_stays_under_15_mb():
    size = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert size < 15 * 1024 * 1024, f"{size / 1e6:.1f} MB"


def test_crm_covers_every_call_and_nothing_else():
    table = load_metadata(DEMO / "crm.csv")
    assert table.problems == []
    calls = {p.resolve() for p in TRANSCRIPTS + RECORDINGS}
    assert set(table.by_path) == calls
    outcomes = Counter(m.outcome for m in table.by_path.values())
    assert set(outcomes) == {"won", "lost", "open"}


def test_content_library_has_30_assets_with_every_column():
    with (DEMO / "content_library.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 30
    for column in (
        "title",
        "url",
        "type",
        "tags",
        "persona",
        "stage",
        "published",
        "owner",
        "summary",
    ):
        assert all(r[column].strip() for r in rows), column
    assert len({r["asset_id"] for r in rows}) == len(rows)
