"""Data quality of a company's canonical tables: coverage, completeness, integrity."""

from __future__ import annotations

import pandas as pd

from .data import CRMData
from .estimate import Estimate, proportion
from .tables import TABLES, TABLE_NAMES

__all__ = ["coverage", "completeness", "duplicates", "referential_integrity", "monthly_volume"]

# Foreign keys checked: (table, column) -> referenced customers.customer_id
CUSTOMER_REFERENCES = (
    ("orders", "customer_id"), ("surveys", "customer_id"), ("tickets", "customer_id"),
    ("interactions", "customer_id"), ("churn_events", "customer_id"), ("loyalty_ledger", "customer_id"),
    ("customers", "referred_by"),
)


def coverage(data: CRMData) -> pd.DataFrame:
    """Per table: supplied or not, rows in history and window, first and last date.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.data import CRMData
    >>> d = CRMData("x", "2025-01-01", "2025-03-31", {"orders": pd.DataFrame({
    ...     "order_id": ["a", "b"], "customer_id": ["1", "1"],
    ...     "order_date": pd.to_datetime(["2024-12-30", "2025-02-01"]), "amount": [1.0, 2.0]})})
    >>> coverage(d).set_index("table").loc["orders", ["rows", "rows_in_window"]].tolist()
    [2, 1]
    """
    rows = []
    for name in TABLE_NAMES:
        df = data.tables[name]
        tc = TABLES[name].time_column
        first = last = pd.NaT
        if tc and len(df) and tc in df:
            first, last = df[tc].min(), df[tc].max()
        rows.append(
            {"table": name, "supplied": len(df) > 0, "rows": len(df), "rows_in_window": len(data.window(name)),
             "first": first, "last": last}
        )
    return pd.DataFrame(rows)


def completeness(data: CRMData, include_pii: bool = False) -> pd.DataFrame:
    """Share of non-empty values per supplied table and canonical column.

    Personal-data columns are excluded unless *include_pii* (their fill rate
    is harmless, but listing them invites looking at them).
    """
    rows = []
    for name in TABLE_NAMES:
        df = data.tables[name]
        if df.empty:
            continue
        t = TABLES[name]
        for c in df.columns:
            col = t.column(c)
            if col.pii and not include_pii:
                continue
            filled = int(df[c].notna().sum())
            rows.append({"table": name, "column": c, "required": col.required, "filled": filled, "rows": len(df),
                         "completeness": filled / len(df)})
    return pd.DataFrame(rows, columns=["table", "column", "required", "filled", "rows", "completeness"])


def duplicates(data: CRMData) -> pd.DataFrame:
    """Duplicate primary keys and fully identical rows per supplied table."""
    rows = []
    for name in TABLE_NAMES:
        df = data.tables[name]
        if df.empty:
            continue
        pk = list(TABLES[name].primary_key)
        dup_key = int(df.duplicated(pk).sum()) if pk else 0
        rows.append({"table": name, "rows": len(df), "duplicate_keys": dup_key,
                     "identical_rows": int(df.astype(str).duplicated().sum())})
    return pd.DataFrame(rows, columns=["table", "rows", "duplicate_keys", "identical_rows"])


def referential_integrity(data: CRMData) -> pd.DataFrame:
    """For each customer reference: rows with a customer id, and how many match a known customer."""
    known = pd.Index(data.customers["customer_id"].dropna().unique())
    rows = []
    for name, col in CUSTOMER_REFERENCES:
        df = data.tables[name]
        if df.empty or col not in df:
            continue
        ids = df[col].dropna()
        matched = int(ids.isin(known).sum())
        est = proportion(matched, len(ids)) if len(ids) else Estimate(float("nan"))
        rows.append({"table": name, "column": col, "with_id": len(ids), "matched": matched,
                     "unmatched": len(ids) - matched, "match_rate": est.value})
    return pd.DataFrame(rows, columns=["table", "column", "with_id", "matched", "unmatched", "match_rate"])


def monthly_volume(data: CRMData) -> pd.DataFrame:
    """Rows per month per time-stamped table (long format: month, table, rows)."""
    parts = []
    for name in TABLE_NAMES:
        df = data.tables[name]
        tc = TABLES[name].time_column
        if df.empty or not tc or name in ("assessment", "campaigns"):
            continue
        m = df[tc].dropna().dt.to_period("M").dt.to_timestamp()
        parts.append(m.value_counts().rename_axis("month").reset_index(name="rows").assign(table=name))
    if not parts:
        return pd.DataFrame(columns=["month", "rows", "table"])
    return pd.concat(parts, ignore_index=True).sort_values(["table", "month"]).reset_index(drop=True)
