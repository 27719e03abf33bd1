from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from crmkit.demo import COMPANIES, PERIODS, SCHEMA, generate, iter_generate
from crmkit.contract.tables import TABLES as CANONICAL

REQUIRED = {
    "customers": ["customer_id", "signup_date"],
    "orders": ["order_id", "customer_id", "order_date", "amount"],
    "surveys": ["response_id", "responded_at", "survey_type", "score"],
    "tickets": ["ticket_id", "opened_at", "channel"],
    "interactions": ["interaction_id", "occurred_at", "channel"],
    "campaigns": ["campaign_id", "cost"],
    "costs": ["period_start", "category", "amount"],
    "churn_events": ["customer_id", "churned_at"],
    "loyalty_ledger": ["customer_id", "occurred_at"],
    "assessment": ["dimension", "item", "score"],
}
KEYS = {"customers": "customer_id", "orders": "order_id", "surveys": "response_id",
        "tickets": "ticket_id", "interactions": "interaction_id", "campaigns": "campaign_id"}
DIMENSIONS = ["team", "technology", "process", "data", "culture", "strategy", "compliance",
              "security", "csr", "cross_cultural", "crisis", "innovation", "improvement"]


def _assert_equal(a, b):
    assert a.keys() == b.keys()
    for company in a:
        assert a[company].keys() == b[company].keys()
        for table in a[company]:
            pdt.assert_frame_equal(a[company][table], b[company][table])


def test_companies_and_periods():
    assert set(COMPANIES) >= {"huamei", "jinghong", "yunting"}
    assert COMPANIES["huamei"]["name_zh"] == "华美零售"
    assert all(c.isascii() for c in COMPANIES)
    q = [COMPANIES[c]["management_quality"] for c in ("jinghong", "huamei", "yunting")]
    assert q == sorted(q, reverse=True)
    assert PERIODS["2025Q3"] == {"start": "2025-07-01", "end": "2025-09-30"}
    assert PERIODS["2025Q4"] == {"start": "2025-10-01", "end": "2025-12-31"}


def test_same_seed_same_frames(demo):
    again = generate(seed=7, scale=0.5)
    _assert_equal(demo, again)


def test_different_seed_differs(demo):
    other = generate(seed=8, scale=0.5, companies="jinghong")
    assert not demo["jinghong"]["orders"]["amount"].equals(other["jinghong"]["orders"]["amount"])


def test_company_subset_matches_full_run(demo):
    only = generate(seed=7, scale=0.5, companies=["yunting"])
    assert list(only) == ["yunting"]
    for table, df in only["yunting"].items():
        pdt.assert_frame_equal(df, demo["yunting"][table])


def test_chunked_equals_one_shot():
    kw = dict(seed=3, scale=0.4, companies=["huamei", "yunting"], block_size=300)
    one_shot = generate(**kw)
    chunks: dict[str, dict[str, list[pd.DataFrame]]] = {}
    n_chunks = 0
    for company, frames in iter_generate(**kw):
        n_chunks += 1
        for t, df in frames.items():
            chunks.setdefault(company, {}).setdefault(t, []).append(df)
    assert n_chunks > 4
    streamed = {c: {t: pd.concat(v, ignore_index=True) for t, v in tables.items()}
                for c, tables in chunks.items()}
    for c in one_shot:
        for t in one_shot[c]:
            pdt.assert_frame_equal(streamed[c][t], one_shot[c][t])
    # ids stay unique across blocks
    assert one_shot["huamei"]["orders"]["order_id"].is_unique
    assert one_shot["huamei"]["customers"]["customer_id"].is_unique


def test_blocks_are_independent_of_total_size():
    small = generate(seed=5, scale=0.2, companies="huamei", block_size=200)["huamei"]
    large = generate(seed=5, scale=0.4, companies="huamei", block_size=200)["huamei"]
    first = small["customers"]["customer_id"].iloc[:200]
    pdt.assert_frame_equal(small["customers"].iloc[:200], large["customers"].iloc[:200])
    a = small["orders"][small["orders"]["customer_id"].isin(first)].reset_index(drop=True)
    b = large["orders"][large["orders"]["customer_id"].isin(first)].reset_index(drop=True)
    pdt.assert_frame_equal(a, b)


def test_every_table_for_every_company(demo):
    for company, tables in demo.items():
        expected = set(SCHEMA) - ({"churn_events"} if company != "yunting" else set())
        assert set(tables) == expected, company
        for t, df in tables.items():
            assert len(df) > 0, (company, t)


def test_schema_columns_and_dtypes(demo):
    for company, tables in demo.items():
        for t, df in tables.items():
            assert list(df.columns) == list(SCHEMA[t]), (company, t)
            assert all(CANONICAL[t].accepts(c) for c in df.columns), (company, t)
            assert set(REQUIRED[t]) == set(CANONICAL[t].required), t
            for col in CANONICAL[t].columns:
                if col.codes:
                    assert set(df[col.name].dropna()) <= set(col.codes), (company, t, col.name)
            for col, dt in SCHEMA[t].items():
                s = df[col]
                if dt == "str":
                    assert pd.api.types.is_string_dtype(s), (company, t, col, s.dtype)
                else:
                    assert str(s.dtype) == dt, (company, t, col, s.dtype)
            for col in REQUIRED[t]:
                assert df[col].notna().all(), (company, t, col)


def test_primary_keys_unique(demo):
    for company, tables in demo.items():
        for t, key in KEYS.items():
            assert tables[t][key].is_unique, (company, t)
        a = tables["assessment"]
        assert not a.duplicated(["item", "assessed_at"]).any()
        assert not tables["costs"].duplicated(["period_start", "category", "channel"]).any()


def test_referential_integrity(demo):
    for company, tables in demo.items():
        ids = set(tables["customers"]["customer_id"])
        for t in ("orders", "surveys", "tickets", "interactions", "loyalty_ledger",
                  "churn_events"):
            if t in tables:
                cid = tables[t]["customer_id"].dropna()
                assert set(cid) <= ids, (company, t)
        camp = set(tables["campaigns"]["campaign_id"])
        assert set(tables["orders"]["campaign_id"].dropna()) <= camp
        assert set(tables["interactions"]["campaign_id"].dropna()) <= camp
        c = tables["customers"].set_index("customer_id")
        assert set(c["referred_by"].dropna()) <= ids
        o = tables["orders"].merge(c[["signup_date"]], left_on="customer_id", right_index=True)
        assert (o["order_date"] >= o["signup_date"]).all()


def test_ticket_timestamps_ordered(demo):
    for company, tables in demo.items():
        t = tables["tickets"]
        fr, res = t["first_response_at"], t["resolved_at"]
        assert (fr.isna() | (t["opened_at"] <= fr)).all()
        assert (res.isna() | (fr <= res)).all()
        assert res.notna().any() and res.isna().any(), "some tickets must still be open"
        assert (t["complaint_reason"].notna() == t["is_complaint"]).all()
        assert (t["handling_minutes"] > 0).all() and (t["cost"] > 0).all()


def test_dates_inside_window(demo):
    end = pd.Timestamp("2026-01-01")
    for company, tables in demo.items():
        for t, df in tables.items():
            for col, dt in SCHEMA[t].items():
                if dt.startswith("datetime"):
                    assert (df[col].dropna() < end).all(), (company, t, col)


def test_scores_within_scale(demo):
    for company, tables in demo.items():
        s = tables["surveys"]
        lim = {"csat": 5, "nps": 10, "ces": 7, "employee": 5}
        assert set(s["survey_type"]) == set(lim)
        for st, mx in lim.items():
            x = s[s["survey_type"] == st]
            assert (x["scale_max"] == mx).all()
            lo = 0 if st == "nps" else 1
            assert x["score"].between(lo, mx).all(), (company, st)
        for d in ("quality", "service_attitude", "price", "delivery", "after_sales"):
            col = s[f"driver_{d}"].dropna()
            assert len(col) > 0 and col.between(1, 5).all()
        ts = tables["tickets"]["satisfaction"].dropna()
        assert ts.between(1, 5).all()


def test_survey_comments(demo):
    text = pd.concat([demo[c]["surveys"]["comment"].dropna() for c in demo])
    for theme in ("物流慢", "客服态度", "价格贵", "质量问题", "售后好"):
        assert text.str.contains(theme).sum() >= 3, theme
    assert text.str.contains("[A-Za-z]{4,}", regex=True).sum() > 10, "English comments"
    assert text.str.contains(r"1[3-9]\d{9}", regex=True).sum() >= 1, "PII in comments"


def test_assessment_structure(demo):
    for company, tables in demo.items():
        a = tables["assessment"]
        assert sorted(a["dimension"].unique()) == sorted(DIMENSIONS)
        assert a["assessed_at"].nunique() == 2
        for (_, dim), g in a.groupby(["assessed_at", "dimension"]):
            assert sorted(g["item"]) == [f"{dim}_{k}" for k in range(1, 5)]
        assert a["score"].between(1, 5).all() and (a["weight"] == 1).all()
        assert a["evidence"].str.len().gt(5).all()


def test_orders_money_and_returns(demo):
    for company, tables in demo.items():
        o = tables["orders"]
        assert ((o["amount"] < 0) == o["is_return"]).all(), company
        assert (o["discount"] >= 0).all() and (o["points_redeemed"] >= 0).all()
        assert o["is_return"].any()
        assert o["campaign_id"].notna().any()
        assert o["gross_margin"].notna().all()
    h = demo["huamei"]["orders"]
    assert h["coupon_code"].notna().any() and (h["points_redeemed"] > 0).any()


def test_customer_pii_and_profiles(demo):
    h = demo["huamei"]["customers"]
    assert h["name"].str.match(r"^[\u4e00-\u9fff]{2,3}$").all()
    assert h["email"].str.contains("@").all()
    assert h["phone"].str.match(r"^1[3-9]\d{9}$").all()
    assert set(h["customer_type"]) == {"individual"}
    j = demo["jinghong"]["customers"]
    assert set(j["customer_type"]) == {"sme", "enterprise"}
    assert j["name"].str.endswith("有限公司").all()
    # signups spread over the window plus earlier history
    for tables in demo.values():
        years = tables["customers"]["signup_date"].dt.year.value_counts()
        assert {2023, 2024, 2025} <= set(years.index)


def test_loyalty_balances_never_negative(demo):
    for company, tables in demo.items():
        led = tables["loyalty_ledger"].copy()
        led["net"] = led["points_earned"] - led["points_redeemed"]
        led = led.sort_values(["customer_id", "occurred_at", "points_redeemed"], kind="stable")
        bal = led.groupby("customer_id")["net"].cumsum()
        assert (bal >= 0).all(), company
        members = set(tables["customers"].dropna(subset=["loyalty_tier"])["customer_id"])
        assert set(led["customer_id"]) <= members
        o = tables["orders"]
        assert o["points_redeemed"].sum() == led["points_redeemed"].sum()


def test_invalid_arguments():
    with pytest.raises(ValueError):
        generate(companies=["acme"])
    with pytest.raises(ValueError):
        generate(scale=0)
