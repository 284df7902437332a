"""The rule pass: a registered spaCy component that matches cue phrases and writes them to
``doc.spans[key]``, each span labelled with its category, channel or prompt kind.

Patterns come from the taxonomy files (see ``taxonomy.py`` for their small syntax) and are
compiled to one PhraseMatcher on token norms, so case, "can't"/"can’t"/"cannot" and similar
variants match alike; patterns with ``...`` gaps are chains of phrase hits.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from callinsight.extract.taxonomy import Taxonomy

GAP = "..."
MAX_GAP = 4  # words a "..." may stand for
MAX_VARIANTS = 512  # per segment: keeps a careless pattern from exploding the matcher


def expand(pattern: str) -> list[list[str]]:
    """A pattern's segments (split at ``...`` gaps), each as the concrete phrases it allows.

    An underscore joins words into one alternative: ``case_study|guide``.

    >>> expand("(way) too expensive|pricey ... for us")
    [['way too expensive', 'way too pricey', 'too expensive', 'too pricey'], ['for us']]
    """
    segments: list[list[list[str]]] = [[]]
    for raw in pattern.split():
        if raw == GAP:
            segments.append([])
            continue
        optional = raw.startswith("(") and raw.endswith(")")
        body = raw[1:-1] if optional else raw
        options = [o.replace("_", " ") for o in body.split("|") if o]
        segments[-1].append(options + ([""] if optional else []))
    out = []
    for slots in segments:
        phrases = []
        for combo in itertools.islice(itertools.product(*slots), MAX_VARIANTS):
            phrase = " ".join(w for w in combo if w)
            if phrase and phrase not in phrases:
                phrases.append(phrase)
        if phrases:
            out.append(phrases)
    return out


class CueMatcher:
    """Matches labelled cue patterns and stores the hits as a span group.

    Every phrase goes into one PhraseMatcher (fast at any size); a gapped pattern is then a
    chain of its segments' hits, each starting at most MAX_GAP tokens after the last ended.
    (spaCy's Matcher with wildcard tokens did the same ~40x slower on these patterns.)
    """

    def __init__(self, nlp: Language, key: str, patterns: Mapping[str, Iterable[str]]) -> None:
        self.key = key
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self._segment_ids: dict[str, str] = {}
        # label -> chains, each chain a list of segment keys (one key per segment)
        self.chains: list[tuple[str, list[str]]] = []
        plain: dict[str, list[str]] = {}
        segment_phrases: dict[str, list[str]] = {}
        for label, pats in patterns.items():
            for pattern in pats:
                segments = expand(pattern)
                if len(segments) == 1:
                    plain.setdefault(label, []).extend(segments[0])
                    continue
                chain = []
                for phrases in segments:
                    seg_key = "§" + "|".join(phrases)
                    segment_phrases[seg_key] = phrases
                    chain.append(seg_key)
                self.chains.append((label, chain))
        for label, phrases in {**plain, **segment_phrases}.items():
            self.phrases.add(label, [nlp.make_doc(p) for p in dict.fromkeys(phrases)])

    def __call__(self, doc: Doc) -> Doc:
        hits: set[tuple[str, int, int]] = set()
        found: dict[str, list[tuple[int, int]]] = {}
        strings = doc.vocab.strings
        for match_id, s, e in self.phrases(doc):
            label = strings[match_id]
            if label.startswith("§"):
                found.setdefault(label, []).append((s, e))
            else:
                hits.add((label, s, e))
        if found:
            for label, chain in self.chains:
                if chain[0] not in found:
                    continue
                for first_start, end in found[chain[0]]:
                    ends = [end]
                    for seg in chain[1:]:
                        ends = [
                            e2
                            for s2, e2 in found.get(seg, ())
                            for e1 in ends
                            if e1 <= s2 <= e1 + MAX_GAP
                        ]
                        if not ends:
                            break
                    if ends:
                        hits.add((label, first_start, min(ends)))
        doc.spans[self.key] = [
            Span(doc, s, e, label=label) for label, s, e in sorted(hits, key=lambda h: (h[1], h[2]))
        ]
        return doc


@Language.factory("callinsight_cues", default_config={"key": "cues", "patterns": {}})
def make_cue_matcher(
    nlp: Language, name: str, key: str, patterns: dict[str, list[str]]
) -> CueMatcher:
    return CueMatcher(nlp, key, patterns)


# The span groups the cue pipeline writes, and where their patterns come from.
OBJECTION_CUES = "objection_cues"
NOT_OBJECTION_CUES = "not_objection_cues"
CHANNEL_TERMS = "channel_terms"
NOT_A_CHANNEL = "not_a_channel"  # label of the not_channels phrases inside CHANNEL_TERMS
PROMPT_CUES = "prompt_cues"
STATEMENT_CUES = "statement_cues"


def cue_pipeline(taxonomy: Taxonomy) -> Language:
    """A blank English pipeline with one cue component per span group above."""
    nlp = spacy.blank("en")
    groups = {
        OBJECTION_CUES: {c.name: list(c.patterns) for c in taxonomy.objections.values()},
        NOT_OBJECTION_CUES: {c.name: list(c.patterns) for c in taxonomy.not_objections.values()},
        # A channel is signalled by its terms and by its well-known names alike.
        CHANNEL_TERMS: {
            **{
                c.name: [*c.terms, *(e.lower() for e in c.entities)]
                for c in taxonomy.channels.values()
            },
            NOT_A_CHANNEL: [t.lower() for t in taxonomy.not_channels],
        },
        PROMPT_CUES: {c.name: list(c.patterns) for c in taxonomy.prompts.values()},
        STATEMENT_CUES: {c.name: list(c.patterns) for c in taxonomy.statements.values()},
    }
    for key, patterns in groups.items():
        nlp.add_pipe(
            "callinsight_cues",
            name=key,
            config={"key": key, "patterns": {k: v for k, v in patterns.items() if v}},
        )
    return nlp


def labels(doc: Doc, key: str) -> set[str]:
    return {span.label_ for span in doc.spans.get(key, ())}
