"""Suggested tags from the mapping, and "what's working": mentions, sends and deal outcomes."""

from __future__ import annotations

import datetime as dt

import pytest

from callinsight.content.working import (
    asset_performance,
    mark_sent,
    suggest_tags,
    suggested_tags,
)
from callinsight.errors import CallinsightError
from callinsight.records import Call, CallMetadata, Finding, Transcript, Utterance
from callinsight.store.schema import ClusterRow, ContentAssetRow, FindingRow, MatchRow


def _call(store, name: str, deal: str, outcome: str) -> str:
    meta = CallMetadata(date=dt.date(2026, 3, 1), deal_id=deal, outcome=outcome, account=deal)
    call = Call(id=name * 64, source_file=f"{name}.vtt", source_kind="transcript", format="vtt",
                status="transcribed", metadata=meta)  # fmt: skip
    text = "I read your pricing guide, still too pricey."
    store.save_call(call, Transcript((Utterance(0, "Ana", text, 0.0, 4.0, "prospect"),), 4.0))
    return call.id


def _finding(call_id: str, kind: str, quote: str, **kw) -> Finding:
    return Finding(
        call_id=call_id, utterance_index=0, kind=kind, speaker="Ana", role="prospect",
        start_s=0.5, end_s=3.0, quote=quote, char_start=0, char_end=len(quote),
        confidence=0.9, method="model", **kw,
    )  # fmt: skip


@pytest.fixture
def library(store):
    a = _call(store, "a", "D-1", "won")
    b = _call(store, "b", "D-1", "won")  # a second call of the same deal counts once
    c = _call(store, "c", "D-2", "lost")
    for call_id in (a, b, c):
        store.save_findings(
            call_id,
            [
                _finding(
                    call_id, "content_mention", "your pricing guide", detail={"asset_id": "A-1"}
                ),
                _finding(call_id, "objection", "still too pricey", category="price"),
            ],
            digest="t",
        )
    with store.session() as s, s.begin():
        s.add(ContentAssetRow(id="A-1", title="Pricing guide", type="guide"))
        s.add(ContentAssetRow(id="A-2", title="Security overview", type="one-pager"))
        s.add(ClusterRow(id=1, kind="objection", label="too pricey", size=3))
        s.flush()
        for f in s.query(FindingRow).filter_by(kind="objection"):
            f.cluster_id = 1
        s.add_all([MatchRow(cluster_id=1, asset_id="A-1", score=0.62, passage="p"),
                   MatchRow(cluster_id=1, asset_id="A-2", score=0.30, passage="q")])  # fmt: skip
    return {"a": a, "b": b, "c": c}


def test_suggested_tags_follow_covered_matches_and_decisions(store, library):
    assert suggest_tags(store, covered=0.5) == 1
    assert suggested_tags(store) == {"A-1": ["price"], "A-2": []}
    with store.session() as s, s.begin():
        s.query(MatchRow).filter_by(asset_id="A-1").update({"decision": "rejected"})
        s.query(MatchRow).filter_by(asset_id="A-2").update({"decision": "accepted"})
    suggest_tags(store, covered=0.5)
    assert suggested_tags(store) == {"A-1": [], "A-2": ["price"]}


def test_whats_working_counts_mentions_sends_and_deals(store, library):
    mark_sent(store, "A-2", cluster_id=1, call_id=library["c"], rep="Rae")
    mark_sent(store, "A-2", cluster_id=1)  # sent with no call: counted, no deal
    perf = {p.asset_id: p for p in asset_performance(store)}
    one, two = perf["A-1"], perf["A-2"]
    assert (len(one.mentions), one.mention_calls, one.sends) == (3, 3, 0)
    assert sorted(one.deals.items()) == [("D-1", "won"), ("D-2", "lost")]
    assert one.win_rate == 0.5
    assert {q.quote for q in one.mentions} == {"your pricing guide"}
    assert (len(two.mentions), two.sends, two.outcome_count("lost"), two.win_rate) == (0, 2, 1, 0.0)


def test_marking_an_unknown_asset_as_sent_is_a_clear_error(store, library):
    with pytest.raises(CallinsightError) as info:
        mark_sent(store, "A-404")
    assert info.value.code == "E305" and "A-404" in info.value.message
