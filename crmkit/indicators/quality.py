"""Data quality of a company's canonical tables: coverage, completeness, integrity."""

from __future__ import annotations

import pandas as pd

from crmkit.store.data import CRMData
from crmkit.estimate import Estimate, proportion
from crmkit.sqltext import ident as _q, literal as _literal
from crmkit.contract.tables import TABLES, TABLE_NAMES

__all__ = ["coverage", "completeness", "duplicates", "referential_integrity", "monthly_volume", "quality_overview",
           "latest_order", "min_monthly_rows", "completeness_by_table", "COMPLETENESS_THRESHOLD", "completeness_gaps",
           "weakest_reference", "ingest_table"]

# Foreign keys checked: (table, column) -> referenced customers.customer_id
CUSTOMER_REFERENCES = (
    ("orders", "customer_id"), ("surveys", "customer_id"), ("tickets", "customer_id"),
    ("interactions", "customer_id"), ("churn_events", "customer_id"), ("loyalty_ledger", "customer_id"),
    ("customers", "referred_by"),
)


def _supplied(data: CRMData) -> list[str]:
    return [name for name in TABLE_NAMES if data.count(name) > 0]


def _columns(data: CRMData, name: str) -> list[str]:
    """Canonical columns table *name* actually has (frames may lack optional ones)."""
    if name in data.tables:
        return list(data.tables[name].columns)
    return [c.name for c in TABLES[name].columns]


def coverage(data: CRMData) -> pd.DataFrame:
    """Per table: supplied or not, rows in history and window, first and last date.

    Counted in SQL (inside the store when the data came from one).

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.store.data import CRMData
    >>> d = CRMData("x", "2025-01-01", "2025-03-31", {"orders": pd.DataFrame({
    ...     "order_id": ["a", "b"], "customer_id": ["1", "1"],
    ...     "order_date": pd.to_datetime(["2024-12-30", "2025-02-01"]), "amount": [1.0, 2.0]})})
    >>> coverage(d).set_index("table").loc["orders", ["rows", "rows_in_window"]].tolist()
    [2, 1]
    """
    lo, hi = data.start, data.end_exclusive
    parts = []
    for name in _supplied(data):
        tc = TABLES[name].time_column
        if tc and tc in _columns(data, name):
            c = _q(tc)
            parts.append(f"SELECT '{name}' AS tbl, count(*) AS n, count(*) FILTER ({c} >= {_literal(lo)} AND {c} < {_literal(hi)}) "
                         f"AS n_window, min({c})::TIMESTAMP AS first, max({c})::TIMESTAMP AS last FROM {_q(name)}")
        else:
            parts.append(f"SELECT '{name}' AS tbl, count(*) AS n, count(*) AS n_window, NULL::TIMESTAMP AS first, "
                         f"NULL::TIMESTAMP AS last FROM {_q(name)}")
    got = data.sql(" UNION ALL ".join(parts)).set_index("tbl") if parts else pd.DataFrame()
    rows = []
    for name in TABLE_NAMES:
        if name in got.index:
            g = got.loc[name]
            rows.append({"table": name, "supplied": int(g["n"]) > 0, "rows": int(g["n"]), "rows_in_window": int(g["n_window"]),
                         "first": pd.Timestamp(g["first"]) if pd.notna(g["first"]) else pd.NaT,
                         "last": pd.Timestamp(g["last"]) if pd.notna(g["last"]) else pd.NaT})
        else:
            rows.append({"table": name, "supplied": False, "rows": 0, "rows_in_window": 0, "first": pd.NaT, "last": pd.NaT})
    return pd.DataFrame(rows)


def completeness(data: CRMData, include_pii: bool = False) -> pd.DataFrame:
    """Share of non-empty values per supplied table and canonical column that was supplied or is required.

    An optional column without a single value in the company's rows was not
    supplied by the export: its 0 % would be true by construction, so it is
    left out and listed in ``attrs["not_supplied"]`` (``table.column``)
    instead; required columns always count.  Personal-data columns are
    excluded unless *include_pii* (their fill rate is harmless, but listing
    them invites looking at them).
    """
    rows, absent = [], []
    for name in _supplied(data):
        t = TABLES[name]
        cols = [c for c in _columns(data, name) if include_pii or not t.column(c).pii]
        if not cols:
            continue
        counts = data.sql("SELECT count(*) AS __n, " + ", ".join(f"count({_q(c)}) AS {_q(c)}" for c in cols)
                          + f" FROM {_q(name)}").iloc[0]
        n = int(counts["__n"])
        for c in cols:
            filled, required = int(counts[c]), t.column(c).required
            if not filled and not required:
                absent.append(f"{name}.{c}")
                continue
            rows.append({"table": name, "column": c, "required": required, "filled": filled, "rows": n,
                         "completeness": filled / n})
    out = pd.DataFrame(rows, columns=["table", "column", "required", "filled", "rows", "completeness"])
    out.attrs["not_supplied"] = absent
    return out


def duplicates(data: CRMData) -> pd.DataFrame:
    """Duplicate primary keys and fully identical rows per supplied table (missing values count as equal)."""
    rows = []
    for name in _supplied(data):
        cols = ", ".join(_q(c) for c in _columns(data, name))
        pk = ", ".join(_q(c) for c in TABLES[name].primary_key)
        dup_key = f"count(*) - (SELECT count(*) FROM (SELECT DISTINCT {pk} FROM {_q(name)}))" if pk else "0"
        r = data.sql(f"SELECT count(*) AS n, {dup_key} AS dk, count(*) - (SELECT count(*) FROM (SELECT DISTINCT {cols} "
                     f"FROM {_q(name)})) AS ir FROM {_q(name)}").iloc[0]
        rows.append({"table": name, "rows": int(r["n"]), "duplicate_keys": int(r["dk"]), "identical_rows": int(r["ir"])})
    return pd.DataFrame(rows, columns=["table", "rows", "duplicate_keys", "identical_rows"])


def referential_integrity(data: CRMData) -> pd.DataFrame:
    """For each customer reference: rows with a customer id, and how many match a known customer."""
    rows = []
    for name, col in CUSTOMER_REFERENCES:
        if data.count(name) == 0 or col not in _columns(data, name):
            continue
        r = data.sql(
            f"SELECT count(*) AS with_id, count(k.customer_id) AS matched "
            f"FROM {_q(name)} AS t LEFT JOIN (SELECT DISTINCT customer_id FROM customers WHERE customer_id IS NOT NULL) AS k "
            f"ON t.{_q(col)} = k.customer_id WHERE t.{_q(col)} IS NOT NULL"
        ).iloc[0]
        n, matched = int(r["with_id"]), int(r["matched"])
        est = proportion(matched, n) if n else Estimate(float("nan"))
        rows.append({"table": name, "column": col, "with_id": n, "matched": matched,
                     "unmatched": n - matched, "match_rate": est.value})
    return pd.DataFrame(rows, columns=["table", "column", "with_id", "matched", "unmatched", "match_rate"])


def monthly_volume(data: CRMData) -> pd.DataFrame:
    """Rows per month per time-stamped table (long format: month, table, rows)."""
    parts = []
    for name in _supplied(data):
        tc = TABLES[name].time_column
        if not tc or name in ("assessment", "campaigns") or tc not in _columns(data, name):
            continue
        parts.append(f"SELECT date_trunc('month', {_q(tc)})::TIMESTAMP AS month, count(*) AS rows, '{name}' AS \"table\" "
                     f"FROM {_q(name)} WHERE {_q(tc)} IS NOT NULL GROUP BY 1")
    if not parts:
        return pd.DataFrame(columns=["month", "rows", "table"])
    out = data.sql(" UNION ALL ".join(parts))
    out["month"] = pd.to_datetime(out["month"]).astype("datetime64[ns]")
    out["rows"] = out["rows"].astype("int64")
    return out.sort_values(["table", "month"]).reset_index(drop=True)


# -- readings of the quality tables ---------------------------------------------------
def quality_overview(coverage_frame: pd.DataFrame, completeness_frame: pd.DataFrame,
                     references: pd.DataFrame, ingest_log: pd.DataFrame) -> dict:
    """Headline figures of the data-quality report.

    Formulas: ``completeness`` = Σ filled values / Σ rows over every
    supplied or required (table, column) of :func:`completeness` (a cell-weighted fill rate, NaN
    when no table is supplied); ``reference_match`` = Σ matched / Σ rows with
    an id over every customer reference of :func:`referential_integrity`
    (Wilson interval); ``reject_rate`` = Σ rows rejected / Σ rows read in
    the ingest log (Wilson interval).

    Returns
    -------
    dict
        ``supplied`` (tables with rows), ``tables`` (canonical tables),
        ``missing`` (names of the tables not supplied), ``completeness``,
        ``cells`` (Σ rows behind it), ``not_supplied`` (optional columns
        without any value, left out of the completeness), ``reference_match`` and ``reject_rate``
        (Estimates; NaN without references or ingest log).

    Examples
    --------
    >>> cov = pd.DataFrame({"table": ["orders", "tickets"], "supplied": [True, False]})
    >>> comp = pd.DataFrame({"filled": [9, 1], "rows": [10, 10]})
    >>> o = quality_overview(cov, comp, pd.DataFrame(), pd.DataFrame())
    >>> o["supplied"], o["missing"], o["completeness"]
    (1, ['tickets'], 0.5)
    """
    cells = int(completeness_frame["rows"].sum()) if len(completeness_frame) else 0
    nan = Estimate(float("nan"))
    return {
        "supplied": int(coverage_frame["supplied"].sum()),
        "tables": int(len(coverage_frame)),
        "missing": [t for t, s in zip(coverage_frame["table"], coverage_frame["supplied"]) if not s],
        "completeness": float(completeness_frame["filled"].sum() / cells) if cells else float("nan"),
        "cells": cells,
        "not_supplied": list(completeness_frame.attrs.get("not_supplied", [])),
        "reference_match": (proportion(int(references["matched"].sum()), int(references["with_id"].sum()))
                            if len(references) else nan),
        "reject_rate": (proportion(int(ingest_log["rows_rejected"].sum()), int(ingest_log["rows_in"].sum()))
                        if len(ingest_log) else nan),
    }


def latest_order(coverage_frame: pd.DataFrame, end) -> tuple[pd.Timestamp, int | None]:
    """Date of the latest order and its lag in whole days before the window *end* (None without orders).

    Examples
    --------
    >>> cov = pd.DataFrame({"table": ["orders"], "last": [pd.Timestamp("2025-12-29 15:00")]})
    >>> latest_order(cov, "2025-12-31")
    (Timestamp('2025-12-29 15:00:00'), 2)
    """
    last = coverage_frame.set_index("table").loc["orders", "last"] if "orders" in set(coverage_frame["table"]) else pd.NaT
    if pd.isna(last):
        return pd.NaT, None
    return pd.Timestamp(last), int((pd.Timestamp(end).normalize() - pd.Timestamp(last).normalize()).days)


def min_monthly_rows(volume: pd.DataFrame, start) -> int:
    """Fewest rows any table has in one month from *start* on (0 when there are none), from :func:`monthly_volume`.

    Examples
    --------
    >>> v = pd.DataFrame({"month": pd.to_datetime(["2025-09-01", "2025-10-01", "2025-11-01"]),
    ...                   "table": ["orders"] * 3, "rows": [5, 40, 30]})
    >>> min_monthly_rows(v, "2025-10-01")
    30
    """
    recent = volume[volume["month"] >= pd.Timestamp(start)]
    return int(recent.groupby("table")["rows"].min().min()) if len(recent) else 0


def completeness_by_table(completeness_frame: pd.DataFrame) -> pd.DataFrame:
    """Columns checked and mean completeness (unweighted mean over columns) per table of :func:`completeness`.

    Examples
    --------
    >>> c = pd.DataFrame({"table": ["a", "a", "b"], "column": ["x", "y", "z"], "completeness": [1.0, 0.5, 0.2]})
    >>> completeness_by_table(c).values.tolist()
    [['a', 2, 0.75], ['b', 1, 0.2]]
    """
    return completeness_frame.groupby("table", as_index=False).agg(columns=("column", "size"),
                                                                   completeness=("completeness", "mean"))


#: Fields filled in fewer than this share of rows are listed as gaps.
COMPLETENESS_THRESHOLD = 0.95


def completeness_gaps(completeness_frame: pd.DataFrame, threshold: float = COMPLETENESS_THRESHOLD) -> pd.DataFrame:
    """Rows of :func:`completeness` below *threshold*, emptiest first.

    Examples
    --------
    >>> c = pd.DataFrame({"table": ["a", "a", "b"], "column": ["x", "y", "z"], "completeness": [1.0, 0.5, 0.2]})
    >>> completeness_gaps(c)["column"].tolist()
    ['z', 'y']
    """
    return completeness_frame[completeness_frame["completeness"] < threshold].sort_values("completeness")


def weakest_reference(references: pd.DataFrame) -> pd.Series | None:
    """The customer reference of :func:`referential_integrity` with the lowest match rate (None if there is none)."""
    return references.sort_values("match_rate").iloc[0] if len(references) else None


def ingest_table(ingest_log: pd.DataFrame) -> pd.DataFrame:
    """The ingest log as shown: source file name only (no folders) and ``rejected_share`` = rejected / read.

    Examples
    --------
    >>> log = pd.DataFrame({"table": ["orders"], "source": ["C:\\\\exports\\\\orders.csv"], "mode": ["replace"],
    ...                     "rows_in": [200], "rows_loaded": [190], "rows_rejected": [10], "finished_at": [pd.NaT]})
    >>> ingest_table(log)[["source", "rejected_share"]].values.tolist()
    [['orders.csv', 0.05]]
    """
    shown = ingest_log.assign(source=ingest_log["source"].map(lambda s: str(s).replace("\\", "/").split("/")[-1]),
                              rejected_share=ingest_log["rows_rejected"] / ingest_log["rows_in"])
    return shown[["table", "source", "mode", "rows_in", "rows_loaded", "rows_rejected", "rejected_share", "finished_at"]]
