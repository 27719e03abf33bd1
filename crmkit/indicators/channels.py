"""Channels (渠道): volume, efficiency, satisfaction and cost per contact channel.

Indicator definitions follow docs/indicators.md, section "Channels".  A *contact*
is a service ticket (``tickets.channel``: phone, email, social, chat, store,
app...) or an inbound interaction (``interactions`` with ``direction =
inbound``: visits, app logins, replies...).  Times, first-contact resolution
and satisfaction come from tickets (see :mod:`crmkit.indicators.service`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.indicators import service
from crmkit.indicators.frames import with_columns
from crmkit.store.data import rows_between

__all__ = ["contact_volume", "channel_table", "mix_trend", "channel_by_segment", "order_channel_mix",
           "overall_cost_per_contact", "channel_extremes", "csat_spread", "mix_shares", "main_channel_shift",
           "segment_channel_grids", "preferred_channels", "recent_mix"]


def _label(s: pd.Series) -> pd.Series:
    return s.astype("str").where(s.notna(), "unknown")


def _contacts(tickets: pd.DataFrame | None, interactions: pd.DataFrame | None, start, end) -> pd.DataFrame:
    """Contacts in the window: ``channel, occurred_at, customer_id, source`` (ticket | interaction)."""
    parts = []
    if tickets is not None and len(tickets):
        t = with_columns(rows_between(tickets, "opened_at", start, end), {"customer_id": "str"})
        parts.append(pd.DataFrame({"channel": _label(t["channel"]), "occurred_at": t["opened_at"],
                                   "customer_id": t["customer_id"], "source": "ticket"}))
    if interactions is not None and len(interactions):
        i = with_columns(rows_between(interactions, "occurred_at", start, end), {"customer_id": "str", "direction": "str"})
        i = i[i["direction"] == "inbound"]
        parts.append(pd.DataFrame({"channel": _label(i["channel"]), "occurred_at": i["occurred_at"],
                                   "customer_id": i["customer_id"], "source": "interaction"}))
    if not parts:
        return pd.DataFrame({"channel": pd.Series(dtype="str"), "occurred_at": pd.Series(dtype="datetime64[ns]"),
                             "customer_id": pd.Series(dtype="str"), "source": pd.Series(dtype="str")})
    return pd.concat(parts, ignore_index=True)


def contact_volume(tickets: pd.DataFrame | None, interactions: pd.DataFrame | None, start, end) -> pd.DataFrame:
    """Contacts per channel and their share of all contacts.

    Formula: ``contacts`` = tickets opened + inbound interactions in the
    window on that channel; ``share`` = contacts / all contacts.

    Returns
    -------
    DataFrame
        ``channel, tickets, inbound_interactions, contacts, share`` sorted by contacts.

    Examples
    --------
    >>> t = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-02"] * 3), "channel": ["phone", "phone", "chat"]})
    >>> contact_volume(t, None, "2025-01-01", "2025-01-31")[["channel", "contacts", "share"]].values.tolist()
    [['phone', 2, 0.6666666666666666], ['chat', 1, 0.3333333333333333]]
    """
    c = _contacts(tickets, interactions, start, end)
    ct = pd.crosstab(c["channel"], c["source"]).reindex(columns=["ticket", "interaction"], fill_value=0)
    out = pd.DataFrame({"tickets": ct["ticket"], "inbound_interactions": ct["interaction"]})
    out["contacts"] = out["tickets"] + out["inbound_interactions"]
    total = out["contacts"].sum()
    out["share"] = out["contacts"] / total if total else np.nan
    out = out.rename_axis("channel").reset_index()
    return out.sort_values(["contacts", "channel"], ascending=[False, True], kind="stable").reset_index(drop=True)


def channel_table(
    tickets: pd.DataFrame | None,
    interactions: pd.DataFrame | None,
    start,
    end,
    *,
    costs: pd.DataFrame | None = None,
    sla_hours: float = 24.0,
    scale_max: float = 5.0,
) -> pd.DataFrame:
    """One row per contact channel: volume, share, times, FCR, satisfaction, cost per contact.

    Pass ``interactions=None`` to count service contacts (tickets) only;
    with interactions, inbound engagement (visits, app logins, opens...) is
    added to the volume and share columns.

    Service measures are :func:`crmkit.indicators.service.service_by` on ``channel``
    (median first response and resolution hours, SLA attainment, FCR,
    ticket CSAT).  ``cost_per_contact`` = Σ ``tickets.cost`` / tickets of the
    channel when ticket costs are recorded; otherwise Σ ``costs.amount`` of
    category ``service`` booked to the channel in the window / contacts.
    """
    vol = contact_volume(tickets, interactions, start, end)
    cols = ["channel", "first_response_median_h", "resolution_median_h", "sla_attainment", "fcr_rate",
            "satisfaction_mean", "csat", "rated"]
    if tickets is not None and len(tickets):
        svc = service.service_by(tickets, start, end, "channel", sla_hours=sla_hours, scale_max=scale_max)[cols]
    else:
        svc = pd.DataFrame(columns=cols)
    out = vol.merge(svc, on="channel", how="left")
    out["cost"] = np.nan
    t = None
    if tickets is not None and len(tickets) and "cost" in tickets:
        t = rows_between(tickets, "opened_at", start, end)
        if t["cost"].notna().any():
            by = t.assign(channel=_label(t["channel"])).groupby("channel")["cost"].sum()
            out["cost"] = out["channel"].map(by)
            out["cost_per_contact"] = out["cost"] / out["tickets"].where(out["tickets"] > 0)
            return out
    if costs is not None and len(costs) and "channel" in costs:
        c = rows_between(costs, "period_start", start, end)
        c = c[(c["category"] == "service") & c["channel"].notna()]
        by = c.groupby(c["channel"].astype("str"))["amount"].sum()
        out["cost"] = out["channel"].map(by)
    out["cost_per_contact"] = out["cost"] / out["contacts"].where(out["contacts"] > 0)
    return out


def mix_trend(tickets: pd.DataFrame | None, interactions: pd.DataFrame | None, start, end) -> pd.DataFrame:
    """Monthly channel mix: contacts and share of the month's contacts per channel.

    Returns
    -------
    DataFrame
        ``month, channel, contacts, share`` (tidy; shares of a month sum to 1).
    """
    c = _contacts(tickets, interactions, start, end)
    c["month"] = c["occurred_at"].dt.to_period("M").dt.to_timestamp()
    g = c.groupby(["month", "channel"]).size().rename("contacts").reset_index()
    g["share"] = g["contacts"] / g.groupby("month")["contacts"].transform("sum")
    return g


def channel_by_segment(
    tickets: pd.DataFrame | None,
    interactions: pd.DataFrame | None,
    segments: pd.Series,
    start,
    end,
) -> pd.DataFrame:
    """Which channel serves which customer segment: share of each segment's contacts per channel.

    Parameters
    ----------
    segments : Series
        Segment label indexed by ``customer_id`` (e.g. customer type, value
        tier or RFM segment).  Contacts without a known customer are left out.

    Returns
    -------
    DataFrame
        ``segment, channel, contacts, share`` where share is within the segment.
    """
    c = _contacts(tickets, interactions, start, end)
    seg = pd.Series(segments)
    seg.index = seg.index.astype("str")
    c = c[c["customer_id"].notna()]
    c = c.assign(segment=c["customer_id"].astype("str").map(seg))
    c = c[c["segment"].notna()]
    g = c.groupby(["segment", "channel"]).size().rename("contacts").reset_index()
    g["share"] = g["contacts"] / g.groupby("segment")["contacts"].transform("sum")
    return g


def order_channel_mix(orders: pd.DataFrame, start, end) -> pd.DataFrame:
    """Sales channels: orders, revenue and revenue share per ``orders.channel`` in the window."""
    o = with_columns(rows_between(orders, "order_date", start, end), {"channel": "str", "is_return": "boolean"})
    o = o.assign(channel=_label(o["channel"]))
    ret = o["is_return"].astype("boolean").fillna(False).astype(bool)
    g = o.groupby("channel").agg(revenue=("amount", "sum"), customers=("customer_id", "nunique"))
    g["orders"] = o[~ret].groupby("channel").size().reindex(g.index).fillna(0).astype("int64")
    total = g["revenue"].sum()
    g["revenue_share"] = g["revenue"] / total if total else np.nan
    return g.reset_index()[["channel", "orders", "customers", "revenue", "revenue_share"]].sort_values(
        "revenue", ascending=False).reset_index(drop=True)


# -- figures of the channel report -------------------------------------------------------------------


def overall_cost_per_contact(table: pd.DataFrame, tickets: pd.DataFrame | None) -> tuple[float, float]:
    """Cost per contact over all channels of :func:`channel_table`, and the contacts it is spread over.

    Formula: Σ cost / Σ tickets (when ``tickets.cost`` is recorded) or
    Σ contacts over the channels that have a cost; NaN when no cost is known.

    Examples
    --------
    >>> t = pd.DataFrame({"channel": ["a", "b", "c"], "cost": [100.0, 50.0, None], "contacts": [10, 5, 7], "tickets": [8, 5, 7]})
    >>> overall_cost_per_contact(t, None)
    (10.0, 15)
    """
    total = table["cost"].sum(min_count=1)
    per_ticket = tickets is not None and "cost" in tickets and bool(tickets["cost"].notna().any())
    denom = table.loc[table["cost"].notna(), "tickets" if per_ticket else "contacts"].sum()
    cpc = float(total / denom) if denom and total == total else float("nan")
    return cpc, denom


def channel_extremes(table: pd.DataFrame) -> dict:
    """Lowest and highest channel of :func:`channel_table` by resolution time, CSAT and cost per contact.

    Keys ``resolution`` (``resolution_median_h``), ``csat`` and ``cost``
    (``cost_per_contact``), each ``(lowest row, highest row)`` as dicts, or
    ``None`` when no channel has the figure; ties keep table order.
    """
    out = {}
    for key, column in (("resolution", "resolution_median_h"), ("csat", "csat"), ("cost", "cost_per_contact")):
        ranked = table.dropna(subset=[column]).sort_values(column, kind="stable")
        out[key] = (ranked.iloc[0].to_dict(), ranked.iloc[-1].to_dict()) if len(ranked) else None
    return out


def csat_spread(table: pd.DataFrame) -> tuple[float, int]:
    """CSAT of the most satisfied minus the least satisfied channel, and the ratings behind it.

    NaN with fewer than two rated channels.

    Examples
    --------
    >>> csat_spread(pd.DataFrame({"csat": [0.9, 0.6, None], "rated": [40, 10, 0]}))
    (0.30000000000000004, 50)
    """
    sat = table.dropna(subset=["csat"])
    spread = float(sat["csat"].max() - sat["csat"].min()) if len(sat) > 1 else float("nan")
    return spread, int(sat["rated"].sum()) if len(sat) else 0


def mix_shares(mix: pd.DataFrame) -> pd.DataFrame:
    """:func:`mix_trend` as a month × channel table of shares, channels by mean share (largest first)."""
    wide = mix.pivot_table(index="month", columns="channel", values="share", fill_value=0.0)
    return wide[wide.mean().sort_values(ascending=False).index]


def main_channel_shift(wide: pd.DataFrame) -> dict:
    """Share of the main channel (first column of :func:`mix_shares`) in the first and the last month.

    Keys: ``channel, first_month, last_month, first, last, change`` (last − first).
    """
    main = wide.columns[0]
    first, last = wide.index[0], wide.index[-1]
    a, b = float(wide.loc[first, main]), float(wide.loc[last, main])
    return {"channel": main, "first_month": first, "last_month": last, "first": a, "last": b, "change": b - a}


def segment_channel_grids(tickets: pd.DataFrame, orders, customers: pd.DataFrame, start, end, *,
                          margin_rate: float | None = None, tier_names: dict | None = None) -> dict[str, pd.DataFrame]:
    """Share of each segment's service contacts per channel, for value tiers and customer types.

    Value tiers are :func:`crmkit.indicators.value.value_tiers` of the
    customers' historical CLV at *end* (shown as ``tier_names[tier]`` when
    given); customer types come from ``customers.customer_type`` (left out
    when none is recorded).  Each grid is :func:`channel_by_segment` as a
    segment × channel table of shares (segments and channels sorted).
    """
    from crmkit.indicators import value

    summary = value.customer_summary(orders, end, margin_rate=margin_rate)
    tiers = (pd.Series(value.value_tiers(summary["clv"]).to_numpy(), index=summary["customer_id"]) if len(summary)
             else pd.Series(dtype="str"))
    segments = {"value_tier": tiers.map(tier_names) if tier_names else tiers}
    if customers["customer_type"].notna().any():
        segments["customer_type"] = customers.set_index("customer_id")["customer_type"].dropna()
    grids = {}
    for key, seg in segments.items():
        cross = channel_by_segment(tickets, None, seg, start, end)
        grids[key] = (cross.pivot_table(index="segment", columns="channel", values="share", fill_value=0.0)
                      if len(cross) else pd.DataFrame())
    return grids


def preferred_channels(grid: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Per segment of a :func:`segment_channel_grids` grid: its most used channel and that channel's share."""
    return [(seg, ch, float(grid.loc[seg, ch])) for seg, ch in grid.idxmax(axis=1).items()]


def recent_mix(tickets: pd.DataFrame | None, interactions: pd.DataFrame | None, end, *, months: int = 12) -> pd.DataFrame:
    """:func:`mix_trend` over the *months* calendar months ending on *end* (inclusive)."""
    end = pd.Timestamp(end)
    return mix_trend(tickets, interactions, end - pd.DateOffset(months=months) + pd.Timedelta(days=1), end)
