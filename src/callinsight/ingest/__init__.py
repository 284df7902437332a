"""Ingest: decide what a file holds, decode audio or parse transcripts, read CRM metadata."""

from callinsight.ingest.audio import SAMPLE_RATE, DecodedAudio, decode
from callinsight.ingest.metadata import MetadataTable, load_metadata
from callinsight.ingest.sniff import FileKind, is_candidate, sniff
from callinsight.ingest.transcripts import parse_transcript

__all__ = [
    "SAMPLE_RATE",
    "DecodedAudio",
    "FileKind",
    "MetadataTable",
    "decode",
    "is_candidate",
    "load_metadata",
    "parse_transcript",
    "sniff",
]
