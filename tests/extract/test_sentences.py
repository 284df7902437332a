from callinsight.extract.sentences import looks_like_question, split_sentences
from callinsight.records import Utterance


def _texts(text: str) -> list[str]:
    u = Utterance(index=0, speaker="A", text=text)
    out = split_sentences(u)
    for s in out:  # every span is exact: a quote is always text[start:end]
        assert u.text[s.start : s.end] == s.text
    return [s.text for s in out]


def test_sentences_and_their_spans():
    assert _texts("Okay. That's steep! Does it work with SAP?  Fine") == [
        "Okay.",
        "That's steep!",
        "Does it work with SAP?",
        "Fine",
    ]


def test_long_unpunctuated_speech_is_cut_at_discourse_markers():
    text = (
        "yeah so we have like forty people on the floor and the old system keeps crashing every "
        "other day but honestly the bigger thing is our board will not sign anything over fifty "
        "grand this year because of the audit"
    )
    pieces = _texts(text)
    assert len(pieces) >= 2
    assert any(p.startswith("but honestly") for p in pieces)


def test_questions_with_and_without_question_marks():
    assert looks_like_question("How does pricing work?")
    assert looks_like_question("so how does pricing work")  # unpunctuated speech
    assert not looks_like_question("How nice.")
    assert not looks_like_question("we use NetSuite")
