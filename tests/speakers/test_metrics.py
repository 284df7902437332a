"""Conversation metrics on a call whose numbers can be worked out by hand."""

from __future__ import annotations

from callinsight.records import Utterance
from callinsight.speakers.metrics import call_metrics


def _u(i, speaker, role, start, end, text="words here"):
    return Utterance(i, speaker, text, start, end, role=role)


def test_metrics_of_a_timed_call():
    utts = [
        _u(0, "Maya", "rep", 0.0, 10.0, "Hi. How are you? What brings you here?"),
        _u(1, "Gary", "prospect", 11.0, 41.0, "Long answer."),
        _u(2, "Maya", "rep", 43.0, 48.0, "Got it. Price?"),
        _u(3, "Gary", "prospect", 48.5, 58.0),
        _u(4, "Nina", "prospect", 58.0, 60.0),
    ]
    m = {(x.scope, x.name): x.value for x in call_metrics(utts)}
    assert m[("rep", "talk_ratio")] == round(15 / 56.5, 4)
    assert m[("prospect", "talk_ratio")] == round(41.5 / 56.5, 4)
    assert m[("rep", "questions")] == 3
    assert m[("prospect", "questions")] == 0
    assert m[("prospect", "longest_monologue_s")] == 30.0
    assert m[("rep", "longest_monologue_s")] == 10.0
    assert m[("call", "interactivity")] == 4.0  # 4 switches in 1 minute
    assert m[("rep", "patience_s")] == 2.0  # one prospect -> rep handover, 2 s


def test_untimed_transcript_gets_word_based_talk_ratio_only():
    utts = [
        Utterance(0, "Maya", "one two three?", role="rep"),
        Utterance(1, "Gary", "one", role="prospect"),
    ]
    m = {(x.scope, x.name): x.value for x in call_metrics(utts)}
    assert m == {
        ("prospect", "talk_ratio"): 0.25,
        ("rep", "talk_ratio"): 0.75,
        ("prospect", "questions"): 0.0,
        ("rep", "questions"): 1.0,
    }
