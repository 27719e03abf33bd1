"""Channel indicators on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmkit import channels

S, E = "2025-10-01", "2025-11-30"
ts = pd.to_datetime


def _tickets():
    return pd.DataFrame({
        "ticket_id": ["t1", "t2", "t3", "t4", "t5"],
        "opened_at": ts(["2025-10-02 08:00", "2025-10-05 08:00", "2025-11-03 08:00", "2025-11-04 08:00", "2025-09-01 00:00"]),
        "channel": ["phone", "phone", "chat", "phone", "chat"],
        "customer_id": ["a", "b", "a", None, "a"],
        "first_response_at": ts(["2025-10-02 09:00", "2025-10-05 11:00", "2025-11-03 08:30", None, None]),
        "resolved_at": ts(["2025-10-02 10:00", "2025-10-06 08:00", "2025-11-03 09:00", None, None]),
        "first_contact_resolution": pd.array([True, False, True, None, None], dtype="boolean"),
        "satisfaction": [5.0, 3.0, 4.0, None, None],
        "cost": [12.0, 18.0, 4.0, 6.0, 100.0],
    })


def _interactions():
    return pd.DataFrame({
        "interaction_id": ["i1", "i2", "i3", "i4"],
        "occurred_at": ts(["2025-10-03", "2025-11-03", "2025-11-04", "2025-11-05"]),
        "channel": ["app", "app", "email", "chat"],
        "customer_id": ["b", "b", "a", "a"],
        "direction": ["inbound", "inbound", "outbound", "inbound"],
        "type": ["app_login", "app_login", "email_sent", "reply"],
    })


def test_contact_volume_and_share():
    v = channels.contact_volume(_tickets(), None, S, E).set_index("channel")
    assert v["contacts"].to_dict() == {"phone": 3, "chat": 1}
    assert v.loc["phone", "share"] == pytest.approx(0.75)
    both = channels.contact_volume(_tickets(), _interactions(), S, E).set_index("channel")
    assert both["contacts"].to_dict() == {"phone": 3, "app": 2, "chat": 2}  # outbound email not a contact
    assert both.loc["chat", "tickets"] == 1 and both.loc["chat", "inbound_interactions"] == 1
    assert both["share"].sum() == pytest.approx(1.0)


def test_channel_table_service_measures_and_cost_per_contact():
    t = channels.channel_table(_tickets(), None, S, E, sla_hours=24).set_index("channel")
    assert t.loc["phone", "first_response_median_h"] == pytest.approx(2.0)  # 1 h and 3 h
    assert t.loc["phone", "resolution_median_h"] == pytest.approx((2 + 24) / 2)
    assert t.loc["phone", "fcr_rate"] == pytest.approx(0.5)
    assert t.loc["phone", "sla_attainment"] == pytest.approx(2 / 3)  # t1 2 h, t2 exactly 24 h: met; t4 open: breach
    assert t.loc["phone", "cost_per_contact"] == pytest.approx((12 + 18 + 6) / 3)
    assert t.loc["chat", "cost_per_contact"] == pytest.approx(4.0)
    assert t.loc["chat", "csat"] == pytest.approx(1.0)


def test_cost_per_contact_from_costs_table_when_tickets_have_no_cost():
    tk = _tickets().drop(columns="cost")
    costs = pd.DataFrame({"period_start": ts(["2025-10-01", "2025-11-01", "2025-11-01"]),
                          "category": ["service", "service", "marketing"], "amount": [300.0, 300.0, 999.0],
                          "channel": ["phone", "phone", "chat"]})
    t = channels.channel_table(tk, None, S, E, costs=costs).set_index("channel")
    assert t.loc["phone", "cost_per_contact"] == pytest.approx(200.0)
    assert math.isnan(t.loc["chat", "cost_per_contact"])


def test_mix_trend_shares_sum_to_one_per_month():
    m = channels.mix_trend(_tickets(), _interactions(), S, E)
    assert m.groupby("month")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    oct_ = m[m["month"] == pd.Timestamp("2025-10-01")].set_index("channel")
    assert oct_["contacts"].to_dict() == {"app": 1, "phone": 2}
    assert oct_.loc["phone", "share"] == pytest.approx(2 / 3)


def test_channel_by_segment():
    seg = pd.Series({"a": "enterprise", "b": "individual"})
    g = channels.channel_by_segment(_tickets(), _interactions(), seg, S, E).set_index(["segment", "channel"])
    # a: phone t1, chat t3, chat reply i4 → chat 2/3; b: phone t2, app i1, i2 → app 2/3
    assert g.loc[("enterprise", "chat"), "share"] == pytest.approx(2 / 3)
    assert g.loc[("individual", "app"), "contacts"] == 2
    assert g["contacts"].sum() == 6  # t4 has no customer


def test_order_channel_mix():
    o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "order_date": ts(["2025-10-02"] * 4),
                      "amount": [100.0, -20.0, 50.0, 50.0], "channel": ["online", "online", "store", None],
                      "is_return": pd.array([False, True, False, False], dtype="boolean")})
    m = channels.order_channel_mix(o, S, E).set_index("channel")
    assert m.loc["online", "orders"] == 1 and m.loc["online", "revenue"] == 80.0
    assert m.loc["online", "revenue_share"] == pytest.approx(80 / 180)
    assert m.loc["unknown", "customers"] == 1


# -- figures of the channel report ---------------------------------------------------------------------


def test_report_figures_by_hand():
    t = pd.DataFrame({"channel": ["a", "b", "c"], "cost": [100.0, 50.0, None], "contacts": [10, 5, 7], "tickets": [8, 5, 7],
                      "resolution_median_h": [3.0, 1.0, None], "csat": [0.9, 0.6, 0.75], "rated": [40, 10, 5],
                      "cost_per_contact": [10.0, 10.0, None]})
    assert channels.overall_cost_per_contact(t, None) == (10.0, 15)
    tickets = pd.DataFrame({"cost": [1.0, None]})
    assert channels.overall_cost_per_contact(t, tickets) == (150 / 13, 13)
    ext = channels.channel_extremes(t)
    assert (ext["resolution"][0]["channel"], ext["resolution"][1]["channel"]) == ("b", "a")
    assert (ext["csat"][0]["channel"], ext["csat"][1]["channel"]) == ("b", "a")
    assert (ext["cost"][0]["channel"], ext["cost"][1]["channel"]) == ("a", "b")  # ties keep table order
    spread, rated = channels.csat_spread(t)
    assert spread == pytest.approx(0.3) and rated == 55
    assert math.isnan(channels.csat_spread(t.iloc[:1])[0])


def test_mix_shares_and_main_channel_shift():
    mix = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01"]),
                        "channel": ["chat", "phone", "phone"], "share": [0.25, 0.75, 1.0]})
    wide = channels.mix_shares(mix)
    assert list(wide.columns) == ["phone", "chat"] and wide.loc["2025-02-01", "chat"] == 0.0
    shift = channels.main_channel_shift(wide)
    assert shift["channel"] == "phone" and shift["change"] == pytest.approx(0.25)


def test_preferred_channels():
    grid = pd.DataFrame({"app": [0.5, 0.2], "phone": [0.5, 0.8]}, index=["High", "Low"])
    assert channels.preferred_channels(grid) == [("High", "app", 0.5), ("Low", "phone", 0.8)]
