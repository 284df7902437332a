"""Extraction on a small call written for these tests, with the real models."""

from __future__ import annotations

import pytest

from callinsight.records import Utterance, Word

REP, PROSPECT = "Dana (rep)", "Lee"
TURNS = [
    (REP, "rep", "Thanks for joining. Before we start, how'd you find us?"),
    (PROSPECT, "prospect", "Honestly, I heard your CEO on the Revenue Rebels podcast."),
    (REP, "rep", "Oh nice, anything else?"),
    (PROSPECT, "prospect", "And my old boss Priya Shah recommended you, she swears by it."),
    (
        REP,
        "rep",
        "Great. Our pricing starts at two thousand a month, we're SOC 2 certified, and we beat "
        "Payloop on sync speed.",
    ),
    (PROSPECT, "prospect", "How does pricing work for multiple entities?"),
    (REP, "rep", "Each entity is an add-on. What have you researched so far?"),
    (
        PROSPECT,
        "prospect",
        "We compared three vendors on G2 and sat through two other demos last month.",
    ),
    (
        PROSPECT,
        "prospect",
        "Our current system is a nightmare, we waste hours every week. "
        "But that's way over our budget for this year.",
    ),
    (
        PROSPECT,
        "prospect",
        "Also, we're knee-deep in an ERP migration until March, so nothing new before then.",
    ),
    (PROSPECT, "prospect", "I watched your ROI calculator video, by the way. Any discount?"),
    (REP, "rep", "Let's talk next steps."),
    ("Sam", "unknown", "I can't sign this myself, our CFO has to approve it."),
]


@pytest.fixture(scope="module")
def call():
    return [
        Utterance(index=i, speaker=s, role=r, text=t, start_s=10.0 * i, end_s=10.0 * i + 8)
        for i, (s, r, t) in enumerate(TURNS)
    ]


@pytest.fixture(scope="module")
def findings(extractor, call):
    return extractor.extract("call-1", call)


def _of(findings, kind, utterance=None):
    return [
        f
        for f in findings
        if f.kind == kind and (utterance is None or f.utterance_index == utterance)
    ]


def test_every_quote_is_the_exact_span_of_its_utterance(findings, call):
    assert findings
    for f in findings:
        assert call[f.utterance_index].text[f.char_start : f.char_end] == f.quote
        assert f.call_id == "call-1"
        assert f.speaker == call[f.utterance_index].speaker
        assert 0 < f.confidence <= 1
        assert f.method in ("rule", "similarity", "model", "tracker")


def test_objections_come_from_prospects_with_categories(findings):
    objections = _of(findings, "objection")
    assert {f.role for f in objections} <= {"prospect", "unknown"}
    by_utt = {f.utterance_index: f for f in objections}
    assert by_utt[8].quote == "But that's way over our budget for this year."
    assert by_utt[8].category == "price"
    assert by_utt[9].category == "timing"  # implication: "knee-deep in a migration"


def test_rep_pitch_pain_and_neutral_questions_are_not_objections(findings):
    objections = _of(findings, "objection")
    assert not [f for f in objections if f.utterance_index == 4]  # the rep on price/competitor
    assert not [f for f in objections if f.utterance_index == 5]  # "how does pricing work"
    assert not [f for f in objections if "nightmare" in f.quote]  # pain about the current tool


def test_unknown_speaker_counts_as_possible_prospect_with_lower_confidence(findings):
    sam = _of(findings, "objection", 12)
    assert sam and sam[0].role == "unknown" and sam[0].category == "authority"


def test_buyer_questions(findings):
    quotes = [f.quote for f in _of(findings, "question")]
    assert "How does pricing work for multiple entities?" in quotes
    assert not any(f.role == "rep" for f in _of(findings, "question"))


def test_attribution_answer_over_two_turns_with_channels_and_entities(findings):
    attribution = _of(findings, "attribution")
    channels = {(f.utterance_index, f.channel) for f in attribution}
    assert (1, "podcast") in channels
    assert (3, "referral") in channels
    podcast = next(f for f in attribution if f.channel == "podcast")
    assert "Revenue Rebels" in (podcast.entity or "")
    assert dict(podcast.detail)["asked"] is True
    referral = next(f for f in attribution if f.channel == "referral")
    assert referral.entity == "Priya Shah"


def test_research_answer(findings):
    research = _of(findings, "research")
    assert [f.utterance_index for f in research] == [7]


def test_content_mention_is_linked_to_the_library(findings):
    mentions = _of(findings, "content_mention")
    assert len(mentions) == 1
    assert mentions[0].utterance_index == 10
    assert dict(mentions[0].detail)["asset_id"] == "A-1"
    assert mentions[0].entity == "AP Automation ROI Calculator"


def test_trackers_respect_who_speaks(findings):
    trackers = {(f.utterance_index, f.category) for f in _of(findings, "tracker")}
    assert trackers == {(10, "discount"), (11, "next steps")}


def test_volunteered_attribution_and_vague_answers(extractor):
    turns = [
        Utterance(0, REP, "Hi Jo, what's on your mind?", role="rep"),
        Utterance(
            1,
            "Jo",
            "A friend at Acme swore by you, that's why I booked this call.",
            role="prospect",
        ),
        Utterance(2, REP, "Love it. And where did you first hear about us?", role="rep"),
        Utterance(3, "Jo", "Honestly? No idea, it was just on my list.", role="prospect"),
        Utterance(
            4, "Jo", "We're starting our own podcast next month, by the way.", role="prospect"
        ),
    ]
    found = _of(extractor.extract("c2", turns), "attribution")
    by_utt = {(f.utterance_index, f.channel) for f in found}
    assert (1, "referral") in by_utt
    assert dict(next(f for f in found if f.utterance_index == 1).detail)["asked"] is False
    assert (3, "other") in by_utt
    assert not [f for f in found if f.utterance_index == 4]  # their podcast, not attribution


def test_a_source_told_mid_call_before_the_words_that_credit_it(extractor):
    """ "...so the name was already familiar" credits the sentence before it, unasked."""
    turns = [
        Utterance(0, REP, "Hi Sam, thanks for making time.", role="rep"),
        Utterance(1, "Sam", "Sure, happy to.", role="prospect"),
        *(
            Utterance(i, REP if i % 2 == 0 else "Sam", f"Filler turn number {i}.", role=role)
            for i, role in zip(range(2, 12), ["rep", "prospect"] * 5, strict=True)
        ),
        Utterance(
            12,
            "Sam",
            "Oh, and I met one of your engineers at the Denver logistics meetup in May. "
            "So the name was already familiar when your email came in.",
            role="prospect",
        ),
        Utterance(13, "Sam", "Our trucks run late every Friday.", role="prospect"),
    ]
    found = _of(extractor.extract("c-mid", turns), "attribution")
    assert {(f.utterance_index, f.channel) for f in found} >= {(12, "event")}
    assert all(f.utterance_index == 12 for f in found)
    assert all(dict(f.detail)["asked"] is False for f in found)


def test_quote_times_come_from_word_timings(extractor):
    words = (
        Word(1.0, 1.4, "Fine."),
        Word(1.5, 1.8, " That's"),
        Word(1.8, 2.1, " way"),
        Word(2.1, 2.4, " over"),
        Word(2.4, 2.6, " our"),
        Word(2.6, 3.2, " budget."),
    )
    u = Utterance(
        0,
        "Lee",
        "Fine. That's way over our budget.",
        start_s=1.0,
        end_s=3.2,
        role="prospect",
        words=words,
    )
    objection = _of(extractor.extract("c3", [u]), "objection")
    assert objection and objection[0].quote == "That's way over our budget."
    assert (objection[0].start_s, objection[0].end_s) == (1.5, 3.2)


def test_digest_changes_with_trackers(extractor, embedder):
    from callinsight import load_settings
    from callinsight.config import Tracker
    from callinsight.extract import Extractor

    other = Extractor(
        load_settings(),
        taxonomy=extractor.taxonomy,
        classifier=extractor.classifier,
        embedder=embedder,
        trackers=[Tracker(name="x", phrases=["y"])],
    )
    assert other.digest != extractor.digest
