"""Content mentions linked to the content library.

A prospect's "your ROI guide" or "the webinar last month" is matched against the library's
assets by fuzzy title overlap (rapidfuzz) and by sentence similarity to each asset's title and
summary; the best asset above ``LINK_MIN`` is linked, otherwise the mention stays unlinked with
the words the prospect used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from callinsight.embed import Embedder
from callinsight.records import ContentAsset

LINK_MIN = 0.55
_TYPE_WORDS = {
    "calculator": ("calculator",),
    "case study": ("case study", "case studies", "customer story"),
    "webinar": ("webinar",),
    "guide": ("guide", "playbook", "ebook", "e-book", "whitepaper", "white paper"),
    "blog post": ("blog", "article", "post"),
    "video": ("video", "demo video", "youtube"),
    "one-pager": ("one-pager", "one pager", "datasheet", "data sheet"),
    "report": ("report", "benchmark", "survey", "index"),
    "podcast": ("podcast", "episode"),
    "checklist": ("checklist",),
    "template": ("template",),
    "newsletter": ("newsletter",),
}


@dataclass(frozen=True, slots=True)
class AssetLink:
    asset_id: str
    title: str
    score: float


class AssetLinker:
    def __init__(self, embedder: Embedder, assets: Sequence[ContentAsset]) -> None:
        self.embedder = embedder
        self.assets = list(assets)
        blob = "\n".join(f"{a.id}\t{a.title}\t{a.type}\t{a.summary}" for a in self.assets)
        self.digest = hashlib.sha256(blob.encode()).hexdigest()[:16]
        self._vectors = (
            embedder.encode([f"{a.title}. {a.summary or ''}" for a in self.assets])
            if self.assets
            else None
        )

    def link(self, texts: Sequence[str]) -> list[AssetLink | None]:
        if not texts or not self.assets:
            return [None] * len(texts)
        sims = self.embedder.encode(list(texts)) @ self._vectors.T
        out: list[AssetLink | None] = []
        for row, text in enumerate(texts):
            lower = text.lower()
            best: tuple[float, int] = (0.0, -1)
            for j, asset in enumerate(self.assets):
                title = fuzz.partial_token_set_ratio(lower, asset.title.lower()) / 100
                # partial_token_set_ratio is 1.0 for any shared word; weigh it by how much
                # of the title the sentence covers.
                title *= fuzz.token_set_ratio(lower, asset.title.lower()) / 100
                type_bonus = 0.15 if _same_type(lower, asset.type) else 0.0
                score = max(float(sims[row, j]), title) + type_bonus
                if score > best[0]:
                    best = (score, j)
            if best[1] >= 0 and best[0] >= LINK_MIN:
                asset = self.assets[best[1]]
                out.append(AssetLink(asset.id, asset.title, round(min(best[0], 1.0), 4)))
            else:
                out.append(None)
        return out


def _same_type(text: str, asset_type: str | None) -> bool:
    if not asset_type:
        return False
    words = _TYPE_WORDS.get(asset_type.lower(), (asset_type.lower(),))
    return any(w in text for w in words)
