"""The dashboard's resources (store, models) and cached reads, invalidated by store version."""

from __future__ import annotations

from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from callinsight.config import Settings, load_settings
from callinsight.content.gaps import Gap, find_gaps
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


# A resource, not cache_data: cache_data would unpickle a fresh copy of 100,000 findings on
# every run of every page (about 0.1 s each). Pages only read these frames, never write them.
@st.cache_resource(show_spinner="reading the store…", max_entries=2)
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


@st.cache_resource
def _background() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="callinsight-dashboard")


# A ranking no run waits for any more (the store moved on) is dropped if it has not started.
@st.cache_resource(show_spinner=False, max_entries=2, on_release=Future.cancel)
def _gap_ranking(url: str, version: tuple) -> Future[list[Gap]]:
    return _background().submit(find_gaps, _store(url), embedder())


@st.cache_resource(show_spinner=False)
def _warm_model() -> Future[int]:
    """The sentence model, loaded off the script thread once per server after the first gap
    ranking, so the first semantic search does not wait ~7 s for it."""
    return _background().submit(lambda: embedder().dim)


def load_data() -> Data:
    """The store as of its current version (one cheap query), read by the main script at the
    start of every run; pages get it from data(), so a run asks for the version once."""
    url = settings().db_url
    v = queries.store_version(_store(url))
    d = Data(v, *_frames(url, v))
    st.session_state["_data"] = d
    # Ranking gaps takes seconds at scale: it starts, off the script thread, as soon as a
    # version is read, so the Content gaps page rarely waits for it.
    _gap_ranking(url, v)
    _warm_model()
    return d


def data() -> Data:
    """Everything pages read, as the main script found the store at the start of this run."""
    return st.session_state["_data"]


@st.cache_data(show_spinner=False, max_entries=16)
def _cluster_table(url: str, version: tuple, filters: queries.Filters, kind: str) -> pd.DataFrame:
    _, findings, clusters, _, _ = _frames(url, version)
    return queries.cluster_table(filters.apply(findings), clusters, kind)


def cluster_table(filters: queries.Filters, kind: str) -> pd.DataFrame:
    """The clusters of a kind as the filters see them, counted once per store version and
    filters (the Overview and Objections pages share it)."""
    return _cluster_table(settings().db_url, data().version, filters, kind)


def gaps(version: tuple) -> list[Gap]:
    """The ranked content gaps of a store version (waits for the ranking if still running)."""
    while True:
        ranking = _gap_ranking(settings().db_url, version)
        try:
            return ranking.result()
        except CancelledError:
            continue  # dropped for newer versions while this run waited: ranked again
        except Exception:
            _gap_ranking.clear()  # a failed ranking is not kept: the next run ranks again
            raise


def invalidate() -> None:
    """After a write from the dashboard itself: the version query would notice too, but a
    write within the same second could leave a timestamp unchanged."""
    _frames.clear()
    _cluster_table.clear()
    _gap_ranking.clear()
