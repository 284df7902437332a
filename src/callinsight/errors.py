"""Every user-facing error message, in one place, each with a stable code.

Codes make messages searchable in logs and testable without matching prose:
``raise IngestError(E.E101, path=p, reason="...")`` renders as
``[E101] calls/x.wav: cannot decode audio: ...``.
"""

from __future__ import annotations

from enum import StrEnum


class E(StrEnum):
    # config and workspace
    E001 = "cannot read config file {path}: {reason}"
    E002 = "unknown {stage} '{name}'; choose one of: {choices}"
    E003 = "no demo corpus at {path}; run from a checkout of callinsight or set CALLINSIGHT_CORPORA"
    # ingest: files
    E101 = "{path}: file not found"
    E102 = "{path}: unrecognised file type (neither audio nor a transcript: {reason})"
    E103 = "{path}: cannot decode audio: {reason}"
    E104 = "{path}: audio holds no samples (empty or zero-length stream)"
    E105 = "{path}: file is empty"
    E106 = "{path}: not valid UTF-8 text"
    # ingest: transcripts
    E111 = "{path}: malformed WebVTT: {reason}"
    E112 = "{path}: malformed SRT: {reason}"
    E113 = "{path}: malformed JSON transcript: {reason}"
    E114 = "{path}: plain-text transcript has no 'Name: text' lines"
    E115 = "{path}: line {line}: cue ends before it starts ({start} > {end})"
    E116 = "{path}: transcript holds no utterances"
    # ingest: metadata
    E121 = "{path}: metadata CSV lacks a 'file' column (columns: {columns})"
    E122 = "{path}: line {line}: {reason}"
    E123 = "{path}: cannot read document: {reason}"
    E124 = "{path}: document holds no text"
    # speakers
    E131 = "{path}: only {seconds} s of speech; a voice sample needs {needed} s or more"
    # transcription and models
    E201 = "speech model '{name}' not found: {reason}"
    E202 = "model file {path} does not match the manifest (sha256 {actual}, expected {expected})"
    E203 = "cannot assemble Whisper base: {reason}"
    # store
    E301 = "no call matches '{ref}'"
    E302 = "'{ref}' matches {count} calls; give more of the id"
    E303 = "cannot open database {url}: {reason}"
    E305 = "no {what} in the store"
    E306 = "cannot do that: {reason}"
    # extraction
    E501 = "{path}: invalid taxonomy: {reason}"
    E502 = "no trained objection classifier in {path}: run `callinsight train`"
    E503 = "{path}: invalid training data: {reason}"
    E504 = (
        "{path}: classifier files do not match their meta.json ({reason}); run `callinsight train`"
    )
    E505 = (
        "{path}: the classifier was trained on '{trained}' vectors but extraction reads "
        "'{label}' (setting extraction_vectors); run `callinsight train`"
    )
    # export
    E401 = "unknown export format '{fmt}'; choose one of: {choices}"


class CallinsightError(Exception):
    """Base class: carries a code and the rendered message."""

    def __init__(self, code: E, **fields: object) -> None:
        self.code = code.name
        self.fields = fields
        self.message = f"[{code.name}] " + code.value.format(**fields)
        super().__init__(self.message)


class ConfigError(CallinsightError):
    pass


class IngestError(CallinsightError):
    """A single input file cannot be ingested; a batch records it and goes on."""


class ModelError(CallinsightError):
    pass


class StoreError(CallinsightError):
    pass


class ExtractError(CallinsightError):
    """Extraction cannot start: a broken taxonomy, training set or classifier."""
