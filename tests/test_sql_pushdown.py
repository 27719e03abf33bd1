"""Aggregations run inside the store give the results of the same functions on loaded frames.

The notebooks pass ``data.source("orders")`` (a :class:`crmkit.store.sql.StoreTable`)
so that ten million orders are aggregated by DuckDB where they are stored;
every function they call that way must agree with the pandas/frame path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit import churn, cost, customer_base as cb, loyalty, market, marketing, quality, value
from crmkit.evaluation import due_diligence as dd
from crmkit.clv.workflow import predictive_clv
from crmkit.indicators.business_model import resolve_business_model
from crmkit.store.data import CRMData, rows_between
from crmkit.store.sql import StoreTable, query
from crmkit.store import Store
from crmkit.contract.tables import TABLE_NAMES



def _calls(d: CRMData) -> dict:
    s, e = d.start, d.end
    ev = d.churn_events if d.has("churn_events") else None
    panel = churn.churn_panel(d.customers, d.orders, s, e, churn_events=ev)
    return {
        "customer_counts": lambda o: cb.customer_counts(d.customers, o, s, e),
        "customer_growth": lambda o: cb.customer_growth(d.customers, o, s, e, "year"),
        "monthly_customers": lambda o: cb.monthly_customers(o, s - pd.DateOffset(months=9), e),
        "segmentation": lambda o: cb.segmentation(d.customers, o, s, e, ["region", "acquisition_channel"]),
        "customer_types": lambda o: cb.customer_types(d.customers, o, s, e),
        "repeat_purchase_rate": lambda o: loyalty.repeat_purchase_rate(o, s, e),
        "purchase_frequency": lambda o: loyalty.purchase_frequency(o, s, e),
        "active_customers": lambda o: sorted(loyalty.active_customers(o, s, e)),
        "inter_purchase_days": lambda o: loyalty.inter_purchase_days(o, e, s),
        "period_retention": lambda o: loyalty.period_retention(o, s, e, "year"),
        "customer_retention_rate": lambda o: loyalty.customer_retention_rate(o, s, e),
        "retention_trend": lambda o: loyalty.retention_trend(o, s, e, 4),
        "cohort_retention": lambda o: loyalty.cohort_retention(o, e, freq="M", since=s - pd.DateOffset(months=11),
                                                               max_periods=11),
        "engagement": lambda o: loyalty.engagement(d.interactions, o, s, e),
        "programme_comparison": lambda o: loyalty.programme_comparison(d.customers, o, s, e),
        "churn_panel": lambda o: churn.churn_panel(d.customers, o, s, e, churn_events=ev),
        "churn_by": lambda o: churn.churn_by(panel, d.customers, "main_channel", orders=o, at=e),
        "churn_dataset": lambda o: churn.churn_dataset(d.customers, o, s - pd.Timedelta(days=92), 91, tickets=d.tickets,
                                                       surveys=d.surveys, interactions=d.interactions),
        "churn_cost": lambda o: churn.churn_cost(panel, o),
        "trailing_revenue": lambda o: churn.trailing_revenue(o, e),
        "churn_cost_ratio": lambda o: cost.churn_cost_ratio(panel, o, e),
        "cost_monthly_trend": lambda o: cost.monthly_trend(d.costs, o, s - pd.DateOffset(months=9), e),
        "growth": lambda o: value.growth(o, s, e, "period"),
        "aov": lambda o: value.aov(o, s, e),
        "monthly_revenue": lambda o: value.monthly_revenue(o, e - pd.DateOffset(months=24) + pd.Timedelta(days=1), e),
        "customer_summary": lambda o: value.customer_summary(o, e, margin_rate=0.3, since=s),
        "new_customer_monthly_margin": lambda o: value.new_customer_monthly_margin(o, d.customers, s, e, margin_rate=0.3),
        "campaign_performance": lambda o: marketing.campaign_performance(d.campaigns, o, d.interactions, s, e),
        "cost_to_serve": lambda o: cost.cost_to_serve(d.costs, o, s, e),
        "retention_vs_acquisition": lambda o: cost.retention_vs_acquisition(d.costs, d.customers, o, s, e,
                                                                            campaigns=d.campaigns),
        "tenure_mix": lambda o: dd.tenure_mix(o, s, e),
        "period_revenue": lambda o: market.period_revenue(o, ["2025Q3", "2025Q4"]),
        "at_risk_scores": lambda o: churn.at_risk_scores(None, d.customers, o, s, e, 92, churn_events=ev),
        "subscription_status": lambda o: cb.subscription_status(d.customers, ev, e, orders=o),
        "predictive_clv": lambda o: (lambda r: {"model": r.model, **r.totals})(
            predictive_clv(o, end=e, margin_rate=0.3, n_draws=10)),
    }


def _same(a, b, what: str, rel: float = 1e-9) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, rtol=1e-9,
                                      obj=what)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_dtype=False, rtol=1e-9, obj=what)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), what
        for k in a:
            _same(a[k], b[k], f"{what}[{k}]", rel)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=rel, nan_ok=True), what
    else:
        assert repr(a) == repr(b), what


@pytest.fixture(scope="module", params=["huamei", "yunting"])
def loaded(request, demo_store) -> CRMData:
    return Store(demo_store, read_only=True).load(request.param, "2025-10-01", "2025-12-31")


def test_every_notebook_aggregation_agrees_between_frame_and_store(loaded):
    src = loaded.source("orders")
    assert isinstance(src, StoreTable)
    frame = loaded.orders
    bm = resolve_business_model("auto", loaded.churn_events if loaded.has("churn_events") else None,
                                loaded.start, loaded.end)
    for name, call in _calls(loaded).items():
        if name == "predictive_clv":
            # The purchase models are what the reports use only in a non-contractual business. Their inputs are
            # equal on both paths; the results come out of a numerical optimiser, equal to its tolerance.
            if not bm.contractual:
                _same(call(frame), call(src), name, rel=1e-6)
            continue
        _same(call(frame), call(src), name)


def test_store_table_reads_only_the_company_and_rows_up_to_the_end(demo_store):
    d = Store(demo_store, read_only=True).load("huamei", "2025-10-01", "2025-12-31")
    src = d.source("orders")
    n = query("SELECT count(*) AS n, max(order_date) AS last FROM o", o=src).iloc[0]
    assert int(n["n"]) == len(d.orders)
    assert pd.Timestamp(n["last"]) < d.end_exclusive
    # the same rows as the loaded frame, id for id
    ids = query("SELECT order_id FROM o ORDER BY order_id", o=src)["order_id"].tolist()
    assert ids == sorted(d.orders["order_id"].tolist())
    # a window slice in canonical dtypes
    w = rows_between(src, "order_date", d.start, d.end)
    pd.testing.assert_frame_equal(w.sort_values("order_id").reset_index(drop=True),
                                  d.window("orders").sort_values("order_id").reset_index(drop=True))


def test_window_of_an_unloaded_table_is_read_from_the_store(demo_store):
    d = Store(demo_store, read_only=True).load("huamei", "2025-10-01", "2025-12-31")
    w = d.window("orders")  # orders not loaded yet: only the window is read
    assert "orders" not in d.tables
    full = d.orders
    pd.testing.assert_frame_equal(
        w.sort_values("order_id").reset_index(drop=True),
        full[(full["order_date"] >= d.start) & (full["order_date"] < d.end_exclusive)].sort_values("order_id").reset_index(drop=True))


def test_data_sql_sees_every_table_from_store_and_from_frames(demo_store):
    d = Store(demo_store, read_only=True).load("yunting", "2025-10-01", "2025-12-31")
    counts = d.sql(" UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in TABLE_NAMES)).set_index("t")["n"]
    assert counts.to_dict() == {t: len(d.tables[t]) for t in TABLE_NAMES}
    framed = CRMData("yunting", d.start, d.end, {t: d.tables[t] for t in TABLE_NAMES})
    again = framed.sql("SELECT count(*) AS n FROM orders WHERE NOT coalesce(is_return, false)")["n"].iloc[0]
    assert again == int((~d.orders["is_return"].fillna(False)).sum())


def test_quality_counts_in_sql_match_pandas(demo_store):
    d = Store(demo_store, read_only=True).load("huamei", "2025-10-01", "2025-12-31")
    dups = quality.duplicates(d).set_index("table")
    comp = quality.completeness(d).set_index(["table", "column"])
    refs = quality.referential_integrity(d).set_index(["table", "column"])
    vol = quality.monthly_volume(d)
    known = set(d.customers["customer_id"])
    for name in TABLE_NAMES:
        df = d.tables[name]
        if df.empty:
            assert name not in dups.index
            continue
        assert dups.loc[name, "rows"] == len(df)
        assert dups.loc[name, "identical_rows"] == int(df.astype(str).duplicated().sum())
        for c in ("customer_id",):
            if c in df and (name, c) in comp.index:
                assert comp.loc[(name, c), "filled"] == int(df[c].notna().sum())
    o = d.orders
    assert refs.loc[("orders", "customer_id"), "matched"] == int(o["customer_id"].dropna().isin(known).sum())
    months = o["order_date"].dt.to_period("M").dt.to_timestamp().value_counts()
    got = vol[vol["table"] == "orders"].set_index("month")["rows"]
    assert got.sort_index().tolist() == months.sort_index().tolist()


def test_planted_duplicates_and_orphans_are_counted(tmp_path):
    cust = pd.DataFrame({"customer_id": ["a", "b"], "signup_date": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    orders = pd.DataFrame({"order_id": ["1", "1", "2", "3"], "customer_id": ["a", "a", "zz", None],
                           "order_date": pd.to_datetime(["2025-02-01", "2025-02-01", "2025-02-02", "2025-02-03"]),
                           "amount": [5.0, 5.0, 7.0, np.nan]})
    d = CRMData("x", "2025-01-01", "2025-03-31", {"customers": cust, "orders": orders})
    dups = quality.duplicates(d).set_index("table")
    assert dups.loc["orders", "duplicate_keys"] == 1 and dups.loc["orders", "identical_rows"] == 1
    refs = quality.referential_integrity(d).set_index(["table", "column"])
    assert refs.loc[("orders", "customer_id")].to_dict() | {} == {
        "with_id": 3, "matched": 2, "unmatched": 1, "match_rate": 2 / 3}
    comp = quality.completeness(d).set_index(["table", "column"])
    assert comp.loc[("orders", "amount"), "filled"] == 3
