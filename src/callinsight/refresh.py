"""After new findings: cluster them, map clusters to the content library, index them for search.

One function for the CLI (`clusters`, `recluster`, `demo`) and the dashboard's upload worker,
so a call uploaded in the browser ends up exactly where one ingested from the shell does.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from callinsight.cluster.index import ClusterIndex, UpdateResult
from callinsight.cluster.vectors import cached_vectors
from callinsight.content import library_assets
from callinsight.content.mapping import map_clusters
from callinsight.embed import Embedder
from callinsight.store import Store
from callinsight.store.schema import FindingRow

# Clustering stores the vectors of the kinds it clusters; these are stored here so that
# semantic search covers every finding.
UNCLUSTERED_KINDS = ("content_mention",)


def refresh(
    store: Store,
    embedder: Embedder,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[UpdateResult], dict[str, int]]:
    """(cluster update results, coverage counts covered/partly/uncovered)."""
    index = ClusterIndex(store, embedder)
    results = (index.recluster if rebuild else index.update)(progress=progress)
    counts = map_clusters(store, embedder, library_assets(store))
    with store.session() as s:
        quotes = list(
            s.scalars(
                select(FindingRow.quote).where(FindingRow.kind.in_(UNCLUSTERED_KINDS)).distinct()
            )
        )
    if quotes:
        cached_vectors(store, embedder, quotes)
    return results, counts
