"""`analyze`, `rescan`, `export findings` and `show` as users run them, on demo transcripts."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from callinsight.cli import app
from callinsight.reports import FINDING_COLUMNS
from tests.conftest import DEMO

CONTRACT = [
    "call_id", "source_file", "kind", "category", "channel", "entity", "speaker", "role",
    "start_s", "end_s", "utterance_index", "quote", "confidence", "method", "cluster_id",
    "cluster_label",
]  # fmt: skip


def _cli(ws, *args, env=None):
    return CliRunner().invoke(app, ["--workspace", str(ws), *args], catch_exceptions=False, env=env)


@pytest.fixture
def analysed(tmp_path, extractor):
    ws = tmp_path / "ws"
    files = sorted((DEMO / "transcripts").glob("t-0[1-4]-*"))
    assert _cli(ws, "ingest", *map(str, files), "-m", str(DEMO / "crm.csv")).exit_code == 0
    result = _cli(ws, "analyze")
    assert result.exit_code == 0, result.output
    assert "4 analysed" in result.output
    return ws


def test_findings_export_has_the_documented_columns(analysed, tmp_path):
    assert list(FINDING_COLUMNS) == CONTRACT
    result = _cli(analysed, "export", "findings", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == CONTRACT
    kinds = {r["kind"] for r in rows}
    assert {"objection", "attribution", "question"} <= kinds
    for r in rows:
        assert r["role"] != "rep" or r["kind"] == "tracker"
        assert r["cluster_id"] == "" and r["cluster_label"] == ""
    # the Alderbrook call's prospect credits a podcast (corpora/demo/README.md)
    assert any(
        r["kind"] == "attribution"
        and r["channel"] == "podcast"
        and "alderbrook" in r["source_file"]
        for r in rows
    )
    assert (
        _cli(
            analysed, "export", "findings", "-f", "jsonl", "-o", str(tmp_path / "f.jsonl")
        ).exit_code
        == 0
    )
    lines = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert len(lines) == len(rows) and list(lines[0]) == CONTRACT
    assert (
        _cli(
            analysed, "export", "findings", "-f", "parquet", "-o", str(tmp_path / "f.pq")
        ).exit_code
        == 0
    )
    assert pq.read_table(tmp_path / "f.pq").column_names == CONTRACT


def test_analyze_is_idempotent_and_rescan_applies_new_trackers(analysed, tmp_path):
    before = _cli(analysed, "export", "findings").stdout
    again = _cli(analysed, "analyze")
    assert again.exit_code == 0 and "every call is analysed" in again.output
    assert _cli(analysed, "rescan").output.count("up to date") == 1
    assert _cli(analysed, "export", "findings").stdout == before  # nothing duplicated
    config = tmp_path / "trackers.toml"
    config.write_text(
        '[[trackers]]\nname = "netsuite"\nphrases = ["NetSuite"]\nspeaker = "anyone"\n'
    )
    result = _cli(analysed, "rescan", env={"CALLINSIGHT_CONFIG": str(config)})
    assert result.exit_code == 0 and "4 reanalysed" in result.output
    rows = list(
        csv.DictReader(
            io.StringIO(
                _cli(analysed, "export", "findings", env={"CALLINSIGHT_CONFIG": str(config)}).stdout
            )
        )
    )
    trackers = [r for r in rows if r["kind"] == "tracker"]
    assert trackers and all(r["category"] == "netsuite" for r in trackers)
    assert all("netsuite" in r["quote"].lower() for r in trackers)
    assert len(rows) == before.count("\n") - 1 + len(trackers)


def test_show_lists_a_calls_findings(analysed):
    calls = _cli(analysed, "calls").stdout
    call_id = next(line.split()[1] for line in calls.splitlines() if "t-01-alderbrook" in line)
    result = _cli(analysed, "show", call_id)
    assert result.exit_code == 0
    assert "findings" in result.output and "objection" in result.output
