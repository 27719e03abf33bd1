"""Period labels and evaluation windows, in one place.

A *period label* names a calendar period: a year (``2025``), a half
(``2025H1``), a quarter (``2025Q4``) or a month (``2025M03`` or
``2025-03``).  Run parameters, market files and the scorecard trend all use
these labels; this module parses them and turns them into day windows.

Windows are inclusive day ranges ``[start, end]``; :func:`window_bounds`
gives the half-open instants ``[start, end + 1 day)`` SQL filters use.

Examples
--------
>>> period_bounds("2025Q4")
(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
>>> previous_period("2025Q1"), same_period_last_year("2025M03")
('2024Q4', '2024M03')
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

import pandas as pd

from crmkit.errors import ConfigError

__all__ = [
    "PERIOD_PATTERN",
    "Period",
    "period_label",
    "parse_period",
    "is_period",
    "period_bounds",
    "period_window",
    "previous_period",
    "same_period_last_year",
    "window_bounds",
    "previous_window",
]

#: Period labels: year, then an optional quarter, half or month (``M03`` or ``-03``).
PERIOD_PATTERN = re.compile(r"^(\d{4})(?:Q([1-4])|H([12])|M(\d{2})|-(\d{2}))?$")

_MONTHS = {"Y": 12, "H": 6, "Q": 3, "M": 1}


class Period(NamedTuple):
    """A parsed period label.

    ``kind`` is ``Y``, ``H``, ``Q`` or ``M``; ``index`` the half, quarter or
    month within the year (1 for a year); ``dash`` whether a month was
    written ``2025-03`` rather than ``2025M03`` (kept when relabelling).
    """

    year: int
    kind: str
    index: int
    dash: bool = False

    @property
    def months(self) -> int:
        """Length in months."""
        return _MONTHS[self.kind]

    def label(self) -> str:
        """The label in the notation it was written in."""
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "M":
            return f"{self.year}-{self.index:02d}" if self.dash else f"{self.year}M{self.index:02d}"
        return f"{self.year}{self.kind}{self.index}"

    def shift(self, steps: int) -> "Period":
        """The period *steps* periods of the same kind later (earlier when negative)."""
        per_year = 12 // self.months
        k = self.year * per_year + (self.index - 1) + int(steps)
        return Period(k // per_year, self.kind, k % per_year + 1, self.dash)


def period_label(value: Any) -> str:
    """A period label as text; an integer year such as ``2025`` is accepted.

    Examples
    --------
    >>> period_label(2025), period_label(" 2025Q4 ")
    ('2025', '2025Q4')
    """
    if isinstance(value, bool):
        raise ConfigError(f"period {value!r} is not a period label such as 2025, 2025Q4, 2025H1 or 2025-03.")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_period(period: Any) -> Period:
    """Parse a period label (see the module docstring); raises :class:`~crmkit.errors.ConfigError` when invalid.

    Examples
    --------
    >>> parse_period("2025Q4")
    Period(year=2025, kind='Q', index=4, dash=False)
    >>> parse_period(2025).label()
    '2025'
    """
    text = period_label(period)
    m = PERIOD_PATTERN.match(text)
    if not m:
        raise ConfigError(f"period {text!r} is not a period label such as 2025, 2025Q4, 2025H1 or 2025-03.")
    year = int(m.group(1))
    if m.group(2):
        return Period(year, "Q", int(m.group(2)))
    if m.group(3):
        return Period(year, "H", int(m.group(3)))
    if m.group(4) or m.group(5):
        month = int(m.group(4) or m.group(5))
        if not 1 <= month <= 12:
            raise ConfigError(f"period {text!r}: month must be 01-12.")
        return Period(year, "M", month, dash=bool(m.group(5)))
    return Period(year, "Y", 1)


def is_period(value: Any) -> bool:
    """True when *value* is a valid period label."""
    try:
        parse_period(value)
    except ConfigError:
        return False
    return True


def period_bounds(period: Any) -> tuple[dt.date, dt.date]:
    """First and last day of a period label: ``2025``, ``2025Q4``, ``2025H1``, ``2025M03`` or ``2025-03``.

    Examples
    --------
    >>> period_bounds("2025H1")
    (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    >>> period_bounds(2024)[1]
    datetime.date(2024, 12, 31)
    """
    p = parse_period(period)
    first_month = (p.index - 1) * p.months + 1
    first = dt.date(p.year, first_month, 1)
    nm = first_month - 1 + p.months
    nxt = dt.date(p.year + nm // 12, nm % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def period_window(period: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """:func:`period_bounds` as timestamps (``start``, last day ``end``)."""
    first, last = period_bounds(period)
    return pd.Timestamp(first), pd.Timestamp(last)


def previous_period(period: Any) -> str | None:
    """Label of the period immediately before *period*, in the same notation (``None`` when not a label).

    Examples
    --------
    >>> previous_period("2025Q1"), previous_period("2025H2"), previous_period("2025-01"), previous_period("2025")
    ('2024Q4', '2025H1', '2024-12', '2024')
    >>> previous_period("bad") is None
    True
    """
    try:
        return parse_period(period).shift(-1).label()
    except ConfigError:
        return None


def same_period_last_year(period: Any) -> str | None:
    """Label of the same period one year earlier (``None`` when not a label).

    Examples
    --------
    >>> same_period_last_year("2025Q4"), same_period_last_year("2025-03"), same_period_last_year(2025)
    ('2024Q4', '2024-03', '2024')
    """
    try:
        p = parse_period(period)
    except ConfigError:
        return None
    return p._replace(year=p.year - 1).label()


def _day(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize()


def window_bounds(start: Any, end: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Day window ``[start, end]`` as half-open instants ``(start, end + 1 day)``.

    Examples
    --------
    >>> window_bounds("2025-10-01", "2025-12-31")
    (Timestamp('2025-10-01 00:00:00'), Timestamp('2026-01-01 00:00:00'))
    """
    lo = _day(start)
    hi = _day(end) + pd.Timedelta(days=1)
    if hi <= lo:
        raise ValueError(f"window end {end} lies before start {start}")
    return lo, hi


def previous_window(start: Any, end: Any, kind: str = "period") -> tuple[pd.Timestamp, pd.Timestamp]:
    """Comparison window of the day window ``[start, end]``.

    ``kind="period"``: the window of equal length immediately before (whole
    calendar months stay whole months: the quarter before a quarter);
    ``kind="year"``: the same window one year earlier.

    Examples
    --------
    >>> [str(t.date()) for t in previous_window("2025-10-01", "2025-12-31")]
    ['2025-07-01', '2025-09-30']
    >>> [str(t.date()) for t in previous_window("2025-03-01", "2025-03-31", "year")]
    ['2024-03-01', '2024-03-31']
    """
    if kind not in ("period", "year"):
        raise ValueError(f"kind must be 'period' or 'year', not {kind!r}")
    s, e = _day(start), _day(end)
    if kind == "year":
        return s - pd.DateOffset(years=1), e - pd.DateOffset(years=1)
    end_excl = e + pd.Timedelta(days=1)
    months = (end_excl.year - s.year) * 12 + end_excl.month - s.month
    if s.day == 1 and end_excl.day == 1 and months > 0:
        return s - pd.DateOffset(months=months), s - pd.Timedelta(days=1)
    return s - pd.Timedelta(days=(end_excl - s).days), s - pd.Timedelta(days=1)
