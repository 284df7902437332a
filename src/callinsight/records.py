"""Typed records passed between pipeline stages.

Frozen dataclasses: a stage returns new records and never mutates its input, so the same
functions run in one process, a process pool or on a cluster.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Literal

Role = Literal["rep", "prospect", "unknown"]
SourceKind = Literal["audio", "transcript"]
Outcome = Literal["won", "lost", "open"]


@dataclass(frozen=True, slots=True)
class Word:
    """A timed piece of an utterance's text: a word from Whisper, a cue from a subtitle file."""

    start: float
    end: float
    text: str
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class Utterance:
    """One speaker turn. ``start_s``/``end_s`` are None when a transcript has no times."""

    index: int
    speaker: str
    text: str
    start_s: float | None = None
    end_s: float | None = None
    role: Role = "unknown"
    # Where the role came from: "channel", "transcript", "roster", "voice", "text-cues"...
    role_source: str = "none"
    channel: int | None = None
    confidence: float | None = None
    words: tuple[Word, ...] = ()
    role_confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech from one channel, as a transcriber returns it."""

    start: float
    end: float
    text: str
    confidence: float
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Transcript:
    """What a transcriber or a transcript parser returns for one call."""

    utterances: tuple[Utterance, ...]
    duration_s: float | None
    language: str | None = None
    # e.g. "faster-whisper:tiny.en" or "vtt"; stored with the call for traceability.
    method: str = ""
    # What speaker separation found ("2 speakers", "one speaker", "no speech found"), and
    # how roles were decided or why they could not be.
    speakers_note: str = ""
    roles_note: str = ""
    # Diarized speaker label -> enrolled rep whose voice it matches.
    voice_matches: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CallMetadata:
    """CRM facts about a call, from a metadata CSV. Every field is optional."""

    title: str | None = None
    date: dt.date | None = None
    rep: str | None = None
    account: str | None = None
    deal_id: str | None = None
    stage: str | None = None
    outcome: Outcome | None = None
    industry: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def merged_over(self, base: CallMetadata) -> CallMetadata:
        """This metadata, with gaps filled from ``base``."""
        return CallMetadata(
            **{
                f.name: getattr(self, f.name)
                if getattr(self, f.name) is not None
                else getattr(base, f.name)
                for f in fields(self)
            }
        )


@dataclass(frozen=True, slots=True)
class Call:
    id: str  # sha256 of the file's bytes: the same content is the same call
    source_file: str
    source_kind: SourceKind
    format: str
    status: str
    metadata: CallMetadata = field(default_factory=CallMetadata)
    duration_s: float | None = None
    language: str | None = None
    channels: int | None = None
    method: str = ""
    error: str | None = None
    audio_path: str | None = None
    speakers_note: str = ""
    roles_note: str = ""


IngestStatus = Literal["ingested", "unchanged", "updated", "failed"]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one input file."""

    path: str
    status: IngestStatus
    call_id: str | None = None
    message: str = ""
    utterances: int = 0
    audio_s: float = 0.0


@dataclass(frozen=True, slots=True)
class ContentAsset:
    """A piece of the seller's marketing from the content library, as extraction links it."""

    id: str
    title: str
    type: str | None = None
    summary: str | None = None
    url: str | None = None
    text: str | None = None
    tags: tuple[str, ...] = ()
    persona: str | None = None
    stage: str | None = None
    owner: str | None = None
    published: dt.date | None = None


FindingKind = Literal[
    "objection", "attribution", "research", "question", "content_mention", "tracker"
]
# How a finding was found: a spaCy rule, similarity to the taxonomy's exemplars, the trained
# classifier, or a user's keyword tracker.
FindingMethod = Literal["rule", "similarity", "model", "tracker"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence from a call: what was said, by whom, when, and what it means.

    ``quote`` is exactly ``utterance.text[char_start:char_end]``; ``start_s``/``end_s`` are
    the quote's own times when the utterance has word timings, else the utterance's.
    ``detail`` holds kind-specific facts (the prompt an answer replies to, a linked asset id).
    """

    call_id: str
    utterance_index: int
    kind: FindingKind
    quote: str
    char_start: int
    char_end: int
    speaker: str
    role: Role
    confidence: float
    method: FindingMethod
    category: str | None = None
    channel: str | None = None
    entity: str | None = None
    start_s: float | None = None
    end_s: float | None = None
    detail: tuple[tuple[str, object], ...] = ()

    @property
    def key(self) -> tuple[str, int, str, int, int, str | None, str | None]:
        """Identity across re-extraction: a user's decision on a finding follows this key."""
        return (
            self.call_id,
            self.utterance_index,
            self.kind,
            self.char_start,
            self.char_end,
            self.category,
            self.channel,
        )
