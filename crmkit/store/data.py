"""The :class:`CRMData` bundle handed to indicators and notebooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from crmkit.period import previous_window, window_bounds
from crmkit.sqltext import ident, timestamp_literal
from crmkit.store.sql import StoreTable
from crmkit.contract.tables import TABLES, TABLE_NAMES

__all__ = ["CRMData", "LazyTables", "empty_table", "as_timestamp", "window_bounds", "rows_between"]


class LazyTables(dict):
    """Dict of canonical tables that loads each one on first access.

    Reports touch only the tables they need, so memory and load time follow
    the notebook rather than the size of the whole store.
    """

    def __init__(self, loader: Callable[[str], pd.DataFrame], initial: dict | None = None):
        super().__init__(initial or {})
        self._loader = loader

    def __missing__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(name)
        frame = self._loader(name)
        self[name] = frame
        return frame

    def get(self, name, default=None):  # noqa: D102 - dict.get bypasses __missing__
        try:
            return self[name]
        except KeyError:
            return default


def as_timestamp(value) -> pd.Timestamp:
    """Parse a date-like value into a naive :class:`pandas.Timestamp`."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts


def rows_between(df, column: str, start, end, columns: list[str] | None = None) -> pd.DataFrame:
    """Rows of *df* whose *column* lies in the day window ``[start, end]`` (both days included).

    *df* may also be a :class:`crmkit.store.sql.StoreTable`: then only the rows of
    the window, and only *columns* when given (those the caller uses), are
    read from the store, as a frame.  For a frame *columns* is ignored.
    """
    lo, hi = window_bounds(start, end)
    if isinstance(df, StoreTable):
        c = ident(column)
        return df.frame(f"{c} >= {timestamp_literal(lo)} AND {c} < {timestamp_literal(hi)}", columns=columns)
    col = df[column]
    return df[(col >= lo) & (col < hi)]


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the canonical columns and dtypes of table *name*."""
    from crmkit.contract.coerce import canonical_dtype  # local import: coerce depends on pandas only

    t = TABLES[name]
    return pd.DataFrame({c.name: pd.Series(dtype=canonical_dtype(c.kind)) for c in t.columns})


@dataclass
class CRMData:
    """Canonical tables for one company and one evaluation window.

    Each table holds every row up to ``end`` (inclusive), i.e. the window
    *and* the history before ``start`` that cohorts, churn and CLV
    calibration need; use :meth:`window` for rows inside ``[start, end]``.
    Tables that the company did not supply are empty frames with the
    canonical columns; :meth:`has` tells them apart.

    Attributes
    ----------
    company : str
    start, end : pandas.Timestamp
        Evaluation window; ``end`` is the last *day* included.
    fingerprint : str
        Hash of the loaded data (changes whenever an ingest changes it).
    """

    company: str
    start: pd.Timestamp
    end: pd.Timestamp
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    fingerprint: str = ""
    store_path: str | None = None
    row_counts: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.start = as_timestamp(self.start).normalize()
        self.end = as_timestamp(self.end).normalize()
        if not isinstance(self.tables, LazyTables):
            for name in TABLE_NAMES:
                if name not in self.tables or self.tables[name] is None:
                    self.tables[name] = empty_table(name)

    # Attribute access: data.orders, data.customers, ...
    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            return self.__dict__["tables"][name]
        raise AttributeError(name)

    @property
    def end_exclusive(self) -> pd.Timestamp:
        """First instant after the window (``end`` + 1 day)."""
        return self.end + pd.Timedelta(days=1)

    @property
    def days(self) -> int:
        """Length of the window in days."""
        return int((self.end_exclusive - self.start).days)

    def has(self, name: str) -> bool:
        """True when table *name* was supplied and has rows (up to ``end``)."""
        if self.row_counts is not None and name in self.row_counts and name not in self.tables:
            return self.row_counts[name] > 0
        return len(self.tables.get(name, ())) > 0

    def source(self, name: str):
        """Table *name* as SQL reads it: a :class:`~crmkit.store.sql.StoreTable` when the data came from a store, else the frame.

        Functions that aggregate with :func:`crmkit.store.sql.query` accept either, so
        passing ``data.source("orders")`` instead of ``data.orders`` runs the
        aggregation inside the store and never loads the rows into pandas.
        """
        if name not in TABLES:
            raise KeyError(name)
        if self.store_path is not None and self.row_counts is not None:
            if self.row_counts.get(name, 0) > 0:
                return StoreTable(self.store_path, name, self.company, self.end_exclusive)
            return empty_table(name)
        return self.tables[name]

    def sql(self, sql: str, params=None, /, **extra) -> pd.DataFrame:
        """Run *sql* with every canonical table of this company visible by its name.

        Each table holds the rows up to :attr:`end` (as the loaded frames do);
        it is read inside the store when the data came from one, so counting
        or aggregating ten million orders needs no more memory than the
        result. *extra* adds frames or relations under other names.

        Examples
        --------
        >>> d = CRMData("x", "2025-01-01", "2025-03-31", {"orders": pd.DataFrame({
        ...     "order_id": ["a", "b"], "customer_id": ["1", "1"],
        ...     "order_date": pd.to_datetime(["2024-12-30", "2025-02-01"]), "amount": [1.0, 2.0]})})
        >>> r = d.sql("select count(*) as n, sum(amount) as total from orders").iloc[0]
        >>> int(r["n"]), float(r["total"])
        (2, 3.0)
        """
        from crmkit.store.sql import query

        rels = {name: self.source(name) for name in TABLE_NAMES}
        rels.update(extra)
        return query(sql, params, **rels)

    def count(self, name: str) -> int:
        """Rows of table *name* up to :attr:`end`, without loading it."""
        if self.row_counts is not None and name in self.row_counts and name not in self.tables:
            return int(self.row_counts[name])
        return len(self.tables[name])

    def window(self, name: str, start=None, end=None) -> pd.DataFrame:
        """Rows of table *name* whose time column lies in ``[start, end]`` (days, inclusive)."""
        col = TABLES[name].time_column
        lo = self.start if start is None else as_timestamp(start).normalize()
        hi = (self.end if end is None else as_timestamp(end).normalize()) + pd.Timedelta(days=1)
        if name not in self.tables and self.store_path is not None and col is not None:
            # not loaded: read only the window's rows from the store
            return rows_between(self.source(name), col, lo, hi - pd.Timedelta(days=1))
        df = self.tables[name]
        if col is None or df.empty:
            return df
        return df[(df[col] >= lo) & (df[col] < hi)]

    def previous_window(self, kind: str = "period") -> tuple[pd.Timestamp, pd.Timestamp]:
        """Bounds of the comparison window.

        ``kind="period"`` gives the window of equal length immediately before;
        ``kind="year"`` the same window one year earlier.
        """
        return previous_window(self.start, self.end, kind)

    def summary(self) -> pd.DataFrame:
        """Row counts per table (total and inside the window)."""
        rows = []
        for name in TABLE_NAMES:
            rows.append({"table": name, "rows": len(self.tables[name]), "rows_in_window": len(self.window(name))})
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={n}" for k, n in (self.row_counts or {k: len(v) for k, v in self.tables.items()}).items() if n)
        return f"CRMData(company={self.company!r}, start={self.start.date()}, end={self.end.date()}, {counts})"
