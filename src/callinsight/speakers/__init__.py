"""Speakers: who spoke when, and which of them is the rep and which the prospect."""

from callinsight.speakers.channels import transcribe_recording
from callinsight.speakers.turns import LabelledSegment, build_turns

__all__ = ["LabelledSegment", "build_turns", "transcribe_recording"]
