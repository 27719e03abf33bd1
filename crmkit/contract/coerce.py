"""Turning the strings of real exports into canonical typed columns.

Each ``coerce_*`` function returns ``(values, bad)``: the converted Series and
a boolean mask of rows whose non-empty input could not be converted.  The
caller turns ``bad`` rows into rejects with a reason; nothing is silently
guessed.  Notably a number such as ``1 234,50`` is *not* read as 1234.5 or
1.2345 unless the mapping says ``decimal: ","``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmkit.contract.dates import (
    DAY_FIRST, NORMALISE, DayMonthOrder, day_month_order, day_month_to_iso, format_order, order_problem,
)
from crmkit.errors import DataError

__all__ = [
    "canonical_dtype",
    "coerce_column",
    "coerce_dates",
    "date_order_evidence",
    "coerce_amounts",
    "coerce_bools",
    "coerce_ids",
    "TRUE_VALUES",
    "FALSE_VALUES",
    "EMPTY_MARKERS",
    "parse_number",
]

TRUE_VALUES = frozenset({"1", "1.0", "true", "t", "yes", "y", "是", "真", "对", "有", "√"})
FALSE_VALUES = frozenset({"0", "0.0", "false", "f", "no", "n", "否", "假", "错", "无", "×"})
#: Cell texts read as "no value" (compared lower-cased, after stripping whitespace).
EMPTY_MARKERS = frozenset({"", "nan", "none", "null", "na", "n/a", "nat", "-", "--", "—"})
_CURRENCY = re.compile(r"[¥￥$€£]|RMB|CNY|USD|EUR|元|円")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def canonical_dtype(kind: str) -> str:
    """pandas dtype used for a column kind of :mod:`crmkit.contract.tables`."""
    return {
        "id": "str",
        "text": "str",
        "category": "str",
        "date": "datetime64[ns]",
        "money": "float64",
        "number": "float64",
        "int": "Int64",
        "bool": "boolean",
    }[kind]


def _as_text(s: pd.Series) -> pd.Series:
    """Strings with surrounding whitespace removed; empty markers become missing."""
    missing = s.isna()
    t = s.astype("object").astype("str").str.strip()
    t = t.mask(missing | t.str.lower().isin(EMPTY_MARKERS))
    return t


def coerce_ids(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Identifiers as strings; ``1001.0`` read from a numeric cell becomes ``1001``."""
    if pd.api.types.is_float_dtype(s):
        whole = s.notna() & (s == np.floor(s))
        out = s.astype("object")
        out[whole] = s[whole].astype("int64").astype(str)
        s = out
    return _as_text(s), pd.Series(False, index=s.index)


def coerce_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _as_text(s), pd.Series(False, index=s.index)


def _date_text(s: pd.Series) -> pd.Series | None:
    """The text values of a date column, or None when the column is typed (timestamps, Excel serials)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return None
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return None
    return _as_text(s)


def date_order_evidence(s: pd.Series, rows=None, date_format: str | None = None) -> DayMonthOrder | None:
    """What a date column's values say about their day/month order (:func:`crmkit.contract.dates.day_month_order`).

    Returns None when no decision is needed: the column is typed, or
    *date_format* writes day and month before the year and so decides.
    Only values *date_format* does not read count.  *rows* numbers the
    values (default: their position).
    """
    if format_order(date_format):
        return None
    t = _date_text(s)
    if t is None:
        return None
    rows = np.arange(len(s)) if rows is None else np.asarray(rows)
    present = t.notna().to_numpy().copy()
    if date_format and present.any():
        parsed = pd.to_datetime(t[present], format=date_format, errors="coerce")
        present[np.flatnonzero(present)[parsed.notna().to_numpy()]] = False
    return day_month_order(t[present], rows[present])


def _in_bounds(x: pd.Series) -> pd.Series:
    """*x* with timestamps outside the nanosecond range (year 1 from a date without year) as NaT."""
    if x.dtype == "datetime64[ns]":
        return x
    out = x.where(x.isna() | ((x >= pd.Timestamp.min) & (x <= pd.Timestamp.max)))
    return out.astype("datetime64[ns]")


def coerce_dates(s: pd.Series, date_format: str | None = None, order: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse dates as real exports write them.

    Accepts ISO dates and times, ``2025/1/3``, ``2025.1.3``, ``2025年1月3日``
    (optionally followed by a time), day/month forms such as ``03/04/2025``
    in one order for the whole column, Excel serial day numbers (when the
    whole column is numeric) and values that are already timestamps.  An
    explicit ``date_format`` (strftime syntax) is tried first when given.

    The day/month order is, in turn: the order *date_format* writes
    (:func:`crmkit.contract.dates.format_order`), *order* (``"day-first"`` or
    ``"month-first"``, decided by the caller for the whole column), or the
    order the values themselves prove (:func:`crmkit.contract.dates.day_month_order`).

    Raises
    ------
    DataError
        No order is given and the values are ambiguous (every day/month value
        fits both orders) or conflict (some prove day-first, others month-first).
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert(None)
        return out.astype("datetime64[ns]"), pd.Series(False, index=s.index)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        num = pd.to_numeric(s, errors="coerce")
        ok = num.between(1, 2958465)  # Excel's valid serial range
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        out[ok] = (EXCEL_EPOCH + pd.to_timedelta(num[ok], unit="D")).astype("datetime64[ns]")
        return out, s.notna() & ~ok
    t = _as_text(s)
    present = t.notna()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if not present.any():
        return out, pd.Series(False, index=s.index)
    v = t[present]
    if date_format:
        parsed = pd.to_datetime(v, format=date_format, errors="coerce")
        out[present] = _in_bounds(parsed)
        remaining = present & out.isna()
        v = t[remaining]
        if v.empty:
            return out, pd.Series(False, index=s.index)
    else:
        remaining = present
    order = format_order(date_format) or order
    if order is None:
        ev = day_month_order(v, np.flatnonzero(remaining.to_numpy()))
        problem = order_problem(ev, "date column", "in the mapping")
        if problem:
            raise DataError(problem)
        order = ev.order or DAY_FIRST  # the values left read alike in either order
    norm, dm, expected = day_month_to_iso(v, order)
    for pattern, repl in NORMALISE:
        norm = norm.str.replace(pattern, repl, regex=True)
    norm = norm.str.replace("T", " ", regex=False)
    iso = pd.to_datetime(norm, format="ISO8601", errors="coerce")
    left = iso.isna()
    if left.any():
        iso[left] = pd.to_datetime(norm[left], format="mixed", errors="coerce")
    if getattr(iso.dt, "tz", None) is not None:
        iso = iso.dt.tz_convert(None)
    iso = _in_bounds(iso)
    if dm.any():  # a day/month value is the date of the decided order, or unreadable
        iso = iso.where(~dm | (iso.dt.normalize() == expected))
    out[remaining] = iso
    # Excel serials that arrived as text in an otherwise numeric column
    serial = remaining & out.isna() & t.str.fullmatch(r"\d{5}(\.\d+)?").fillna(False).astype(bool)
    if serial.any():
        out[serial] = (EXCEL_EPOCH + pd.to_timedelta(t[serial].astype(float), unit="D")).astype("datetime64[ns]")
    return out, present & out.isna()


def parse_number(v: str, decimal: str) -> float | None:
    """One amount or number as real exports write it, or None when it cannot be read unambiguously.

    Currency symbols are dropped, ``(12.50)`` is negative, percentages are
    refused; with ``decimal="."`` a comma must group thousands (``1,234.50``),
    with ``decimal=","`` dots group thousands (``1.234,50``).
    """
    x = _CURRENCY.sub("", v).replace("\u00a0", " ").strip()
    neg = False
    if x.startswith("(") and x.endswith(")"):
        neg, x = True, x[1:-1].strip()
    if x.endswith("%"):
        return None  # percentages are not amounts; refuse rather than guess
    if decimal == ",":
        x = x.replace(" ", "")
        if _THOUSANDS_COMMA.match(x):
            x = x.replace(".", "")
        elif "." in x:
            return None
        x = x.replace(",", ".")
    else:
        if " " in x.strip():
            return None  # '1 234,50' or '1 234' : ambiguous grouping
        if "," in x:
            if not _THOUSANDS_DOT.match(x):
                return None
            x = x.replace(",", "")
    if not _PLAIN.match(x):
        return None
    f = float(x)
    return -f if neg else f


def coerce_amounts(s: pd.Series, decimal: str = ".", scale: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """Parse money and numbers: currency symbols and thousands separators allowed.

    With the default ``decimal="."`` a comma is accepted only as a thousands
    separator in groups of three (``1,234.50``); ``1 234,50`` or ``12,5`` are
    refused because they are ambiguous.  ``decimal=","`` reads European style.
    ``scale`` multiplies the result (0.01 for amounts stored in cents).
    """
    if pd.api.types.is_bool_dtype(s):
        s = s.astype("float64")
    if pd.api.types.is_numeric_dtype(s):
        out = pd.to_numeric(s, errors="coerce").astype("float64")
        return out * scale if scale != 1 else out, pd.Series(False, index=s.index)
    t = _as_text(s)
    present = t.notna()
    vals = t[present].map(lambda v: parse_number(v, decimal))
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    out[present] = pd.to_numeric(vals, errors="coerce").astype("float64")
    bad = present & out.isna()
    return (out * scale if scale != 1 else out), bad


def coerce_bools(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Booleans from 是/否, Y/N, yes/no, true/false, 1/0 (case-insensitive)."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("boolean"), pd.Series(False, index=s.index)
    t = _as_text(s)
    low = t.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[low.isin(TRUE_VALUES)] = True
    out[low.isin(FALSE_VALUES)] = False
    bad = t.notna() & out.isna()
    return out, bad


def coerce_column(s: pd.Series, kind: str, *, decimal: str = ".", scale: float = 1.0, date_format: str | None = None,
                  date_order: str | None = None):
    """Dispatch on a column kind of :mod:`crmkit.contract.tables`; returns ``(values, bad)``.

    *date_order* is the day/month order decided for a date column (see :func:`coerce_dates`).
    """
    if kind == "date":
        return coerce_dates(s, date_format, date_order)
    if kind == "money":
        return coerce_amounts(s, decimal, scale)
    if kind in ("number", "int"):
        out, bad = coerce_amounts(s, decimal, 1.0)
        if kind == "int":
            frac = out.notna() & (out != np.floor(out.fillna(0)))
            bad = bad | frac
            out = out.where(~frac).round().astype("Int64")
        return out, bad
    if kind == "bool":
        return coerce_bools(s)
    if kind == "id":
        return coerce_ids(s)
    return coerce_text(s)
