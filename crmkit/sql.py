"""Run engine-agnostic SQL over pandas frames or the store.

Transaction-level aggregation (per-customer summaries, cohort matrices,
period series) is written as plain SQL and executed by DuckDB, either over
in-memory frames (``query(sql, orders=df)``) or directly over the store's
tables, so the same statement scales to tens of millions of rows and can be
moved to another SQL engine later.
"""

from __future__ import annotations

from typing import Any

import os

import duckdb
import pandas as pd

__all__ = ["query"]


def query(sql: str, params: list[Any] | dict[str, Any] | None = None, /, **frames: pd.DataFrame) -> pd.DataFrame:
    """Execute *sql* with each keyword frame visible as a table of that name.

    Examples
    --------
    >>> df = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 2.0, 5.0]})
    >>> query("select customer_id, sum(amount) as s from o group by 1 order by 1", o=df)["s"].tolist()
    [3.0, 5.0]
    """
    con = duckdb.connect()
    try:
        con.execute(f"SET threads TO {int(os.environ.get('CRMKIT_THREADS') or 2)}")
        for name, frame in frames.items():
            con.register(name, frame)
        return con.execute(sql, params).df() if params is not None else con.execute(sql).df()
    finally:
        con.close()
