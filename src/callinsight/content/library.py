"""The content library: the seller's marketing assets, imported into the store.

Extraction links content mentions to these assets; clustering and gap analysis map objection
clusters to them. Re-importing the same file updates assets in place (keyed by asset id).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from callinsight.errors import E, IngestError
from callinsight.records import ContentAsset
from callinsight.store import Store
from callinsight.store.schema import ContentAssetRow

_ID_COLUMNS = ("asset_id", "id")


def _date(value: str, path: Path, line: int) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise IngestError(
            E.E122, path=path, line=line, reason=f"published date '{value}' is not YYYY-MM-DD"
        ) from None


def import_csv(store: Store, path: Path) -> tuple[int, int]:
    """Insert or update every asset of a library CSV; returns (added, updated)."""
    if not path.is_file():
        raise IngestError(E.E101, path=path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    added = updated = 0
    with store.session() as s, s.begin():
        for line, row in enumerate(rows, start=2):
            asset_id = next((row[c].strip() for c in _ID_COLUMNS if row.get(c)), "")
            title = (row.get("title") or "").strip()
            if not asset_id or not title:
                raise IngestError(
                    E.E122, path=path, line=line, reason="needs an asset_id and a title"
                )
            values = {
                "title": title,
                "url": row.get("url") or None,
                "type": row.get("type") or None,
                "tags": [t.strip() for t in (row.get("tags") or "").split(";") if t.strip()],
                "persona": row.get("persona") or None,
                "stage": row.get("stage") or None,
                "owner": row.get("owner") or None,
                "published": _date(row.get("published") or "", path, line),
                "summary": row.get("summary") or None,
                "text": row.get("text") or None,
            }
            existing = s.get(ContentAssetRow, asset_id)
            if existing is None:
                s.add(ContentAssetRow(id=asset_id, **values))
                added += 1
            elif any(getattr(existing, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(existing, k, v)
                updated += 1
    return added, updated


def library_assets(store: Store) -> list[ContentAsset]:
    with store.session() as s:
        rows = s.scalars(select(ContentAssetRow).order_by(ContentAssetRow.id))
        return [ContentAsset(r.id, r.title, r.type, r.summary) for r in rows]
