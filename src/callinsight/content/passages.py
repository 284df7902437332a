"""An asset's text cut into passages: what a cluster is matched against, and what is shown.

A whole guide embedded as one vector says little about any one objection; a paragraph does.
Paragraphs are joined until about ``TARGET_WORDS`` words and long ones are cut at sentence
ends, so each passage is one point a rep could quote. The title with the summary is always a
passage of its own (assets imported from a CSV may have nothing else).
"""

from __future__ import annotations

import re

from callinsight.records import ContentAsset

TARGET_WORDS = 90
MAX_WORDS = 140
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _words(text: str) -> int:
    return len(text.split())


def split_passages(text: str) -> list[str]:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    pieces: list[str] = []
    for p in paragraphs:
        if _words(p) <= MAX_WORDS:
            pieces.append(p)
            continue
        current = ""
        for sentence in _SENTENCE_END.split(p):
            if current and _words(current) + _words(sentence) > TARGET_WORDS:
                pieces.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}".strip()
        if current:
            pieces.append(current)
    passages: list[str] = []
    current = ""
    for piece in pieces:
        # Headings and one-liners join what follows instead of standing alone.
        if current and _words(current) + _words(piece) > TARGET_WORDS and _words(current) >= 25:
            passages.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}".strip()
    if current:
        passages.append(current)
    return passages


def asset_passages(asset: ContentAsset) -> list[str]:
    head = asset.title if not asset.summary else f"{asset.title}. {asset.summary}"
    return [head, *split_passages(asset.text or "")]
