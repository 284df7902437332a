"""Reports and exports of what the store holds."""

from callinsight.reports.export import FORMATS, UTTERANCE_COLUMNS, export_utterances, write_rows

__all__ = ["FORMATS", "UTTERANCE_COLUMNS", "export_utterances", "write_rows"]
