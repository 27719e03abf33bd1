"""The whole suite on two companies unlike the demo (see :mod:`tests.acceptance_data`).

A subscription business where about a fifth of the subscribers cancel in the
quarter, and a single-cohort online retailer. Every report must end ok, the
subscription business must be read as contractual, and the summary's churn
dimension must carry the churn that was measured, not a perfect score.
"""

from __future__ import annotations

import json

import pytest

from crmkit.demo.build import ingest_frames
from crmkit.reports.params import load_params
from crmkit.reports.runner import list_notebooks, run_reports

from .acceptance_data import giftshop, measured_churn_rate, telco

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("acceptance")]

TELCO = telco()


@pytest.fixture(scope="module")
def acceptance(tmp_path_factory):
    base = tmp_path_factory.mktemp("acceptance")
    store = base / "crm.duckdb"
    ingest_frames(store, {"telco": TELCO, "giftshop": giftshop()}, base / "frames")
    params = [load_params(None, company=c, period="2025Q4", store=str(store), language=lang)
              for c, lang in (("telco", "en"), ("giftshop", "zh"))]
    result = run_reports(params, outputs=base / "out", jobs=2)
    return base / "out", result


def _metrics(folder, notebook):
    payload = json.loads((folder / f"{notebook}.metrics.json").read_text(encoding="utf-8"))
    return {m["name"]: m for m in payload["metrics"]}


def test_every_report_ends_ok(acceptance):
    _, result = acceptance
    assert len(result.results) == 2 * len(list_notebooks())
    failed = [f'{r["company"]}/{r["notebook"]}: {(r.get("error") or "")[:400]}' for r in result.results
              if r["status"] != "ok"]
    assert not failed, "\n".join(failed)


def test_the_subscription_business_is_scored_on_its_measured_churn(acceptance):
    out, _ = acceptance
    folder = out / "telco" / "2025Q4"
    measured = measured_churn_rate(TELCO)
    assert 0.15 < measured < 0.25  # the simulated quarter: about a fifth of the subscribers cancel
    churn = _metrics(folder, "04_churn")["churn_rate"]
    assert churn["value"] == pytest.approx(measured, abs=1e-12)
    assert "Contractual business" in (folder / "04_churn.html").read_text(encoding="utf-8")
    card = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    scored = {m["name"]: m for m in card["metrics"]}
    assert scored["churn_rate"]["value"] == pytest.approx(measured, abs=1e-12)
    dims = {d["dimension"]: d for d in card["dimensions"]}
    # target 5 %, floor 30 % per quarter: about 19 % churn must land far from a perfect score
    assert dims["churn"]["score"] < 60
    assert card["composite"]["grade"] != "A"
    # no tickets, campaigns or questionnaire: those dimensions are named as missing, the index is provisional
    missing = {m["dimension"] for m in card["missing_dimensions"]}
    assert {"service", "marketing", "maturity"} <= missing and card["provisional"] is True


def test_the_single_cohort_retailer_is_read_as_non_contractual(acceptance):
    out, _ = acceptance
    folder = out / "giftshop" / "2025Q4"
    html = (folder / "04_churn.html").read_text(encoding="utf-8")
    assert "非契约型" in html
    card = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    assert card["composite"]["value"] is not None
    # a third of the buyers at risk lapse in the quarter (inferred from inactivity): the churn dimension says so
    scored = {m["name"]: m for m in card["metrics"]}
    assert scored["churn_rate"]["value"] > 0.2
    assert {d["dimension"]: d for d in card["dimensions"]}["churn"]["score"] < 40
