"""Business model of a company-period: contractual (recorded cancellations) or non-contractual.

In a *contractual* (subscription, contract) business a customer's relationship
ends with a recorded cancellation, so churn, retention, subscriber counts and
customer value are read from ``churn_events``. In a *non-contractual* business
(retail, e-commerce) nobody tells the company they left; churn is inferred
from inactivity and value from a buy-till-you-die model (Fader, Hardie & Lee
2005; the distinction follows Schmittlein, Morrison & Colombo 1987).

:func:`resolve_business_model` turns the run parameter ``business_model``
(``auto | contractual | non_contractual``) into the model every report uses,
with the reason in both languages. ``auto`` means contractual when the
churn events *cover the window*: at least one event is dated inside it, or
events are recorded both on or before its start and on or after its end (a
window without a cancellation inside a recorded history).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmkit.errors import ConfigError
from crmkit.period import window_bounds
from crmkit.sqltext import timestamp_literal
from crmkit.store.sql import query

__all__ = ["BUSINESS_MODELS", "BusinessModel", "resolve_business_model", "churn_event_coverage"]

BUSINESS_MODELS: tuple[str, ...] = ("auto", "contractual", "non_contractual")
"""Values of the ``business_model`` parameter."""


@dataclass(frozen=True)
class BusinessModel:
    """The business model a report uses and why.

    Attributes
    ----------
    kind : {"contractual", "non_contractual"}
    setting : {"auto", "contractual", "non_contractual"}
        The parameter as given.
    reason_en, reason_zh : str
        One sentence each saying which model is used and why.
    events_in_window : int
        Churn events dated inside the window (0 without the table).
    """

    kind: str
    setting: str
    reason_en: str
    reason_zh: str
    events_in_window: int = 0

    @property
    def contractual(self) -> bool:
        return self.kind == "contractual"

    @property
    def reason(self) -> tuple[str, str]:
        """``(reason_en, reason_zh)`` for :meth:`crmkit.formatting.Formatter.t`-style output."""
        return self.reason_en, self.reason_zh


def churn_event_coverage(churn_events: Any, start: Any, end: Any) -> dict[str, Any]:
    """Churn events inside ``[start, end]`` and whether recorded events lie before and after it.

    Returns
    -------
    dict
        ``events`` (all rows with a date), ``in_window``, ``before`` (dated on
        or before *start*), ``after`` (dated on or after *end*), ``first``,
        ``last`` (timestamps or None).

    Examples
    --------
    >>> ev = pd.DataFrame({"customer_id": ["a", "b"], "churned_at": pd.to_datetime(["2025-01-05", "2025-03-02"])})
    >>> c = churn_event_coverage(ev, "2025-01-01", "2025-03-31")
    >>> c["events"], c["in_window"], c["before"], c["after"]
    (2, 2, 0, 0)
    """
    if churn_events is None:
        return {"events": 0, "in_window": 0, "before": 0, "after": 0, "first": None, "last": None}
    lo, hi = window_bounds(start, end)
    r = query(f"""
        SELECT count(*) AS events,
               count(*) FILTER (WHERE t >= {timestamp_literal(lo)} AND t < {timestamp_literal(hi)}) AS in_window,
               count(*) FILTER (WHERE t < {timestamp_literal(lo + pd.Timedelta(days=1))}) AS before,
               count(*) FILTER (WHERE t >= {timestamp_literal(hi - pd.Timedelta(days=1))}) AS after,
               min(t) AS first, max(t) AS last
        FROM (SELECT CAST(churned_at AS TIMESTAMP) AS t FROM e WHERE churned_at IS NOT NULL)""", e=churn_events)
    row = r.iloc[0]
    out = {k: int(row[k]) for k in ("events", "in_window", "before", "after")}
    out["first"] = None if pd.isna(row["first"]) else pd.Timestamp(row["first"])
    out["last"] = None if pd.isna(row["last"]) else pd.Timestamp(row["last"])
    return out


def resolve_business_model(setting: str, churn_events: Any, start: Any, end: Any) -> BusinessModel:
    """The business model of a company-period from the ``business_model`` parameter and the churn events.

    Parameters
    ----------
    setting : {"auto", "contractual", "non_contractual"}
    churn_events : pandas.DataFrame, StoreTable or None
        Canonical ``churn_events`` (``customer_id, churned_at``); None when
        the table was not supplied.
    start, end : date-like
        The window (inclusive days).

    Returns
    -------
    BusinessModel

    Raises
    ------
    crmkit.errors.ConfigError
        *setting* is not one of :data:`BUSINESS_MODELS`, or ``contractual``
        without any churn event.

    Examples
    --------
    >>> ev = pd.DataFrame({"customer_id": ["a"], "churned_at": pd.to_datetime(["2025-02-01"])})
    >>> resolve_business_model("auto", ev, "2025-01-01", "2025-03-31").kind
    'contractual'
    >>> resolve_business_model("auto", None, "2025-01-01", "2025-03-31").kind
    'non_contractual'
    """
    if setting not in BUSINESS_MODELS:
        raise ConfigError(f"business_model must be one of {', '.join(BUSINESS_MODELS)}, got {setting!r}.")
    cov = churn_event_coverage(churn_events, start, end)
    n, inside = cov["events"], cov["in_window"]
    if setting == "non_contractual":
        extra_en = f" ({n:,} recorded churn events are not used)" if n else ""
        extra_zh = f"（已记录的 {n:,} 条流失事件不予使用）" if n else ""
        return BusinessModel("non_contractual", setting,
                             "Non-contractual business, as set by the business_model parameter: churn is inferred "
                             f"from inactivity and customer value from purchase patterns{extra_en}.",
                             f"按参数 business_model 设定为非契约型业务：流失由不活跃推断，客户价值由购买规律估计{extra_zh}。",
                             inside)
    if setting == "contractual":
        if n == 0:
            raise ConfigError("business_model is 'contractual' but the company has no churn events: load the "
                              "churn_events table (customer_id, churned_at) or set business_model: auto.")
        return BusinessModel("contractual", setting,
                             f"Contractual business, as set by the business_model parameter: churn, retention and "
                             f"value are read from the {n:,} recorded cancellations ({inside:,} in this window).",
                             f"按参数 business_model 设定为契约型业务：流失、留存与价值依据已记录的 {n:,} 次解约"
                             f"（本期 {inside:,} 次）。", inside)
    if inside or (cov["before"] and cov["after"]):
        why_en = (f"{inside:,} recorded cancellations fall in this window" if inside
                  else "recorded cancellations lie before and after this window")
        why_zh = f"本期有 {inside:,} 次已记录的解约" if inside else "本期前后均有已记录的解约"
        return BusinessModel("contractual", setting,
                             f"Contractual business (detected): {why_en}, so churn, retention and value are read "
                             "from the churn events.",
                             f"判定为契约型业务：{why_zh}，因此流失、留存与价值依据流失事件计算。", inside)
    if n:
        span = f"{cov['first']:%Y-%m-%d} to {cov['last']:%Y-%m-%d}"
        return BusinessModel("non_contractual", setting,
                             f"Non-contractual reading (detected): the {n:,} recorded churn events ({span}) do not "
                             "cover this window, so churn is inferred from inactivity; set business_model: "
                             "contractual to use them anyway.",
                             f"判定为非契约型：已记录的 {n:,} 条流失事件（{span}）未覆盖本期，因此流失由不活跃推断；"
                             "如需使用这些事件，请设置 business_model: contractual。", inside)
    return BusinessModel("non_contractual", setting,
                         "Non-contractual business (detected): no churn events were supplied, so churn is inferred "
                         "from inactivity and customer value from purchase patterns.",
                         "判定为非契约型业务：未提供流失事件，因此流失由不活跃推断，客户价值由购买规律估计。", 0)
