"""Self-reported attribution: "how did you hear about us?" and the answers buyers give.

1. Rep prompts: rule cues from ``prompts.yaml`` or the trained prompt model recognise the
   question in any phrasing ("what put us on your radar?").
2. The answer: the prospect's next turn, and the turns after it while the rep only follows up
   briefly ("oh nice, which episode?"), so an answer spread over several turns is kept whole.
3. Channels: the lexicon in ``channels.yaml`` (terms and well-known names, on spaCy token
   norms), fuzzy matching of names (rapidfuzz, for "Captera" or "Trust Radius"), and, for a
   sentence no term explains, similarity to each channel's example answers. One answer can
   name several channels; each gets its own finding with the verbatim quote.
4. Entities: the well-known name matched, else spaCy NER (person, organisation, work of art,
   event) nearest to the channel's term, else a capitalised name beside it.
Answers volunteered unasked ("a friend at Acme swore by you, that's why I booked") are found by
statement cues together with a channel term in the same sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from callinsight.embed import Embedder
from callinsight.extract.rules import CHANNEL_TERMS, NOT_A_CHANNEL
from callinsight.extract.taxonomy import Taxonomy

FUZZY_MIN = 88  # rapidfuzz ratio for a misspelt well-known name
SIMILARITY_MIN = 0.55  # cosine to a channel's example answers when no term explains a sentence
# NER labels that can name a source, by preference per channel.
_PERSON_FIRST = ("PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "FAC")
_WORK_FIRST = ("WORK_OF_ART", "ORG", "EVENT", "PRODUCT", "PERSON", "FAC")
_EVENT_FIRST = ("EVENT", "ORG", "WORK_OF_ART", "FAC", "PRODUCT")  # never the city it was in
_ENTITY_ORDER = {
    "referral": ("PERSON", "ORG"),
    "existing_relationship": ("ORG",),
    "partner": ("ORG", "PRODUCT", "PERSON"),
    "podcast": _WORK_FIRST,
    "content": _WORK_FIRST,
    "event": _EVENT_FIRST,
    "community": ("ORG", "WORK_OF_ART", "PRODUCT", "EVENT"),
    "outbound": ("PERSON",),
}
_GENERIC = {
    "linkedin", "google", "you", "your", "we", "i", "us", "they", "our", "today",
    "monday", "tuesday", "wednesday", "thursday", "friday", "last year", "this year",
}  # fmt: skip
_TITLE_RUN = re.compile(r"(?:[A-Z][\w'&.-]*(?:\s+(?:of|the|and|&|for)\s+|\s+)?){1,5}")


# "Zero Trust Hour" in "a podcast, Zero Trust Hour" or "a podcast called Zero Trust Hour"
_LEADING_RUN = re.compile(r"^[\s,:]*(?:called |named |—\s*|-\s*)?((?:[A-Z][\w'&.-]*\s?){1,5})")
_FUNCTION_WORDS = {
    "and", "then", "so", "but", "i", "we", "the", "a", "an", "my", "our", "oh", "well", "yeah",
    "actually", "honestly", "also", "it", "they", "he", "she", "you", "your", "that", "this",
    "on", "at", "in", "from", "via", "through", "podcast", "blog", "webinar",
}  # fmt: skip


def _longest(spans: list) -> list:
    """Drop a term inside a longer one: "colleague of yours" is outbound, not a colleague's
    referral."""
    return [
        a
        for a in spans
        if not any(
            b is not a
            and b.start <= a.start
            and a.end <= b.end
            and (b.end - b.start) > (a.end - a.start)
            for b in spans
        )
    ]


def _qualified(span, excluded: list) -> bool:
    """The term opens a not_channels phrase: "Google" of "Google Sheets" is no search (the
    "ads" of "Google Ads" stays paid_ads: it does not open the phrase)."""
    return any(x.start == span.start and span.end <= x.end for x in excluded)


def _strip_function_words(run: str) -> str:
    words = run.split()
    while words and words[0].lower().strip(",.") in _FUNCTION_WORDS:
        words.pop(0)
    while words and words[-1].lower().strip(",.") in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words)


def _acronym(span) -> bool:
    """'AD' (Active Directory) is not an 'ad', and the x in 'x-ray' is not X: terms of three
    letters or fewer match only as their channel writes them."""
    text = span.text
    if len(text) > 3 or len(span) != 1:
        return False
    if len(text) == 1:  # "X": only capitalised, and not "X-ray"
        nxt = span.doc[span.end].text if span.end < len(span.doc) else ""
        return text != "X" or nxt.startswith("-")
    return text.isupper() and span.label_ != "social"


def _crowd_not_referral(mentions: list) -> list:
    """ "People in the forum mentioned you" credits the community, not a referral: a referral
    with no named person beside a community, social or review-site mention is dropped."""
    crowd = {"community", "social", "review_site"}
    if not any(m.channel in crowd for m in mentions):
        return mentions
    return [m for m in mentions if not (m.channel == "referral" and not m.entity)]


def _paid_social(mentions: list) -> list:
    """A sponsored post on LinkedIn is paid_ads with LinkedIn as its entity, not social."""
    paid = next((m for m in mentions if m.channel == "paid_ads"), None)
    social = next((m for m in mentions if m.channel == "social"), None)
    if not paid or not social:
        return mentions
    rest = [m for m in mentions if m is not social and m is not paid]
    return [
        *rest,
        ChannelMention("paid_ads", paid.entity or social.entity, paid.start, paid.end, paid.method),
    ]


@dataclass(frozen=True, slots=True)
class ChannelMention:
    channel: str
    entity: str
    start: int  # character span of the evidence inside the sentence
    end: int
    method: str  # rule | similarity


class ChannelReader:
    """Finds channels and their named sources in answer sentences."""

    def __init__(self, taxonomy: Taxonomy, embedder: Embedder, ner: Language | None) -> None:
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.ner = ner
        self._canonical: dict[str, tuple[str, str]] = {}  # lower name -> (channel, name)
        for ch in taxonomy.channels.values():
            for name in ch.entities:
                self._canonical.setdefault(name.lower(), (ch.name, name))
        self._names = list(self._canonical)
        self._terms = {ch.name: set(ch.terms) for ch in taxonomy.channels.values()}
        texts, owners = [], []
        for ch in taxonomy.channels.values():
            if ch.name == "other":
                continue
            texts.extend(ch.examples)
            owners.extend([ch.name] * len(ch.examples))
        self._example_owners = owners
        self._examples = (
            embedder.encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)
        )

    def _ner_entities(self, text: str) -> list[tuple[int, int, str, str]]:
        if self.ner is None:
            return []
        doc = self.ner(text)
        return [
            (e.start_char, e.end_char, e.label_, e.text)
            for e in doc.ents
            if e.text.lower().strip(" .,'") not in _GENERIC
        ]

    def _entity_for(
        self, channel: str, text: str, start: int, end: int, ents: list[tuple[int, int, str, str]]
    ) -> str:
        order = _ENTITY_ORDER.get(channel, _PERSON_FIRST)
        best: tuple[int, float, str] | None = None
        for s, e, label, name in ents:
            if label not in order:
                continue
            distance = 0 if s < end and e > start else min(abs(s - end), abs(start - e))
            if distance > 60:
                continue
            rank = (order.index(label), distance / 60, name)
            if best is None or rank[:2] < best[:2]:
                best = rank
        if best:
            return _clean_entity(best[2])
        # A capitalised name right before the term ("the On-Call Diaries podcast").
        if channel in ("podcast", "content", "event", "community", "partner"):
            before = text[max(0, start - 60) : start].rstrip()
            runs = list(_TITLE_RUN.finditer(before))
            after = _LEADING_RUN.match(text[end:])
            for run in (
                [runs[-1].group()] if runs and runs[-1].end() >= len(before) - 1 else []
            ) + ([after.group(1)] if after else []):
                name = _strip_function_words(run)
                if name.lower() not in _GENERIC and len(name) > 2:
                    return _clean_entity(name)
        return ""

    def read(self, texts: Sequence[str], docs: Sequence[Doc]) -> list[list[ChannelMention]]:
        """The channel mentions of each sentence (empty when it names none)."""
        out: list[list[ChannelMention]] = []
        unexplained: list[int] = []
        for i, (text, doc) in enumerate(zip(texts, docs, strict=True)):
            mentions: list[ChannelMention] = []
            lexicon = list(doc.spans.get(CHANNEL_TERMS, ()))
            excluded = [sp for sp in lexicon if sp.label_ == NOT_A_CHANNEL]
            spans = [
                sp
                for sp in _longest([x for x in lexicon if x.label_ != NOT_A_CHANNEL])
                if self._written_as_named(sp) and not _qualified(sp, excluded)
            ]
            fuzzy = self._fuzzy(text)
            # NER runs wherever the lexicon or fuzzy matching saw a candidate, even one the
            # filters above set aside: "G2" is read as a name there.
            ents = self._ner_entities(text) if lexicon or fuzzy else []
            named: dict[str, str] = {}
            for span in spans:
                known = self._canonical.get(span.text.lower())
                if known and known[0] == span.label_:
                    named.setdefault(span.label_, known[1])
            for s, e, _label, name in ents:
                known = self._canonical.get(name.lower())
                # Inside a not_channels phrase ("Google Sheets") a known name is no channel.
                inside = any(x.start_char < e and s < x.end_char for x in excluded)
                if known and not inside:
                    named.setdefault(known[0], known[1])
            for channel, name in fuzzy:
                named.setdefault(channel, name)
            seen = set()
            for span in spans:
                ch = span.label_
                if ch in seen:
                    continue
                seen.add(ch)
                s, e = span.start_char, span.end_char
                entity = named.get(ch) or self._entity_for(ch, text, s, e, ents)
                mentions.append(ChannelMention(ch, entity, s, e, "rule"))
            for ch, name in named.items():
                if ch not in seen:
                    seen.add(ch)
                    at = text.lower().find(name.lower())
                    mentions.append(ChannelMention(ch, name, max(at, 0), max(at, 0), "rule"))
            mentions = _crowd_not_referral(_paid_social(mentions))
            if not mentions:
                unexplained.append(i)
            out.append(mentions)
        if unexplained and len(self._examples):
            vectors = self.embedder.encode([texts[i] for i in unexplained])
            sims = vectors @ self._examples.T
            for row, i in enumerate(unexplained):
                j = int(sims[row].argmax())
                if sims[row, j] >= SIMILARITY_MIN:
                    ch = self._example_owners[j]
                    ents = self._ner_entities(texts[i])
                    entity = self._entity_for(ch, texts[i], 0, len(texts[i]), ents)
                    out[i] = [ChannelMention(ch, entity, 0, len(texts[i]), "similarity")]
        return out

    def _written_as_named(self, span) -> bool:
        """A well-known name that is also a common word ("Threads", "X") counts only when
        written as a name; a short all-caps word ("AD" for Active Directory) is no "ad"."""
        text = span.text
        if text.lower() in self._terms.get(span.label_, ()):
            return not _acronym(span)
        known = self._canonical.get(text.lower())
        if known is None:
            return True
        if text == known[1]:
            return True
        return any(ch.isupper() or ch.isdigit() for ch in known[1][1:]) and len(text) > 1

    def _fuzzy(self, text: str) -> list[tuple[str, str]]:
        """Well-known names spelt a little differently (speech recognition, typos)."""
        if not self._names:
            return []
        words = re.findall(r"[\w'.-]+", text.lower())
        # In order of appearance, so the first name said wins, the same on every run (a set's
        # order changes with each process's string hashing).
        grams = dict.fromkeys(
            " ".join(words[i : i + n]) for i in range(len(words)) for n in (1, 2, 3)
        )
        found = []
        for gram in grams:
            if len(gram) < 5 or gram in self._canonical:
                continue
            hit = process.extractOne(gram, self._names, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
            if hit:
                found.append(self._canonical[hit[0]])
        return found


def _clean_entity(name: str) -> str:
    name = name.strip(" .,;:'\"")
    for prefix in ("the ", "The ", "my ", "My ", "our ", "Our "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    for suffix in ("'s", "’s"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.strip()
