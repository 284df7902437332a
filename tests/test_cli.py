"""The command line as users run it: ingest, calls, show, export, models verify."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from callinsight.cli import app
from callinsight.reports import UTTERANCE_COLUMNS
from tests.conftest import SPEECH
from tests.test_pipeline import GOOD_VTT

STABLE = ["call_id", "source_file", "speaker", "role", "start_s", "end_s", "text"]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SPEECH / "stereo_diarization.wav", folder / "stereo.wav")
    (folder / "zoom.vtt").write_text(GOOD_VTT)
    (folder / "bad.srt").write_text("1\n00:00:05,000 --> 00:00:01,000\nA: hi\n")
    (folder / "crm.csv").write_text("file,rep,account,outcome\nstereo.wav,Maya Chen,Harbor,open\n")
    return folder


def _cli(ws, *args):
    result = CliRunner().invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False)
    return result


def test_ingest_calls_show_and_reingest(tmp_path, inbox, transcriber):
    ws = tmp_path / "ws"
    result = _cli(ws, "ingest", str(inbox), "--metadata", str(inbox / "crm.csv"))
    assert result.exit_code == 1  # one bad file: non-zero, the others ingested
    assert f"[E115] {inbox / 'bad.srt'}: line 2: cue ends before it starts" in result.output
    assert "1 file(s) failed" in result.output
    assert "ingest summary" in result.output

    listing = _cli(ws, "calls")
    assert listing.exit_code == 0
    assert "stereo.wav" in listing.output and "zoom.vtt" in listing.output
    assert "Harbor" in listing.output
    assert "[E115]" in listing.output  # failed calls say why

    call_id = next(line.split()[1] for line in listing.output.splitlines() if "stereo.wav" in line)
    shown = _cli(ws, "show", call_id[:8])
    assert shown.exit_code == 0
    assert "Maya Chen (rep):" in shown.output
    assert "Speaker R (prospect):" in shown.output
    assert "horizon" in shown.output.lower()
    assert "[00:00-00:0" in shown.output

    again = _cli(ws, "ingest", str(inbox / "zoom.vtt"), str(inbox / "stereo.wav"))
    assert again.exit_code == 0
    assert again.output.count("already ingested; nothing changed") == 2


def test_show_unknown_call_is_a_clear_error(tmp_path):
    result = _cli(tmp_path / "ws", "show", "deadbeef")
    assert result.exit_code == 2
    assert "[E301] no call matches 'deadbeef'" in result.output


@pytest.fixture
def filled(tmp_path, inbox, transcriber):
    ws = tmp_path / "ws"
    _cli(ws, "ingest", str(inbox / "stereo.wav"), str(inbox / "zoom.vtt"))
    return ws


def test_export_utterances_csv_to_stdout(filled):
    result = _cli(filled, "export", "utterances", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[: len(STABLE)] == STABLE
    assert {r["role"] for r in rows} == {"rep", "prospect"}
    # the stereo call's roles come from its channels, the transcript's from what is said
    assert {r["role_source"] for r in rows} == {"channel", "text-cues"}
    assert any(r["text"] == "A colleague recommended you." for r in rows)


def test_export_utterances_jsonl_and_parquet_files(filled, tmp_path):
    assert (
        _cli(
            filled, "export", "utterances", "-f", "jsonl", "--out", str(tmp_path / "u.jsonl")
        ).exit_code
        == 0
    )
    lines = [json.loads(x) for x in (tmp_path / "u.jsonl").read_text().splitlines()]
    assert tuple(lines[0]) == UTTERANCE_COLUMNS
    assert (
        _cli(
            filled, "export", "utterances", "-f", "parquet", "-o", str(tmp_path / "u.parquet")
        ).exit_code
        == 0
    )
    table = pq.read_table(tmp_path / "u.parquet")
    assert table.column_names == list(UTTERANCE_COLUMNS)
    assert table.num_rows == len(lines)
    assert str(table.schema.field("start_s").type) == "double"


def test_export_unknown_format(filled):
    result = _cli(filled, "export", "utterances", "--format", "xlsx")
    assert result.exit_code == 2
    assert "[E401]" in result.output


def test_models_verify_shows_every_file_ok(tmp_path):
    result = _cli(tmp_path / "ws", "models", "verify")
    assert result.exit_code == 0, result.output
    assert result.output.count("ok") >= 8  # 4 files each of tiny.en and base
    assert "MISMATCH" not in result.output
