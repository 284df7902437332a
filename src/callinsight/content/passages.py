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


def _pack(items: list[str], sep: str, min_words: int = 0) -> list[str]:
    """Join consecutive items while they stay within ``TARGET_WORDS`` (an item is never cut);
    a group shorter than ``min_words`` takes the next item whatever its length."""
    packed: list[str] = []
    current = ""
    for item in items:
        full = _words(current) + _words(item) > TARGET_WORDS
        if current and full and _words(current) >= min_words:
            packed.append(current)
            current = item
        else:
            current = f"{current}{sep}{item}".strip()
    if current:
        packed.append(current)
    return packed


def split_passages(text: str) -> list[str]:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    pieces: list[str] = []
    for p in paragraphs:
        # Long paragraphs are cut at sentence ends.
        pieces += [p] if _words(p) <= MAX_WORDS else _pack(_SENTENCE_END.split(p), " ")
    # Headings and one-liners join what follows instead of standing alone.
    return _pack(pieces, "\n", min_words=25)


def asset_passages(asset: ContentAsset) -> list[str]:
    head = asset.title if not asset.summary else f"{asset.title}. {asset.summary}"
    return [head, *split_passages(asset.text or "")]
