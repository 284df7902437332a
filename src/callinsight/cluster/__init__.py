"""Clusters of findings: the clusterer, the store-backed index, and summaries for people."""

from callinsight.cluster.algorithm import ClusterParams, Partition, UmapWardClusterer
from callinsight.cluster.index import CLUSTERED_KINDS, ClusterIndex, UpdateResult
from callinsight.cluster.summary import ClusterSummary, QuoteRef, cluster_summaries

__all__ = [
    "CLUSTERED_KINDS",
    "ClusterIndex",
    "ClusterParams",
    "ClusterSummary",
    "Partition",
    "QuoteRef",
    "UmapWardClusterer",
    "UpdateResult",
    "cluster_summaries",
]
