"""Service quality indicators on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from crmkit import service

S, E = "2025-01-01", "2025-01-31"


def _tickets():
    ts = pd.to_datetime
    return pd.DataFrame({
        "ticket_id": [f"t{i}" for i in range(1, 8)],
        "opened_at": ts(["2025-01-02 08:00", "2025-01-05 09:00", "2025-01-10 10:00", "2025-01-20 12:00",
                         "2025-01-31 20:00", "2024-12-30 08:00", "2025-01-15 00:00"]),
        "channel": ["phone", "phone", "chat", "chat", "email", "phone", "chat"],
        "category": ["billing", "delivery", "delivery", "billing", "billing", "billing", None],
        "is_complaint": pd.array([True, False, True, False, True, True, None], dtype="boolean"),
        "first_response_at": ts(["2025-01-02 09:00", "2025-01-05 11:00", "2025-01-10 14:00", None,
                                 None, "2024-12-30 09:00", "2025-01-15 08:00"]),
        # t1 resolved in 4 h; t2 in 30 h; t3 in 12 h; t4 still open (11.5 days old at the end: breach);
        # t5 open but only 4 h old at the end (undecided); t7 resolved after the window end (52 days)
        "resolved_at": ts(["2025-01-02 12:00", "2025-01-06 15:00", "2025-01-10 22:00", None, None,
                           "2025-01-03 08:00", "2025-03-08 00:00"]),
        "first_contact_resolution": pd.array([True, False, True, None, False, True, False], dtype="boolean"),
        "reopened": pd.array([False, True, False, None, None, False, False], dtype="boolean"),
        "satisfaction": [5.0, 2.0, 4.0, None, None, 5.0, 3.0],
        "cost": [10.0, 20.0, 5.0, 5.0, 8.0, 1.0, 2.0],
    })


def test_ticket_frame_times_and_open_flags():
    t = service.ticket_frame(_tickets(), S, E, sla_hours=24).set_index("ticket_id")
    assert "t6" not in t.index  # opened before the window
    assert t.loc["t1", "first_response_hours"] == 1.0 and t.loc["t2", "resolution_hours"] == 30.0
    assert math.isnan(t.loc["t4", "resolution_hours"])
    assert t["open_at_end"].tolist() == [False, False, False, True, True, True]  # t7 resolved after the window
    assert t["sla_met"].tolist() == [True, False, True, False, pd.NA, False]


def test_sla_attainment_with_open_tickets():
    # decided: t1 met, t2 missed, t3 met, t4 open and past 24 h (missed), t7 missed; t5 undecided
    e = service.sla_attainment(_tickets(), S, E, 24)
    assert e.n == 5 and e.value == pytest.approx(2 / 5)
    assert 0 <= e.ci_low < e.value < e.ci_high <= 1
    # a 48 h target: t2 now met; t4 still a breach (open 11.5 days); t5 undecided
    assert service.sla_attainment(_tickets(), S, E, 48).value == pytest.approx(3 / 5)
    # on first response: t1 1 h, t2 2 h, t3 4 h, t7 8 h met; t4 open 11.5 days: breach; t5 4 h old: undecided
    fr = service.sla_attainment(_tickets(), S, E, 24, on="first_response")
    assert fr.n == 5 and fr.value == pytest.approx(4 / 5)
    with pytest.raises(ValueError):
        service.sla_attainment(_tickets(), S, E, 24, on="closing")


def test_response_and_resolution_quantiles():
    fr = service.first_response_time(_tickets(), S, E)
    assert fr.value == pytest.approx(3.0) and fr.n == 4  # median of 1, 2, 4, 8
    p90 = service.first_response_time(_tickets(), S, E, q=0.9)
    assert p90.value == pytest.approx(pd.Series([1.0, 2, 4, 8]).quantile(0.9))
    res = service.resolution_time(_tickets(), S, E)
    assert res.n == 4 and res.value == pytest.approx((12 + 30) / 2)  # 4, 12, 30, 1248 hours
    comp = service.resolution_time(_tickets(), S, E, complaints_only=True)
    assert comp.n == 2 and comp.value == pytest.approx(8.0)  # complaints t1 (4 h) and t3 (12 h)


def test_quantile_interval_from_order_statistics():
    e = service.quantile_estimate(range(1, 101), 0.5)
    # j, k = ceil(50 ∓ 1.96·5) = 41, 60
    assert (e.value, e.ci_low, e.ci_high) == (50.5, 41.0, 60.0)
    small = service.quantile_estimate([3.0], 0.9)
    assert small.value == 3.0 and small.ci_low == 3.0 and small.ci_high == 3.0 and small.flagged
    assert math.isnan(service.quantile_estimate([], 0.5).value)


def test_fcr_reopen_backlog():
    fcr = service.fcr_rate(_tickets(), S, E)
    assert fcr.n == 5 and fcr.value == pytest.approx(2 / 5)  # t4 unknown
    reo = service.reopen_rate(_tickets(), S, E)
    assert reo.n == 4 and reo.value == pytest.approx(1 / 4)  # resolved with flag: t1, t2, t3, t7
    # open at the end of January: t4, t5, t7 (resolved in March); t6 resolved in time
    assert service.backlog(_tickets(), E) == 3
    assert service.backlog(_tickets(), "2025-01-03") == 0  # t6 resolved on 2025-01-03
    assert service.backlog(_tickets(), "2025-01-02") == 1  # t6 open at the end of Jan 2
    assert service.backlog(_tickets(), E, since="2025-01-21") == 1


def test_complaint_rates_and_handling():
    # complaints opened in the window: t1, t3, t5 (t7 unknown is not a complaint)
    per_cust = service.complaint_rate(_tickets(), S, E, 1500)
    assert per_cust.value == pytest.approx(2.0) and per_cust.n == 1500
    assert per_cust.ci_low < 2.0 < per_cust.ci_high
    per_order = service.complaint_rate(_tickets(), S, E, 6000)
    assert per_order.value == pytest.approx(0.5)
    none = service.complaint_rate(_tickets(), S, E, 0)
    assert math.isnan(none.value)
    cs = service.complaint_summary(_tickets(), S, E)
    assert cs["complaints"] == 3
    assert cs["handling_hours"].value == pytest.approx(8.0)
    assert cs["resolution_rate"].value == pytest.approx(2 / 3)


def test_rate_per_1000_garwood_interval():
    e = service.rate_per_1000(0, 1000)
    assert e.value == 0 and e.ci_low == 0 and e.ci_high == pytest.approx(3.689, abs=1e-3)  # −ln(0.025)
    e = service.rate_per_1000(12, 4000)
    assert (round(e.ci_low, 2), round(e.ci_high, 2)) == (1.55, 5.24)


def test_ticket_csat_top_two_boxes():
    # ratings in the window: 5, 2, 4, 3 → 2 of 4 in the top two boxes
    e = service.ticket_csat(_tickets(), S, E)
    assert e.n == 4 and e.value == pytest.approx(0.5)
    assert service.ticket_csat(_tickets(), S, E, scale_max=10).value == pytest.approx(0.0)


def test_service_by_channel_and_category():
    by = service.service_by(_tickets(), S, E, "channel", sla_hours=24).set_index("channel")
    assert by.loc["phone", "tickets"] == 2 and by.loc["chat", "tickets"] == 3 and by.loc["email", "tickets"] == 1
    assert by.loc["phone", "sla_attainment"] == pytest.approx(0.5)
    assert by.loc["chat", "sla_attainment"] == pytest.approx(1 / 3)
    assert math.isnan(by.loc["email", "sla_attainment"])  # only an undecided ticket
    assert by.loc["phone", "first_response_median_h"] == pytest.approx(1.5)
    assert by.loc["chat", "complaints"] == 1
    assert by.loc["phone", "csat"] == pytest.approx(0.5)
    cat = service.service_by(_tickets(), S, E, "category").set_index("category")
    assert set(cat.index) == {"billing", "delivery", "unknown"}
    assert cat["tickets"].sum() == 6
    both = service.service_by(_tickets(), S, E, ["channel", "category"])
    assert both["tickets"].sum() == 6 and {"channel", "category"} <= set(both.columns)
    one = service.service_summary(_tickets(), S, E, sla_hours=24).iloc[0]
    assert one["tickets"] == 6 and one["sla_attainment"] == pytest.approx(2 / 5)


def test_monthly_trend():
    m = service.monthly_trend(_tickets(), "2024-12-01", E)
    assert m["month"].tolist() == [pd.Timestamp("2024-12-01"), pd.Timestamp("2025-01-01")]
    assert m["tickets"].tolist() == [1, 6]
    assert m.loc[0, "first_response_median_h"] == pytest.approx(1.0)


def test_complaint_reasons():
    t = _tickets().assign(complaint_reason=["late", None, "late", None, "rude", "late", None])
    r = service.complaint_reasons(t, S, E).set_index("reason")
    assert r["complaints"].to_dict() == {"late": 2, "rude": 1}
    assert r.loc["late", "share"] == pytest.approx(2 / 3)


# -- figures of the service report ---------------------------------------------------------------------


def test_late_share_and_median_by_by_hand():
    f = pd.DataFrame({"channel": ["a", "a", "b", "b"], "resolution_hours": [1.0, 30.0, 5.0, None]})
    assert service.late_share(f, 24) == pytest.approx(1 / 3)
    assert math.isnan(service.late_share(f.iloc[3:], 24))
    assert service.median_by(f, "channel").to_dict() == {"b": 5.0, "a": 15.5}


def test_headline_matches_the_single_figures():
    t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "channel": ["phone"] * 3,
                      "opened_at": pd.to_datetime(["2025-01-01 08:00", "2025-01-02 08:00", "2025-01-31 20:00"]),
                      "first_response_at": pd.to_datetime(["2025-01-01 09:00", "2025-01-02 10:00", None]),
                      "resolved_at": pd.to_datetime(["2025-01-01 12:00", None, None])})
    h = service.headline(t, "2025-01-01", "2025-01-31", sla_hours=24)
    assert h["tickets"] == 3 and h["backlog"] == 2 and h["undecided"] == 1
    assert h["sla"].value == 0.5 and h["first_response_median"].value == 1.5 and h["resolution_median"].value == 4.0


def test_complaint_overview_rates_use_ordering_customers_and_orders():
    t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "channel": ["web"] * 3,
                      "opened_at": pd.to_datetime(["2025-01-05"] * 3), "is_complaint": [True, True, False],
                      "complaint_reason": ["late", None, None],
                      "resolved_at": pd.to_datetime(["2025-01-06", None, "2025-01-06"])})
    orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "customer_id": ["c1", "c1", "c2", "c2"],
                           "order_date": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"]),
                           "amount": [10.0, 20.0, 30.0, 40.0]})
    c = service.complaint_overview(t, orders, "2025-01-01", "2025-01-31")
    assert c["complaints"] == 2
    assert c["per_1000_customers"].value == 1000.0 and c["per_1000_orders"].value == 500.0
    assert c["resolution_rate"].value == 0.5
    assert c["reasons"].set_index("reason")["complaints"].to_dict() == {"late": 1, "unknown": 1}


def test_recent_trend_covers_the_last_months_only():
    t = pd.DataFrame({"ticket_id": ["1", "2", "3"], "channel": ["web"] * 3,
                      "opened_at": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-12-31"])})
    trend = service.recent_trend(t, "2025-12-31", months=12)
    assert trend["month"].dt.strftime("%Y-%m").tolist() == ["2025-01", "2025-12"]
