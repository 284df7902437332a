"""Keyword trackers: phrases a sales team wants flagged, said by the rep, the prospect or
anyone. Defined in config (``[[trackers]]``); ``callinsight rescan`` applies a new or changed
tracker to every stored call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from callinsight.config import Tracker


class TrackerMatcher:
    def __init__(self, nlp: Language, trackers: Sequence[Tracker]) -> None:
        """``nlp`` is the pipeline whose docs ``match`` will see (its tokenizer reads the
        phrases)."""
        self.trackers = {t.name: t for t in trackers}
        self.digest = hashlib.sha256(
            json.dumps([t.model_dump() for t in trackers], sort_keys=True).encode()
        ).hexdigest()[:16]
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for t in trackers:
            self.matcher.add(t.name, [nlp.make_doc(p) for p in t.phrases])

    def match(self, doc: Doc, role: str) -> list[str]:
        """Names of the trackers that fire in this sentence for a speaker of ``role``."""
        if not self.trackers:
            return []
        hits = []
        for match_id, _s, _e in self.matcher(doc):
            name = doc.vocab.strings[match_id]
            want = self.trackers[name].speaker
            if (
                want == "anyone" or want == role or (want == "prospect" and role == "unknown")
            ) and name not in hits:
                hits.append(name)
        return hits
