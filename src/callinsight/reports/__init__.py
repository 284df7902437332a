"""Reports and exports of what the store holds."""

from callinsight.reports.export import (
    FINDING_COLUMNS,
    FORMATS,
    UTTERANCE_COLUMNS,
    export_findings,
    export_utterances,
    write_rows,
)

__all__ = [
    "FINDING_COLUMNS",
    "FORMATS",
    "UTTERANCE_COLUMNS",
    "export_findings",
    "export_utterances",
    "write_rows",
]
