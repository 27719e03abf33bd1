"""A small subscription company: reports 01, 03, 04 and 12 read it as contractual, from its cancellations."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from crmkit.demo.build import ingest_frames
from crmkit.reports.params import load_params
from crmkit.reports.runner import run_reports

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("contractual")]

NOTEBOOKS = ["01_customer_base", "03_loyalty", "04_churn", "12_team_and_risk"]
END = pd.Timestamp("2025-12-31")


def _company() -> dict[str, pd.DataFrame]:
    """60 subscribers signed up in 2024 and 8 in 2025Q4, billed monthly until they cancel.

    * c00-c04 cancel in June 2025, before the window: not at risk;
    * c05-c14 cancel in the window (2025Q4): the churned;
    * c15 cancels in May 2025 and is billed again from 2025-11-03: won back in the window, not at risk at its start;
    * n0-n7 sign up in the window; n0 cancels on 2025-12-20.
    """
    customers, orders, events = [], [], []
    cancel = {f"c{i:02d}": pd.Timestamp("2025-06-10") for i in range(5)}
    cancel.update({f"c{i:02d}": pd.Timestamp("2025-10-04") + pd.Timedelta(days=8 * (i - 5)) for i in range(5, 15)})
    cancel["c15"], cancel["n0"] = pd.Timestamp("2025-05-10"), pd.Timestamp("2025-12-20")
    signups = {f"c{i:02d}": pd.Timestamp("2024-01-05") + pd.Timedelta(days=5 * i) for i in range(60)}
    signups.update({f"n{i}": pd.Timestamp("2025-10-05") + pd.Timedelta(days=10 * i) for i in range(8)})
    for cid, signup in signups.items():
        customers.append({"customer_id": cid, "signup_date": signup, "customer_type": "sme" if cid < "c30" else "individual"})
        stop = cancel.get(cid, END)
        bills = [d for d in pd.date_range(signup, END, freq=pd.DateOffset(months=1)) if d < stop]
        if cid == "c15":
            bills += list(pd.date_range("2025-11-03", END, freq=pd.DateOffset(months=1)))
        orders += [{"customer_id": cid, "order_date": d, "amount": 50.0 + (int(cid[1:]) % 3) * 10} for d in bills]
        if cid in cancel:
            events.append({"customer_id": cid, "churned_at": cancel[cid] + pd.Timedelta(hours=9), "reason": "too_expensive"})
    o = pd.DataFrame(orders)
    o.insert(0, "order_id", [f"o{i:05d}" for i in range(len(o))])
    return {"customers": pd.DataFrame(customers), "orders": o, "churn_events": pd.DataFrame(events)}


@pytest.fixture(scope="module")
def contractual_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("contractual")
    store = base / "crm.duckdb"
    ingest_frames(store, {"subco": _company()}, base / "frames")
    out = base / "out"
    params = [load_params(None, company="subco", period="2025Q4", store=str(store), language="en",
                          notebooks=NOTEBOOKS)]
    return out / "subco" / "2025Q4", run_reports(params, outputs=out, jobs=1)


def _metrics(folder, notebook) -> dict:
    return {m["name"]: m for m in json.loads((folder / f"{notebook}.metrics.json").read_text())["metrics"]}


def test_reports_run_and_say_contractual(contractual_run):
    folder, result = contractual_run
    assert {r["notebook"]: r["status"] for r in result.results} == dict.fromkeys(NOTEBOOKS, "ok")
    for nb in NOTEBOOKS:
        soup = BeautifulSoup((folder / f"{nb}.html").read_text(encoding="utf-8"), "html.parser")
        notes = " ".join(p.get_text(" ") for p in soup.select("p.ck-note"))
        assert "Contractual business (detected)" in notes, nb
        text = soup.find("main").get_text(" ")
        assert not re.search(r"\b(nan|inf)\b", text), nb


def test_churn_rate_is_cancellations_over_subscribers_at_the_start(contractual_run):
    folder, _ = contractual_run
    at_risk = 60 - 5 - 1  # signed up in 2024, minus cancelled before the window (c00-c04) and c15 (cancelled in May)
    churned = 10  # c05-c14
    m = _metrics(folder, "04_churn")
    assert m["churn_rate"]["value"] == pytest.approx(churned / at_risk) and m["churn_rate"]["n"] == at_risk
    assert m["churned_customers"]["value"] == churned
    assert "churn_inactivity_days" not in m  # no inactivity threshold in a contractual business
    # retention (03) is the complement, on the same subscribers
    loyalty = _metrics(folder, "03_loyalty")
    assert loyalty["retention_rate"]["value"] == pytest.approx(1 - churned / at_risk)
    assert loyalty["retention_rate"]["n"] == at_risk


def test_subscriber_flows_by_hand(contractual_run):
    folder, _ = contractual_run
    m = _metrics(folder, "01_customer_base")
    got = {k: m[k]["value"] for k in ("subscribers_start", "subscribers_end", "gross_adds", "cancellations", "net_adds")}
    # start 54; adds: n0-n7 and c15 won back; cancellations: c05-c14 and n0
    assert got == {"subscribers_start": 54, "subscribers_end": 52, "gross_adds": 9, "cancellations": 11, "net_adds": -2}


def test_revenue_at_risk_is_one_figure_in_both_reports(contractual_run):
    folder, _ = contractual_run
    churn_m, risk_m = _metrics(folder, "04_churn"), _metrics(folder, "12_team_and_risk")
    soup = BeautifulSoup((folder / "12_team_and_risk.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.find("main").get_text(" ")
    loss = churn_m["expected_revenue_at_risk"]["value"]
    assert f"Expected loss CNY {loss:,.0f}" in text
    assert "cancelled, as in the churn report" in text
    assert 0 < risk_m["revenue_at_risk_share"]["value"] < 1
