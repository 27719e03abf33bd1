"""From raw demo exports to a rendered report: the figures in the HTML equal the store's."""

from __future__ import annotations

import json

import duckdb
import pytest
from bs4 import BeautifulSoup

from crmkit.reports.index import build_index
from crmkit.reports.params import load_params
from crmkit.reports.runner import run_reports

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dq_report(demo_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("e2e-out")
    params = [load_params(None, company="jinghong", period="2025Q4", store=str(demo_store), language="en")]
    result = run_reports(params, outputs=out, notebooks=["00"], jobs=1)
    build_index(out)
    return out, result


def _kpis(soup: BeautifulSoup) -> dict[str, str]:
    return {
        k.select_one(".ck-kpi-label").get_text(strip=True): k.select_one(".ck-kpi-value").get_text(strip=True)
        for k in soup.select(".ck-kpi")
    }


def test_report_exists_without_code_and_shows_store_figures(dq_report, demo_store):
    out, result = dq_report
    assert [r["status"] for r in result.results] == ["ok"]
    html = (out / "jinghong" / "2025Q4" / "00_data_quality.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    # no code: neither the set-up call nor imports nor the parameter cell reach the report
    for code in ("ck.reports.setup", "import crmkit", "quality.coverage(", "output_dir ="):
        assert code not in html
    assert not soup.select(".jp-InputArea, .input_area, .highlight")
    # self-contained: nothing is loaded from elsewhere
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag["src"][:60]
    for tag in soup.find_all("link", href=True):
        raise AssertionError(f"external stylesheet or resource: {tag['href']}")
    assert "@import" not in html and "url(http" not in html
    # figures equal those computed directly from the store
    con = duckdb.connect(str(demo_store), read_only=True)
    n_customers = con.execute("select count(*) from customers where company = 'jinghong' and signup_date < '2026-01-01'").fetchone()[0]
    n_orders = con.execute(
        "select count(*) from orders where company = 'jinghong' and order_date >= '2025-10-01' and order_date < '2026-01-01'"
    ).fetchone()[0]
    log = con.execute("select sum(rows_rejected), sum(rows_in) from _ingest_log where company = 'jinghong'").fetchone()
    con.close()
    kpis = _kpis(soup)
    assert kpis["Customers"] == f"{n_customers:,}"
    assert kpis["Orders in window"] == f"{n_orders:,}"
    assert kpis["Tables supplied"] == "9 / 10"  # jinghong has no explicit churn events
    metrics = {m["name"]: m for m in json.loads((out / "jinghong" / "2025Q4" / "00_data_quality.metrics.json").read_text())["metrics"]}
    assert metrics["ingest_reject_rate"]["value"] == pytest.approx(log[0] / log[1])
    # header, contents and a chart
    assert soup.select_one("header.ck-header h1").get_text(strip=True) == "Data quality"
    meta = soup.select_one(".ck-meta").get_text(" ", strip=True)
    assert "jinghong" in meta and "2025Q4" in meta and "masked" in meta
    assert [a.get_text() for a in soup.select("nav.ck-toc a")][:2] == ["Overview", "Coverage by table"]
    assert soup.find("img", src=lambda s: s and s.startswith("data:image/png;base64,"))


def test_run_json_and_index(dq_report):
    out, _ = dq_report
    run = json.loads((out / "jinghong" / "2025Q4" / "run.json").read_text())
    assert run["status"] == "ok" and run["notebooks"]["00_data_quality"]["status"] == "ok"
    assert run["fingerprint"] and run["versions"]["crmkit"]
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.find("a", href="jinghong/2025Q4/00_data_quality.html")


def test_demo_store_rejected_planted_dirty_rows(demo_store):
    con = duckdb.connect(str(demo_store), read_only=True)
    log = con.execute('select company, "table", rows_rejected, rejects_file from _ingest_log where rows_rejected > 0').df()
    con.close()
    assert len(log) >= 3 and (log["rows_rejected"] > 0).all()
    for f in log["rejects_file"]:
        text = open(f, encoding="utf-8-sig").read()
        assert "source_row" in text.splitlines()[0] and "problems" in text.splitlines()[0]
