"""The dashboard's charts (Altair), shared by the pages that draw the same kind."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st


def stacked_bars(frame: pd.DataFrame, x: str, x_type: str, y: str, color: str) -> None:
    """Counts over time: one bar per period (x_type "temporal" or "ordinal"), stacked by color."""
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(x, type=x_type, title=x),
            y=alt.Y(y, type="quantitative"),
            color=alt.Color(color, type="nominal"),
            tooltip=[
                alt.Tooltip(x, type=x_type),
                alt.Tooltip(color, type="nominal"),
                alt.Tooltip(y, type="quantitative"),
            ],
        ),
        width="stretch",
    )
