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
statement cues together with a channel term in the same sentence; in the prospect's first two
turns, before the rep asks anything, a channel term in a sentence that speaks of the seller
("Your COO was on the Fleet Forward podcast") needs no cue (``extractor._opening``).
5. Disambiguation, where one sentence names a channel and the medium it came through: an ad
   (on LinkedIn, YouTube, in a newsletter, at the top of Google) is paid_ads, an ad on a podcast
   is the podcast; a rep's message on LinkedIn is outbound; a webinar or panel where a checklist
   was handed out is the event; one of the seller's people met at an event or on a podcast is
   that source, not outreach; a supplier, reseller or integrator "recommending" is partner,
   an organisation alone is no person's referral, and a named consultant who mentions you is;
   a colleague who forwarded a white paper only carried it (the piece is the source).
   A negated term ("the first result that wasn't an ad") names nothing, and a vague answer
   ("couldn't tell you, possibly an event") is only `other`: hedged guesses after it credit no
   channel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc

from callinsight.embed import Embedder
from callinsight.extract.rules import CHANNEL_TERMS, NOT_A_CHANNEL, cue_spans
from callinsight.extract.taxonomy import Taxonomy

FUZZY_MIN = 88  # rapidfuzz ratio for a misspelt well-known name
FUZZY_NAME_CHARS = 6  # shorter names are matched only as written
# Cosine to a channel's example answers when no term explains a sentence: a last resort. With
# the static vectors every similarity it found at 0.55 to 0.65 was wrong (dev, train and eval
# calls); at 0.7 it fires on 3 of the 100 training calls' answers.
SIMILARITY_MIN = 0.7
# ...and only for a sentence of this many words: "So I clicked." or "One of those." is near an
# example answer of some channel by its few words alone (3 such false channels on the training
# calls, none right).
SIMILARITY_WORDS = 5
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
# Outbound terms that only name one of the seller's people, and where else one meets them.
_SELLER_PEOPLE = {
    "colleague of yours", "your colleague", "one of your reps", "one of your people",
    "your salesperson", "your sales guy", "your sales person", "your rep", "sales rep",
    "someone from your team", "one of your sales", "your sales guys", "your sales team",
    "your sales rep", "your account executive", "your ae",
}  # fmt: skip
# Partner terms for a profession one may hire as a person, not only as a firm.
_INDIVIDUAL_PARTNERS = {
    "consultant", "implementation consultant", "our accountant", "our bookkeeper", "our broker",
    "our cpa",
}  # fmt: skip
_MET_THROUGH = {"event", "podcast", "content", "community"}  # not social: a DM is outreach
_GENERIC = {
    "linkedin", "google", "you", "your", "we", "i", "us", "they", "our", "today",
    "monday", "tuesday", "wednesday", "thursday", "friday", "last year", "this year",
}  # fmt: skip
# Referral terms that name who recommended (a person); the rest ("mentioned you", "suggested we")
# only say that someone did, and an organisation or a medium can do that too.
_REFERRER_NOUNS = (
    "colleague", "coworker", "co-worker", "friend", "peer", "boss", "investor", "board member",
    "advisor", "adviser", "mentor", "someone i know", "a contact", "my network", "counterpart",
    "client", "customer", "over at", "she ", "he ", "buddy", "buddie", "pal", "mate",
    "on our board", "on my board",
)  # fmt: skip
_ROLES = (
    "director", "manager", "ceo", "cfo", "coo", "cto", "vp", "head of", "president", "owner",
    "founder", "chair", "lp", "lps", "franchisee", "neighbor", "neighbour", "brother", "sister",
    "cousin", "uncle", "aunt", "wife", "husband", "partner at", "principal", "superintendent",
    "super",
)  # fmt: skip
_PERSON_WORDS = re.compile(
    r"\b(?:" + "|".join(re.escape(w.strip()) for w in (*_REFERRER_NOUNS, *_ROLES)) + r")s?\b", re.I
)
_THEIRS = re.compile(
    r"\byour\b|\byou guys'|\by'?all's\b|\bthe one you\b|\byou (?:published|put out|wrote)\b", re.I
)
_PASSED_ON = re.compile(
    r"\b(?:forward(?:s|ed)?|sent|sends|shared|shares|passed (?:along|on))\b", re.I
)
# Words before a term that deny it: "wasn't an ad", "didn't google it".
_NEGATION = {"not", "n't", "never", "no", "without", "nt"}
# Guesses: "possibly from an event", "might have been an article".
_HEDGE = re.compile(
    r"\b(possibly|perhaps|maybe|probably|might(?: have|'ve) been|may have been|"
    r"could(?: have|'ve) been|i guess|or something|who knows)\b",
    re.I,
)
# "our Henry Schein rep", "the Xerox account manager": a supplier's representative is partner.
_SUPPLIER_REP = re.compile(
    r"\b(?:[Oo]ur|[Tt]he|[Mm]y)\s+((?:[A-Z][\w&.'-]*\s+){1,3})(?:sales\s+)?"
    r"(?:rep|reps|representative|account manager|account rep|account executive|territory manager)\b"
)
_SUBREDDIT = re.compile(r"\br/\w+")
_TITLE_RUN = re.compile(r"(?:[A-Z][\w'&.-]*(?:\s+(?:of|the|and|&|for)\s+|\s+)?){1,5}")


# "Zero Trust Hour" in "a podcast, Zero Trust Hour" or "a podcast called Zero Trust Hour"
_LEADING_RUN = re.compile(r"^[\s,:]*(?:called |named |—\s*|-\s*)?((?:[A-Z][\w'&.-]*\s?){1,5})")
_FUNCTION_WORDS = {
    "and", "then", "so", "but", "i", "we", "the", "a", "an", "my", "our", "oh", "well", "yeah",
    "actually", "honestly", "also", "it", "they", "he", "she", "you", "your", "that", "this",
    "on", "at", "in", "from", "via", "through", "podcast", "blog", "webinar", "some", "someone",
    "somebody", "one", "i've", "i'm", "i'd", "i'll", "we've", "we're", "we'd", "it's", "that's",
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
    """The term lies inside a not_channels phrase: "Google" of "Google Sheets" is no search,
    the "agency" of "travel agency" no partner. A channel term that is the whole phrase
    ("Google Ads", a paid_ads name) stays."""
    return any(
        x.start <= span.start
        and span.end <= x.end
        and not (x.start == span.start and x.end == span.end)
        for x in excluded
    )


def _name_run(span) -> tuple[int, int] | None:
    """The run of capitalised words a capitalised term stands in ("Agency Ops Collective")."""
    doc = span.doc
    if not all(t.text[:1].isupper() for t in span):
        return None
    start, end = span.start, span.end
    while start > 0 and doc[start - 1].text[:1].isupper():
        start -= 1
    while end < len(doc) and doc[end].text[:1].isupper():
        end += 1
    return (start, end) if end - start > len(span) else None


def _head_of_name(spans: list) -> list:
    """In a name holding two channels' terms, the last word says what it is: "Agency Ops
    Collective" is a community, not an agency."""
    runs = {id(sp): _name_run(sp) for sp in spans}
    return [
        sp
        for sp in spans
        if runs[id(sp)] is None
        or not any(
            o is not sp and o.label_ != sp.label_ and runs[id(o)] == runs[id(sp)] and o.end > sp.end
            for o in spans
        )
    ]


def _workplace(span) -> bool:
    """ "My friend at the Ohio Pharmacists Association": the term is part of the name of where
    a referrer works (capitalised, after "at" or "from"), not a community they found you in."""
    doc = span.doc
    if not all(t.text[:1].isupper() for t in span):
        return False
    i = span.start - 1
    while i >= 0 and (doc[i].text[:1].isupper() or doc[i].lower_ in ("the", "of", "&", "and")):
        i -= 1
    return i >= 0 and i < span.start - 1 and doc[i].lower_ in ("at", "from")


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


def _negated(span) -> bool:
    """ "The first result that wasn't an ad", "I didn't google it": the term names nothing."""
    doc = span.doc
    for tok in doc[max(0, span.start - 2) : span.start]:
        if tok.norm_ in _NEGATION or tok.lower_ in _NEGATION:
            return True
    return False


def _merge_into(mentions: list, keep: str, absorbed: set[str]) -> list:
    """Drop the `absorbed` channels where `keep` is present, handing their entity to it."""
    kept = next((m for m in mentions if m.channel == keep), None)
    if kept is None or not any(m.channel in absorbed for m in mentions):
        return mentions
    entity = kept.entity or next(
        (m.entity for m in mentions if m.channel in absorbed and m.entity), ""
    )
    return [
        replace(m, entity=entity) if m is kept else m for m in mentions if m.channel not in absorbed
    ]


def _disambiguate(mentions: list, text: str) -> list:
    """One channel per source, where a sentence names both a source and the medium it came
    through (see the module docstring, point 5)."""
    channels = {m.channel for m in mentions}
    if len(channels) < 2:
        return mentions
    # An ad heard on a podcast is the podcast (a host read or a sponsorship).
    mentions = _merge_into(mentions, "podcast", {"paid_ads"})
    # A sponsored post on LinkedIn, an ad in a newsletter or on top of Google is paid_ads.
    mentions = _merge_into(mentions, "paid_ads", {"social", "content", "community", "search"})
    # "Our wholesaler, their account manager": the partner's account manager is the partner.
    if any(m.channel == "partner" for m in mentions):
        mentions = [
            m
            for m in mentions
            if not (m.channel == "existing_relationship" and m.cue == "account manager")
        ]
    # "They had one of your people on" a podcast, "met one of your reps at the expo": one of
    # the seller's people, met through another source, is that source, not outreach (which
    # says someone contacted them: "your rep emailed me").
    if any(m.channel in _MET_THROUGH for m in mentions):
        mentions = [
            m for m in mentions if not (m.channel == "outbound" and m.cue_terms <= _SELLER_PEOPLE)
        ]
    # A rep's message on LinkedIn is outbound, not social.
    if any(m.channel == "outbound" for m in mentions):
        mentions = [m for m in mentions if m.channel != "social"]
    # The webinar or panel is the event; the checklist handed out there is not another source.
    if any(m.channel == "event" for m in mentions):
        mentions = [m for m in mentions if m.channel != "content"]
    # "The reviews mentioned the protocol templates": beside another source, a piece that is
    # not the seller's ("your guide", "the one you published") is what that source talked about.
    if (
        any(m.channel == "content" for m in mentions)
        and any(m.channel not in ("content", "other") for m in mentions)
        and not _THEIRS.search(text)
    ):
        mentions = [m for m in mentions if m.channel != "content"]
    # "A colleague forwarded your white paper": the piece is the source, the colleague only
    # carried it (as a forum or a feed that posts it does not: those stay sources of their own).
    if any(m.channel == "content" for m in mentions) and _PASSED_ON.search(text):
        mentions = [m for m in mentions if m.channel != "referral"]
    # A term inside another source's name ("Manufacturing Happy Hour", the podcast; "Agency
    # Ops Collective", the community) is that source.
    mentions = [
        m
        for m in mentions
        if not (
            m.cue
            and any(
                o is not m
                and o.channel != "referral"  # a person's referral is named after no show or fair
                and o.entity
                and all(t in o.entity.lower() for t in m.cue_terms)
                for o in mentions
            )
        )
    ]
    # Searching on Reddit or LinkedIn is the social platform, not a web search.
    if any(m.channel == "social" for m in mentions):
        mentions = [m for m in mentions if m.channel != "search"]
    return _referral_or_organisation(mentions, text)


def _referral_or_organisation(mentions: list, text: str) -> list:
    """ "People in the forum mentioned you", "Claude recommended you", "our reseller suggested
    you" credit the forum, the assistant, the reseller: beside another source, a referral that
    names no person (a verb only, or the other source's organisation) is dropped; with no
    other source, an organisation recommending is a partner."""
    # "My consultant, Patty Greene, mentioned you": a partner term naming a person, not a
    # firm, is that person's referral (only a profession one may hire as a person: NER takes
    # some firms for people, "Jack Henry").
    referred = any(m.channel == "referral" for m in mentions)
    mentions = [
        replace(m, channel="referral") if _individual(m) else m
        for m in mentions
        if not (referred and _individual(m))
    ]
    ref = next((m for m in mentions if m.channel == "referral"), None)
    if ref is None:
        return mentions
    noun = bool(_PERSON_WORDS.search(text))
    others = [m for m in mentions if m.channel not in ("referral", "other")]
    if not others:
        if ref.label == "ORG" and not noun:
            return [replace(m, channel="partner") if m is ref else m for m in mentions]
        return mentions
    if ref.entity and any(_same_name(ref.entity, m.entity) for m in others):
        return [m for m in mentions if m is not ref]  # "our MSP, TechBridge, recommended you"
    if ref.label == "PERSON":
        return mentions
    crowd = any(m.channel in ("community", "social", "review_site") for m in others)
    if noun and (ref.entity or not crowd):
        return mentions  # "my old boss swears by you, and I saw your booth"
    return [m for m in mentions if m is not ref]


def _individual(m: ChannelMention) -> bool:
    """A partner mention that is one named professional ("my consultant, Patty Greene")."""
    return (
        m.channel == "partner" and m.label == "PERSON" and bool(m.cue_terms & _INDIVIDUAL_PARTNERS)
    )


def _same_name(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return bool(a and b) and (a in b or b in a)


@dataclass(frozen=True, slots=True)
class ChannelMention:
    channel: str
    entity: str
    start: int  # character span of the evidence inside the sentence
    end: int
    method: str  # rule | similarity
    cue: str = ""  # the lexicon terms that named the channel, lower case, joined by "|"
    label: str = ""  # where the entity came from: an NER label, or KNOWN for a listed name

    @property
    def cue_terms(self) -> set[str]:
        """The lexicon terms of ``cue``, apart."""
        return set(self.cue.split("|")) if self.cue else set()


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
        # Only names long enough that one changed letter still points at them: "being" is
        # no misspelt "Bing", "help" no "Yelp".
        self._names = [n for n in self._canonical if len(n) >= FUZZY_NAME_CHARS]
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

    def _ner_entities(self, texts: Sequence[str]) -> list[list[tuple[int, int, str, str]]]:
        """(start, end, label, text) of each sentence's named entities, in one batch: spaCy
        reads a batch several times faster than the same sentences one by one."""
        if self.ner is None or not texts:
            return [[] for _ in texts]
        return [
            [
                (e.start_char, e.end_char, e.label_, e.text)
                for e in doc.ents
                if e.text.lower().strip(" .,'") not in _GENERIC
            ]
            for doc in self.ner.pipe(texts, batch_size=256)
        ]

    def _entity_and_label(
        self, channel: str, text: str, start: int, end: int, ents: list[tuple[int, int, str, str]]
    ) -> tuple[str, str]:
        """The named source nearest the term, and its NER label ('' for a capitalised run)."""
        if channel in ("social", "community"):
            sub = _SUBREDDIT.search(text)
            if sub:
                return sub.group(), "SUBREDDIT"
        order = _ENTITY_ORDER.get(channel, _PERSON_FIRST)
        best: tuple[int, float, str, str] | None = None
        for s, e, label, name in ents:
            if label not in order:
                continue
            distance = 0 if s < end and e > start else min(abs(s - end), abs(start - e))
            if distance > 60:
                continue
            rank = (order.index(label), distance / 60, name, label)
            if best is None or rank[:2] < best[:2]:
                best = rank
        if best:
            return _clean_entity(best[2]), best[3]
        # A capitalised name right before the term ("the On-Call Diaries podcast"), or right
        # after it ("at my last firm, Bowen Castle").
        if channel in (
            "podcast",
            "content",
            "event",
            "community",
            "partner",
            "existing_relationship",
        ):
            before = text[max(0, start - 60) : start].rstrip()
            runs = list(_TITLE_RUN.finditer(before))
            after = _LEADING_RUN.match(text[end:])
            for run in (
                [runs[-1].group()] if runs and runs[-1].end() >= len(before) - 1 else []
            ) + ([after.group(1)] if after else []):
                name = _strip_function_words(run)
                if name.lower() not in _GENERIC and len(name) > 2:
                    return _clean_entity(name), ""
        return "", ""

    def _supplier_reps(self, text: str) -> list[ChannelMention]:
        """ "Our Henry Schein rep brought it up": a supplier's representative is a partner."""
        found = []
        for m in _SUPPLIER_REP.finditer(text):
            name = _strip_function_words(m.group(1))
            if name and name.lower() not in _GENERIC:
                found.append(
                    ChannelMention("partner", name, m.start(), m.end(), "rule", "rep", "ORG")
                )
        return found[:1]

    def _terms_seen(self, text: str, doc: Doc) -> tuple[list, list, list]:
        """What names a channel in the sentence before any filtering: lexicon spans, misspelt
        well-known names (channel, name), supplier reps."""
        fuzzy = [
            (channel, name)
            for gram, channel, name in self._fuzzy_hits(text)
            if not _another_word(gram, name) and not _plain_words(gram, name, text)
        ]
        return cue_spans(doc, CHANNEL_TERMS), fuzzy, self._supplier_reps(text)

    def read(self, texts: Sequence[str], docs: Sequence[Doc]) -> list[list[ChannelMention]]:
        """The channel mentions of each sentence of one answer (empty when it names none)."""
        return self.read_answers([texts], [docs])[0]

    def read_answers(
        self, answers: Sequence[Sequence[str]], docs: Sequence[Sequence[Doc]]
    ) -> list[list[list[ChannelMention]]]:
        """``read`` for many answers (each a list of sentences) at once: NER reads the
        sentences of all of them in one batch."""
        seen = [
            [self._terms_seen(t, d) for t, d in zip(ts, ds, strict=True)]
            for ts, ds in zip(answers, docs, strict=True)
        ]
        # NER runs wherever the lexicon or fuzzy matching saw a candidate, even one the
        # filters set aside: "G2" is read as a name there.
        asks = [
            (a, i)
            for a, terms in enumerate(seen)
            for i, (lexicon, fuzzy, reps) in enumerate(terms)
            if lexicon or fuzzy or reps
        ]
        entities: list[list[list]] = [[[] for _ in ts] for ts in answers]
        found = self._ner_entities([answers[a][i] for a, i in asks])
        for (a, i), ents in zip(asks, found, strict=True):
            entities[a][i] = ents
        return [
            self._read(ts, terms, ents)
            for ts, terms, ents in zip(answers, seen, entities, strict=True)
        ]

    def _read(self, texts, seen_terms, entities) -> list[list[ChannelMention]]:
        out: list[list[ChannelMention]] = []
        unexplained: list[int] = []
        for i, text in enumerate(texts):
            mentions: list[ChannelMention] = []
            lexicon, fuzzy, reps = seen_terms[i]
            ents = entities[i]
            excluded = [sp for sp in lexicon if sp.label_ == NOT_A_CHANNEL]
            spans = [
                sp
                for sp in _longest([x for x in lexicon if x.label_ != NOT_A_CHANNEL])
                if self._written_as_named(sp)
                and not _qualified(sp, excluded)
                and (sp.label_ == "other" or not _negated(sp))
            ]
            spans = _head_of_name(spans)
            if any(sp.label_ == "referral" for sp in spans):
                spans = [sp for sp in spans if not (sp.label_ == "community" and _workplace(sp))]
            # A name inside another channel's longer term ("a Facebook group") is that term.
            covered = [sp for sp in spans if len(sp) > 1]
            named: dict[str, str] = {}
            for span in spans:
                known = self._canonical.get(span.text.lower())
                if known and known[0] == span.label_:
                    named.setdefault(span.label_, known[1])
            for s, e, _label, name in ents:
                known = self._canonical.get(name.lower())
                # Inside a not_channels phrase ("Google Sheets") a known name is no channel.
                inside = any(x.start_char < e and s < x.end_char for x in excluded)
                within = (
                    any(
                        x.start_char <= s and e <= x.end_char and x.label_ != known[0]
                        for x in covered
                    )
                    if known
                    else False
                )
                if known and not inside and not within:
                    named.setdefault(known[0], known[1])
            for channel, name in fuzzy:
                named.setdefault(channel, name)
            # No lexicon term can name "r/homelab": the tokenizer splits it in a sentence
            # (r, /, homelab) but not as a term alone ("r/").
            subreddit = _SUBREDDIT.search(text)
            if subreddit:
                named.setdefault("social", subreddit.group())
            cues: dict[str, str] = {}
            for span in spans:
                cues[span.label_] = "|".join(
                    filter(None, (cues.get(span.label_), span.text.lower()))
                )
            seen = set()
            for span in spans:
                ch = span.label_
                if ch in seen:
                    continue
                seen.add(ch)
                s, e = span.start_char, span.end_char
                if ch == "existing_relationship":  # "used it at my last firm, Bowen Castle"
                    e = max(x.end_char for x in spans if x.label_ == ch)
                if ch in named:
                    entity, label = named[ch], "KNOWN"
                else:
                    # A name that is no more than another channel's term ("someone in the dbt
                    # Slack posted a benchmark") is that channel's source, not this one's; a
                    # longer name holding it ("Manufacturing Happy Hour") may still be.
                    near = [
                        x
                        for x in ents
                        if not any(
                            o.label_ != ch and o.start_char <= x[0] and x[1] <= o.end_char
                            for o in spans
                        )
                    ]
                    if ch == "referral" and not _PERSON_WORDS.search(span.text):
                        # "raving about Grantmoor": the name after the verb is the seller
                        near = [x for x in near if not (0 <= x[0] - e <= 2)]
                    entity, label = self._entity_and_label(ch, text, s, e, near)
                mentions.append(ChannelMention(ch, entity, s, e, "rule", cues[ch], label))
            for ch, name in named.items():
                if ch not in seen:
                    seen.add(ch)
                    at = text.lower().find(name.lower())
                    mentions.append(
                        ChannelMention(ch, name, max(at, 0), max(at, 0), "rule", "", "KNOWN")
                    )
            for rep in reps:
                mentions = [m for m in mentions if m.channel != "existing_relationship"]
                if "partner" not in seen:
                    seen.add("partner")
                    mentions.append(rep)
            mentions = _disambiguate(mentions, text)
            if not mentions:
                unexplained.append(i)
            out.append(mentions)
        _hedged_after_vague(texts, out)
        _follow_on_sentences(texts, out)
        if unexplained and len(self._examples):
            unexplained = [
                i
                for i in unexplained
                if not _vague_before(out, i) and len(texts[i].split()) >= SIMILARITY_WORDS
            ]
        if unexplained and len(self._examples):
            vectors = self.embedder.encode([texts[i] for i in unexplained])
            sims = vectors @ self._examples.T
            best = sims.argmax(axis=1)
            similar = [
                (i, self._example_owners[j])
                for i, j, row in zip(unexplained, best, sims, strict=True)
                if row[j] >= SIMILARITY_MIN
            ]
            named = self._ner_entities([texts[i] for i, _ in similar])
            for (i, ch), ents in zip(similar, named, strict=True):
                entity, _ = self._entity_and_label(ch, texts[i], 0, len(texts[i]), ents)
                out[i] = [ChannelMention(ch, entity, 0, len(texts[i]), "similarity")]
        return out

    def _written_as_named(self, span) -> bool:
        """A well-known name that is also a common word ("Threads", "X") counts only when
        written as a name; a short all-caps word ("AD" for Active Directory) is no "ad"."""
        text = span.text
        known = self._canonical.get(text.lower())
        if known is not None and text == known[1] and known[0] == span.label_:
            return True  # "G2", written as the channel writes it
        if text.lower() in self._terms.get(span.label_, ()):
            return not _acronym(span)
        if known is None:
            return True
        if text == known[1]:
            return True
        return any(ch.isupper() or ch.isdigit() for ch in known[1][1:]) and len(text) > 1

    def _fuzzy_hits(self, text: str) -> list[tuple[str, str, str]]:
        """(the words as said, channel, name) for each well-known name spelt a little
        differently. A phrase holding a name spelt right ("instagram and") is no misspelling
        of a longer name ("Instagram Ads")."""
        if not self._names:
            return []
        words = re.findall(r"[\w'.-]+", text.lower())
        # In order of appearance, so the first name said wins, the same on every run (a set's
        # order changes with each process's string hashing).
        grams = dict.fromkeys(
            " ".join(words[i : i + n]) for i in range(len(words)) for n in (1, 2, 3)
        )
        grams = [
            g
            for g in grams
            if len(g) >= 5
            and g not in self._canonical
            and not (" " in g and any(w in self._canonical for w in g.split()))
        ]
        if not grams:
            return []
        # Every phrase against every name in one call (scores under the cutoff are 0); the
        # first best name wins, as it would one phrase at a time.
        scores = process.cdist(grams, self._names, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        best = scores.argmax(axis=1)
        return [
            (gram, *self._canonical[self._names[j]])
            for gram, j, row in zip(grams, best, scores, strict=True)
            if row[j] >= FUZZY_MIN
        ]


def _another_word(gram: str, name: str) -> bool:
    """ "thread" is a word of its own, not "Threads" misspelt: the two differ only by a plural."""
    return gram.rstrip("s") == name.lower().rstrip("s")


def _plain_words(gram: str, name: str, text: str) -> bool:
    """ "alternatives (to)" is everyday English, not "AlternativeTo" misheard: the words a name
    runs together count as that name only when written as a name, capitalised."""
    if " " in name or len(re.findall(r"[A-Z][a-z]+|[a-z]+", name)) < 2:
        return False
    said = re.search(r"\W+".join(re.escape(w) for w in gram.split()), text, re.I)
    return said is None or not all(w[:1].isupper() for w in said.group().split())


# "Your ad. The one on the back of the trade magazine." / "You messaged me. On LinkedIn."
_ELABORATION = re.compile(
    r"^\W*(?:the one|that one|on|in|via|through|like|it was on|it was in)\b", re.I
)
_MEDIA = {"social", "content", "community", "search"}


def _follow_on_sentences(texts: Sequence[str], out: list[list[ChannelMention]]) -> None:
    """Sentences that only go on about the source named just before: a medium elaborating an
    ad or a rep's message ("On LinkedIn.") is that ad or message, and "it mentioned you" after
    "Honestly, Claude." is no referral of its own."""
    for i in range(1, len(out)):
        before = {m.channel for m in out[i - 1]}
        row = out[i]
        if not row or not before:
            continue
        if (
            before & {"paid_ads", "outbound"}
            and {m.channel for m in row} <= _MEDIA
            and (_ELABORATION.match(texts[i]) or len(texts[i].split()) <= 4)
        ):
            out[i] = []
            continue
        if before - {"referral", "other"}:
            out[i] = [
                m
                for m in row
                if not (
                    m.channel == "referral"
                    and m.label != "PERSON"
                    and not _PERSON_WORDS.search(texts[i])
                )
            ]


def _vague_before(out: list[list[ChannelMention]], i: int) -> bool:
    return any(m.channel == "other" for row in out[:i] for m in row)


def _hedged_after_vague(texts: Sequence[str], out: list[list[ChannelMention]]) -> None:
    """ "I couldn't tell you. Possibly from an event, possibly from the ether." is `other` only:
    a sentence that says the source is unknown keeps only `other`, and so does a guess
    (possibly, might have been) after it; a sentence naming a source plainly keeps that
    source ("I forgot to say, my friend Nadia told me")."""
    vague = False
    for i, row in enumerate(out):
        has_other = any(m.channel == "other" for m in row)
        real = [m for m in row if m.channel != "other"]
        hedged = bool(_HEDGE.search(texts[i]))
        if has_other and real:
            out[i] = [m for m in row if m.channel == "other"] if hedged else real
        elif vague and real and hedged:
            out[i] = []
        vague = vague or has_other


def _clean_entity(name: str) -> str:
    name = name.strip(" .,;:'\"")
    for prefix in ("the ", "The ", "my ", "My ", "our ", "Our "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    for suffix in ("'s", "’s"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.strip()
