"""Formatting numbers and estimates for people, in English or Simplified Chinese.

The foundation of every sentence crmkit writes: indicator modules build their
bilingual readings with a :class:`Formatter` (so the sentences are unit-tested
beside the indicators), and the notebooks' :class:`crmkit.reports.display.Report`
extends it with HTML output.
"""

from __future__ import annotations

import html
import math
from typing import Any, NamedTuple

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.i18n import Translator

__all__ = ["Bilingual", "Formatter", "escape", "fmt_int", "fmt_number", "fmt_pct", "fmt_money", "is_missing",
           "CURRENCY_SYMBOLS"]


class Bilingual(NamedTuple):
    """One sentence in both report languages: ``rp.text(*sentence)``."""

    en: str
    zh: str


def escape(value: Any) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def is_missing(x: Any) -> bool:
    """True for None, NA, NaT and NaN (and values that are not numbers but claim to be)."""
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


_missing = is_missing


CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


def fmt_int(x: Any) -> str:
    """``1234567`` → ``1,234,567``; missing → ``–``."""
    return "–" if _missing(x) else f"{float(x):,.0f}"


def fmt_number(x: Any, digits: int = 1) -> str:
    return "–" if _missing(x) else f"{float(x):,.{digits}f}"


def fmt_pct(x: Any, digits: int = 1) -> str:
    """A ratio in [0, 1] as a percentage: ``0.1234`` → ``12.3%``."""
    return "–" if _missing(x) else f"{100 * float(x):.{digits}f}%"


def fmt_money(x: Any, currency: str = "CNY", digits: int = 0) -> str:
    if _missing(x):
        return "–"
    sym = CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")
    v = float(x)
    return f"{'-' if v < 0 else ''}{sym}{abs(v):,.{digits}f}"


class Formatter:
    """Formats values in one report language and currency.

    Examples
    --------
    >>> Formatter("zh").fmt(36.0, "hours")
    '36.0 小时'
    >>> Formatter("en").fmt(Estimate(0.25, 0.02, 0.21, 0.29, 400), "ratio")
    '25.0% ± 4.0 pp'
    """

    def __init__(self, language: str = "en", currency: str = "CNY"):
        self.tr = Translator(language)
        self.language = self.tr.language
        self.currency = currency

    def t(self, en: str, zh: str) -> str:
        """The text of the pair in the report language (not escaped)."""
        return self.tr(en, zh)

    # -- numbers ------------------------------------------------------------
    def fmt(self, value: Any, unit: str = "number", digits: int | None = None) -> str:
        """Format a value or :class:`Estimate` for people (intervals as ±)."""
        if isinstance(value, Estimate):
            core = self.fmt(value.value, unit, digits)
            if not _missing(value.ci_low) and not _missing(value.ci_high):
                half = (value.ci_high - value.ci_low) / 2
                if unit == "ratio":
                    core += f" ± {100 * half:.{1 if digits is None else digits}f} pp"
                else:
                    core += " ± " + self.fmt(half, unit, digits)
            return core
        if unit == "text" or isinstance(value, str):
            return str(value)
        if unit == "ratio":
            return fmt_pct(value, 1 if digits is None else digits)
        if unit == "currency":
            return fmt_money(value, self.currency, 0 if digits is None else digits)
        if unit == "count":
            return fmt_int(value)
        if unit == "multiple":
            return "–" if _missing(value) else f"{float(value):.{1 if digits is None else digits}f}×"
        if unit in ("days", "hours", "minutes", "months"):
            word = {
                "days": self.t("days", "天"), "hours": self.t("h", "小时"),
                "minutes": self.t("min", "分钟"), "months": self.t("months", "个月"),
            }[unit]
            return "–" if _missing(value) else f"{fmt_number(value, 1 if digits is None else digits)} {word}"
        return fmt_number(value, 1 if digits is None else digits)
