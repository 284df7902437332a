"""The content library: the seller's marketing assets, imported into the store.

``import_library(store, path)`` takes a CSV, JSON or YAML file of assets, or a folder of
documents (Markdown, HTML, PDF, DOCX, plain text; see ``documents.py``). Re-importing updates
assets in place, keyed by asset id (a document without an ``asset_id`` is keyed by its URL, or
by its path inside the folder). A document whose id matches an asset from a CSV adds its full
text to that asset without wiping what the CSV gave. A bad row or file is reported with its
name and reason and never stops the rest of the import.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from callinsight.content.documents import SUFFIXES, Document, iter_documents
from callinsight.errors import E, IngestError
from callinsight.records import ContentAsset
from callinsight.store import Store
from callinsight.store.schema import ContentAssetRow

_ID_KEYS = ("asset_id", "id")
_FIELDS = (
    "title",
    "url",
    "type",
    "tags",
    "persona",
    "stage",
    "owner",
    "published",
    "summary",
    "text",
)


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[IngestError] = field(default_factory=list)


def _date(value: object, where: str, line: int | str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise IngestError(
            E.E122, path=where, line=line, reason=f"published date '{value}' is not YYYY-MM-DD"
        ) from None


def _tags(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).replace(",", ";").split(";")
    return [str(t).strip() for t in items if str(t).strip()]


def _values(record: dict, where: str, line: int | str) -> tuple[str, dict]:
    record = {str(k).lower().strip(): v for k, v in record.items()}
    asset_id = next((str(record[k]).strip() for k in _ID_KEYS if record.get(k)), "")
    title = str(record.get("title") or "").strip()
    if not asset_id or not title:
        raise IngestError(E.E122, path=where, line=line, reason="needs an asset_id and a title")
    values = {
        "title": title,
        "tags": _tags(record.get("tags")),
        "published": _date(record.get("published"), where, line),
    }
    for key in ("url", "type", "persona", "stage", "owner", "summary", "text"):
        v = record.get(key)
        values[key] = str(v).strip() if v not in (None, "") else None
    return asset_id, values


def _records(path: Path) -> Iterator[tuple[int | str, dict]]:
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix == ".csv":
        yield from enumerate(csv.DictReader(text.splitlines()), start=2)
        return
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise IngestError(
            E.E123, path=path, reason=f"not valid {suffix[1:].upper()}: {exc}"
        ) from None
    if isinstance(data, dict):
        data = data.get("assets", data)
    if not isinstance(data, list):
        raise IngestError(
            E.E123, path=path, reason="expected a list of assets (or {assets: [...]})"
        )
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise IngestError(E.E122, path=path, line=f"item {i}", reason="not a mapping")
        yield f"item {i}", item


def _document_record(doc: Document, folder: Path) -> dict:
    record: dict = dict(doc.meta)
    record["title"] = record.get("title") or doc.title
    record["text"] = doc.text
    if not any(record.get(k) for k in _ID_KEYS):
        # Stable without an id: the URL, else the path inside the folder.
        basis = record.get("url") or doc.path.relative_to(folder).as_posix()
        record["asset_id"] = "DOC-" + hashlib.sha1(basis.encode()).hexdigest()[:10]
    return record


def _upsert(s, asset_id: str, values: dict, source: str, report: ImportReport, partial: bool):
    existing = s.get(ContentAssetRow, asset_id)
    if existing is None:
        s.add(ContentAssetRow(id=asset_id, source=source, **values))
        report.added += 1
        return
    if partial:
        # A document adds to a CSV row: only the fields it actually has.
        values = {k: v for k, v in values.items() if v not in (None, [], "")}
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    if changed:
        for k, v in changed.items():
            setattr(existing, k, v)
        existing.source = source
        report.updated += 1
    else:
        report.unchanged += 1


def import_library(store: Store, path: Path) -> ImportReport:
    """Insert or update every asset of a CSV / JSON / YAML file or a folder of documents."""
    report = ImportReport()
    if path.is_dir():
        with store.session() as s, s.begin():
            for item in iter_documents(path):
                if isinstance(item, IngestError):
                    report.errors.append(item)
                    continue
                try:
                    asset_id, values = _values(_document_record(item, path), str(item.path), "-")
                except IngestError as exc:
                    report.errors.append(exc)
                    continue
                _upsert(s, asset_id, values, str(item.path), report, partial=True)
        return report
    if not path.is_file():
        raise IngestError(E.E101, path=path)
    if path.suffix.lower() not in (".csv", ".json", ".yaml", ".yml"):
        accepted = ", ".join(sorted({".csv", ".json", ".yaml", *SUFFIXES}))
        raise IngestError(E.E123, path=path, reason=f"not a library file or folder ({accepted})")
    with store.session() as s, s.begin():
        for line, record in _records(path):
            try:
                asset_id, values = _values(record, str(path), line)
            except IngestError as exc:
                report.errors.append(exc)
                continue
            _upsert(s, asset_id, values, str(path), report, partial=False)
    return report


def save_asset(store: Store, record: dict, source: str = "dashboard") -> ImportReport:
    """Add or edit one asset from a form (the same rules as a CSV row; raises E122)."""
    report = ImportReport()
    asset_id, values = _values(record, source, "-")
    with store.session() as s, s.begin():
        _upsert(s, asset_id, values, source, report, partial=False)
    return report


def library_assets(store: Store) -> list[ContentAsset]:
    with store.session() as s:
        rows = s.scalars(select(ContentAssetRow).order_by(ContentAssetRow.id))
        return [
            ContentAsset(
                r.id,
                r.title,
                r.type,
                r.summary,
                url=r.url,
                text=r.text,
                tags=tuple(r.tags or ()),
                persona=r.persona,
                stage=r.stage,
                owner=r.owner,
                published=r.published,
            )
            for r in rows
        ]
