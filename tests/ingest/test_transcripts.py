"""Transcript formats as meeting tools export them, and malformed files refused with reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callinsight.errors import IngestError
from callinsight.ingest import parse_transcript, sniff

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.500
Maya Chen: Thanks for making the time, Gary. How did you hear about us?

2
00:00:05.000 --> 00:00:09.000
Gary Pruitt: Honestly, I've been listening to your podcast for months.

3
00:00:09.100 --> 00:00:12.000
Gary Pruitt: But that number would make my CFO choke.

4
00:00:12.500 --> 00:00:14.000
Maya Chen: Fair. Let's talk about ROI.
"""

TEAMS_VTT = """WEBVTT

0f0a7b2e-1/15-0
00:00:00.000 --> 00:00:03.200
<v Derek Olsen>Where did your research start?</v>

0f0a7b2e-1/20-0
00:00:03.900 --> 00:00:08.000
<v Nina Alvarez>We asked ChatGPT for AP tools that sync with Sage Intacct.</v>

NOTE Teams adds notes like this one

0f0a7b2e-1/25-0
00:00:08.400 --> 00:00:10.000
<v Nina Alvarez>Then we read G2.</v>
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Priya Raman: What have you looked at so far?

2
00:00:03,500 --> 00:00:07,250
Sam Okafor: Payloop and Spendly. We just signed
a three-year deal with Payloop, actually.
"""

TXT_STAMPED = """Discovery call - Tessellate Software - 2026-08-27

[00:00:02] Tom Whitaker: What put us on your radar?
[00:00:05] Rachel Kim: A LinkedIn post by Dana Whitfield.
It was about month-end close.
[00:01:10] Tom Whitaker: Great to hear.
"""

TXT_PLAIN = """Maya Chen: How'd you find us?

Luis Moreno: My old controller used you at her last job.

Maya Chen: Love that.
"""

JSON_TURNS = [
    {"speaker": "Tom Whitaker", "role": "rep", "start": 0.0, "end": 2.0, "text": "Any concerns?"},
    {"speaker": "Helen Park", "role": "prospect", "start": 2.5, "end": 6.0, "text": "Our board"},
    {
        "speaker": "Helen Park",
        "role": "prospect",
        "start": 6.0,
        "end": 8.0,
        "text": "signs off on it.",
    },
    {"speaker": "Tom Whitaker", "text": "Understood."},
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _parse(path: Path):
    kind = sniff(path)
    assert kind.kind == "transcript"
    return parse_transcript(path, kind.format)


def test_zoom_vtt_joins_a_speakers_cues_into_one_turn_and_keeps_cue_times(tmp_path):
    t = _parse(_write(tmp_path, "zoom.vtt", ZOOM_VTT))
    assert [u.speaker for u in t.utterances] == ["Maya Chen", "Gary Pruitt", "Maya Chen"]
    gary = t.utterances[1]
    assert gary.text == (
        "Honestly, I've been listening to your podcast for months. "
        "But that number would make my CFO choke."
    )
    assert (gary.start_s, gary.end_s) == (5.0, 12.0)
    # each cue's time survives, so a quote inside the turn keeps its own moment
    assert [(w.start, w.end) for w in gary.words] == [(5.0, 9.0), (9.1, 12.0)]
    assert t.duration_s == 14.0
    assert all(u.role == "unknown" for u in t.utterances)


def test_teams_vtt_voice_tags_and_notes(tmp_path):
    t = _parse(_write(tmp_path, "teams.txt", TEAMS_VTT))  # content, not the name, decides
    assert [u.speaker for u in t.utterances] == ["Derek Olsen", "Nina Alvarez"]
    assert (
        t.utterances[1].text
        == "We asked ChatGPT for AP tools that sync with Sage Intacct. Then we read G2."
    )
    assert "NOTE" not in " ".join(u.text for u in t.utterances)


def test_srt_with_wrapped_lines(tmp_path):
    t = _parse(_write(tmp_path, "call.srt", SRT))
    assert [u.speaker for u in t.utterances] == ["Priya Raman", "Sam Okafor"]
    assert (
        t.utterances[1].text
        == "Payloop and Spendly. We just signed a three-year deal with Payloop, actually."
    )
    assert t.utterances[1].end_s == 7.25


def test_plain_text_with_timestamps_header_and_wrapped_lines(tmp_path):
    t = _parse(_write(tmp_path, "call.txt", TXT_STAMPED))
    assert [u.speaker for u in t.utterances] == ["Tom Whitaker", "Rachel Kim", "Tom Whitaker"]
    assert (
        t.utterances[1].text == "A LinkedIn post by Dana Whitfield. It was about month-end close."
    )
    assert (t.utterances[1].start_s, t.utterances[1].end_s) == (5.0, 70.0)
    assert "Discovery call" not in t.utterances[0].text


def test_plain_text_without_timestamps(tmp_path):
    t = _parse(_write(tmp_path, "call.txt", TXT_PLAIN))
    assert [(u.speaker, u.start_s) for u in t.utterances] == [
        ("Maya Chen", None),
        ("Luis Moreno", None),
        ("Maya Chen", None),
    ]
    assert t.duration_s is None


def test_json_with_roles_and_optional_times(tmp_path):
    t = _parse(_write(tmp_path, "call.json", json.dumps(JSON_TURNS)))
    assert [(u.speaker, u.role, u.role_source) for u in t.utterances] == [
        ("Tom Whitaker", "rep", "transcript"),
        ("Helen Park", "prospect", "transcript"),
        ("Tom Whitaker", "unknown", "none"),
    ]
    assert t.utterances[1].text == "Our board signs off on it."
    assert t.utterances[2].start_s is None


@pytest.mark.parametrize(
    ("name", "text", "code", "says"),
    [
        ("nohead.vtt", ZOOM_VTT.replace("WEBVTT\n", ""), "E111", "WEBVTT"),
        (
            "badtime.vtt",
            ZOOM_VTT.replace("00:00:05.000 --> 00:00:09.000", "00:00:05.000 --> soon"),
            "E111",
            "line 8",
        ),
        (
            "backwards.srt",
            SRT.replace("00:00:03,500 --> 00:00:07,250", "00:00:07,250 --> 00:00:03,500"),
            "E115",
            "line 6",
        ),
        ("notiming.srt", "1\nhello there\n", "E112", "timing"),
        ("cut.json", json.dumps(JSON_TURNS)[:60], "E113", "not valid JSON"),
        ("obj.json", json.dumps({"speaker": "x"}), "E113", "list"),
        ("notext.json", json.dumps([{"speaker": "A"}]), "E113", "item 0 has no text"),
        (
            "role.json",
            json.dumps([{"speaker": "A", "text": "hi", "role": "buyer"}]),
            "E113",
            "buyer",
        ),
        ("times.json", json.dumps([{"speaker": "A", "text": "hi", "start": "x"}]), "E113", "start"),
        (
            "prose.txt",
            "Just some notes without any speaker names at all\nand more\n",
            "E114",
            "Name: text",
        ),
        ("blank.json", "[]", "E116", "no utterances"),
        ("latin1.txt", None, "E106", "UTF-8"),
    ],
)
def test_malformed_transcripts_name_the_file_and_the_reason(tmp_path, name, text, code, says):
    path = tmp_path / name
    if text is None:
        path.write_bytes("Zoë Ångström: hej då, ça va?\n".encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        _parse(path)
    assert info.value.code == code
    assert name in info.value.message
    assert says in info.value.message
