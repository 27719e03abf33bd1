"""How real exports write dates: the patterns both ingest paths read, and the day/month order of a column.

One home for the regular expressions of :func:`crmkit.contract.coerce.coerce_dates`
(pandas) and of the SQL fast path of :mod:`crmkit.ingest.duck` (DuckDB's RE2),
so that both normalise the same forms.  The patterns use the syntax the two
engines share: no lookarounds, back-references only in replacements.

Day-first or month-first
------------------------
``03/04/2025`` is 3 April written day-first (DD/MM/YYYY) and 4 March written
month-first (MM/DD/YYYY).  A parser that guesses value by value (dateutil,
``pd.to_datetime(format="mixed")``) reads ``03/04/2025`` month-first and
``23/04/2025`` day-first in the same column, silently.  Instead the order is
decided once per column from its values (:func:`day_month_order`):

* a value whose first field is 13..31 and second 1..12 can only be day-first;
* a value whose second field is 13..31 and first 1..12 can only be month-first;
* both kinds in one column: the column is refused (conflicting conventions);
* one kind: that order is used for every value of the column;
* neither, but values that read both ways (both fields 1..12 and different):
  the column is refused until the mapping sets ``date_format``.

Values whose two fields are equal read the same either way; values that are no
date in either order (``13/13/2025``, ``00/05/2025``) prove nothing and are
rejected as unreadable.  ISO and other year-first forms (``2025-04-03``,
``2025/4/3``, ``2025年4月3日``) are never day/month forms.  A mapping's
``date_format`` always wins: values it reads are read with it, and when it
writes day and month before the year (``%d/%m/%Y``, ``%m/%d/%Y %H:%M``) its
order is the column's order (:func:`format_order`).  A two-digit year is read
as Python's ``%y`` does (00-68: 2000-2068, 69-99: 1969-1999).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "CN_DATE",
    "ISO_DATE",
    "NORMALISE",
    "DAY_MONTH",
    "DAY_FIRST",
    "MONTH_FIRST",
    "ORDER_LABELS",
    "DayMonthOrder",
    "day_month_order",
    "format_order",
    "day_month_to_iso",
    "order_problem",
]

#: ``2025年1月3日`` (day suffix 日 or 号 optional), anywhere in the value.
CN_DATE = r"(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
#: The ISO forms (after :data:`NORMALISE`) that pandas' ISO 8601 parser and DuckDB's strptime read alike.
ISO_DATE = r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?"
#: ``(pattern, replacement)`` applied in turn to every value: year-first forms become ``YYYY-MM-DD``.
NORMALISE: tuple[tuple[str, str], ...] = (
    (CN_DATE, r"\1-\2-\3"),
    (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3"),
    (r"^(\d{4})-(\d)-", r"\1-0\2-"),
    (r"^(\d{4}-\d{2})-(\d)(\D|$)", r"\1-0\2\3"),
)
#: Day and month before the year: ``03/04/2025``, ``3.4.25``, ``03-04-2025 10:00``, ``3 4 2025``.
DAY_MONTH = r"^([0-9]{1,2})[/.\- ]([0-9]{1,2})[/.\- ]([0-9]{4}|[0-9]{2})([^0-9]|$)"
_DAY_MONTH = re.compile(DAY_MONTH)

DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"
#: How an order is named in notes and messages.
ORDER_LABELS = {DAY_FIRST: "day-first (DD/MM/YYYY)", MONTH_FIRST: "month-first (MM/DD/YYYY)"}


@dataclass(frozen=True)
class DayMonthOrder:
    """What the values of one date column say about its day/month order.

    ``day_first`` and ``month_first`` are the first ``(row, value)`` that can
    only be read that way; ``ambiguous`` the first two distinct values that
    read both ways (rows as the caller numbered them).
    """

    day_first: tuple[int, str] | None = None
    month_first: tuple[int, str] | None = None
    ambiguous: tuple[tuple[int, str], ...] = ()

    @property
    def status(self) -> str:
        """``conflict``, ``decided``, ``ambiguous`` or ``none`` (no value needs an order)."""
        if self.day_first and self.month_first:
            return "conflict"
        if self.day_first or self.month_first:
            return "decided"
        return "ambiguous" if self.ambiguous else "none"

    @property
    def order(self) -> str | None:
        """:data:`DAY_FIRST` or :data:`MONTH_FIRST` when decided, else None."""
        if self.status != "decided":
            return None
        return DAY_FIRST if self.day_first else MONTH_FIRST

    @property
    def proof(self) -> tuple[int, str] | None:
        """The ``(row, value)`` the order was decided from."""
        return self.day_first or self.month_first if self.status == "decided" else None


def day_month_order(values: Iterable[str], rows: Iterable[int]) -> DayMonthOrder:
    """Day/month evidence of a column's values (see the module docstring for the rule).

    Parameters
    ----------
    values : iterable of str
        Present values of the column (text, stripped); repeats allowed.
    rows : iterable of int
        Row number of each value; the earliest row of each kind is reported.
    """
    s = pd.Series(list(values), dtype=object)
    r = np.asarray(list(rows), dtype="int64")
    if s.empty:
        return DayMonthOrder()
    parts = s.astype(str).str.extract(DAY_MONTH)
    hit = parts[0].notna().to_numpy()
    if not hit.any():
        return DayMonthOrder()
    s, r, parts = s[hit].reset_index(drop=True), r[hit], parts[hit].reset_index(drop=True)
    a = parts[0].astype("int64").to_numpy()
    b = parts[1].astype("int64").to_numpy()
    order = np.argsort(r, kind="stable")

    def first(mask: np.ndarray) -> tuple[int, str] | None:
        idx = order[mask[order]]
        return (int(r[idx[0]]), str(s.iloc[idx[0]])) if len(idx) else None

    month = (a >= 1) & (a <= 12)
    day = (b >= 1) & (b <= 12)
    both = month & day & (a != b)
    amb_idx = order[both[order]]
    seen: dict[str, int] = {}
    for i in amb_idx:
        v = str(s.iloc[i])
        if v not in seen:
            seen[v] = int(r[i])
            if len(seen) == 2:
                break
    return DayMonthOrder(
        day_first=first((a >= 13) & (a <= 31) & day),
        month_first=first((b >= 13) & (b <= 31) & month),
        ambiguous=tuple((row, v) for v, row in seen.items()),
    )


def format_order(date_format: str | None) -> str | None:
    """The day/month order a strftime pattern writes, when it writes day and month before the year.

    >>> format_order("%d/%m/%Y"), format_order("%m-%d-%y %H:%M"), format_order("%Y/%m/%d")
    ('day-first', 'month-first', None)
    """
    if not date_format:
        return None
    d, m = date_format.find("%d"), date_format.find("%m")
    ys = [i for i in (date_format.find("%Y"), date_format.find("%y")) if i >= 0]
    if d < 0 or m < 0 or (ys and min(ys) < max(d, m)):
        return None
    return DAY_FIRST if d < m else MONTH_FIRST


def _year(y: str) -> str:
    if len(y) == 4:
        return y
    n = int(y)
    return str(2000 + n if n < 69 else 1900 + n)


def day_month_to_iso(values: pd.Series, order: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rewrite the day/month forms of text *values* as ``YYYY-MM-DD`` in *order*; other values are kept.

    Returns the rewritten strings, a mask of the values rewritten, and the
    calendar date each rewritten value must parse to (NaT where its fields
    make no date), so a parser's result can be held to the decided order.
    """
    parts = values.str.extract(DAY_MONTH)
    hit = parts[0].notna()
    out = values.copy()
    expected = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if not hit.any():
        return out, hit, expected
    p = parts[hit]
    day, month = (p[0], p[1]) if order == DAY_FIRST else (p[1], p[0])
    iso = p[2].map(_year) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    tails = [v[_DAY_MONTH.match(v).end(3):] for v in values[hit]]
    out[hit] = iso + pd.Series(tails, index=p.index, dtype=object)
    expected[hit] = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
    return out, hit, expected


def order_problem(ev: DayMonthOrder, where: str, fix: str) -> str | None:
    """Why a column with evidence *ev* cannot be read, or None when it can.

    *where* names the column (file, table, column, header); *fix* says where
    ``date_format`` goes (the mapping file).
    """
    if ev.status == "conflict":
        (r1, v1, o1), (r2, v2, o2) = sorted([(*ev.day_first, DAY_FIRST), (*ev.month_first, MONTH_FIRST)])
        return (
            f"{where}: conflicting date conventions in one column: row {r1} {v1!r} can only be "
            f"{ORDER_LABELS[o1]} but row {r2} {v2!r} can only be {ORDER_LABELS[o2]}. "
            "Export the column in one convention (ISO YYYY-MM-DD is safest), or set date_format "
            f"{fix} to the right one (date_format: '%d/%m/%Y' or '%m/%d/%Y') so that the other rows are rejected."
        )
    if ev.status == "ambiguous":
        shown = " and ".join(f"{v!r} (row {r})" for r, v in ev.ambiguous)
        return (
            f"{where}: dates such as {shown} read both {ORDER_LABELS[DAY_FIRST]} and "
            f"{ORDER_LABELS[MONTH_FIRST]}, and no value in the column has a day above 12 to tell which. "
            f"Set date_format {fix}: date_format: '%d/%m/%Y' for day-first or '%m/%d/%Y' for month-first."
        )
    return None
