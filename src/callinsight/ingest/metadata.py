"""CRM metadata CSV: one row per call file with rep, account, deal, stage, outcome, date, industry.

Rows are matched to files by path relative to the CSV's folder, then by file name alone, so
the same CSV works whether a user ingests the folder or single files from it. A bad row is
reported with its line number and skipped; it never stops a batch.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

from callinsight.errors import E, IngestError
from callinsight.records import CallMetadata

_OUTCOMES = {"won", "lost", "open"}
_COLUMNS = tuple(f.name for f in fields(CallMetadata))


@dataclass(slots=True)
class MetadataTable:
    source: Path
    by_path: dict[Path, CallMetadata] = field(default_factory=dict)
    by_name: dict[str, CallMetadata] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # rendered [E122] messages

    def lookup(self, path: Path) -> CallMetadata | None:
        return self.by_path.get(path.resolve()) or self.by_name.get(path.name)

    def __len__(self) -> int:
        return len(self.by_path)


def _parse_row(row: dict[str, str]) -> CallMetadata:
    values: dict[str, object] = {}
    for name in _COLUMNS:
        raw = (row.get(name) or "").strip()
        if not raw:
            continue
        if name == "date":
            try:
                values[name] = dt.date.fromisoformat(raw[:10])
            except ValueError:
                raise ValueError(f"date '{raw}' is not an ISO date (YYYY-MM-DD)") from None
        elif name == "outcome":
            outcome = raw.lower()
            if outcome not in _OUTCOMES:
                raise ValueError(f"outcome '{raw}' is not one of won, lost, open")
            values[name] = outcome
        else:
            values[name] = raw
    return CallMetadata(**values)  # type: ignore[arg-type]


def load_metadata(path: Path) -> MetadataTable:
    """Read a metadata CSV. Raises IngestError [E101]/[E121]; bad rows land in ``problems``."""
    if not path.is_file():
        raise IngestError(E.E101, path=path)
    table = MetadataTable(source=path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = [c.strip() for c in reader.fieldnames or []]
        reader.fieldnames = columns
        if "file" not in columns:
            raise IngestError(E.E121, path=path, columns=", ".join(columns) or "none")
        for row in reader:
            line = reader.line_num
            file_ref = (row.get("file") or "").strip()
            if not file_ref:
                table.problems.append(
                    IngestError(E.E122, path=path, line=line, reason="empty 'file'").message
                )
                continue
            try:
                meta = _parse_row(row)
            except ValueError as exc:
                table.problems.append(IngestError(E.E122, path=path, line=line, reason=exc).message)
                continue
            target = (path.parent / file_ref).resolve()
            table.by_path[target] = meta
            table.by_name.setdefault(Path(file_ref).name, meta)
    return table
