"""Roles from names, voices and words, each decision with its source and confidence."""

from __future__ import annotations

import numpy as np

from callinsight.records import Utterance
from callinsight.speakers.roles import Roster, assign_roles, cue_scores, match_voices


def _u(i: int, speaker: str, text: str) -> Utterance:
    return Utterance(index=i, speaker=speaker, text=text, start_s=float(i), end_s=i + 0.9)


CALL = [
    _u(0, "Speaker 1", "Hi Gary, thanks for making the time. How did you hear about us?"),
    _u(1, "Speaker 2", "A colleague mentioned your podcast. Honestly our CFO thinks it's pricey."),
    _u(2, "Speaker 1", "Makes sense. Can you walk me through how invoices flow today?"),
    _u(3, "Speaker 2", "We use email and spreadsheets. Do you integrate with NetSuite?"),
    _u(4, "Speaker 1", "We do. Our platform syncs both ways. What have you researched so far?"),
]


def test_roster_matches_full_first_and_initial_forms():
    roster = Roster(["Maya Chen", "Derek Olsen", "Dana Whitfield", "Dana Price"])
    assert roster.match("maya chen") == "Maya Chen"
    assert roster.match("Maya") == "Maya Chen"
    assert roster.match("Maya C.") == "Maya Chen"
    assert roster.match("Maya Lopez") is None
    assert roster.match("Dana") is None  # two Danas: a first name alone is ambiguous
    assert roster.match("Zoë Olsen") is None


def test_roster_names_the_rep_and_the_rest_are_prospects():
    utts = [
        _u(0, "Maya Chen", "Hello!"),
        _u(1, "Gary Pruitt", "Hi."),
        _u(2, "Nina", "Hi there."),
    ]
    result = assign_roles(utts, Roster(["Maya Chen"]))
    roles = {u.speaker: (u.role, u.role_source) for u in result.utterances}
    assert roles == {
        "Maya Chen": ("rep", "roster"),
        "Gary Pruitt": ("prospect", "roster"),
        "Nina": ("prospect", "roster"),
    }
    assert "roster matched Maya Chen" in result.note


def test_a_seller_outside_the_roster_is_recognised_by_their_words():
    utts = [
        _u(0, "Maya Chen", "Thanks for making the time."),
        _u(
            1,
            "Renee Castillo",
            "I lead the team here. How did you first hear about us? And what "
            "have you researched so far? Walk me through your approvals.",
        ),
        _u(2, "Gary Pruitt", "Our CFO signs everything. Do you integrate with Sage?"),
    ]
    roles = {u.speaker: u.role for u in assign_roles(utts, Roster(["Maya Chen"])).utterances}
    assert roles == {"Maya Chen": "rep", "Renee Castillo": "rep", "Gary Pruitt": "prospect"}


def test_text_cues_find_the_rep_when_nobody_is_named():
    result = assign_roles(CALL)
    roles = {u.speaker: (u.role, u.role_source) for u in result.utterances}
    assert roles == {"Speaker 1": ("rep", "text-cues"), "Speaker 2": ("prospect", "text-cues")}
    assert all(0.6 <= (u.role_confidence or 0) <= 0.95 for u in result.utterances)
    scores = cue_scores(CALL)
    assert scores["Speaker 1"] > scores["Speaker 2"]


def test_undecidable_roles_stay_unknown_with_the_reason():
    utts = [_u(0, "Speaker 1", "Okay."), _u(1, "Speaker 2", "Sure.")]
    result = assign_roles(utts)
    assert {u.role for u in result.utterances} == {"unknown"}
    assert "inconclusive" in result.note
    one = assign_roles([_u(0, "Speaker 1", "How did you hear about us?")])
    assert one.utterances[0].role == "unknown"
    assert "only one speaker" in one.note


def test_channel_and_transcript_roles_are_kept():
    utts = [
        Utterance(0, "Speaker L", "How much is it?", role="prospect", role_source="channel"),
        Utterance(1, "Speaker R", "How did you hear about us?", role="rep", role_source="channel"),
    ]
    result = assign_roles(utts, Roster(["Speaker R"]))
    assert [(u.role, u.role_source) for u in result.utterances] == [
        ("prospect", "channel"),
        ("rep", "channel"),
    ]


def test_enrolled_voice_names_the_rep():
    rng = np.random.default_rng(1)
    maya = np.abs(rng.normal(size=256)).astype(np.float32)
    other = np.abs(rng.normal(size=256)).astype(np.float32)
    centroids = np.stack([other / np.linalg.norm(other), maya / np.linalg.norm(maya)])
    assert match_voices(centroids, {"Maya Chen": maya}) == {1: "Maya Chen"}
    result = assign_roles(CALL, voice_matches={"Speaker 1": "Maya Chen"})
    roles = {u.speaker: (u.role, u.role_source) for u in result.utterances}
    assert roles == {"Maya Chen": ("rep", "voice"), "Speaker 2": ("prospect", "voice")}
    assert "enrolled voice of Maya Chen" in result.note
