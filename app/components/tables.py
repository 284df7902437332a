"""Tables shared by pages: a cluster table whose rows lead to the quotes behind them."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def cluster_dataframe(table: pd.DataFrame, columns: list[str]) -> None:
    """Clusters with a monthly trend sparkline and a link to each cluster's quotes."""
    view = table.assign(quotes=table["cluster_id"].map(lambda c: f"/objections?cluster={c}"))
    st.dataframe(
        view[[*columns, "quotes"]],
        hide_index=True,
        column_config={
            "cluster_id": st.column_config.NumberColumn("id", format="%d"),
            "trend": st.column_config.BarChartColumn("last months"),
            "quotes": st.column_config.LinkColumn("quotes", display_text="open"),
        },
    )
