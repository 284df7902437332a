"""CRM metadata CSV: matched by relative path or by name; bad rows reported, never fatal."""

from __future__ import annotations

import datetime as dt

import pytest

from callinsight.errors import IngestError
from callinsight.ingest import load_metadata

CSV = """file,title,date,rep,account,deal_id,stage,outcome,industry,extra
calls/a.wav,Discovery A,2026-08-04,Maya Chen,Harbor,D-1,discovery,Lost,logistics,ignored
b.vtt,,2026-13-01,Derek,Bell,D-2,discovery,open,health,
c.srt,,,,,,,maybe,,
,orphan row,,,,,,,,
"""


def test_rows_match_by_relative_path_and_by_name(tmp_path):
    (tmp_path / "crm.csv").write_text(CSV)
    table = load_metadata(tmp_path / "crm.csv")
    meta = table.lookup(tmp_path / "calls" / "a.wav")
    assert meta is not None
    assert meta.title == "Discovery A"
    assert meta.date == dt.date(2026, 8, 4)
    assert meta.outcome == "lost"  # normalised
    assert meta.rep == "Maya Chen"
    # the same file name elsewhere still finds its row (users ingest single files too)
    assert table.lookup(tmp_path / "elsewhere" / "a.wav") == meta
    assert table.lookup(tmp_path / "unknown.wav") is None


def test_bad_rows_are_reported_with_line_numbers_and_skipped(tmp_path):
    (tmp_path / "crm.csv").write_text(CSV)
    table = load_metadata(tmp_path / "crm.csv")
    assert len(table) == 1
    assert len(table.problems) == 3
    assert all(p.startswith("[E122]") and "crm.csv" in p for p in table.problems)
    assert "line 3: date '2026-13-01'" in table.problems[0]
    assert "line 4: outcome 'maybe'" in table.problems[1]
    assert "line 5: empty 'file'" in table.problems[2]


def test_csv_without_file_column_is_refused(tmp_path):
    (tmp_path / "crm.csv").write_text("name,rep\nx,y\n")
    with pytest.raises(IngestError) as info:
        load_metadata(tmp_path / "crm.csv")
    assert info.value.code == "E121"
    assert "name, rep" in info.value.message


def test_missing_csv(tmp_path):
    with pytest.raises(IngestError) as info:
        load_metadata(tmp_path / "nope.csv")
    assert info.value.code == "E101"
