"""Deciding what a file holds from its bytes, not its name.

Call recorders and meeting tools name files carelessly (``.mp3`` that is really WAV,
``.txt`` that is really WebVTT), so the extension is only a hint used to word errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from callinsight.errors import E, IngestError

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".mp3", ".m4a", ".mp4", ".flac", ".ogg", ".oga", ".opus", ".webm", ".aac", ".mka"}
)
TRANSCRIPT_EXTENSIONS = frozenset({".vtt", ".srt", ".txt", ".json"})
INGESTIBLE_EXTENSIONS = AUDIO_EXTENSIONS | TRANSCRIPT_EXTENSIONS

_HEAD = 4096
_SRT_TIMING = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FileKind:
    kind: Literal["audio", "transcript"]
    format: str  # wav, flac, ogg, mp3, mp4, webm, vtt, srt, json, txt, or "audio" (PyAV decides)


def _audio_magic(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "opus" if b"OpusHead" in head[:128] else "ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        # ADTS AAC shares the MPEG sync word; layer bits 00 mark AAC.
        return "aac" if head[1] & 0x06 == 0 and head[:3] != b"ID3" else "mp3"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "m4a" if brand in (b"M4A ", b"M4B ") else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def sniff(path: Path) -> FileKind:
    """What ``path`` holds. Raises IngestError [E105] empty, [E106] not text, [E102] neither."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if not head:
        raise IngestError(E.E105, path=path)
    fmt = _audio_magic(head)
    if fmt is not None:
        return FileKind("audio", fmt)
    if b"\x00" in head:
        # Binary but no magic we know: let the decoder try (AIFF, AMR, CAF...).
        return FileKind("audio", "audio")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A cut inside a multi-byte character at the end of the head is still text.
        if exc.start < len(head) - 4:
            raise IngestError(E.E106, path=path) from exc
        text = head[: exc.start].decode("utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("WEBVTT"):
        return FileKind("transcript", "vtt")
    # "[00:01:05] Name: text" is a timestamped plain transcript, not JSON.
    if stripped[:1] in ("[", "{") and not re.match(r"\[\s*\d{1,2}:\d{2}", stripped):
        return FileKind("transcript", "json")
    suffix = path.suffix.lower()
    if _SRT_TIMING.search(text):
        return FileKind("transcript", "vtt" if suffix == ".vtt" else "srt")
    # Text that matches no format exactly: the extension decides which parser explains
    # what is wrong with it (a .vtt without its header, an .srt without timings).
    if suffix in (".vtt", ".srt", ".json"):
        return FileKind("transcript", suffix[1:])
    return FileKind("transcript", "txt")


def is_candidate(path: Path) -> bool:
    """Whether a file found while walking a folder should be ingested (by extension)."""
    return path.suffix.lower() in INGESTIBLE_EXTENSIONS and not path.name.startswith(".")
