"""The rule pass: a registered spaCy component that matches cue phrases and writes them to
``doc.spans[key]`` (a key only when it has spans), each span labelled with its category,
channel or prompt kind.

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


_SEP = "\x1f"  # between the span key and the label in a matcher label
_SEGMENT = "§"  # starts the matcher label of one segment of a gapped pattern


class CueMatcher:
    """Matches labelled cue patterns and stores the hits as span groups, one per key.

    Every phrase of every group goes into one PhraseMatcher (fast at any size, and one pass
    over the doc for all groups: a component per group cost five passes); a gapped pattern is
    then a chain of its segments' hits, each starting at most MAX_GAP tokens after the last
    ended. (spaCy's Matcher with wildcard tokens did the same ~40x slower on these patterns.)
    """

    def __init__(self, nlp: Language, groups: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        # first segment id -> (span key, label, the chain's segment ids): a doc's hits then
        # reach only the chains they can start (there are hundreds)
        self.chains: dict[str, list[tuple[str, str, list[str]]]] = {}
        plain: dict[str, list[str]] = {}  # matcher label (key and label) -> phrases
        segment_phrases: dict[str, list[str]] = {}
        for key, patterns in groups.items():
            for label, pats in patterns.items():
                for pattern in pats:
                    segments = expand(pattern)
                    if len(segments) == 1:
                        plain.setdefault(f"{key}{_SEP}{label}", []).extend(segments[0])
                        continue
                    chain = []
                    for phrases in segments:
                        seg_id = _SEGMENT + "|".join(phrases)
                        segment_phrases[seg_id] = phrases
                        chain.append(seg_id)
                    self.chains.setdefault(chain[0], []).append((key, label, chain))
        # matcher label id -> (span key, label), or (None, segment id): read per hit without
        # a string lookup
        self.meaning: dict[int, tuple[str | None, str]] = {}
        for match_label, phrases in {**plain, **segment_phrases}.items():
            self.phrases.add(match_label, [nlp.make_doc(p) for p in dict.fromkeys(phrases)])
            key, _, label = match_label.partition(_SEP)
            self.meaning[nlp.vocab.strings[match_label]] = (
                (None, match_label) if match_label.startswith(_SEGMENT) else (key, label)
            )

    def __call__(self, doc: Doc) -> Doc:
        hits: set[tuple[str, str, int, int]] = set()  # (key, label, start, end)
        found: dict[str, list[tuple[int, int]]] = {}
        for match_id, s, e in self.phrases(doc):
            key, name = self.meaning[match_id]
            if key is None:
                found.setdefault(name, []).append((s, e))
            else:
                hits.add((key, name, s, e))
        for key, label, chain in (c for first in found for c in self.chains.get(first, ())):
            if not all(seg in found for seg in chain[1:]):
                continue  # most chains a hit starts lack a later segment altogether
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
                    hits.add((key, label, first_start, min(ends)))
        # Only keys with spans are written (read them with ``cue_spans`` or ``labels``):
        # five empty groups per sentence cost more than the matching itself.
        spans: dict[str, list[Span]] = {}
        for key, label, s, e in sorted(hits, key=lambda h: (h[2], h[3])):
            spans.setdefault(key, []).append(Span(doc, s, e, label=label))
        for key, group in spans.items():
            doc.spans[key] = group
        return doc


@Language.factory("callinsight_cues", default_config={"groups": {}})
def make_cue_matcher(
    nlp: Language, name: str, groups: dict[str, dict[str, list[str]]]
) -> CueMatcher:
    return CueMatcher(nlp, groups)


# The span groups the cue pipeline writes, and where their patterns come from.
OBJECTION_CUES = "objection_cues"
NOT_OBJECTION_CUES = "not_objection_cues"
CHANNEL_TERMS = "channel_terms"
NOT_A_CHANNEL = "not_a_channel"  # label of the not_channels phrases inside CHANNEL_TERMS
PROMPT_CUES = "prompt_cues"
STATEMENT_CUES = "statement_cues"


def cue_pipeline(taxonomy: Taxonomy) -> Language:
    """A blank English pipeline whose cue component writes each span group above."""
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
    nlp.add_pipe(
        "callinsight_cues",
        config={
            "groups": {
                key: {label: pats for label, pats in patterns.items() if pats}
                for key, patterns in groups.items()
            }
        },
    )
    return nlp


def cue_spans(doc: Doc, key: str) -> list[Span]:
    """The spans the cue component wrote under ``key`` (none when it wrote no group)."""
    groups = doc.spans  # "in" first: a missing key's .get() goes through a KeyError
    return list(groups[key]) if key in groups else []


def labels(doc: Doc, key: str) -> set[str]:
    return {span.label_ for span in cue_spans(doc, key)}
