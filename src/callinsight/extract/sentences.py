"""Sentences (and clauses of run-on turns) with their character spans inside an utterance.

Findings quote a sentence or clause, not a whole turn: a prospect often voices a pain, an
objection and a question in one breath, and each is a separate finding. Transcripts from
speech recognition sometimes carry no punctuation at all, so a long unpunctuated stretch is
cut again before discourse markers ("but", "so", "because", ...).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from callinsight.records import Utterance

# A sentence ends at . ! ? (possibly repeated, possibly followed by a closing quote) before
# whitespace. Abbreviations like "e.g." or "Dr." are rare in speech; decimals never match.
_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
_MARKER = re.compile(
    r"\s+(?=(?:but|so|because|although|though|except|and honestly|and also|i mean|the thing is"
    r"|plus|also|anyway|however)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")
LONG_CLAUSE = 28  # words; a longer unpunctuated stretch is cut at discourse markers
MIN_PIECE = 5  # words; a cut never leaves a piece shorter than this

_INTERROGATIVE = re.compile(
    r"^(?:so\s+|and\s+|but\s+|okay\s+|ok\s+|um+\s+|uh+\s+)*"
    r"(?:how|what|what's|whats|when|where|which|who|whom|whose|why|do|does|did|is|are|was|were"
    r"|can|could|would|will|should|have|has|any|isn't|aren't|don't|doesn't)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    utterance: Utterance
    start: int  # character offsets into utterance.text
    end: int

    @property
    def text(self) -> str:
        return self.utterance.text[self.start : self.end]

    @property
    def is_question(self) -> bool:
        return looks_like_question(self.text)


def looks_like_question(text: str) -> bool:
    """Ends with '?', or (unpunctuated speech) opens like a question."""
    text = text.rstrip()
    if text.endswith("?"):
        return True
    if text.endswith((".", "!")):
        return False
    return bool(_INTERROGATIVE.match(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,;-–—":
        start += 1
    while end > start and text[end - 1] in " \t\n,;-–—":
        end -= 1
    return start, end


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    if len(_WORD.findall(piece)) <= LONG_CLAUSE:
        return [(start, end)]
    cuts = [start]
    for m in _MARKER.finditer(piece):
        at = start + m.end()
        before = len(_WORD.findall(text[cuts[-1] : at]))
        after = len(_WORD.findall(text[at:end]))
        if before >= MIN_PIECE and after >= MIN_PIECE:
            cuts.append(at)
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans between sentence-ending punctuation, before any run-on cutting."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _END.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def last_sentences(text: str, n: int) -> str:
    """The last ``n`` punctuated sentences of a turn, verbatim."""
    text = text.strip()
    return text[_sentence_spans(text)[-n:][0][0] :]


def split_sentences(utterance: Utterance) -> list[Sentence]:
    text = utterance.text
    out: list[Sentence] = []
    for a, b in _sentence_spans(text):
        for c, d in _cut_long(text, a, b):
            c, d = _trim(text, c, d)
            if d > c:
                out.append(Sentence(utterance, c, d))
    return out


def word_count(text: str) -> int:
    return len(_WORD.findall(text))
