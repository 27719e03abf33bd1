"""Only customers and orders are required: every report must run and say what it skipped."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from crmkit import demo
from crmkit.demo.build import ingest_frames
from crmkit.reports.params import load_params
from crmkit.reports.runner import list_notebooks, run_reports

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("minimal")]


@pytest.fixture(scope="module")
def minimal_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("minimal")
    frames = demo.generate(seed=5, scale=0.3, companies=["huamei"])
    only = {"huamei": {t: frames["huamei"][t] for t in ("customers", "orders")}}
    store = base / "crm.duckdb"
    ingest_frames(store, only, base / "frames")
    out = base / "out"
    params = [load_params(None, company="huamei", period="2025Q4", store=str(store), language="zh")]
    return out / "huamei" / "2025Q4", run_reports(params, outputs=out, jobs=1)


def test_every_report_runs_with_only_customers_and_orders(minimal_run):
    _, result = minimal_run
    assert len(result.results) == len(list_notebooks())
    failed = {r["notebook"]: r["error"] for r in result.results if r["status"] != "ok"}
    assert not failed, failed


@pytest.mark.parametrize("notebook, table", [("02_satisfaction", "surveys"), ("06_service", "tickets"),
                                             ("10_maturity", "assessment"), ("07_marketing", "campaigns")])
def test_missing_tables_are_named_in_the_report(minimal_run, notebook, table):
    folder, _ = minimal_run
    soup = BeautifulSoup((folder / f"{notebook}.html").read_text(encoding="utf-8"), "html.parser")
    notes = " ".join(p.get_text() for p in soup.select("p.ck-note"))
    assert table in notes, f"{notebook} does not say that '{table}' is missing: {notes[:300]}"
