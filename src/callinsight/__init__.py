"""callinsight: objections, attribution and content gaps from recorded sales calls, offline.

The public API::

    from callinsight import Ingestor, Store, load_settings
    settings = load_settings(workspace="my-workspace")
    store = Store.from_settings(settings)
    report = Ingestor(settings, store).ingest([Path("calls/")])
"""

from callinsight.config import Settings, load_settings
from callinsight.errors import CallinsightError
from callinsight.ingest import load_metadata
from callinsight.pipeline import BatchReport, Ingestor
from callinsight.records import Call, CallMetadata, IngestOutcome, Transcript, Utterance, Word
from callinsight.store import Store
from callinsight.transcribe import FasterWhisperTranscriber, Transcriber, get_transcriber

__version__ = "0.1.0"

__all__ = [
    "BatchReport",
    "Call",
    "CallMetadata",
    "CallinsightError",
    "FasterWhisperTranscriber",
    "IngestOutcome",
    "Ingestor",
    "Settings",
    "Store",
    "Transcriber",
    "Transcript",
    "Utterance",
    "Word",
    "get_transcriber",
    "load_metadata",
    "load_settings",
]
