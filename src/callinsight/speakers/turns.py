"""Joining labelled speech segments into speaker turns, the unit every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass

from callinsight.records import Role, Segment, Utterance

# Segments of one speaker closer than this, with nobody else speaking between, are one turn.
MAX_GAP_S = 1.5


@dataclass(frozen=True, slots=True)
class LabelledSegment:
    segment: Segment
    speaker: str
    role: Role
    role_source: str
    channel: int | None = None


def build_turns(
    segments: list[LabelledSegment], max_gap_s: float = MAX_GAP_S
) -> tuple[Utterance, ...]:
    """Turns in time order. A turn's confidence is its segments' duration-weighted mean."""
    ordered = sorted(segments, key=lambda s: (s.segment.start, s.segment.end))
    groups: list[list[LabelledSegment]] = []
    for item in ordered:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.speaker == item.speaker
            and item.segment.start - last.segment.end <= max_gap_s
        ):
            groups[-1].append(item)
        else:
            groups.append([item])
    turns = []
    for index, group in enumerate(groups):
        segs = [g.segment for g in group]
        weights = [max(s.end - s.start, 1e-3) for s in segs]
        confidence = sum(w * s.confidence for w, s in zip(weights, segs, strict=True)) / sum(
            weights
        )
        head = group[0]
        turns.append(
            Utterance(
                index=index,
                speaker=head.speaker,
                text=" ".join(s.text for s in segs),
                start_s=segs[0].start,
                end_s=max(s.end for s in segs),
                role=head.role,
                role_source=head.role_source,
                channel=head.channel,
                confidence=round(confidence, 4),
                words=tuple(w for s in segs for w in s.words),
            )
        )
    return tuple(turns)
