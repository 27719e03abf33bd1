"""Small pieces the readings of several dimensions share.

* :func:`formatters`: the English and the Chinese :class:`~crmkit.formatting.Formatter`
  of one currency, for a sentence written in both languages;
* :func:`value_of`: the number behind an :class:`~crmkit.estimate.Estimate` or a plain figure;
* :func:`pct`: a ratio as a percentage (``0.123`` → ``12.3%``; missing → ``–``).
"""

from __future__ import annotations

from typing import Any

from crmkit.estimate import Estimate
from crmkit.formatting import Formatter

__all__ = ["formatters", "value_of", "pct"]

_EN = Formatter("en")


def formatters(currency: str = "CNY") -> tuple[Formatter, Formatter]:
    """``(English, Chinese)`` formatters of *currency*.

    Examples
    --------
    >>> en, zh = formatters("USD")
    >>> en.fmt(12.5, "hours"), zh.fmt(12.5, "hours")
    ('12.5 h', '12.5 小时')
    """
    return Formatter("en", currency), Formatter("zh", currency)


def value_of(x: Any) -> float:
    """The value of an :class:`~crmkit.estimate.Estimate`, a figure as float, None as NaN.

    Examples
    --------
    >>> value_of(Estimate(0.25, n=40)), value_of(3), value_of(None)
    (0.25, 3.0, nan)
    """
    return float("nan") if x is None else float(x.value if isinstance(x, Estimate) else x)


def pct(x: Any, digits: int = 1) -> str:
    """A ratio as a percentage with *digits* decimals (an Estimate with its interval as ± points).

    Examples
    --------
    >>> pct(0.1234), pct(0.5, 0), pct(float("nan"))
    ('12.3%', '50%', '–')
    """
    return _EN.fmt(x, "ratio", digits)
