"""Rep or prospect for every speaker, with where the decision came from and how sure it is.

In order of trust:
1. ``channel``: a two-channel recording's configured channel map (decided upstream);
2. ``transcript``: roles written in a JSON transcript (decided upstream);
3. ``roster``: a speaker's name matches the rep roster (config ``reps`` plus the call's CRM
   ``rep``); the other named speakers are prospects unless their own words say otherwise;
4. ``voice``: a diarized voice matches a rep's enrolled voice sample;
5. ``text-cues``: who asks the discovery questions, who introduces the seller's company, who
   asks "how did you hear about us".
A speaker none of these can place keeps ``unknown``, and the call keeps the reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from callinsight.records import Utterance

# Cosine similarity of a diarized voice to an enrolled rep voice that counts as the rep
# (resemblyzer voices of one person score ~0.80-0.95, of two people ~0.55-0.75).
VOICE_MATCH = 0.78
# A text-cue verdict needs the rep's lead over the runner-up to be at least this.
MIN_CUE_MARGIN = 1.5

# (weight, pattern): phrases that mark the seller's side or the buyer's side of a discovery
# call. Each counts once per utterance; a speaker's score is the sum over their turns.
# fmt: off
_REP_CUES = [
    # asking for attribution, research and opinions: what reps ask in discovery
    (3.0, r"\bhow(?: did|'d| do) you (?:first )?(?:hear|find out|learn|come across|find|stumble)"),
    (3.0, r"\b(?:heard|hear|found|find out|learn(?:ed)?|came across) (?:about )?us\b\??"),
    (3.0, r"\bwhat (?:put|brought|got) (?:us|me) on your radar"),
    (3.0, r"\bwhere did you (?:first )?(?:hear|come across|find|see|learn)"),
    (3.0, r"\bwhat brought you to\b|\bhow you (?:landed|ended up) (?:on|with) us"),
    (2.5, r"\bwhat (?:made|prompted) you (?:reach out|take the call|book)"),
    (2.5, r"\bwhat have you (?:researched|looked at|evaluated|explored)"),
    (2.5, r"\bwhere did (?:your|the) research start"),
    (2.0, r"\bwhat(?:'s| is) your (?:take|impression|read) on us|\bwhat do you think of us"),
    # running the call: asking about the buyer's business
    (2.0, r"\bwalk me through\b"),
    (1.5, r"\btell me (?:a (?:little )?bit )?(?:more )?about\b"),
    (1.5, r"\bthanks? (?:you )?(?:so much )?for (?:making|taking|finding|joining|hopping|jumping)"),
    (1.5, r"\bhow (?:do|does) (?:you|your team|your \w+) (?:handle|manage|deal|process|approve|pay|do|run|track)"),
    (1.5, r"\bhow many (?:invoices|vendors|people|entities|clerks|approvers|users|bills)"),
    (1.5, r"\bwhat(?:'s| is) the (?:hardest|biggest|worst) (?:part|pain|problem)"),
    (1.5, r"\bjust to recap\b|\bremind me\b|\bis there anything (?:else|in|you)"),
    (1.0, r"\byour (?:team|end|side|process|company|business|invoices|vendors|cfo|controller|erp|approvals?|workflow|note|setup|volume|month[- ]end|close|current)\b"),
    (1.0, r"\bnext steps?\b|\b(?:i'll|i can|let me|we'll|i will) send\b|\bset up a demo\b"),
    (1.0, r"\bi'll (?:have it|keep|follow up|get that|share|loop in|put together)"),
    (1.0, r"\b(?:we|i) can do that\b"),
    # the seller's voice
    (1.5, r"\b(?:our|we) (?:platform|customers|product|pricing|integrations?|support|offer|roi|onboarding|implementation)"),
    (1.0, r"\bwe (?:integrate|sync|handle|automate|validate)\b"),
]
_PROSPECT_CUES = [
    (1.5, r"\b(?:your|you guys'?) (?:platform|product|tool|pricing|podcast|blog|webinar|report|system|software|contract)\b(?! fees?)"),
    (1.5, r"\bdo you (?:guys )?(?:integrate|support|have|offer|work with|handle)\b"),
    (1.5, r"\bhow much (?:does|would|do) (?:it|this|you)\b"),
    (1.5, r"\bhow does (?:pricing|it|the pricing|your|that) (?:work|handle|compare)"),
    (1.5, r"\bi(?:'m| am) the (?:cfo|controller|vp|director|head|ap manager|treasurer|owner)|\bi (?:run|manage|oversee|own) (?:ap|finance|accounting|the)"),
    (1.5, r"\b(?:i|we) (?:heard|found|came across|saw|read|listened|googled|asked chatgpt)\b"),
    (1.0, r"\b(?:our|my) (?:cfo|controller|clerks?|board|budget|current|process|erp|vendors?|ap|company|owner|it|infosec|security team)\b"),
    (1.0, r"\bwe (?:use|currently|are using|tried|looked at|signed|have|get|pay|run|process)\b"),
    (1.0, r"\bcan we (?:also )?(?:add|get|start|do|try|pilot)\b|\b(?:i'll|we'll) get it signed\b"),
]
# fmt: on
_COMPILED_REP = [(w, re.compile(p, re.IGNORECASE)) for w, p in _REP_CUES]
_COMPILED_PROSPECT = [(w, re.compile(p, re.IGNORECASE)) for w, p in _PROSPECT_CUES]


@dataclass(frozen=True, slots=True)
class RoleDecision:
    role: str
    source: str
    confidence: float


@dataclass(frozen=True, slots=True)
class RoleResult:
    utterances: tuple[Utterance, ...]
    decisions: dict[str, RoleDecision]
    note: str  # why roles are what they are, or why they could not be decided


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z ]+", "", text.lower()).strip()


class Roster:
    """The seller's people. Matches full names, unique first names, and 'First L.' forms."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted({n.strip() for n in names if n and n.strip()})
        self._full = {_norm(n): n for n in self.names}
        firsts: dict[str, list[str]] = defaultdict(list)
        for n in self.names:
            firsts[_norm(n).split(" ")[0]].append(n)
        self._first = {k: v[0] for k, v in firsts.items() if len(v) == 1}

    def match(self, speaker: str) -> str | None:
        key = _norm(speaker)
        if not key:
            return None
        if key in self._full:
            return self._full[key]
        parts = key.split(" ")
        if parts[0] in self._first:
            who = self._first[parts[0]]
            surname = _norm(who).split(" ")[-1]
            # "Maya", or "Maya C" for Maya Chen; never "Maya Lopez"
            if len(parts) == 1 or surname.startswith(parts[-1]):
                return who
        return None

    def __bool__(self) -> bool:
        return bool(self.names)


def cue_scores(utterances: Sequence[Utterance]) -> dict[str, float]:
    """Per speaker: rep cues minus prospect cues, plus a little for each question asked."""
    scores: dict[str, float] = defaultdict(float)
    for u in utterances:
        text = u.text
        score = sum(w for w, rx in _COMPILED_REP if rx.search(text))
        score -= sum(w for w, rx in _COMPILED_PROSPECT if rx.search(text))
        score += 0.3 * text.count("?")
        scores[u.speaker] += score
    return dict(scores)


def _cue_decisions(
    utterances: Sequence[Utterance], speakers: list[str]
) -> tuple[dict[str, RoleDecision], str]:
    scores = cue_scores(utterances)
    ranked = sorted(speakers, key=lambda s: scores.get(s, 0.0), reverse=True)
    if len(ranked) < 2:
        return {}, "only one speaker, and nothing names or recognises them"
    lead = scores.get(ranked[0], 0.0) - scores.get(ranked[1], 0.0)
    if scores.get(ranked[0], 0.0) <= 0 or lead < MIN_CUE_MARGIN:
        return {}, f"text cues are inconclusive (lead {lead:.1f} < {MIN_CUE_MARGIN})"
    confidence = round(min(0.95, 0.6 + 0.05 * lead), 3)
    decisions = {ranked[0]: RoleDecision("rep", "text-cues", confidence)}
    for other in ranked[1:]:
        decisions[other] = RoleDecision("prospect", "text-cues", confidence)
    return decisions, f"text cues: {ranked[0]} leads by {lead:.1f}"


def assign_roles(
    utterances: Sequence[Utterance],
    roster: Roster | None = None,
    voice_matches: dict[str, str] | None = None,
) -> RoleResult:
    """Decide every speaker's role. ``voice_matches`` maps a diarized speaker to a rep's name.

    Speakers already decided upstream (channel map, transcript roles) keep their decision.
    """
    speakers = list(dict.fromkeys(u.speaker for u in utterances))
    decided = {
        u.speaker: RoleDecision(u.role, u.role_source, u.role_confidence or 1.0)
        for u in utterances
        if u.role != "unknown" and u.role_source in ("channel", "transcript")
    }
    notes: list[str] = []
    open_ = [s for s in speakers if s not in decided]
    renames: dict[str, str] = {}

    if open_ and roster:
        matched = {s: roster.match(s) for s in open_}
        if any(matched.values()):
            for s, who in matched.items():
                if who:
                    decided[s] = RoleDecision("rep", "roster", 0.99)
            notes.append("roster matched " + ", ".join(sorted({w for w in matched.values() if w})))
    if voice_matches:
        for s, who in voice_matches.items():
            if s in open_ and s not in decided:
                decided[s] = RoleDecision("rep", "voice", 0.9)
                renames[s] = who
        if voice_matches:
            notes.append("enrolled voice of " + ", ".join(sorted(set(voice_matches.values()))))

    rest = [s for s in speakers if s not in decided]
    if rest:
        rep_sources = [d.source for d in decided.values() if d.role == "rep"]
        if rep_sources:
            # The seller is known; the others are buyers unless their own words are a
            # seller's (a sales manager joining, say).
            scores = cue_scores(utterances)
            for s in rest:
                if scores.get(s, 0.0) >= 6.0:
                    decided[s] = RoleDecision("rep", "text-cues", 0.7)
                else:
                    decided[s] = RoleDecision("prospect", rep_sources[0], 0.85)
        else:
            cue, why = _cue_decisions(utterances, speakers)
            notes.append(why)
            decided.update({s: d for s, d in cue.items() if s in rest})

    out = []
    for u in utterances:
        d = decided.get(u.speaker)
        if d is None:
            out.append(replace(u, role="unknown", role_source="none", role_confidence=None))
        else:
            out.append(
                replace(
                    u,
                    speaker=renames.get(u.speaker, u.speaker),
                    role=d.role,  # type: ignore[arg-type]
                    role_source=d.source,
                    role_confidence=d.confidence,
                )
            )
    final = {renames.get(s, s): d for s, d in decided.items()}
    if any(u.role == "unknown" for u in out) and not notes:
        notes.append("no roster, voice or text cue decides")
    return RoleResult(tuple(out), final, "; ".join(notes))


def match_voices(centroids: np.ndarray, enrolled: dict[str, np.ndarray]) -> dict[int, str]:
    """Diarized speaker index -> enrolled rep name, for voices above VOICE_MATCH (best first)."""
    if not enrolled or len(centroids) == 0:
        return {}
    names = list(enrolled)
    voices = np.stack([enrolled[n] / np.linalg.norm(enrolled[n]) for n in names])
    sims = centroids @ voices.T
    out: dict[int, str] = {}
    taken: set[str] = set()
    for idx in np.argsort(-sims, axis=None):
        i, j = divmod(int(idx), len(names))
        if sims[i, j] < VOICE_MATCH:
            break
        if i not in out and names[j] not in taken:
            out[i] = names[j]
            taken.add(names[j])
    return out
