"""The dashboard under AppTest: the demo workspace, read-only, or a copy for tests that write."""

from __future__ import annotations

import html
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = ROOT / "app" / "streamlit_app.py"


def open_app(workspace, monkeypatch) -> AppTest:
    monkeypatch.setenv("CALLINSIGHT_WORKSPACE", str(workspace))
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def app(demo_workspace, monkeypatch) -> AppTest:
    return open_app(demo_workspace[0], monkeypatch)


@pytest.fixture
def writable_app(demo_workspace, demo_store, tmp_path, monkeypatch):
    """A copy of the demo workspace: decisions and sends made here do not leak."""
    with demo_store.engine.connect() as conn:  # fold the WAL into the file before copying
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "workspace"
    shutil.copytree(demo_workspace[0], copy)
    return open_app(copy, monkeypatch), copy


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    """Everything the page wrote as text: markdown, captions, titles, expanders, metrics.

    Quotes go into markdown HTML-escaped (``components/quotes.py``): unescaped here, as a
    reader sees them.
    """
    parts = [html.unescape(m.value) for m in at.markdown] + [c.value for c in at.caption]
    parts += [t.value for t in at.title] + [h.value for h in at.header]
    parts += [h.value for h in at.subheader] + [e.label for e in at.expander]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [x.value for x in [*at.success, *at.info, *at.warning, *at.error]]
    return "\n".join(str(p) for p in parts)
