"""Marketing effect indicators on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmkit import marketing
from crmkit.errors import DataError

S, E = "2025-10-01", "2025-12-31"
ts = pd.to_datetime


def _campaigns():
    return pd.DataFrame({
        "campaign_id": ["k1", "k2", "k0", "free"],
        "cost": [100.0, 50.0, 10.0, 0.0],
        "name": ["Double 11", "Member day", "Old", "Organic post"],
        "channel": ["email", "sms", "email", "social"],
        "start_date": ts(["2025-11-01", "2025-12-01", "2025-06-01", "2025-10-10"]),
        "end_date": ts(["2025-11-11", "2025-12-07", "2025-06-07", "2025-10-12"]),
        "target_count": [10, 4, 5, None],
    })


def _interactions():
    rows = [
        # k1 touches a, b, c, d; a opens and clicks; b only opens; e is touched by k2
        ("i1", "2025-11-01 09:00", "email", "a", "outbound", "email_sent", "k1", False),
        ("i2", "2025-11-01 09:00", "email", "b", "outbound", "email_sent", "k1", False),
        ("i3", "2025-11-01 09:00", "email", "c", "outbound", "email_sent", "k1", False),
        ("i4", "2025-11-01 09:00", "email", "d", "outbound", "email_sent", "k1", False),
        ("i5", "2025-11-01 10:00", "email", "a", "inbound", "email_open", "k1", False),
        ("i6", "2025-11-01 10:05", "web", "a", "inbound", "click", "k1", True),
        ("i7", "2025-11-02 10:00", "email", "b", "inbound", "email_open", "k1", False),
        ("i8", "2025-12-01 09:00", "sms", "e", "outbound", "sms_sent", "k2", False),
        ("i9", "2025-12-01 09:00", "sms", "c", "outbound", "sms_sent", "k2", False),
        ("i10", "2025-11-05 09:00", "web", "c", "inbound", "visit", None, False),
    ]
    df = pd.DataFrame(rows, columns=["interaction_id", "occurred_at", "channel", "customer_id", "direction", "type",
                                     "campaign_id", "converted"])
    df["occurred_at"] = ts(df["occurred_at"])
    df["converted"] = df["converted"].astype("boolean")
    return df


def _orders():
    rows = [
        ("o1", "a", "2025-11-01 10:10", 200.0, "k1", False, 60.0),   # carries k1
        ("o2", "c", "2025-11-05 12:00", 100.0, None, False, None),   # 4 days after k1 touch: window
        ("o3", "d", "2025-11-20 12:00", 80.0, None, False, 20.0),    # 19 days after: not attributed
        ("o4", "c", "2025-12-03 12:00", 40.0, None, False, 12.0),    # after touches of k1 (32 d) and k2 (2 d): k2
        ("o5", "e", "2025-12-05 12:00", 30.0, "k2", False, 9.0),     # carries k2
        ("o6", "a", "2025-11-03 12:00", -50.0, "k1", True, -15.0),   # return of a k1 order
        ("o7", "z", "2025-11-02 12:00", 70.0, None, False, 21.0),    # never touched
    ]
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "campaign_id", "is_return", "gross_margin"])
    df["order_date"] = ts(df["order_date"])
    df["is_return"] = df["is_return"].astype("boolean")
    return df


def test_roi_and_roas_refuse_zero_cost():
    assert marketing.roi(1500.0, 1000.0) == pytest.approx(0.5)
    assert marketing.roas(4000.0, 1000.0) == pytest.approx(4.0)
    with pytest.raises(DataError, match="undefined"):
        marketing.roi(100.0, 0.0)
    with pytest.raises(DataError, match="undefined"):
        marketing.roas(100.0, 0.0)
    with pytest.raises(DataError):
        marketing.roi(100.0, float("nan"))


def test_attribution_direct_window_and_last_touch():
    att = marketing.attributed_orders(_orders(), _interactions(), E, attribution_window_days=7, margin_rate=0.3)
    got = dict(zip(att["order_id"], zip(att["campaign_id"], att["attribution"])))
    assert got == {
        "o1": ("k1", "campaign_id"), "o6": ("k1", "campaign_id"), "o5": ("k2", "campaign_id"),
        "o2": ("k1", "window"), "o4": ("k2", "window"),
    }
    assert att.set_index("order_id").loc["o2", "margin"] == pytest.approx(30.0)  # 100 × 0.3
    none = marketing.attributed_orders(_orders(), _interactions(), E, attribution_window_days=0, margin_rate=0.3)
    assert set(none["order_id"]) == {"o1", "o5", "o6"}
    wide = marketing.attributed_orders(_orders(), _interactions(), E, attribution_window_days=30, margin_rate=0.3)
    assert wide.set_index("order_id").loc["o3", "campaign_id"] == "k1"
    assert wide["order_id"].is_unique


def test_campaign_performance_hand_computed():
    p = marketing.campaign_performance(_campaigns(), _orders(), _interactions(), S, E,
                                       attribution_window_days=7, margin_rate=0.3).set_index("campaign_id")
    assert list(p.index) == ["free", "k1", "k2"]  # k0 starts before the window
    k1 = p.loc["k1"]
    assert k1["reached"] == 4 and k1["targeted"] == 10
    # responders a, b (inbound); converters a (click converted + order) and c (window order)
    assert k1["converted"] == 2 and k1["responded"] == 3
    assert k1["response_rate"] == pytest.approx(0.3) and k1["conversion_rate"] == pytest.approx(0.2)
    assert k1["attributed_orders"] == 3
    assert k1["attributed_revenue"] == pytest.approx(200 - 50 + 100)
    assert k1["direct_revenue"] == pytest.approx(150.0)
    margin = 60 - 15 + 30
    assert k1["attributed_margin"] == pytest.approx(margin)
    assert k1["roi"] == pytest.approx((margin - 100) / 100)
    assert k1["roas"] == pytest.approx(2.5)
    assert k1["cpa"] == pytest.approx(50.0)
    k2 = p.loc["k2"]
    assert k2["reached"] == 2 and k2["targeted"] == 4 and k2["converted"] == 2
    assert k2["attributed_revenue"] == pytest.approx(70.0) and k2["roi"] == pytest.approx((21 - 50) / 50)
    free = p.loc["free"]
    assert free["targeted"] == 0 and math.isnan(free["response_rate"])
    assert math.isnan(free["roi"]) and math.isnan(free["roas"]) and not np.isinf(p["roi"]).any()
    assert free["note"] == marketing.ZERO_COST_NOTE and k1["note"] == ""
    assert (p["response_rate"].dropna() <= 1).all()


def test_campaign_performance_without_interactions_uses_orders():
    p = marketing.campaign_performance(_campaigns(), _orders(), None, S, E, margin_rate=0.3).set_index("campaign_id")
    assert p.loc["k1", "reached"] == 0 and p.loc["k1", "targeted"] == 10
    assert p.loc["k1", "converted"] == 1 and p.loc["k1", "responded"] == 1
    assert p.loc["k1", "attributed_revenue"] == pytest.approx(150.0)


def test_totals_funnel_and_channels():
    p = marketing.campaign_performance(_campaigns(), _orders(), _interactions(), S, E, margin_rate=0.3)
    tot = marketing.totals(p)
    assert tot["cost"] == 150.0 and tot["campaigns"] == 3
    assert tot["attributed_revenue"] == pytest.approx(320.0)
    assert tot["campaign_roi"] == pytest.approx((75 + 21 - 150) / 150)
    assert tot["roas"] == pytest.approx(320 / 150)
    assert tot["conversion_rate"].value == pytest.approx(4 / 14) and tot["conversion_rate"].n == 14
    assert tot["cpa"] == pytest.approx(150 / 4)
    free_only = marketing.totals(p[p["campaign_id"] == "free"])
    assert math.isnan(free_only["campaign_roi"]) and free_only["note"]
    f = marketing.funnel(p)
    assert f["stage"].tolist() == ["targeted", "reached", "responded", "converted"]
    assert f["customers"].tolist() == [14, 6, 5, 4]
    assert (np.diff(f["customers"]) <= 0).all()
    assert f["share_of_previous"].iloc[2] == pytest.approx(5 / 6)
    ch = marketing.channel_performance(p).set_index("channel")
    assert ch.loc["email", "campaigns"] == 1 and ch.loc["email", "roas"] == pytest.approx(2.5)
    assert math.isnan(ch.loc["social", "roi"])


def test_campaign_performance_without_campaigns_is_an_empty_table():
    p = marketing.campaign_performance(_campaigns().iloc[0:0], _orders(), None, S, E, margin_rate=0.3)
    assert len(p) == 0
    assert {"roi", "roas", "attributed_margin", "conversion_rate"} <= set(p.columns)


# -- figures of the marketing report -------------------------------------------------------------------


def test_direct_share_weakest_step_and_rankings_by_hand():
    assert marketing.direct_share({"direct_revenue": 30.0, "attributed_revenue": 120.0}) == 0.25
    assert math.isnan(marketing.direct_share({"direct_revenue": 0.0, "attributed_revenue": 0.0}))
    fun = pd.DataFrame({"stage": ["targeted", "reached", "responded", "converted"], "customers": [100, 80, 20, 10],
                        "share_of_previous": [1.0, 0.8, 0.25, 0.5]})
    assert marketing.weakest_step(fun) == {"stage": "responded", "share_of_previous": 0.25}
    assert marketing.weakest_step(fun.assign(share_of_previous=float("nan"))) is None
    perf = pd.DataFrame({"campaign_name": ["A", "B", "C", "D"], "channel": ["sms", "email", "sms", "web"],
                         "roi": [0.5, -0.2, float("nan"), -0.1]})
    r = marketing.roi_ranking(perf)
    assert (r["with_roi"], r["without_cost"], r["losing"]) == (3, 1, 2)
    assert r["best"]["campaign_name"] == "A" and r["worst"] == {"campaign_name": "B", "channel": "email", "roi": -0.2}
    chan = pd.DataFrame({"channel": ["sms", "email", "web"], "roas": [1.0, float("nan"), 3.0]})
    assert marketing.roas_ranking(chan)["channel"].tolist() == ["web", "sms"]
