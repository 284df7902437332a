"""Conversation metrics sales teams already read, per call and per role.

- talk_ratio: share of talk time (of words, when a transcript has no times) per role;
- longest_monologue_s: the longest stretch one role speaks without the other;
- questions: questions asked (sentences ending in '?') per role;
- interactivity: speaker switches per minute of conversation;
- patience_s: mean pause between a prospect finishing and the rep starting to talk.
Each is computed from the stored turns, so every number can be traced back to them.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from callinsight.records import Utterance

_QUESTION = re.compile(r"[^.?!]*\?")
# A pause longer than this is not "waiting to answer" but a break in the call.
_MAX_PATIENCE_S = 10.0


@dataclass(frozen=True, slots=True)
class CallMetric:
    scope: str  # "call" or a role: "rep", "prospect", "unknown"
    name: str
    value: float
    unit: str


def _has_times(utterances: Sequence[Utterance]) -> bool:
    return bool(utterances) and all(
        u.start_s is not None and u.end_s is not None for u in utterances
    )


def call_metrics(utterances: Sequence[Utterance]) -> list[CallMetric]:
    """Metrics for one call's turns; time-based ones only when every turn has times."""
    if not utterances:
        return []
    timed = _has_times(utterances)
    out: list[CallMetric] = []

    talk: dict[str, float] = defaultdict(float)
    for u in utterances:
        talk[u.role] += (u.end_s - u.start_s) if timed else len(u.text.split())  # type: ignore[operator]
    total = sum(talk.values()) or 1.0
    for role, amount in sorted(talk.items()):
        out.append(CallMetric(role, "talk_ratio", round(amount / total, 4), "share"))

    for role in sorted(talk):
        out.append(
            CallMetric(
                role,
                "questions",
                float(sum(len(_QUESTION.findall(u.text)) for u in utterances if u.role == role)),
                "count",
            )
        )

    if not timed:
        return out

    # Monologues: consecutive turns of one role, joined.
    longest: dict[str, float] = defaultdict(float)
    run_role, run_start, run_end = None, 0.0, 0.0
    for u in utterances:
        if u.role == run_role:
            run_end = max(run_end, u.end_s)  # type: ignore[type-var]
        else:
            if run_role is not None:
                longest[run_role] = max(longest[run_role], run_end - run_start)
            run_role, run_start, run_end = u.role, u.start_s, u.end_s  # type: ignore[assignment]
    longest[run_role] = max(longest[run_role], run_end - run_start)  # type: ignore[index]
    for role, secs in sorted(longest.items()):
        out.append(CallMetric(role, "longest_monologue_s", round(secs, 2), "s"))

    switches = sum(1 for a, b in itertools.pairwise(utterances) if a.speaker != b.speaker)
    span_min = max((utterances[-1].end_s - utterances[0].start_s) / 60, 1e-6)  # type: ignore[operator]
    out.append(CallMetric("call", "interactivity", round(switches / span_min, 2), "switches/min"))

    pauses = [
        b.start_s - a.end_s  # type: ignore[operator]
        for a, b in itertools.pairwise(utterances)
        if a.role == "prospect" and b.role == "rep" and 0 <= b.start_s - a.end_s <= _MAX_PATIENCE_S  # type: ignore[operator]
    ]
    if pauses:
        out.append(CallMetric("rep", "patience_s", round(sum(pauses) / len(pauses), 2), "s"))
    return out
