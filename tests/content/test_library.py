"""Content library import: CSV, JSON, YAML and folders of documents; re-import updates in place."""

from __future__ import annotations

import json

from callinsight.config import CHECKOUT
from callinsight.content.library import import_library, library_assets

DEMO = CHECKOUT / "corpora" / "demo"


def test_csv_then_documents_fill_in_text_and_reimport_is_idempotent(store):
    first = import_library(store, DEMO / "content_library.csv")
    assert (first.added, first.errors) == (36, [])
    docs = import_library(store, DEMO / "content")
    assert docs.added == 0 and docs.updated == 36 and not docs.errors
    assets = {a.id: a for a in library_assets(store)}
    assert len(assets) == 36
    assert assets["A-001"].summary and len(assets["A-001"].text.split()) > 200
    again = import_library(store, DEMO / "content")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 36)


def test_json_and_yaml_with_a_bad_row(store, tmp_path):
    good = {"asset_id": "X-1", "title": "Pricing FAQ", "tags": ["price", "faq"],
            "published": "2026-01-02", "text": "Our pricing is per seat."}  # fmt: skip
    bad = {"title": "no id"}
    (tmp_path / "lib.json").write_text(json.dumps([good, bad]))
    report = import_library(store, tmp_path / "lib.json")
    assert report.added == 1 and len(report.errors) == 1
    assert "lib.json" in str(report.errors[0]) and "asset_id" in str(report.errors[0])
    (tmp_path / "lib.yaml").write_text(
        'assets:\n  - {asset_id: "X-1", title: "Pricing FAQ, updated", tags: "price;faq"}\n'
    )
    report = import_library(store, tmp_path / "lib.yaml")
    assert (report.added, report.updated) == (0, 1)
    (asset,) = library_assets(store)
    assert asset.title == "Pricing FAQ, updated" and asset.tags == ("price", "faq")
