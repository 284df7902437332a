"""Scores used by tests and benchmarks: word error rate with Whisper-style text normalisation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from callinsight.records import Utterance

_NON_WORD = re.compile(r"[^\w\s']+")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> list[str]:
    """Lower case, no punctuation, apostrophes kept inside words ("don't"), as words."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return [w.strip("'") for w in _SPACE.split(text) if w.strip("'")]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions, insertions, deletions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Errors per reference word after normalisation; 0.0 for two empty texts."""
    ref, hyp = normalize_text(reference), normalize_text(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def read_rttm(path) -> list[tuple[float, float, str]]:
    """(start, end, speaker) of every SPEAKER line of an RTTM file, in file order."""
    turns = []
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            start = float(f[3])
            turns.append((start, start + float(f[4]), f[7]))
    return turns


def word_role_accuracy(
    utterances: Sequence[Utterance],
    reference: Sequence[tuple[float, float, str]],
    slack_s: float = 0.5,
) -> tuple[int, int]:
    """(words given the right role, words scored) against reference (start, end, role) turns.

    A word's reference role is that of the turn around its midpoint (or the nearest turn
    within ``slack_s``); words nowhere near a reference turn are not scored.
    """
    right = total = 0
    for u in utterances:
        for w in u.words:
            mid = (w.start + w.end) / 2
            best, gap = None, slack_s
            for start, end, role in reference:
                d = 0.0 if start <= mid <= end else min(abs(mid - start), abs(mid - end))
                if d <= gap:
                    best, gap = role, d
                    if d == 0.0:
                        break
            if best is not None:
                total += 1
                right += u.role == best
    return right, total
