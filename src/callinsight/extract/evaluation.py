"""Scoring extraction against a labelled set of calls (``corpora/eval``, ``corpora/dev``).

A labelled call is a YAML file: ``utterances`` (speaker, role, text) and ``findings`` (kind,
``utt`` index, exact ``quote``, and category, channels or asset); ``corpora/eval/README.md``
describes the format. Matching is by span overlap, as is usual for quote-level extraction:
- a predicted finding is correct when it overlaps a gold finding of the same kind in the same
  utterance (precision); a gold finding is found when some prediction overlaps it (recall);
- category accuracy is read on the gold objections that were found, from the overlapping
  prediction with the most shared characters;
- attribution channels are compared as (call, utterance, channel) triples, so one answer that
  names two channels must yield both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from callinsight.records import Finding, Utterance

KINDS = ("objection", "attribution", "research", "question", "content_mention")


@dataclass(frozen=True, slots=True)
class GoldFinding:
    kind: str
    utterance_index: int
    start: int
    end: int
    category: str | None = None
    channels: tuple[tuple[str, str], ...] = ()  # (channel, entity)


@dataclass(frozen=True)
class LabelledCall:
    call_id: str
    utterances: tuple[Utterance, ...]
    gold: tuple[GoldFinding, ...]
    meta: dict = field(default_factory=dict)


def load_labelled_calls(folder: Path) -> list[LabelledCall]:
    calls = []
    for path in sorted(folder.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        utterances = tuple(
            Utterance(
                index=i,
                speaker=u["speaker"],
                text=u["text"],
                role=u["role"],
                role_source="transcript",
            )
            for i, u in enumerate(doc["utterances"])
        )
        gold = []
        for f in doc.get("findings") or ():
            text = utterances[f["utt"]].text
            start = text.find(f["quote"])
            if start < 0:
                raise ValueError(f"{path}: quote not in utterance {f['utt']}: {f['quote']!r}")
            gold.append(
                GoldFinding(
                    kind=f["kind"],
                    utterance_index=f["utt"],
                    start=start,
                    end=start + len(f["quote"]),
                    category=f.get("category"),
                    channels=tuple(
                        (c["channel"], c.get("entity") or "") for c in f.get("channels") or ()
                    ),
                )
            )
        meta = {k: v for k, v in doc.items() if k not in ("utterances", "findings")}
        calls.append(LabelledCall(str(doc.get("id", path.stem)), utterances, tuple(gold), meta))
    return calls


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


@dataclass
class KindScore:
    predicted: int = 0
    correct: int = 0  # predictions that overlap a gold finding
    gold: int = 0
    found: int = 0  # gold findings some prediction overlaps

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ExtractionScores:
    kinds: dict[str, KindScore]
    category_hits: int
    category_correct: int
    channels: KindScore  # over (call, utterance, channel) triples
    channel_calls: KindScore  # over (call, channel) pairs
    entity_hits: int
    entity_correct: int
    confusion: Counter  # (gold category, predicted category) on hits
    errors: list[tuple[str, str, str]]  # (call, "FP"/"FN"/"CAT", text) for inspection

    @property
    def category_accuracy(self) -> float:
        return self.category_correct / self.category_hits if self.category_hits else 0.0

    @property
    def entity_accuracy(self) -> float:
        return self.entity_correct / self.entity_hits if self.entity_hits else 0.0


def _norm_entity(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def score_extraction(
    calls: Sequence[LabelledCall], predicted: Mapping[str, Iterable[Finding]]
) -> ExtractionScores:
    kinds = {k: KindScore() for k in KINDS}
    cat_hits = cat_ok = ent_hits = ent_ok = 0
    confusion: Counter = Counter()
    errors: list[tuple[str, str, str]] = []
    gold_triples, pred_triples = set(), set()
    gold_pairs, pred_pairs = set(), set()
    gold_entities: dict[tuple[str, int, str], str] = {}
    pred_entities: dict[tuple[str, int, str], str] = defaultdict(str)
    for call in calls:
        preds = [f for f in predicted.get(call.call_id, ()) if f.kind in kinds]
        text = {u.index: u.text for u in call.utterances}
        for kind, score in kinds.items():
            gold = [g for g in call.gold if g.kind == kind]
            mine = [f for f in preds if f.kind == kind]
            score.gold += len(gold)
            score.predicted += len(mine)
            for f in mine:
                if any(
                    g.utterance_index == f.utterance_index
                    and _overlap(g.start, g.end, f.char_start, f.char_end)
                    for g in gold
                ):
                    score.correct += 1
                elif kind == "objection":
                    errors.append((call.call_id, "FP", f"[{f.category}] {f.quote}"))
            for g in gold:
                best = max(
                    (f for f in mine if f.utterance_index == g.utterance_index),
                    key=lambda f, g=g: _overlap(g.start, g.end, f.char_start, f.char_end),
                    default=None,
                )
                if best is None or not _overlap(g.start, g.end, best.char_start, best.char_end):
                    if kind == "objection":
                        quote = text[g.utterance_index][g.start : g.end]
                        errors.append((call.call_id, "FN", f"[{g.category}] {quote}"))
                    continue
                score.found += 1
                if kind == "objection":
                    cat_hits += 1
                    confusion[(g.category, best.category)] += 1
                    if best.category == g.category:
                        cat_ok += 1
                    else:
                        errors.append(
                            (call.call_id, "CAT", f"[{g.category}->{best.category}] {best.quote}")
                        )
        for g in call.gold:
            if g.kind == "attribution":
                for channel, entity in g.channels:
                    gold_triples.add((call.call_id, g.utterance_index, channel))
                    gold_pairs.add((call.call_id, channel))
                    gold_entities[(call.call_id, g.utterance_index, channel)] = entity
        for f in preds:
            if f.kind == "attribution" and f.channel:
                pred_triples.add((call.call_id, f.utterance_index, f.channel))
                pred_pairs.add((call.call_id, f.channel))
                key = (call.call_id, f.utterance_index, f.channel)
                pred_entities[key] = pred_entities[key] or (f.entity or "")
    channels = KindScore(
        len(pred_triples),
        len(pred_triples & gold_triples),
        len(gold_triples),
        len(pred_triples & gold_triples),
    )
    channel_calls = KindScore(
        len(pred_pairs), len(pred_pairs & gold_pairs), len(gold_pairs), len(pred_pairs & gold_pairs)
    )
    for key in pred_triples & gold_triples:
        ent_hits += 1
        g, p = _norm_entity(gold_entities[key]), _norm_entity(pred_entities[key])
        ent_ok += g == p or (bool(g) and bool(p) and (g in p or p in g))
    return ExtractionScores(
        kinds, cat_hits, cat_ok, channels, channel_calls, ent_hits, ent_ok, confusion, errors
    )
