"""Extraction: objections, attribution answers, research answers, buyer questions, content
mentions and keyword trackers, each with its quote, span, times, method and confidence."""

from callinsight.extract.extractor import EXTRACTOR_VERSION, CallText, Extractor
from callinsight.extract.taxonomy import Taxonomy, load_taxonomy

__all__ = ["EXTRACTOR_VERSION", "CallText", "Extractor", "Taxonomy", "load_taxonomy"]
