"""Readings of the data-quality tables (crmkit.indicators.quality), on hand-made frames."""

import math

import pandas as pd
import pytest

from crmkit.indicators import quality


def test_quality_overview_weights_cells_and_pools_references():
    cov = pd.DataFrame({"table": ["customers", "orders", "tickets"], "supplied": [True, True, False]})
    comp = pd.DataFrame({"table": ["customers", "orders"], "column": ["a", "b"], "filled": [90, 10], "rows": [100, 100]})
    refs = pd.DataFrame({"with_id": [80, 20], "matched": [80, 10]})
    log = pd.DataFrame({"rows_in": [150, 50], "rows_rejected": [5, 5]})
    ov = quality.quality_overview(cov, comp, refs, log)
    assert (ov["supplied"], ov["tables"], ov["missing"]) == (2, 3, ["tickets"])
    assert ov["completeness"] == pytest.approx(100 / 200) and ov["cells"] == 200
    assert ov["reference_match"].value == pytest.approx(90 / 100) and ov["reference_match"].n == 100
    assert ov["reject_rate"].value == pytest.approx(10 / 200) and ov["reject_rate"].n == 200


def test_quality_overview_without_anything_is_nan():
    cov = pd.DataFrame({"table": ["orders"], "supplied": [False]})
    ov = quality.quality_overview(cov, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert ov["supplied"] == 0 and ov["cells"] == 0
    assert math.isnan(ov["completeness"]) and math.isnan(ov["reference_match"].value) and math.isnan(ov["reject_rate"].value)


def test_latest_order_lag_in_days():
    cov = pd.DataFrame({"table": ["orders", "tickets"], "last": [pd.Timestamp("2025-12-21 23:59"), pd.NaT]})
    last, lag = quality.latest_order(cov, pd.Timestamp("2025-12-31"))
    assert last == pd.Timestamp("2025-12-21 23:59") and lag == 10
    assert quality.latest_order(cov.assign(last=pd.NaT), "2025-12-31")[1] is None


def test_min_monthly_rows_only_counts_the_window():
    v = pd.DataFrame({"month": pd.to_datetime(["2025-09-01", "2025-10-01", "2025-11-01", "2025-10-01"]),
                      "table": ["orders", "orders", "orders", "tickets"], "rows": [1, 40, 30, 12]})
    assert quality.min_monthly_rows(v, "2025-10-01") == 12
    assert quality.min_monthly_rows(v, "2026-01-01") == 0


def test_completeness_gaps_and_by_table():
    c = pd.DataFrame({"table": ["a", "a", "b", "b"], "column": ["w", "x", "y", "z"],
                      "completeness": [0.95, 0.94, 0.2, 1.0]})
    assert quality.completeness_gaps(c)["column"].tolist() == ["y", "x"]  # 0.95 itself is not a gap
    t = quality.completeness_by_table(c).set_index("table")
    assert t.loc["a", "columns"] == 2 and t.loc["b", "completeness"] == pytest.approx(0.6)


def test_weakest_reference_and_ingest_table():
    refs = pd.DataFrame({"table": ["orders", "tickets"], "column": ["customer_id"] * 2, "match_rate": [0.99, 0.5]})
    assert quality.weakest_reference(refs)["table"] == "tickets"
    assert quality.weakest_reference(refs.iloc[:0]) is None
    log = pd.DataFrame({"table": ["orders"], "source": ["/data/exports/o.csv"], "mode": ["append"], "rows_in": [40],
                        "rows_loaded": [30], "rows_rejected": [10], "finished_at": [pd.Timestamp("2025-01-01")]})
    shown = quality.ingest_table(log)
    assert shown.columns[-2:].tolist() == ["rejected_share", "finished_at"]
    assert shown.loc[0, "source"] == "o.csv" and shown.loc[0, "rejected_share"] == pytest.approx(0.25)


def test_completeness_counts_only_supplied_or_required_columns(tmp_path):
    """An optional column the export never carried is not a 0 % completeness (true by construction)."""
    import pandas as pd

    from crmkit.indicators import quality
    from crmkit.store import Store

    src = tmp_path / "customers.csv"
    pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "signup_date": ["2025-01-01"] * 4,
                  "region": ["n", "", "s", "s"]}).to_csv(src, index=False)
    st = Store(tmp_path / "crm.duckdb")
    st.ingest(src, "customers", "acme")
    comp = quality.completeness(st.load("acme", "2025-01-01", "2025-03-31"))
    assert set(comp["column"]) == {"customer_id", "signup_date", "region"}
    assert comp.set_index("column").loc["region", "completeness"] == 0.75
    assert "customers.gender" in comp.attrs["not_supplied"] and "customers.region" not in comp.attrs["not_supplied"]
    ov = quality.quality_overview(pd.DataFrame({"table": ["customers"], "supplied": [True]}), comp,
                                  pd.DataFrame(), pd.DataFrame())
    assert ov["completeness"] == (4 + 4 + 3) / 12 and ov["not_supplied"] == comp.attrs["not_supplied"]
