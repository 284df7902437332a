"""Exports of store tables as CSV, JSON Lines or Parquet, to a file or stdout.

Column names are a contract with users' spreadsheets and scripts: add columns at the end,
never rename or drop one.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from callinsight.errors import CallinsightError, E
from callinsight.store import Store

FORMATS = ("csv", "jsonl", "parquet")

UTTERANCE_COLUMNS = (
    "call_id",
    "source_file",
    "speaker",
    "role",
    "start_s",
    "end_s",
    "text",
    # added after the first release; stable too
    "utterance_index",
    "role_source",
    "confidence",
    "role_confidence",
)
_UTTERANCE_TYPES = {
    "start_s": pa.float64(),
    "end_s": pa.float64(),
    "utterance_index": pa.int64(),
    "confidence": pa.float64(),
    "role_confidence": pa.float64(),
}


def _csv(rows: Iterable[dict], columns: tuple[str, ...], out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
        n += 1
    text.flush()
    text.detach()
    return n


def _jsonl(rows: Iterable[dict], columns: tuple[str, ...], out: BinaryIO) -> int:
    n = 0
    for row in rows:
        out.write(
            (json.dumps({k: row.get(k) for k in columns}, ensure_ascii=False) + "\n").encode()
        )
        n += 1
    return n


def _parquet(rows: Iterable[dict], columns: tuple[str, ...], out: BinaryIO, types: dict) -> int:
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        for chunk in _chunks(rows, 50_000):
            table = pa.Table.from_pylist(
                [{k: r.get(k) for k in columns} for r in chunk], schema=schema
            )
            writer.write_table(table)
            n += len(chunk)
    return n


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_rows(
    rows: Iterable[dict],
    columns: tuple[str, ...],
    fmt: str,
    out: Path | None = None,
    types: dict | None = None,
) -> int:
    """Write ``rows`` to ``out`` (stdout when None); returns the number of rows written."""
    if fmt not in FORMATS:
        raise CallinsightError(E.E401, fmt=fmt, choices=", ".join(FORMATS))
    stream: BinaryIO
    if out is None:
        stream = sys.stdout.buffer
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        stream = out.open("wb")
    try:
        if fmt == "csv":
            return _csv(rows, columns, stream)
        if fmt == "jsonl":
            return _jsonl(rows, columns, stream)
        return _parquet(rows, columns, stream, types or {})
    finally:
        stream.flush()
        if out is not None:
            stream.close()


def export_utterances(store: Store, fmt: str, out: Path | None = None) -> int:
    """One row per utterance; columns in UTTERANCE_COLUMNS."""
    return write_rows(store.iter_utterance_rows(), UTTERANCE_COLUMNS, fmt, out, _UTTERANCE_TYPES)


FINDING_COLUMNS = (
    "call_id",
    "source_file",
    "kind",
    "category",
    "channel",
    "entity",
    "speaker",
    "role",
    "start_s",
    "end_s",
    "utterance_index",
    "quote",
    "confidence",
    "method",
    "cluster_id",
    "cluster_label",
)
_FINDING_TYPES = {
    "start_s": pa.float64(),
    "end_s": pa.float64(),
    "utterance_index": pa.int64(),
    "confidence": pa.float64(),
    "cluster_id": pa.int64(),
}


def export_findings(store: Store, fmt: str, out: Path | None = None) -> int:
    """One row per finding; columns in FINDING_COLUMNS (cluster columns empty until clustered)."""
    return write_rows(store.iter_finding_rows(), FINDING_COLUMNS, fmt, out, _FINDING_TYPES)
