"""Marketing effect (营销效果): response, conversion, attributed revenue, ROI, ROAS.

Indicator definitions follow docs/indicators.md, section "Marketing effect".
Campaigns belong to a window by ``start_date``.  Orders are attributed to a
campaign when they carry its ``campaign_id``, or, for orders without one,
when they fall within ``attribution_window_days`` after a touch of the
campaign (an interaction carrying its ``campaign_id``); the last touch wins,
so no order is counted twice.  The attribution join runs as plain SQL in
DuckDB.

ROI and ROAS are undefined when a campaign cost nothing: tables show NaN with
a note, and the scalar :func:`roi` / :func:`roas` raise
:class:`crmkit.errors.DataError` rather than return infinity.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from crmkit.errors import DataError
from crmkit.estimate import MIN_N, Estimate, proportion
from crmkit.store.sql import query
from crmkit.indicators.frames import flag, margin_error, order_lines, ratio, with_columns
from crmkit.sqltext import timestamp_literal
from crmkit.store.data import window_bounds, rows_between

__all__ = [
    "RESPONSE_TYPES",
    "roi",
    "roas",
    "attributed_orders",
    "campaign_performance",
    "channel_performance",
    "totals",
    "funnel",
    "campaigns_in_window",
    "direct_share",
    "weakest_step",
    "roi_ranking",
    "roas_ranking",
]

#: Interaction types that count as a response when ``direction`` is missing.
RESPONSE_TYPES = ("email_open", "open", "click", "visit", "reply", "app_login", "event")

ZERO_COST_NOTE = "cost is zero: ROI and ROAS undefined"


def _positive_cost(cost: float, formula: str, advice: str) -> float:
    """*cost* as a float; :class:`DataError` naming *formula* (``"ROI = …"``) when it is zero, negative or missing."""
    c = float(cost)
    if math.isnan(c) or c <= 0:
        measure = formula.split(" ", 1)[0]
        raise DataError(f"{measure} is undefined for a campaign cost of {cost!r}: {formula} needs a positive cost. {advice}")
    return c


def roi(attributed_margin: float, cost: float) -> float:
    """Return on investment of a campaign.

    Formula (docs/indicators.md): ROI = (attributed margin − cost) / cost.

    Raises
    ------
    DataError
        When *cost* is zero, negative or missing: ROI is undefined there, and
        crmkit never reports an infinite ROI.

    Examples
    --------
    >>> roi(1500.0, 1000.0)
    0.5
    """
    c = _positive_cost(cost, "ROI = (margin − cost) / cost", "Check campaigns.cost, or report the attributed margin alone.")
    return (float(attributed_margin) - c) / c


def roas(attributed_revenue: float, cost: float) -> float:
    """Return on ad spend: ROAS = attributed revenue / cost (raises :class:`DataError` when cost ≤ 0).

    Examples
    --------
    >>> roas(4000.0, 1000.0)
    4.0
    """
    c = _positive_cost(cost, "ROAS = revenue / cost", "Check campaigns.cost.")
    return float(attributed_revenue) / c


def campaigns_in_window(campaigns: pd.DataFrame, start, end) -> pd.DataFrame:
    """Campaigns whose ``start_date`` lies in ``[start, end]`` (all campaigns when no start dates)."""
    if "start_date" not in campaigns or campaigns["start_date"].isna().all():
        return campaigns
    return rows_between(campaigns, "start_date", start, end)


_ATTRIBUTION_SQL = """
WITH direct AS (
    SELECT order_id, customer_id, campaign_id, order_date, amount, margin, is_ret,
           'campaign_id' AS attribution
    FROM o
    WHERE campaign_id IS NOT NULL
),
candidates AS (
    SELECT o.order_id, o.customer_id, t.campaign_id, o.order_date, o.amount, o.margin, o.is_ret,
           ROW_NUMBER() OVER (PARTITION BY o.order_id ORDER BY t.occurred_at DESC, t.campaign_id) AS rn
    FROM o
    JOIN t ON o.customer_id = t.customer_id
          AND o.order_date >= t.occurred_at
          AND o.order_date <= t.touch_until
    WHERE o.campaign_id IS NULL
)
SELECT order_id, customer_id, campaign_id, order_date, amount, margin, is_ret, attribution FROM direct
UNION ALL
SELECT order_id, customer_id, campaign_id, order_date, amount, margin, is_ret, 'window' AS attribution
FROM candidates WHERE rn = 1
"""


def attributed_orders(
    orders: pd.DataFrame,
    interactions: pd.DataFrame | None,
    end,
    *,
    attribution_window_days: float = 7,
    margin_rate: float | None = None,
    campaign_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Orders up to *end* attributed to a campaign.

    Rules: an order carrying ``campaign_id`` belongs to that campaign
    (``attribution = "campaign_id"``); an order without one belongs to the
    campaign of the customer's latest touch at most
    ``attribution_window_days`` before it (``attribution = "window"``; 0
    disables window attribution).  Margin is ``gross_margin`` or
    ``amount × margin_rate``.

    Returns
    -------
    DataFrame
        ``order_id, customer_id, campaign_id, order_date, amount, margin,
        is_return, attribution`` (only campaigns in *campaign_ids* when given).
    """
    _, hi = window_bounds(end, end)
    # only orders that can be attributed: a campaign code, or placed after the first campaign touch
    first_touch = None
    if interactions is not None and len(interactions) and attribution_window_days > 0 and "campaign_id" in interactions:
        first_touch = interactions.loc[interactions["campaign_id"].notna(), "occurred_at"].min()
    can = "campaign_id IS NOT NULL" + (f" OR order_date >= {timestamp_literal(first_touch)}"
                                       if first_touch is not None and pd.notna(first_touch) else "")
    o = query(f"""SELECT order_id, customer_id, campaign_id, order_date, amount, margin, CAST(is_return AS INTEGER) AS is_ret
                  FROM o WHERE order_date < {timestamp_literal(hi)} AND ({can})""",
              o=order_lines(orders, margin_rate=margin_rate))
    if margin_rate is None and o["margin"].isna().any():
        raise margin_error()
    wanted = None if campaign_ids is None else list(campaign_ids)
    t = pd.DataFrame({"customer_id": pd.Series(dtype="str"), "campaign_id": pd.Series(dtype="str"),
                      "occurred_at": pd.Series(dtype="datetime64[ns]"), "touch_until": pd.Series(dtype="datetime64[ns]")})
    if interactions is not None and len(interactions) and attribution_window_days > 0 and "campaign_id" in interactions:
        it = interactions[interactions["campaign_id"].notna() & interactions["customer_id"].notna() & (interactions["occurred_at"] < hi)]
        if wanted is not None:
            it = it[it["campaign_id"].isin(wanted)]
        t = pd.DataFrame({
            "customer_id": it["customer_id"].astype("str"), "campaign_id": it["campaign_id"].astype("str"),
            "occurred_at": it["occurred_at"],
            "touch_until": it["occurred_at"] + pd.Timedelta(days=float(attribution_window_days)),
        })
    out = query(_ATTRIBUTION_SQL, o=o, t=t)
    if wanted is not None:
        out = out[out["campaign_id"].isin(wanted)]
    out = out.assign(is_return=out["is_ret"].astype(bool)).drop(columns="is_ret")
    return out.sort_values(["order_date", "order_id"]).reset_index(drop=True)


def _responders(interactions: pd.DataFrame) -> pd.Series:
    """Mask of interactions that are a customer's response to a campaign."""
    i = with_columns(interactions, {"direction": "str", "type": "str", "converted": "boolean"})
    inbound = i["direction"] == "inbound"
    typed = i["direction"].isna() & i["type"].isin(RESPONSE_TYPES)
    return (inbound.fillna(False) | typed.fillna(False) | flag(i["converted"])).astype(bool)


def campaign_performance(
    campaigns: pd.DataFrame,
    orders: pd.DataFrame,
    interactions: pd.DataFrame | None,
    start,
    end,
    *,
    attribution_window_days: float = 7,
    margin_rate: float | None = None,
) -> pd.DataFrame:
    """Per-campaign funnel, attributed revenue, ROI, ROAS and cost per acquisition.

    For each campaign starting in ``[start, end]``:

    * ``reached`` = distinct customers with any interaction of the campaign;
      ``targeted`` = max(``target_count``, ``reached``) (``reached`` when no
      target count);
    * ``converted`` = distinct customers with a converted interaction or an
      attributed non-return order; ``responded`` = distinct customers with an
      inbound interaction of the campaign, or converted (so the funnel
      targeted ≥ responded ≥ converted never widens);
    * ``response_rate`` = responded / targeted; ``conversion_rate`` =
      converted / targeted (docs/indicators.md);
    * ``attributed_revenue`` / ``attributed_margin`` from
      :func:`attributed_orders`; ``direct_revenue`` is the part carried by
      orders with the campaign's ``campaign_id`` (the rest is window-attributed);
    * ``roi`` = (attributed margin − cost) / cost; ``roas`` = attributed
      revenue / cost; ``cpa`` = cost / converted.  With zero cost ROI and
      ROAS are NaN and ``note`` says why (never infinity).

    Returns
    -------
    DataFrame
        One row per campaign, sorted by start date (``campaign_name`` holds
        ``campaigns.name``, renamed so it is not mistaken for personal data).
    """
    camp = campaigns_in_window(campaigns, start, end)
    camp = with_columns(camp, {"name": "str", "channel": "str", "start_date": "datetime64[ns]",
                                "end_date": "datetime64[ns]", "target_count": "float64"})
    ids = camp["campaign_id"].astype("str").tolist()
    att = attributed_orders(orders, interactions, end, attribution_window_days=attribution_window_days,
                            margin_rate=margin_rate, campaign_ids=ids)
    have_i = interactions is not None and len(interactions) > 0 and "campaign_id" in interactions
    if have_i:
        it = interactions[interactions["campaign_id"].isin(ids) & interactions["customer_id"].notna()]
        it = it.assign(campaign_id=it["campaign_id"].astype("str"), responded=_responders(it).to_numpy(),
                       conv=flag(with_columns(it, {"converted": "boolean"})["converted"]).to_numpy())
        reached = it.groupby("campaign_id")["customer_id"].nunique()
        responded = it[it["responded"]].groupby("campaign_id")["customer_id"].nunique()
        conv_pairs = it.loc[it["conv"], ["campaign_id", "customer_id"]]
    else:
        reached = responded = pd.Series(dtype="int64")
        conv_pairs = pd.DataFrame(columns=["campaign_id", "customer_id"])
    buyers = att.loc[~att["is_return"], ["campaign_id", "customer_id"]]
    conv_all = pd.concat([conv_pairs, buyers]).drop_duplicates()
    converted = conv_all.groupby("campaign_id")["customer_id"].nunique()
    if have_i:  # a converter has responded, so the funnel never widens
        resp_pairs = it.loc[it["responded"], ["campaign_id", "customer_id"]]
        responded = pd.concat([resp_pairs, conv_all]).drop_duplicates().groupby("campaign_id")["customer_id"].nunique()
    else:
        responded = converted
    money = att.assign(direct=att["amount"].where(att["attribution"] == "campaign_id", 0.0)).groupby("campaign_id").agg(
        attributed_orders=("order_id", "size"), attributed_revenue=("amount", "sum"),
        attributed_margin=("margin", "sum"), direct_revenue=("direct", "sum"))
    out = camp[["campaign_id", "name", "channel", "start_date", "end_date", "cost", "target_count"]].copy()
    out["campaign_id"] = out["campaign_id"].astype("str")
    key = out["campaign_id"]
    out["reached"] = key.map(reached).fillna(0).astype("int64")
    tc = pd.to_numeric(out["target_count"], errors="coerce")
    out["targeted"] = np.fmax(tc.to_numpy(dtype="float64"), out["reached"].to_numpy(dtype="float64")).astype("int64")
    out["responded"] = key.map(responded).fillna(0).astype("int64")
    out["converted"] = key.map(converted).fillna(0).astype("int64")
    for c in ("attributed_orders", "attributed_revenue", "attributed_margin", "direct_revenue"):
        out[c] = pd.to_numeric(key.map(money[c]), errors="coerce").fillna(0)  # numeric also when nothing matched
    out["attributed_orders"] = out["attributed_orders"].astype("int64")
    out = out.drop(columns="target_count").rename(columns={"name": "campaign_name"})
    return _add_rates(out).sort_values(["start_date", "campaign_id"]).reset_index(drop=True)


def _add_rates(df: pd.DataFrame) -> pd.DataFrame:
    cost = df["cost"].astype("float64")
    pos = cost > 0
    df["response_rate"] = df["responded"] / df["targeted"].where(df["targeted"] > 0)
    df["conversion_rate"] = df["converted"] / df["targeted"].where(df["targeted"] > 0)
    df["roi"] = ((df["attributed_margin"] - cost) / cost).where(pos)
    df["roas"] = (df["attributed_revenue"] / cost).where(pos)
    df["cpa"] = (cost / df["converted"].where(df["converted"] > 0)).where(pos | (cost == 0))
    df["note"] = np.where(pos, "", ZERO_COST_NOTE)
    return df


_SUMS = ["cost", "reached", "targeted", "responded", "converted", "attributed_orders", "attributed_revenue",
         "attributed_margin", "direct_revenue"]


def channel_performance(performance: pd.DataFrame) -> pd.DataFrame:
    """Campaign results summed per campaign channel, rates recomputed from the sums.

    Input is the output of :func:`campaign_performance`.  Customers reached by
    several campaigns of a channel count once per campaign.
    """
    p = performance.assign(channel=performance["channel"].astype("str").where(performance["channel"].notna(), "unknown"))
    g = p.groupby("channel")
    out = g[_SUMS].sum()
    out.insert(0, "campaigns", g.size())
    out = _add_rates(out.reset_index())
    return out.sort_values("attributed_revenue", ascending=False).reset_index(drop=True)


def totals(performance: pd.DataFrame, *, min_n: int = MIN_N) -> dict[str, float | Estimate | str]:
    """Overall marketing figures over all campaigns of :func:`campaign_performance`.

    ``campaign_roi`` = (Σ attributed margin − Σ cost) / Σ cost; ``roas`` =
    Σ attributed revenue / Σ cost; ``cpa`` = Σ cost / Σ converted;
    ``response_rate`` and ``conversion_rate`` pool targeted customers over
    campaigns (Wilson intervals).  ROI and ROAS are NaN with ``note`` set when
    the total cost is zero.
    """
    s = performance[_SUMS].sum() if len(performance) else pd.Series(0.0, index=_SUMS)
    cost = float(s["cost"])
    pos = cost > 0
    nan = float("nan")
    return {
        "campaigns": int(len(performance)),
        "cost": cost,
        "targeted": int(s["targeted"]),
        "responded": int(s["responded"]),
        "converted": int(s["converted"]),
        "attributed_revenue": float(s["attributed_revenue"]),
        "attributed_margin": float(s["attributed_margin"]),
        "direct_revenue": float(s["direct_revenue"]),
        "response_rate": proportion(int(s["responded"]), int(s["targeted"]), min_n=min_n),
        "conversion_rate": proportion(int(s["converted"]), int(s["targeted"]), min_n=min_n),
        "campaign_roi": roi(float(s["attributed_margin"]), cost) if pos else nan,
        "roas": roas(float(s["attributed_revenue"]), cost) if pos else nan,
        "cpa": ratio(cost, float(s["converted"])) if pos else nan,
        "note": "" if pos else ZERO_COST_NOTE,
    }


def funnel(performance: pd.DataFrame) -> pd.DataFrame:
    """Funnel stages summed over campaigns: targeted → reached → responded → converted.

    Returns
    -------
    DataFrame
        ``stage, customers, share_of_targeted, share_of_previous``.
    """
    stages = ["targeted", "reached", "responded", "converted"]
    counts = [int(performance[s].sum()) if len(performance) else 0 for s in stages]
    top = counts[0]
    prev = [top] + counts[:-1]
    return pd.DataFrame({
        "stage": stages,
        "customers": counts,
        "share_of_targeted": [c / top if top else np.nan for c in counts],
        "share_of_previous": [c / p if p else np.nan for c, p in zip(counts, prev)],
    })


# -- figures of the marketing report -----------------------------------------------------------------


def direct_share(total: dict) -> float:
    """Share of attributed revenue carried by orders with the campaign's code.

    Formula: ``direct_revenue / attributed_revenue`` of :func:`totals`; NaN
    when no revenue is attributed.

    Examples
    --------
    >>> direct_share({"direct_revenue": 30.0, "attributed_revenue": 120.0})
    0.25
    """
    revenue = float(total["attributed_revenue"])
    return float(total["direct_revenue"]) / revenue if revenue else float("nan")


def weakest_step(funnel_frame: pd.DataFrame) -> dict | None:
    """The funnel step that keeps the smallest share of the previous stage.

    Among the stages after the first of :func:`funnel`, the one with the lowest
    ``share_of_previous`` (the first of equal ones); ``None`` when no share is
    known.  Returns ``{"stage": ..., "share_of_previous": ...}``.
    """
    steps = funnel_frame.iloc[1:].dropna(subset=["share_of_previous"])
    if steps.empty:
        return None
    row = steps.sort_values("share_of_previous", kind="stable").iloc[0]
    return {"stage": row["stage"], "share_of_previous": float(row["share_of_previous"])}


def roi_ranking(performance: pd.DataFrame) -> dict:
    """Best and weakest campaign by ROI and how many lost money, from :func:`campaign_performance`.

    Keys: ``with_roi`` (campaigns with a cost, hence an ROI), ``without_cost``
    (the others), ``losing`` (ROI < 0), ``best`` and ``worst`` (dicts with
    ``campaign_name, channel, roi``; ``None`` when no campaign has an ROI).
    """
    valid = performance.dropna(subset=["roi"])
    pick = (lambda i: {k: valid.loc[i, k] for k in ("campaign_name", "channel", "roi")})
    return {
        "with_roi": int(len(valid)),
        "without_cost": int(len(performance) - len(valid)),
        "losing": int((valid["roi"] < 0).sum()),
        "best": pick(valid["roi"].idxmax()) if len(valid) else None,
        "worst": pick(valid["roi"].idxmin()) if len(valid) else None,
    }


def roas_ranking(channel_frame: pd.DataFrame) -> pd.DataFrame:
    """Channels of :func:`channel_performance` with a ROAS, highest first."""
    return channel_frame.dropna(subset=["roas"]).sort_values("roas", ascending=False, kind="stable").reset_index(drop=True)
