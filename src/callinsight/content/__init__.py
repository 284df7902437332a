"""The content library: assets imported from the seller's marketing."""

from callinsight.content.library import ImportReport, import_library, library_assets

__all__ = ["ImportReport", "import_library", "library_assets"]
