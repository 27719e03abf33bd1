"""Service team performance: agent KPIs by hand, pseudonyms, spread, outliers, targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit import team


def _tickets() -> pd.DataFrame:
    # Agent A1: 4 tickets, A2: 2 tickets, one ticket without an agent, one outside the window.
    return pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(8)],
        "opened_at": pd.to_datetime(["2025-10-01 09:00", "2025-10-02 00:00", "2025-10-03", "2025-10-04",
                                     "2025-10-05", "2025-10-06", "2025-10-07", "2025-09-30"], format="ISO8601"),
        "channel": ["phone"] * 8,
        "agent_id": ["A1", "A1", "A1", "A1", "A2", "A2", None, "A2"],
        "resolved_at": pd.to_datetime(["2025-10-01 10:00", "2025-10-03 00:00", None, "2025-10-05",
                                       "2025-10-06", "2025-10-07", "2025-10-08", "2025-10-01"], format="ISO8601"),
        "first_contact_resolution": pd.array([True, False, None, True, True, True, True, True], dtype="boolean"),
        "reopened": pd.array([False, True, None, False, False, False, False, False], dtype="boolean"),
        "satisfaction": [5.0, 2.0, np.nan, 4.0, 3.0, np.nan, 5.0, 5.0],
        "handling_minutes": [10.0, 20.0, 30.0, 40.0, 5.0, 15.0, 8.0, 8.0],
        "is_complaint": pd.array([False, True, False, False, True, False, False, False], dtype="boolean"),
    })


def test_agent_kpis_by_hand():
    k = team.agent_kpis(_tickets(), "2025-10-01", "2025-10-31", mask_pii=False, min_n=3).set_index("agent")
    a1, a2 = k.loc["A1"], k.loc["A2"]
    assert a1["tickets"] == 4 and a2["tickets"] == 2
    assert a1["workload_share"] == pytest.approx(4 / 6)
    assert a1["fcr_rate"] == pytest.approx(2 / 3) and a1["fcr_n"] == 3
    assert a1["median_handle_minutes"] == pytest.approx(25.0)
    assert a1["csat"] == pytest.approx(2 / 3) and a1["rated"] == 3
    assert a1["reopen_rate"] == pytest.approx(1 / 3) and a1["reopen_n"] == 3
    assert a1["complaints"] == 1 and not a1["small_n"]
    assert a2["fcr_rate"] == 1.0 and a2["csat"] == 0.0 and a2["rated"] == 1 and a2["small_n"]
    assert a2["median_handle_minutes"] == pytest.approx(10.0)


def test_pseudonyms_stable_and_not_raw():
    k1 = team.agent_kpis(_tickets(), "2025-10-01", "2025-10-31", salt="s3cret")
    shuffled = _tickets().sample(frac=1.0, random_state=4)
    k2 = team.agent_kpis(shuffled, "2025-10-01", "2025-10-31", salt="s3cret")
    assert set(k1["agent"]) == {"Agent 1", "Agent 2"}
    assert dict(zip(k1["tickets"], k1["agent"])) == dict(zip(k2["tickets"], k2["agent"]))
    assert not k1.astype(str).apply(lambda c: c.str.contains("A1|A2")).any().any()
    m1 = team.pseudonymise(["X9", "B2", "Q5"], salt="one")
    assert m1.equals(team.pseudonymise(["Q5", "X9", "B2", "Q5"], salt="one"))
    assert set(m1.index) == {"X9", "B2", "Q5"} and not set(m1) & set(m1.index)
    many = [f"ID{i}" for i in range(30)]
    assert any(team.pseudonymise(many, salt="one")[i] != team.pseudonymise(many, salt="two")[i] for i in many)
    assert team.pseudonymise(many, salt="one").str.fullmatch(r"Agent \d\d").all()


def test_workload_spread_by_hand():
    w = team.workload_spread([10, 20, 30, 40])
    mu, sd = 25.0, np.sqrt(((15**2) + (5**2) * 2 + 15**2) / 4)
    assert w["cv"] == pytest.approx(sd / mu)
    # Gini: 2*(1*10+2*20+3*30+4*40)/(4*100) - 5/4 = 0.25
    assert w["gini"] == pytest.approx(0.25)
    assert w["max_share"] == pytest.approx(0.4) and w["max_min_ratio"] == pytest.approx(4.0)
    assert team.workload_spread([5, 5, 5])["cv"] == 0.0


def test_robust_z_and_outliers():
    z = team.robust_z([10, 11, 12, 13, 40])
    # median 12, MAD = median(|-2,-1,0,1,28|) = 1
    assert z == pytest.approx(0.6745 * (np.array([10, 11, 12, 13, 40]) - 12) / 1)
    kpis = pd.DataFrame({"agent": list("ABCDE"), "tickets": [50, 52, 48, 51, 49],
                         "fcr_rate": [0.70, 0.72, 0.71, 0.69, 0.30], "fcr_n": [50, 52, 48, 51, 10]})
    out = team.agent_outliers(kpis, columns=["tickets", "fcr_rate"], min_n=30)
    assert out["agent"].tolist() == ["E"] and out.loc[0, "kpi"] == "fcr_rate"
    assert out.loc[0, "assessment"] == "worse" and out.loc[0, "n"] == 10 and out.loc[0, "small_n"]


def test_team_kpis_against_targets():
    tk = team.team_kpis(_tickets(), "2025-10-01", "2025-10-31", targets={"fcr_rate": 0.9, "reopen_rate": (0.5, "lower")},
                        min_n=3).set_index("kpi")
    assert tk.loc["fcr_rate", "value"] == pytest.approx(5 / 6) and tk.loc["fcr_rate", "n"] == 6
    assert not tk.loc["fcr_rate", "met"] and tk.loc["fcr_rate", "target"] == 0.9
    assert tk.loc["reopen_rate", "value"] == pytest.approx(1 / 6) and tk.loc["reopen_rate", "met"]
    assert tk.loc["csat", "value"] == pytest.approx(3 / 5)
    assert tk.loc["workload_cv", "value"] == pytest.approx(np.std([4, 2]) / 3)


def test_employee_vs_customer_satisfaction():
    s = pd.DataFrame({
        "responded_at": pd.to_datetime(["2025-11-15"] * 4 + ["2025-11-20"] * 2 + ["2025-08-01"]),
        "survey_type": ["employee"] * 4 + ["csat"] * 2 + ["employee"],
        "score": [5, 4, 2, 3, 5, 1, 4], "scale_max": [5] * 7,
    })
    e = team.employee_satisfaction(s, "2025-10-01", "2025-12-31")
    assert e["mean"].value == pytest.approx(3.5) and e["top2"].value == pytest.approx(0.5) and e["top2"].n == 4
    comp = team.satisfaction_comparison(s, None, "2025-12-31", quarters=2)
    assert comp["employee_top2"].tolist() == pytest.approx([1.0, 0.5])
    assert comp["customer_csat"].iloc[1] == pytest.approx(0.5) and np.isnan(comp["customer_csat"].iloc[0])


# -- report read-outs ---------------------------------------------------------------
def test_has_agents_and_employee_surveys():
    t = _tickets()
    assert team.has_agents(t, "2025-10-01", "2025-10-31")
    assert not team.has_agents(t, "2025-10-07", "2025-10-07")  # the only ticket that day has no agent
    assert not team.has_agents(t.drop(columns="agent_id"), "2025-10-01", "2025-10-31")
    assert not team.has_agents(None, "2025-10-01", "2025-10-31")
    s = pd.DataFrame({"survey_type": ["nps", "employee"]})
    assert team.has_employee_surveys(s) and not team.has_employee_surveys(s.iloc[:1])


def test_kpis_met_and_satisfaction_correlation_by_hand():
    k = pd.DataFrame({"kpi": ["fcr_rate", "csat", "reopen_rate"], "met": [True, None, False]})
    m = team.kpis_met(k)
    assert (m["met"], m["rated"], m["missed"]["kpi"].tolist()) == (1, 2, ["reopen_rate"])
    c = pd.DataFrame({"employee_top2": [0.5, 0.7, 0.6, np.nan], "customer_csat": [0.8, 0.6, 0.7, 0.9]})
    r, q = team.satisfaction_correlation(c)
    assert q == 3 and r == pytest.approx(-1.0)
    r2, q2 = team.satisfaction_correlation(c.iloc[:2])
    assert np.isnan(r2) and q2 == 2
