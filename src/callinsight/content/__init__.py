"""The content library: assets imported from the seller's marketing."""

from callinsight.content.library import import_csv, library_assets

__all__ = ["import_csv", "library_assets"]
