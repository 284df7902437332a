"""One way to write a time in a call, everywhere it is shown (tables, reports, briefs)."""

from __future__ import annotations


def clock(seconds: float | None) -> str:
    """83.4 -> '01:23'; 3723 -> '1:02:03'; None (or NaN, from a table) -> '--:--'."""
    if seconds is None or seconds != seconds:
        return "--:--"
    m, s = divmod(round(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
