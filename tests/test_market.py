"""Market file validation, market share and competitor comparison."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmkit import market
from crmkit.errors import ConfigError
from crmkit.reports.params import load_params

ROOT = Path(__file__).resolve().parent.parent


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "market.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_file_is_valid():
    m = market.load_market(ROOT / "parameters" / "market.yaml")
    assert len(m.market_size) >= 2 and m.market_size["value"].gt(0).all()
    assert m.market_size["start"].is_monotonic_increasing
    assert m.competitors["source"].str.len().gt(0).all()
    assert {"nps", "csat", "churn_rate", "market_share", "price_index"} <= set(m.competitors.columns)


@pytest.mark.parametrize(
    "text, message",
    [
        ("market_size:\n  - period: 2025Q4\n    value: 10\n    sorce: x\n", "unknown key 'market_size[0].sorce' (did you mean 'source'?)"),
        ("market_size:\n  - period: 2025Q4\n    value: 10\n", "market_size[0].source: Field required"),
        ("market_size:\n  - period: 2025Q5\n    value: 10\n    source: s\n", "market_size[0].period: period '2025Q5' is not a period label"),
        ("market_size:\n  - period: 2025Q4\n    value: 0\n    source: s\n", "market_size[0].value: Input should be greater than 0"),
        ("competitors:\n  - name: A\n    period: 2025Q4\n    csat: 82\n    source: s\n", "write 82 % as 0.82"),
        ("competitors:\n  - name: A\n    period: 2025Q4\n    nps: -130\n    source: s\n", "competitors[0].nps"),
        ("competitors:\n  - {name: A, period: 2025Q4, source: s}\n  - {name: A, period: 2025Q4, source: t}\n", "listed twice"),
        ("competitor:\n  - {name: A, period: 2025Q4, source: s}\n", "unknown key 'competitor' (did you mean 'competitors'?)"),
        ("- just a list\n", "must be a YAML mapping"),
        ("market_size: [\n", "is not valid YAML"),
    ],
)
def test_invalid_files_have_clear_errors(tmp_path, text, message):
    with pytest.raises(ConfigError) as e:
        market.load_market(_write(tmp_path, text))
    assert message in str(e.value)
    assert str(tmp_path / "market.yaml") in str(e.value)


def test_missing_file():
    with pytest.raises(ConfigError, match="Market file not found"):
        market.load_market("/nonexistent/market.yaml")


def test_market_share_by_hand():
    orders = pd.DataFrame({
        "order_date": pd.to_datetime(["2025-07-15", "2025-08-01", "2025-10-02", "2025-12-31 23:00", "2026-01-01"], format="ISO8601"),
        "amount": [300.0, 200.0, 900.0, -100.0, 50.0],
    })
    rev = market.period_revenue(orders, ["2025Q3", "2025Q4"])
    assert rev["revenue"].tolist() == [500.0, 800.0]
    size = pd.DataFrame({"period": ["2025Q4", "2025Q3"], "value": [10_000.0, 8_000.0], "source": ["x", "y"]})
    share = market.market_share(rev, size)
    assert share["period"].tolist() == ["2025Q3", "2025Q4"]
    assert share["share"].tolist() == pytest.approx([500 / 8000, 800 / 10000])
    assert share["change"].iloc[1] == pytest.approx(0.08 - 0.0625)
    assert np.isnan(share["change"].iloc[0])
    one = market.market_share(rev, market.market_size_frame("2025Q4", 16_000))
    assert one["share"].tolist() == [0.05] and one["source"].iloc[0] == "run parameter market_size"
    t = market.share_trend(pd.DataFrame({"share": [0.01, 0.02, 0.04]}))
    assert t["slope"] == pytest.approx(0.015) and t["change"] == pytest.approx(0.02) and t["latest"] == 0.04


def test_comparison_and_gaps(tmp_path):
    p = _write(tmp_path, "competitors:\n"
                         "  - {name: A, period: 2025Q3, nps: 10, csat: 0.7, source: s}\n"
                         "  - {name: A, period: 2025Q4, nps: 20, csat: 0.8, churn_rate: 0.2, source: s}\n"
                         "  - {name: B, period: 2025Q4, nps: 40, csat: 0.6, churn_rate: 0.1, price_index: 0.9, source: t}\n")
    m = market.load_market(p)
    table = market.comparison({"nps": 30.0, "csat": 0.75, "churn_rate": 0.3}, m.competitors, company_label="Huamei")
    assert table["entity"].tolist() == ["Huamei", "A", "B"]
    assert table.loc[1, "nps"] == 20  # latest period of A
    assert table.loc[0, "price_index"] == 1.0
    gaps = market.benchmark_gaps(table).set_index("metric")
    assert gaps.loc["nps", "gap"] == pytest.approx(0.0) and gaps.loc["nps", "rank"] == 2
    assert gaps.loc["churn_rate", "gap"] == pytest.approx(0.15) and not gaps.loc["churn_rate", "better"]
    assert gaps.loc["churn_rate", "rank"] == 3
    assert gaps.loc["price_index", "competitor_best"] == 0.9
    assert "market_share" not in gaps.index
    q3 = market.comparison({}, m.competitors, period="2025Q3")
    assert q3["entity"].tolist() == ["Company", "A"] and q3.loc[1, "nps"] == 10


def test_run_parameter_points_at_market_file(tmp_path):
    (tmp_path / "acme").mkdir()
    (tmp_path / "market.yaml").write_text((ROOT / "parameters" / "market.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    params = tmp_path / "acme" / "2025Q4.yaml"
    params.write_text("company: acme\nperiod: 2025Q4\ncompetitors: ../market.yaml\nmarket_size: 5000000\n", encoding="utf-8")
    p = load_params(params)
    assert Path(p.competitors) == (tmp_path / "market.yaml").resolve()
    assert len(market.load_market(p.competitors).competitors) > 0


def test_company_benchmarks_use_the_report_definitions():
    from crmkit.indicators import churn

    cu = pd.DataFrame({"customer_id": list("abc"), "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [1.0] * 4,
                      "order_date": pd.to_datetime(["2024-09-01", "2024-12-20", "2024-11-15", "2025-03-20"])})
    sv = pd.DataFrame({"responded_at": pd.to_datetime(["2025-02-01"] * 5), "survey_type": ["nps"] * 3 + ["csat"] * 2,
                       "score": [10, 9, 3, 5, 2], "scale_max": [10, 10, 10, 5, 5]})
    own = market.company_benchmarks(sv, cu, o, "2025-01-01", "2025-03-31", inactivity_days=60, market_share=0.1)
    assert own["nps"] == pytest.approx(100 * (2 - 1) / 3) and own["csat"] == pytest.approx(0.5)
    assert own["churn_rate"] == churn.period_churn_rate(cu, o, "2025-01-01", "2025-03-31", inactivity_days=60).value == 1.0
    assert own["market_share"] == 0.1


# -- report read-outs ---------------------------------------------------------------
def test_market_sizes_share_in_and_benchmark_period():
    md = market.MarketData(
        market_size=pd.DataFrame({"period": ["2025Q3", "2025Q4", "2026Q1"], "start": pd.to_datetime(["2025-07-01", "2025-10-01", "2026-01-01"]),
                                  "end": pd.to_datetime(["2025-09-30", "2025-12-31", "2026-03-31"]),
                                  "value": [100.0, 200.0, 300.0], "source": ["f", "f", "f"]}),
        competitors=pd.DataFrame({"name": ["A"], "period": ["2025Q3"]}), currency="CNY", path="m.yaml")
    s = market.market_sizes(md, "2025Q4", 0.0, "2025-12-31")
    assert s["period"].tolist() == ["2025Q3", "2025Q4"]  # 2026Q1 ends after the window
    s2 = market.market_sizes(md, "2025Q4", 250.0, "2025-12-31", source="param")
    assert s2.set_index("period").loc["2025Q4", "value"] == 250.0 and len(s2) == 2
    assert s2.set_index("period").loc["2025Q4", "source"] == "param"
    assert market.market_sizes(None, "2025Q4").empty
    shares = pd.DataFrame({"period": ["2025Q3", "2025Q4"], "share": [0.1, 0.2]})
    assert market.share_in(shares, "2025Q4") == 0.2 and market.share_in(shares, "2024Q1") is None
    assert market.benchmark_period(md, "2025Q3") == "2025Q3" and market.benchmark_period(md, "2025Q4") is None
