"""Parsing transcript files: WebVTT (Zoom, Teams), SRT, plain ``Name: text`` and JSON.

Every parser yields cues (speaker, text, times); consecutive cues of one speaker are then
joined into a turn, because meeting tools cut a sentence across cues and extraction needs
whole sentences. Each cue's time survives as a timed piece of its turn (``Utterance.words``),
so a quote inside a long turn still maps to the moment it was said.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from callinsight.errors import E, IngestError
from callinsight.records import Transcript, Utterance, Word

_ROLES = {"rep", "prospect", "unknown"}
UNKNOWN_SPEAKER = "Unknown speaker"

_TIME = r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_NAME_LINE = re.compile(r"^(?P<name>[^\W\d][\w.'’\- ]{0,60}?)\s*:\s+(?P<text>\S.*)$")
_TXT_STAMP = re.compile(
    r"^\s*[\[(]?(?P<t>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?\s*[-–]?\s*"
)
_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.DOTALL)
_TAG = re.compile(r"</?[^>]+>")


@dataclass(slots=True)
class _Cue:
    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None
    role: str | None = None


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def _parse_timing(line: str) -> tuple[float, float] | None:
    m = _TIMING.match(line)
    if not m:
        return None
    g = m.groups()
    return _seconds(*g[:4]), _seconds(*g[4:])


def _clock(text: str) -> float:
    parts = text.replace(",", ".").split(":")
    secs = 0.0
    for p in parts:
        secs = secs * 60 + float(p)
    return secs


def _split_name(text: str) -> tuple[str | None, str]:
    m = _NAME_LINE.match(text)
    if m and len(m.group("name").split()) <= 5:
        return m.group("name").strip(), m.group("text").strip()
    return None, text


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks of (line number, line)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for no, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            current.append((no, line.rstrip()))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _timed_cues(path: Path, text: str, *, vtt: bool) -> list[_Cue]:
    error = E.E111 if vtt else E.E112
    blocks = _blocks(text)
    if vtt:
        if not blocks or not blocks[0][0][1].lstrip("\ufeff").startswith("WEBVTT"):
            raise IngestError(E.E111, path=path, reason="missing the 'WEBVTT' header line")
        blocks = blocks[1:]
    cues: list[_Cue] = []
    for block in blocks:
        first = block[0][1].strip()
        if vtt and first.split(" ", 1)[0] in {"NOTE", "STYLE", "REGION"}:
            continue
        timing_at = next((i for i, (_, line) in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            raise IngestError(
                error, path=path, reason=f"line {block[0][0]}: a cue without a timing line"
            )
        line_no, timing_line = block[timing_at]
        times = _parse_timing(timing_line)
        if times is None:
            raise IngestError(
                error,
                path=path,
                reason=f"line {line_no}: cannot read times in '{timing_line.strip()}'",
            )
        start, end = times
        if end < start:
            raise IngestError(E.E115, path=path, line=line_no, start=start, end=end)
        payload = " ".join(line.strip() for _, line in block[timing_at + 1 :])
        voice = _VOICE.search(payload)
        if voice:  # Teams: <v Maya Chen>text</v>
            speaker, body = voice.group(1).strip(), voice.group(2)
        else:  # Zoom: Maya Chen: text
            speaker, body = _split_name(_TAG.sub("", payload))
        body = _TAG.sub("", body).strip()
        if body:
            cues.append(_Cue(speaker, body, start, end))
    return cues


def _json_cues(path: Path, text: str) -> list[_Cue]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(
            E.E113, path=path, reason=f"not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("utterances"), list):
        data = data["utterances"]
    if not isinstance(data, list):
        raise IngestError(E.E113, path=path, reason="expected a list of {speaker, text} objects")
    cues: list[_Cue] = []
    for i, item in enumerate(data):
        where = f"item {i}"
        if not isinstance(item, dict):
            raise IngestError(E.E113, path=path, reason=f"{where} is not an object")
        speaker, body = item.get("speaker"), item.get("text")
        if not isinstance(body, str):
            raise IngestError(E.E113, path=path, reason=f"{where} has no text")
        if speaker is not None and not isinstance(speaker, str | int):
            raise IngestError(E.E113, path=path, reason=f"{where}: speaker must be a string")
        role = item.get("role")
        if role is not None and role not in _ROLES:
            raise IngestError(
                E.E113, path=path, reason=f"{where}: role '{role}' is not rep, prospect or unknown"
            )
        start, end = item.get("start"), item.get("end")
        for name, value in (("start", start), ("end", end)):
            if value is not None and (
                not isinstance(value, int | float) or isinstance(value, bool) or value < 0
            ):
                raise IngestError(
                    E.E113, path=path, reason=f"{where}: {name} must be a number of seconds"
                )
        if start is not None and end is not None and end < start:
            raise IngestError(E.E115, path=path, line=f"item {i}", start=start, end=end)
        if body.strip():
            cues.append(
                _Cue(str(speaker) if speaker is not None else None, body.strip(), start, end, role)
            )
    return cues


def _text_cues(path: Path, text: str) -> list[_Cue]:
    cues: list[_Cue] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        start = None
        stamp = _TXT_STAMP.match(line)
        if stamp:
            start = _clock(stamp.group("t"))
            line = line[stamp.end() :]
        speaker, body = _split_name(line)
        if speaker is not None:
            cues.append(_Cue(speaker, body, start))
        elif cues:  # a wrapped line continues the turn above it
            cues[-1].text += " " + line
        # lines before the first speaker are a header (title, date): not speech
    if not cues:
        raise IngestError(E.E114, path=path)
    # A turn ends where the next one starts, when the file gives start times.
    for cue, nxt in itertools.pairwise(cues):
        if cue.start is not None and nxt.start is not None and nxt.start >= cue.start:
            cue.end = nxt.start
    return cues


def _turns(cues: list[_Cue]) -> tuple[Utterance, ...]:
    """Join consecutive cues of one speaker into turns; times become timed pieces."""
    turns: list[Utterance] = []
    group: list[_Cue] = []

    def flush() -> None:
        if not group:
            return
        first, last = group[0], group[-1]
        role = first.role if first.role in _ROLES else "unknown"
        pieces = tuple(
            Word(c.start, c.end if c.end is not None else c.start, c.text, None)
            for c in group
            if c.start is not None
        )
        turns.append(
            Utterance(
                index=len(turns),
                speaker=first.speaker or UNKNOWN_SPEAKER,
                text=" ".join(c.text for c in group),
                start_s=first.start,
                end_s=last.end if last.end is not None else last.start,
                role=role,  # type: ignore[arg-type]
                role_source="transcript" if first.role in ("rep", "prospect") else "none",
                words=pieces if len(pieces) > 1 else (),
            )
        )
        group.clear()

    for cue in cues:
        # A cue with no name (a Zoom line that wrapped) belongs to the speaker before it.
        speaker = cue.speaker if cue.speaker is not None else (group[-1].speaker if group else None)
        cue.speaker = speaker
        if group and (group[-1].speaker != speaker or (group[-1].role != cue.role and cue.role)):
            flush()
        group.append(cue)
    flush()
    return tuple(turns)


def parse_transcript(path: Path, fmt: str) -> Transcript:
    """Parse a transcript file of format ``fmt`` (vtt, srt, txt, json).

    Raises IngestError naming the file and the problem ([E106], [E111]-[E116]).
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(E.E106, path=path) from exc
    if fmt == "vtt":
        cues = _timed_cues(path, text, vtt=True)
    elif fmt == "srt":
        cues = _timed_cues(path, text, vtt=False)
    elif fmt == "json":
        cues = _json_cues(path, text)
    else:
        cues = _text_cues(path, text)
    utterances = _turns(cues)
    if not utterances:
        raise IngestError(E.E116, path=path)
    ends = [u.end_s for u in utterances if u.end_s is not None]
    return Transcript(
        utterances=utterances,
        duration_s=max(ends) if ends else None,
        language=None,
        method=f"transcript:{fmt}",
    )
