"""Extraction over whole calls: every kind of finding, with its evidence.

One pass splits every utterance into sentences and runs the cheap spaCy cue pipeline over all
of them at once; each kind then reads what it needs:
- objections (``objections.py``) from prospect sentences;
- rep prompts, and the answers after them: attribution (``attribution.py``) and research;
- buyer questions: prospect questions that ask for something, not phatic ones, not objections;
- content mentions: the prospect naming a piece of the seller's marketing, linked to the
  content library when one asset matches;
- keyword trackers from config.
Speakers of unknown role are read as possible prospects, with lower confidence.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from callinsight.config import Settings, Tracker
from callinsight.embed import Embedder, get_extraction_embedder
from callinsight.errors import E, ExtractError
from callinsight.extract.attribution import ChannelReader
from callinsight.extract.classifier import ObjectionClassifier, load_classifier, ngram_features
from callinsight.extract.language import entity_pipeline
from callinsight.extract.mentions import AssetLinker
from callinsight.extract.objections import ObjectionDetector, ObjectionScore
from callinsight.extract.rules import (
    CHANNEL_TERMS,
    NOT_A_CHANNEL,
    PROMPT_CUES,
    STATEMENT_CUES,
    cue_pipeline,
    cue_spans,
    labels,
)
from callinsight.extract.sentences import Sentence, split_sentences, word_count
from callinsight.extract.taxonomy import Taxonomy, load_taxonomy
from callinsight.extract.trackers import TrackerMatcher
from callinsight.records import ContentAsset, Finding, Utterance

# Bump when extraction logic changes in a way that should re-analyse stored calls.
EXTRACTOR_VERSION = "7"
# A sentence this likely to be an objection joins a neighbouring objection's quote (chosen on
# the development set with objection_threshold 0.65: 0.1 to 0.3 find the same objections;
# 0.3 takes the fewest buyer questions for objection sentences).
RUN_EXTEND = 0.3
# Prompt-model probability that makes a rep question a research or opinion prompt: 0.8 since
# the model learnt from 510 prompts (development set research F1 0.80 at 0.6, 0.84 at 0.8).
PROMPT_MIN = 0.8
# ...and an attribution prompt: a missed one loses the whole answer, a false one finds a channel
# only if the next turn names a source (development set: channel F1 0.754 at 0.6, 0.776 at 0.5;
# research answers, which keep every sentence, lose precision below 0.6).
ATTRIBUTION_PROMPT_MIN = 0.5
ANSWER_TURNS = 3  # prospect turns an answer may span
FOLLOW_UP_WORDS = 14  # a rep turn this short between answer turns is a follow-up
RESEARCH_OVER = 0.9  # a competitor "objection" in a research answer below this is research
# The same for the other categories: 0.6 until the classifier stopped learning an objection's
# neighbouring sentences as "none" and its probabilities rose; 0.6 to 0.95 score the same on
# the development set and within a finding on the training calls.
RESEARCH_OVER_OTHER = 0.75
STALL_WORDS = 6
FOLLOW_UP_ASK = 4  # "oh, which episode?" follows up; a longer question moves on
BACKCHANNEL_WORDS = 8  # "oh nice, love that." keeps the answer going
# "I saw your billboard" says how someone got here near a call's start, not later on.
EARLY_TURNS = 6  # a first answer turn shorter than this ("good question") only stalls
PHATIC_WORDS = 8  # phatic cue in a question this short: not a buyer question
# The prospect's first turns, before the rep asks anything of substance, are where people say
# how they got here unprompted ("Downloaded your guide, filled out the form. Here we are.").
OPENING_TURNS = 2
STATEMENT_PROMPT_WORDS = 20  # a longer rep statement is talk, not a question in disguise
CLOSING_PROMPT_WORDS = 35  # ...unless it ends the turn with a cue: the prospect answers it
_SELLER_WORDS = re.compile(r"\b(?:you|your|yours|you'?re|you'?d|you'?ve|y'?all)\b", re.I)
# "I've read your capabilities page. Skip the overview.": having read something of the
# seller's before a call names no source; the piece itself would ("your ROI guide").
_NO_SOURCE = {"read your"}
# "Thank you", "you know", "you're on speaker" speak to the rep, not of the seller.
_TO_THE_REP = re.compile(
    r"\b(?:thank(?:s| you)|you know|you see|mind you|you'?re on (?:mute|speaker))\b", re.I
)
# "Dana from Fieldbell", "Tobias with Verifold": the rep names the seller when introducing.
_INTRODUCED_AS = re.compile(r"\b(?:from|with|at|here at)\s+([A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*)?)")
_PROMPT_KINDS = {
    "attribution_prompt": "attribution",
    "research_prompt": "research",
    "opinion_prompt": "opinion",
}


@dataclass(frozen=True, slots=True)
class CallText:
    """What extraction reads: a call id and its utterances in order."""

    call_id: str
    utterances: Sequence[Utterance]


@dataclass(frozen=True, slots=True)
class AttributionAnswer:
    """Sentences (batch indexes) that answer an attribution prompt, or volunteer a source."""

    sentences: list[int]
    asked: bool
    prompt: int | None = None  # the rep's utterance index, when asked
    need_channel: bool = False  # volunteered: nothing is kept unless a channel is named


def _rep_turn_before(
    calls: Sequence[CallText], sentences: Sequence[Sentence], owner: Sequence[int]
) -> list[str]:
    """For each sentence, the text of the last rep turn before its utterance ('' if none)."""
    last: dict[tuple[int, int], str] = {}
    for c, call in enumerate(calls):
        rep = ""
        for u in call.utterances:
            last[(c, u.index)] = rep
            if u.role == "rep":
                rep = u.text
    return [last[(owner[i], s.utterance.index)] for i, s in enumerate(sentences)]


_FOLLOW_UP = re.compile(
    r"\b(else|which|who|whose|where|what was|how so|really|and then|anything|any other)\b", re.I
)

# "What's the situation today?": short, but about now, so the rep has moved on.
_MOVES_ON = re.compile(r"\b(?:today|currently|right now|these days|at the moment)\b", re.I)


def _follows_up(rep_text: str) -> bool:
    """Whether a rep turn between answer turns keeps the answer going: a backchannel ("oh
    nice") or a short question about it ("which episode?", "anything else?"), not the next
    discovery question ("so what does your process look like today?")."""
    if word_count(rep_text) > FOLLOW_UP_WORDS:
        return False
    if "?" not in rep_text:
        return word_count(rep_text) <= BACKCHANNEL_WORDS
    asked = re.split(r"(?<=[.!])\s+", rep_text.strip())[-1]
    if _MOVES_ON.search(asked):
        return False
    return word_count(asked) <= FOLLOW_UP_ASK or (
        bool(_FOLLOW_UP.search(asked)) and word_count(asked) <= 2 * FOLLOW_UP_ASK
    )


# A turn that carries on the speaker's last one: "And then Bing.", "But what moved you to the
# top was G2.", "Oh, and my old boss uses you too."
_GOES_ON = re.compile(r"^\W*(?:(?:oh|um|uh|so),?\s+)*(?:and|then|also|but|plus|after that)\b", re.I)


def _credited(
    answers: Sequence[AttributionAnswer],
    mentions: list[list[list]],
    sentences: Sequence[Sentence],
    owner: Sequence[int],
    calls: Sequence[CallText],
) -> list[list[list]]:
    """Each answer's channel mentions, less those that credit no new source:
    - in an unasked answer, a channel the call named in an earlier turn: a source told again
      later ("so between the billboard and Eddie...") is the one already credited;
    - a referral by someone on the prospect's side of the call ("...until Funmi told me to
      call you", with Funmi in the meeting): a colleague in the room sending them over is no
      source of how the company heard of the seller."""
    first_named: dict[tuple[int, str], int] = {}  # (call, channel) -> first utterance index
    for answer, named in zip(answers, mentions, strict=True):
        for i, found_in in zip(answer.sentences, named, strict=True):
            for m in found_in:
                key, at = (owner[i], m.channel), sentences[i].utterance.index
                first_named[key] = min(first_named.get(key, at), at)
    in_room = {
        c: {
            name.lower()
            for u in calls[c].utterances
            if _listener(u) and u.speaker
            for name in (u.speaker, u.speaker.split()[0])
        }
        for c in {owner[i] for a in answers for i in a.sentences}
    }

    def credits(answer: AttributionAnswer, i: int, m) -> bool:
        if not answer.asked and first_named[(owner[i], m.channel)] < sentences[i].utterance.index:
            return False
        return not (m.channel == "referral" and m.entity and m.entity.lower() in in_room[owner[i]])

    return [
        [
            [m for m in found_in if credits(answer, i, m)]
            for i, found_in in zip(answer.sentences, named, strict=True)
        ]
        for answer, named in zip(answers, mentions, strict=True)
    ]


def _seller_name(utterances: Sequence[Utterance]) -> str | None:
    """The seller's name as the rep gives it in the first turn ("Dana from Fieldbell")."""
    for u in utterances[:3]:
        if u.role == "rep":
            m = _INTRODUCED_AS.search(u.text)
            return m.group(1) if m else None
    return None


def _names_seller(text: str, seller: str | None) -> bool:
    """Whether a sentence speaks of the seller: "you", "your", or the seller's name."""
    return bool(_SELLER_WORDS.search(_TO_THE_REP.sub("", text))) or bool(
        seller and seller.lower() in text.lower()
    )


def _opening(
    utterances: Sequence[Utterance],
    by_utt: dict[int, list[int]],
    first_prompt: int | None,
    texts: Sequence[str],
    docs: Sequence,
    seller: str | None,
) -> list[int]:
    """Sentences (batch indexes) of the prospect's first turns, before the rep asks anything,
    that name a source and the seller: "Your COO was on the Fleet Forward podcast", "my
    brother-in-law... it's Fieldbell this, Fieldbell that". No cue is needed this early; a
    source named without the seller ("sorry, my Google calendar") is small talk."""
    out: list[int] = []
    turns = 0
    for u in utterances:
        if first_prompt is not None and u.index >= first_prompt:
            break
        if not _listener(u):
            continue
        turns += 1
        if turns > OPENING_TURNS:
            break
        for i in by_utt.get(u.index, []):
            named = any(
                sp.label_ not in ("other", NOT_A_CHANNEL) and sp.text.lower() not in _NO_SOURCE
                for sp in cue_spans(docs[i], CHANNEL_TERMS)
            )
            if named and _names_seller(texts[i], seller):
                out.append(i)
    return out


def _listener(u: Utterance) -> bool:
    return u.role in ("prospect", "unknown")


def quote_times(u: Utterance, start: int, end: int) -> tuple[float | None, float | None]:
    """Times of the words a quote spans, else the utterance's (transcripts without words)."""
    if not u.words:
        return u.start_s, u.end_s
    pos, first, last = 0, None, None
    for w in u.words:
        piece = w.text.strip()
        at = u.text.find(piece, pos) if piece else -1
        if at < 0:
            continue
        pos = at + len(piece)
        if at < end and pos > start:
            first = w if first is None else first
            last = w
    if first is None or last is None:
        return u.start_s, u.end_s
    return first.start, last.end


def objection_runs(
    scored: dict[int, ObjectionScore], sentences: Sequence[Sentence], threshold: float
) -> list[list[int]]:
    """Runs of scored sentences next to each other in one turn, kept when one reaches
    ``threshold``: one finding per objection, not per sentence.

    A prospect states one concern over several sentences ("Three years? Please don't tell me
    five. We never sign past one."); each carries part of it, and some alone would not pass
    (hysteresis, as in edge detection: a run is seeded by a confident sentence and grows
    through weaker neighbours, down to ``RUN_EXTEND``). A sentence that is not a candidate
    ends the run, so a pain or a question in the same turn stays out of the quote.
    """
    runs: list[list[int]] = []
    for i in sorted(scored):
        if runs and runs[-1][-1] == i - 1 and sentences[i - 1].utterance is sentences[i].utterance:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [run for run in runs if max(scored[i].probability for i in run) >= threshold]


class Extractor:
    def __init__(
        self,
        settings: Settings,
        taxonomy: Taxonomy | None = None,
        classifier: ObjectionClassifier | None = None,
        embedder: Embedder | None = None,
        assets: Sequence[ContentAsset] = (),
        trackers: Sequence[Tracker] | None = None,
    ) -> None:
        self.settings = settings
        self.taxonomy = taxonomy or load_taxonomy(settings.taxonomy_dir)
        self.classifier = classifier or load_classifier(settings.classifier_dir)
        self.embedder = embedder or get_extraction_embedder(settings)
        trained_on = self.classifier.meta.get("embedder")
        if trained_on != self.embedder.label:
            # The head and the category model read vectors: another model's are noise to them.
            raise ExtractError(
                E.E505,
                path=settings.classifier_dir,
                trained=trained_on,
                label=self.embedder.label,
            )
        self.nlp = cue_pipeline(self.taxonomy)
        self.objections = ObjectionDetector(self.taxonomy, self.classifier, self.embedder)
        self.channels = ChannelReader(
            self.taxonomy, self.embedder, entity_pipeline(settings.spacy_model)
        )
        self.assets = AssetLinker(self.embedder, assets)
        self.trackers = TrackerMatcher(
            self.nlp, settings.trackers if trackers is None else trackers
        )
        self.threshold = settings.objection_threshold
        self.unknown_weight = settings.unknown_role_weight

    @property
    def digest(self) -> str:
        """Changes when anything that decides findings changes: a stored call analysed under
        another digest is out of date (``callinsight rescan``)."""
        parts = {
            "version": EXTRACTOR_VERSION,
            "taxonomy": self.taxonomy.digest,
            "classifier": self.classifier.digest,
            "embedder": self.embedder.label,
            "threshold": self.threshold,
            "trackers": self.trackers.digest,
            "assets": self.assets.digest,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]

    # -- the whole batch -----------------------------------------------------------------

    def extract(self, call_id: str, utterances: Sequence[Utterance]) -> list[Finding]:
        return self.extract_calls([CallText(call_id, utterances)])[call_id]

    def extract_calls(self, calls: Iterable[CallText]) -> dict[str, list[Finding]]:
        """Findings per call id, in utterance then character order."""
        calls = list(calls)
        sentences: list[Sentence] = []
        owner: list[int] = []
        for c, call in enumerate(calls):
            for u in call.utterances:
                for s in split_sentences(u):
                    sentences.append(s)
                    owner.append(c)
        texts = [s.text for s in sentences]
        docs = list(self.nlp.pipe(texts, batch_size=512))
        questions = [s.is_question for s in sentences]
        listener = [i for i, s in enumerate(sentences) if _listener(s.utterance)]

        rep_before = _rep_turn_before(calls, sentences, owner)
        scores = self.objections.score(
            [texts[i] for i in listener],
            [docs[i] for i in listener],
            [questions[i] for i in listener],
            [sentences[i].utterance.text for i in listener],
            [rep_before[i] for i in listener],
        )
        candidates: dict[int, ObjectionScore] = {}  # probabilities weighted by speaker role
        for i, score in zip(listener, scores, strict=True):
            if score is None:
                continue
            p = score.probability * self._weight(sentences[i].utterance)
            if p >= min(RUN_EXTEND, self.threshold):
                candidates[i] = replace(score, probability=p)
        objection_at = {
            i: candidates[i]
            for run in objection_runs(candidates, sentences, self.threshold)
            for i in run
        }

        found: dict[str, list[Finding]] = {call.call_id: [] for call in calls}
        kept: set[tuple] = set()  # (call, utterance, kind, start, category, channel)

        def add(
            i: int,
            kind: str,
            confidence: float,
            method: str,
            span: Sentence | None = None,
            **extra: object,
        ) -> None:
            call_id = calls[owner[i]].call_id
            s = span or sentences[i]
            key = (
                call_id,
                s.utterance.index,
                kind,
                s.start,
                extra.get("category"),
                extra.get("channel"),
            )
            if key not in kept:
                kept.add(key)
                found[call_id].append(self._finding(call_id, s, kind, confidence, method, **extra))

        by_call: dict[int, list[int]] = {}
        for i, c in enumerate(owner):
            by_call.setdefault(c, []).append(i)
        # The prompt model reads the rep sentences that can be prompts (questions, or a prompt
        # cue: see _answers) of the whole batch at once: hashing n-grams costs a fixed ~20 ms
        # per call of the vectorizer, more than the sentences of a call do.
        rep = [
            i
            for i, s in enumerate(sentences)
            if s.utterance.role == "rep" and (questions[i] or labels(docs[i], PROMPT_CUES))
        ]
        prompt_probs = dict(
            zip(
                rep,
                self.classifier.prompts.proba(ngram_features([texts[i] for i in rep]))
                if rep
                else [],
                strict=True,
            )
        )
        answers: list[AttributionAnswer] = []
        for c, idx in by_call.items():
            answers += self._answers(
                calls[c], idx, sentences, texts, docs, questions, prompt_probs, objection_at, add
            )
        mentions = self.channels.read_answers(
            [[texts[i] for i in a.sentences] for a in answers],
            [[docs[i] for i in a.sentences] for a in answers],
        )
        credited = _credited(answers, mentions, sentences, owner, calls)
        for answer, named in zip(answers, credited, strict=True):
            self._attribution(answer, named, texts, sentences, add)
        # Research answers may have taken sentences back: a run left without its seed goes.
        for run in objection_runs(objection_at, sentences, self.threshold):
            # The run's category adds up the evidence of its sentences, each by its weight;
            # the most confident sentence that argues for it lends its method.
            scores_of = [objection_at[i] for i in run]
            votes = sum(o.probability * np.asarray(o.evidence) for o in scores_of)
            category = self.taxonomy.categories[int(np.argmax(votes))]
            best = max(
                run,
                key=lambda i: (objection_at[i].category == category, objection_at[i].probability),
            )
            p = max(o.probability for o in scores_of)
            first, last = sentences[run[0]], sentences[run[-1]]
            span = Sentence(first.utterance, first.start, last.end)
            add(best, "objection", p, objection_at[best].method, span=span, category=category)
        for i in listener:
            s = sentences[i]
            if questions[i] and i not in objection_at and self._buyer_question(texts[i], docs[i]):
                add(i, "question", 0.9 if texts[i].rstrip().endswith("?") else 0.7, "rule")
        mention_idx = [i for i in listener if "content_mention" in labels(docs[i], STATEMENT_CUES)]
        for i, link in zip(
            mention_idx, self.assets.link([texts[i] for i in mention_idx]), strict=True
        ):
            detail = {"asset_id": link.asset_id} if link else {}
            add(
                i,
                "content_mention",
                link.score if link else 0.7,
                "rule",
                entity=link.title if link else None,
                detail=detail,
            )
        for i, s in enumerate(sentences):
            for hit in self.trackers.match(docs[i], s.utterance.role):
                add(i, "tracker", 1.0, "tracker", category=hit)
        for findings in found.values():
            findings.sort(key=lambda f: (f.utterance_index, f.char_start, f.kind))
        return found

    # -- answers to rep prompts, and volunteered attribution -----------------------------

    def _answers(
        self, call, idx, sentences, texts, docs, questions, prompt_probs, objection_at, add
    ) -> list[AttributionAnswer]:
        """Research answers are added here; attribution answers are returned, to be read
        together with those of the other calls."""
        found: list[AttributionAnswer] = []
        utterances = list(call.utterances)
        by_utt: dict[int, list[int]] = {}
        for i in idx:
            by_utt.setdefault(sentences[i].utterance.index, []).append(i)
        position = {u.index: n for n, u in enumerate(utterances)}
        rep_idx = [i for i in idx if sentences[i].utterance.role == "rep"]
        classes = self.classifier.prompts.classes
        prompts: dict[int, set[str]] = {}  # utterance index -> prompt kinds
        sure: set[int] = set()  # utterances surely asking how they heard (a cue, or p >= 0.8)
        for i in rep_idx:
            kinds = set(labels(docs[i], PROMPT_CUES))
            certain = "attribution" in kinds
            # "...so I'd love to hear how Permitpath came to your attention.": a statement
            # that closes the rep's turn with a cue asks, however long it runs.
            closing = certain and i == by_utt[sentences[i].utterance.index][-1]
            if questions[i] or kinds:
                for j, cls in enumerate(classes):
                    least = ATTRIBUTION_PROMPT_MIN if cls == "attribution_prompt" else PROMPT_MIN
                    if cls in _PROMPT_KINDS and prompt_probs[i][j] >= least:
                        kinds.add(_PROMPT_KINDS[cls])
                        certain |= cls == "attribution_prompt" and prompt_probs[i][j] >= PROMPT_MIN
            if kinds and (
                questions[i]
                or word_count(texts[i]) <= STATEMENT_PROMPT_WORDS
                or (closing and word_count(texts[i]) <= CLOSING_PROMPT_WORDS)
            ):
                prompts.setdefault(sentences[i].utterance.index, set()).update(kinds)
                if certain:
                    sure.add(sentences[i].utterance.index)

        # "Anything ring a bell, maybe a podcast or an event?": a rep question offering
        # sources keeps an attribution answer going, however long.
        offers = {
            sentences[i].utterance.index
            for i in rep_idx
            if questions[i] and cue_spans(docs[i], CHANNEL_TERMS)
        }
        answered: set[int] = set()  # sentences already read as part of an attribution answer
        researched: set[int] = set()  # sentences answering a research or opinion prompt
        for u_index, kinds in sorted(prompts.items()):
            turns = self._answer_turns(
                utterances,
                position[u_index],
                set(prompts),
                offers if "attribution" in kinds else set(),
            )
            answer_sentences = [i for t in turns for i in by_utt.get(t, [])]
            if "attribution" in kinds:
                answered.update(answer_sentences)
                # A question the model only half recognises ("Want me to set up a trial?")
                # counts when its answer names a source: no vague `other` from it.
                found.append(
                    AttributionAnswer(
                        answer_sentences,
                        asked=True,
                        prompt=u_index,
                        need_channel=u_index not in sure,
                    )
                )
            if kinds & {"research", "opinion"}:
                researched.update(answer_sentences)
                for i in answer_sentences:
                    if word_count(texts[i]) < 4 or texts[i].rstrip().endswith("?"):
                        continue
                    verdict = objection_at.get(i)
                    if verdict and verdict.probability < (
                        RESEARCH_OVER if verdict.category == "competitor" else RESEARCH_OVER_OTHER
                    ):
                        # Naming the alternatives one looked at, when asked, is research;
                        # only a clear concern in the answer stays an objection.
                        del objection_at[i]
                    elif verdict:
                        continue
                    add(i, "research", 0.75, "rule", detail={"prompt_utterance": u_index})
        early = max(EARLY_TURNS, len(utterances) // 4)
        seller = _seller_name(utterances)
        opening = set(_opening(utterances, by_utt, min(prompts, default=None), texts, docs, seller))

        def tells_source(i: int) -> bool:
            cues = labels(docs[i], STATEMENT_CUES)
            return (
                "volunteered_attribution" in cues
                or ("noticed_marketing" in cues and position[sentences[i].utterance.index] < early)
                or i in opening
                # "We already use Heartbeat Kudos for recognition": being a customer already
                # is how they know the seller, whenever in the call it comes up.
                or (
                    any(
                        sp.label_ == "existing_relationship"
                        for sp in cue_spans(docs[i], CHANNEL_TERMS)
                    )
                    and _names_seller(texts[i], seller)
                )
            )

        volunteered = {
            i
            for i in idx
            if _listener(sentences[i].utterance)
            and i not in answered
            and tells_source(i)
            # Answering "did you look at anything else?", "I asked ChatGPT for a template" is
            # research: a cue there tells how they found the seller only when it names them.
            and (i not in researched or _names_seller(texts[i], seller))
        }
        # "I only agreed to this / because Priscilla told me at the ABA Institute", "I met one
        # of your guys at the meetup. / So the name was already familiar.": the cue and the
        # channel can fall in neighbouring clauses of one turn, either way round.
        in_call = set(idx)
        neighbours = {
            j
            for i in volunteered
            for j in (i - 1, i + 1)
            if j in in_call
            and sentences[j].utterance is sentences[i].utterance
            and j not in answered
        }
        volunteered = sorted(volunteered | neighbours)
        if volunteered:
            found.append(AttributionAnswer(volunteered, asked=False, need_channel=True))
        return found

    def _answer_turns(
        self,
        utterances: list[Utterance],
        at: int,
        prompted: set[int] = frozenset(),
        offers: set[int] = frozenset(),
    ) -> list[int]:
        """Utterance indexes of the prospect's answer to the prompt at position ``at``.

        The answer is the next prospect turn, plus the turns after it that continue it: after a
        brief rep follow-up ("oh nice, which episode?") or a rep question in ``offers`` that
        suggests sources ("anything ring a bell, a podcast maybe?"), from a second prospect
        chiming in, after a first turn that only stalled ("good question"), or the same speaker
        carrying on ("And then Bing.").
        """
        turns: list[int] = []
        previous: Utterance | None = None  # the last answer turn
        followed_up = False
        for u in utterances[at + 1 :]:
            if not _listener(u):
                goes_on = _follows_up(u.text) or (
                    u.index in offers and word_count(u.text) <= FOLLOW_UP_WORDS
                )
                if turns and (u.index in prompted or not goes_on):
                    break  # the rep moved on
                followed_up = bool(turns)
                continue
            if (
                previous is not None
                and not followed_up
                and u.speaker == previous.speaker
                and word_count(previous.text) >= STALL_WORDS
                and not _GOES_ON.match(u.text)
            ):
                # The same speaker went on after a real answer: that is the answer, unless
                # the next turn carries on with it ("And then a colleague forwarded...").
                break
            turns.append(u.index)
            previous = u
            followed_up = False
            if len(turns) == ANSWER_TURNS:
                break
        return turns

    def _attribution(self, answer: AttributionAnswer, mentions, texts, sentences, add) -> None:
        idx = answer.sentences
        if not idx:
            return
        any_channel = False
        detail = {
            "asked": answer.asked,
            **({"prompt_utterance": answer.prompt} if answer.prompt is not None else {}),
        }
        said: set[tuple[int, str]] = set()  # one finding per turn and channel
        for i, found in zip(idx, mentions, strict=True):
            for m in found:
                any_channel = True
                turn = (sentences[i].utterance.index, m.channel)
                if turn in said:
                    continue
                said.add(turn)
                add(
                    i,
                    "attribution",
                    0.9 if m.method == "rule" else 0.6,
                    m.method,
                    channel=m.channel,
                    entity=m.entity or None,
                    detail=detail,
                )
        if not any_channel and not answer.need_channel:
            # Asked, answered, but nothing names a channel ("honestly, no idea"): keep the
            # verbatim answer as channel 'other' so the share of vague answers is visible.
            first = next((i for i in idx if word_count(texts[i]) >= 2), None)
            if first is not None:
                add(first, "attribution", 0.5, "rule", channel="other", detail=detail)

    def _buyer_question(self, text: str, doc) -> bool:
        if word_count(text) < 3:
            return False
        return not ("phatic" in labels(doc, STATEMENT_CUES) and word_count(text) <= PHATIC_WORDS)

    # -- building findings ---------------------------------------------------------------

    def _weight(self, u: Utterance) -> float:
        return self.unknown_weight if u.role == "unknown" else 1.0

    def _finding(
        self,
        call_id: str,
        s: Sentence,
        kind: str,
        confidence: float,
        method: str,
        detail: dict | None = None,
        **extra: object,
    ) -> Finding:
        u = s.utterance
        if kind != "objection":  # objections were weighted before the threshold
            confidence *= self._weight(u)
        start_s, end_s = quote_times(u, s.start, s.end)
        return Finding(
            call_id=call_id,
            utterance_index=u.index,
            kind=kind,  # type: ignore[arg-type]
            quote=s.text,
            char_start=s.start,
            char_end=s.end,
            speaker=u.speaker,
            role=u.role,
            confidence=round(float(confidence), 4),
            method=method,  # type: ignore[arg-type]
            start_s=start_s,
            end_s=end_s,
            detail=tuple(sorted((detail or {}).items())),
            **extra,  # type: ignore[arg-type]
        )
