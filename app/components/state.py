"""The dashboard's resources (store, models) and cached reads, invalidated by store version."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from callinsight.config import Settings, load_settings
from callinsight.dashboard import queries
from callinsight.store import Store


def settings() -> Settings:
    # `callinsight dashboard` passes the workspace (and database URL) in the environment.
    return load_settings()


@st.cache_resource
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The store of the workspace in the environment (one per database, kept open)."""
    return _store(settings().db_url)


@st.cache_resource
def _embedder(name: str):
    from callinsight.embed import LazyEmbedder

    return LazyEmbedder(settings())


def embedder():
    """The sentence model, loaded on its first use (reading stored vectors does not need it)."""
    return _embedder(settings().embedder)


@dataclass(frozen=True)
class Data:
    version: tuple
    calls: pd.DataFrame
    findings: pd.DataFrame
    clusters: pd.DataFrame
    assets: pd.DataFrame
    matches: pd.DataFrame


@st.cache_data(show_spinner="reading the store…", max_entries=4)
def _frames(url: str, version: tuple) -> tuple[pd.DataFrame, ...]:
    s = _store(url)
    calls = queries.calls_frame(s)
    findings = queries.findings_frame(s, calls)
    return (
        calls,
        findings,
        queries.clusters_frame(s),
        queries.assets_frame(s),
        queries.matches_frame(s),
    )


def version() -> tuple:
    return queries.store_version(store())


def data() -> Data:
    """Everything pages read, as of the store's current version (one cheap query per rerun)."""
    v = version()
    return Data(v, *_frames(settings().db_url, v))


def invalidate() -> None:
    """After a write from the dashboard itself: the version query would notice too, but a
    write within the same second could leave a timestamp unchanged."""
    _frames.clear()
