"""Shared fixtures: real models loaded once per session, a fresh workspace per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never read a developer's config or environment.
for _name in [n for n in os.environ if n.startswith("CALLINSIGHT_")]:
    del os.environ[_name]
os.environ["CALLINSIGHT_CONFIG"] = str(Path(__file__).parent / "data" / "callinsight-test.toml")

from callinsight import Ingestor, Store, load_settings  # noqa: E402
from callinsight.transcribe import get_transcriber  # noqa: E402

DATA = Path(__file__).parent / "data"
SPEECH = DATA / "speech"
ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo"

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


@pytest.fixture(scope="session")
def transcriber():
    """tiny.en, loaded once for the whole session."""
    return get_transcriber(load_settings())


@pytest.fixture
def settings(tmp_path):
    return load_settings(workspace=tmp_path / "workspace")


@pytest.fixture
def store(settings):
    s = Store.from_settings(settings)
    yield s
    s.close()


@pytest.fixture
def ingestor(settings, store, transcriber):
    ing = Ingestor(settings, store)
    ing._transcriber = transcriber  # the session's model; Ingestor would load the same one
    return ing


@pytest.fixture(scope="session")
def taxonomy_dir():
    return ROOT / "corpora" / "taxonomy"


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory, transcriber):
    """`callinsight demo --no-serve`, built once per session: (workspace, CLI output)."""
    from typer.testing import CliRunner

    from callinsight.cli import app

    ws = tmp_path_factory.mktemp("demo") / "callinsight-demo"
    result = CliRunner().invoke(
        app, ["demo", "--no-serve", "--workspace", str(ws)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return ws, result.output


@pytest.fixture(scope="session")
def demo_store(demo_workspace):
    store = Store.from_settings(load_settings(workspace=demo_workspace[0]))
    yield store
    store.close()
