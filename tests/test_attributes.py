"""Customer attributes (attr_*): levels and pooling, one-hot coding, breakdowns with Holm-adjusted tests, the churn
models' attribute covariates, and the reports 01, 02, 04 and 05 on a small store whose customers carry attr_plan and
attr_payment."""

from __future__ import annotations

import doctest
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit import churn
from crmkit.estimate import mean, proportion
from crmkit.indicators import attributes as attrs
from crmkit.indicators import satisfaction as sat
from crmkit.indicators.customer_base import segment_table
from crmkit.narrative import attributes as say
from tests.helpers import assert_clean


def test_doctests_of_the_attribute_modules():
    from crmkit.reports.charts import attributes as charts  # noqa: F401 (importable)

    for module in (attrs, say):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


# -- levels and coding -----------------------------------------------------------------------------
def test_attribute_columns_are_the_contract_family():
    cu = pd.DataFrame(columns=["customer_id", "attr_plan", "region", "attr_Bad", "attrx", "attr_pay_method"])
    assert attrs.attribute_columns(cu) == ["attr_plan", "attr_pay_method"]
    assert attrs.attribute_columns(pd.DataFrame(columns=["customer_id", "region"])) == []


def test_levels_pool_small_ones_into_other_and_take_the_largest_as_reference():
    values = pd.Series(["card"] * 40 + ["transfer"] * 35 + ["cash"] * 12 + ["cheque"] * 5 + [None] * 3 + [" "] * 2
                       + ["other"] * 4, name="attr_payment")
    lv = attrs.attribute_levels(values, min_n=30)
    # cash 12, cheque 5, unknown 5 (missing and blank) are pooled with the literal "other" 4: 26 customers
    assert lv.levels == ("card", "transfer", "other") and lv.sizes == (40, 35, 26)
    assert lv.pooled == ("cash", "cheque", "unknown") and lv.reference == "card"
    # "other" has 26 < 30 customers: no dummy of its own, its customers count with the reference
    assert lv.dummy_levels == ("transfer",) and lv.names == ["attr_payment=transfer"]
    # ties between levels are broken by name; the reference is never "other" while a named level exists
    tie = attrs.attribute_levels(pd.Series(["b"] * 3 + ["a"] * 3 + ["x", "y", "z", "w"]), min_n=2, column="attr_t")
    assert tie.levels == ("a", "b", "other") and tie.sizes == (3, 3, 4) and tie.reference == "a"
    assert tie.dummy_levels == ("b", "other")
    only_small = attrs.attribute_levels(pd.Series(list("abc")), min_n=2, column="attr_t")
    assert only_small.levels == ("other",) and only_small.reference == "other" and only_small.dummy_levels == ()


def test_one_hot_leaves_the_reference_out_and_codes_unseen_values_as_other():
    fit = pd.Series(["basic"] * 5 + ["pro"] * 3 + ["gold"] * 2 + ["trial"] * 2, name="attr_plan")
    lv = attrs.attribute_levels(fit, min_n=2)
    assert lv.reference == "basic" and lv.levels == ("basic", "pro", "gold", "trial")
    new = pd.Series(["pro", "basic", "gold", "platinum", None], index=[10, 11, 12, 13, 14], name="attr_plan")
    d = attrs.one_hot(new, lv)
    assert list(d.columns) == ["attr_plan=pro", "attr_plan=gold", "attr_plan=trial"]
    assert d.index.tolist() == [10, 11, 12, 13, 14]
    # basic (the reference) and the unseen platinum and missing values (no "other" level was fitted) are all zeros
    assert d.to_numpy().tolist() == [[1, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 0]]
    pooled = attrs.attribute_levels(fit, min_n=3)  # gold, trial -> other (4 customers)
    e = attrs.one_hot(new, pooled)
    assert list(e.columns) == ["attr_plan=pro", "attr_plan=other"]
    # gold was pooled, platinum is unseen, the missing value is "unknown" (not a fitted level): all "other"
    assert e.to_numpy().tolist() == [[1, 0], [0, 0], [0, 1], [0, 1], [0, 1]]


# -- breakdowns and tests --------------------------------------------------------------------------
def test_rate_breakdown_by_hand():
    # a: 30 of 40, b: 30 of 60.  Pooled 60/100 = 0.6; se = sqrt(0.24 (1/40 + 1/60)) = 0.1; z = (0.75 - 0.5) / 0.1 = 2.5
    levels = pd.Series(["a"] * 40 + ["b"] * 60)
    y = pd.Series([1] * 30 + [0] * 10 + [1] * 30 + [0] * 30)
    t = attrs.breakdown(levels, y, kind="rate", min_n=30).set_index("level")
    assert t.loc["a", "n"] == 40 and t.loc["a", "value"] == 0.75 and t.loc["a", "rest_value"] == 0.5
    assert t.loc["b", "difference"] == pytest.approx(-0.25)
    wilson = proportion(30, 40)
    assert (t.loc["a", "ci_low"], t.loc["a", "ci_high"]) == (wilson.ci_low, wilson.ci_high)
    p = 2 * stats.norm.sf(2.5)
    assert t.loc["a", "p_value"] == pytest.approx(p) and t.loc["b", "p_value"] == pytest.approx(p)
    # Holm over the two levels: 2p for the smaller, max(2p, p) for the other
    assert t["p_adjusted"].tolist() == pytest.approx([2 * p, 2 * p]) and t["differs"].all()
    z, pz = attrs.two_proportion_test(30, 40, 30, 60)
    from statsmodels.stats.proportion import proportions_ztest

    sz, sp = proportions_ztest([30, 30], [40, 60])
    assert (z, pz) == (pytest.approx(2.5), pytest.approx(p)) and (z, pz) == (pytest.approx(sz), pytest.approx(sp))


def test_mean_breakdown_uses_welch_and_tests_only_levels_with_enough_observations():
    rng = np.random.default_rng(5)
    x, y, small = rng.normal(10, 2, 40), rng.normal(12, 5, 50), rng.normal(30, 1, 5)
    levels = pd.Series(["x"] * 40 + ["y"] * 50 + ["s"] * 5)
    values = pd.Series(np.r_[x, y, small])
    t = attrs.breakdown(levels, values.where(values.index != 3), kind="mean", min_n=30).set_index("level")
    x_kept = np.delete(x, 3)  # the missing value is left out
    assert t.loc["x", "n"] == 39 and t.loc["x", "value"] == pytest.approx(x_kept.mean())
    e = mean(x_kept)
    assert (t.loc["x", "ci_low"], t.loc["x", "ci_high"]) == (pytest.approx(e.ci_low), pytest.approx(e.ci_high))
    px = stats.ttest_ind(x_kept, np.r_[y, small], equal_var=False).pvalue
    py = stats.ttest_ind(y, np.r_[x_kept, small], equal_var=False).pvalue
    assert t.loc["x", "p_value"] == pytest.approx(px) and t.loc["y", "p_value"] == pytest.approx(py)
    assert math.isnan(t.loc["s", "p_value"]) and math.isnan(t.loc["s", "p_adjusted"]) and not t.loc["s", "differs"]
    assert t.loc["s", "value"] == pytest.approx(small.mean())  # shown, not tested
    lo, hi = sorted([px, py])
    assert sorted(t[["p_adjusted"]].dropna()["p_adjusted"]) == pytest.approx([min(1, 2 * lo), max(min(1, 2 * lo), hi)])
    assert t.index.tolist() == ["y", "x", "s"]  # most observations first
    with pytest.raises(ValueError, match="kind"):
        attrs.breakdown(levels, values, kind="median")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_holm_matches_statsmodels(seed):
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(seed).uniform(0, 0.2, 9) ** 2
    p[2] = p[5]  # a tie
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method="holm")
    assert attrs.holm(p) == pytest.approx(adjusted)
    with_nan = np.r_[np.nan, p]
    got = attrs.holm(with_nan)
    assert math.isnan(got[0]) and got[1:] == pytest.approx(adjusted)  # a missing p-value is not counted
    assert attrs.holm([]).size == 0


def test_welch_and_degenerate_groups():
    assert attrs.welch_test([1.0], [1.0, 2.0]) != attrs.welch_test([1.0], [1.0, 2.0])  # NaN: too few values
    assert attrs.welch_test([2.0, 2.0], [2.0, 2.0, 2.0]) == (0.0, 1.0)
    assert attrs.two_proportion_test(0, 30, 0, 40) == (0.0, 1.0)
    assert all(math.isnan(v) for v in attrs.two_proportion_test(1, 0, 1, 3))


def test_select_attributes_keeps_ten_events_per_coefficient():
    n = 200
    cu = pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)],
                       "attr_payment": np.array(["card", "cash", "transfer", "app"] * 50),  # 3 dummies
                       "attr_plan": np.where(np.arange(n) < 120, "basic", "pro"),       # 1 dummy
                       "attr_flat": "x",                                                   # one level
                       "region": "north"})
    sel = attrs.select_attributes(cu, min_n=30, events=65, used=3)  # 65 events allow 6 coefficients, 3 taken
    assert sel.budget == 3 and sel.columns == ["attr_payment=card", "attr_payment=cash", "attr_payment=transfer"]
    assert sel.excluded == (("attr_plan", "too_few_events", 1), ("attr_flat", "single_level", 0))
    assert sel.references == {"attr_payment": "app"}  # equal sizes: the first by name
    sel = attrs.select_attributes(cu, min_n=30, events=45, used=3)  # room for one: payment does not fit, plan does
    assert sel.columns == ["attr_plan=pro"] and sel.excluded[0] == ("attr_payment", "too_few_events", 3)
    t = sel.table().set_index("attribute")
    assert t.loc["attr_plan", "status"] == "included" and t.loc["attr_plan", "reference"] == "basic"
    # levels are counted on the model's customers only
    sub = attrs.select_attributes(cu, cu["customer_id"][:100], min_n=20)  # 25 of each payment, all basic
    assert len(sub.columns) == 3 and sub.excluded == (("attr_plan", "single_level", 0), ("attr_flat", "single_level", 0))
    assert attrs.select_attributes(cu, cu["customer_id"][:100], min_n=30).columns == []  # 25 < 30: one pooled level
    assert attrs.select_attributes(cu.drop(columns=["attr_payment", "attr_plan", "attr_flat"]), events=100).columns == []
    framed = sel.add_to(pd.DataFrame({"customer_id": ["c0", "c150", "zz"], "y": [1, 2, 3]}), cu)
    assert framed["attr_plan=pro"].tolist() == [0.0, 1.0, 0.0] and framed["y"].tolist() == [1, 2, 3]


def test_base_by_attributes_by_hand():
    cu = pd.DataFrame({"customer_id": list("abcdefgh"), "signup_date": pd.to_datetime(["2024-01-01"] * 7 + ["2026-01-05"]),
                       "attr_plan": ["pro", "pro", "pro", "basic", "basic", "basic", "basic", "pro"],
                       "attr_flat": ["x"] * 8})
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(5)], "customer_id": ["a", "b", "d", "d", "e"],
                           "order_date": pd.to_datetime(["2025-10-05", "2025-11-01", "2025-10-10", "2025-12-01", "2024-05-01"]),
                           "amount": [100.0, 50.0, 20.0, 30.0, 10.0]})
    t = attrs.base_by_attributes(cu, orders, "2025-10-01", "2025-12-31", min_n=2)
    assert set(t["dimension"]) == {"attr_plan"}  # attr_flat has one level; h signs up after the window
    t = t.set_index("level")
    assert t["customers"].to_dict() == {"basic": 4, "pro": 3}
    assert t.loc["basic", "customer_share"] == pytest.approx(4 / 7)
    assert (t.loc["pro", "share_low"], t.loc["pro", "share_high"]) == (proportion(3, 7).ci_low, proportion(3, 7).ci_high)
    assert t["active_customers"].to_dict() == {"basic": 1, "pro": 2}
    assert t.loc["pro", "active_rate"] == pytest.approx(2 / 3) and t.loc["pro", "active_rest"] == pytest.approx(1 / 4)
    assert t["revenue"].to_dict() == {"basic": 50.0, "pro": 150.0}
    assert t.loc["pro", "revenue_share"] == pytest.approx(0.75) and t.loc["pro", "revenue_per_active"] == 75.0
    # the same customers and revenue as the segment table of the customer-base report
    seg = segment_table(cu, orders, "2025-10-01", "2025-12-31", "attr_plan").set_index("segment")
    assert seg["customers"].to_dict() == t["customers"].to_dict() and seg["revenue"].to_dict() == t["revenue"].to_dict()
    z, p = attrs.two_proportion_test(2, 3, 1, 4)
    assert t.loc["pro", "active_p"] == pytest.approx(min(1.0, 2 * p))
    assert attrs.base_by_attributes(cu.drop(columns=["attr_plan", "attr_flat"]), orders, "2025-10-01", "2025-12-31").empty


def _surveys(rows):
    return pd.DataFrame({"response_id": [f"r{i}" for i in range(len(rows))],
                         "responded_at": pd.to_datetime([r[1] for r in rows]), "survey_type": [r[2] for r in rows],
                         "score": [float(r[3]) for r in rows], "scale_max": [5.0 if r[2] == "csat" else 10.0 for r in rows],
                         "customer_id": [r[0] for r in rows]})


def test_satisfaction_by_attributes_uses_the_report_definitions():
    cu = pd.DataFrame({"customer_id": list("abcd"), "signup_date": pd.to_datetime(["2024-01-01"] * 4),
                       "attr_plan": ["pro", "pro", "basic", "basic"]})
    rows = [("a", "2025-10-03", "csat", 5), ("a", "2025-10-04", "csat", 4), ("b", "2025-11-03", "csat", 2),
            ("c", "2025-10-03", "csat", 3), ("d", "2025-12-03", "csat", 5), ("d", "2025-12-04", "csat", 1),
            (None, "2025-10-03", "csat", 5), ("zz", "2025-10-03", "csat", 5), ("c", "2025-09-30", "csat", 5),
            ("a", "2025-10-03", "nps", 10), ("b", "2025-10-03", "nps", 9), ("c", "2025-10-03", "nps", 3),
            ("d", "2025-10-03", "nps", 8)]
    t = attrs.satisfaction_by_attributes(_surveys(rows), cu, "2025-10-01", "2025-12-31", min_n=1)
    c = t[t["measure"] == "csat"].set_index("level")
    # unlinked (no id, unknown id) and out-of-window responses are left out: pro 2 of 3 satisfied, basic 1 of 3
    assert c["n"].to_dict() == {"basic": 3, "pro": 3}
    assert c.loc["pro", "value"] == pytest.approx(2 / 3) and c.loc["basic", "value"] == pytest.approx(1 / 3)
    assert c.loc["pro", "ci_low"] == sat.csat([5, 4, 2]).ci_low
    n = t[t["measure"] == "nps"].set_index("level")
    assert n.loc["pro", "value"] == 100.0 and n.loc["basic", "value"] == -50.0
    e = sat.nps([3, 8])
    assert (n.loc["basic", "ci_low"], n.loc["basic", "ci_high"]) == (e.ci_low, e.ci_high)
    assert n.loc["pro", "difference"] == 150.0
    assert attrs.satisfaction_by_attributes(_surveys(rows), cu.drop(columns="attr_plan"), "2025-10-01", "2025-12-31").empty


def test_value_by_attributes_by_hand():
    summary = pd.DataFrame({"customer_id": list("abcde"), "monetary": [100.0, 300.0, 50.0, 50.0, 500.0],
                            "clv": [30.0, 90.0, 15.0, 15.0, 150.0]})
    cu = pd.DataFrame({"customer_id": list("abcdf"), "attr_tier": ["gold", "gold", "silver", "silver", "gold"]})
    t = attrs.value_by_attributes(summary, cu, min_n=2).set_index("level")
    # e has no customers row: unknown (1 customer) is pooled into other
    assert t.index.tolist() == ["gold", "silver", "other"] and t["n"].tolist() == [2, 2, 1]
    assert t.loc["gold", "value"] == 60.0 and t.loc["gold", "revenue"] == 400.0
    assert t.loc["gold", "revenue_share"] == pytest.approx(0.4) and t.loc["other", "revenue_share"] == pytest.approx(0.5)
    assert t.loc["gold", "rest_value"] == pytest.approx((15 + 15 + 150) / 3)
    _, p = attrs.welch_test([30.0, 90.0], [15.0, 15.0, 150.0])
    assert t.loc["gold", "p_value"] == pytest.approx(p)


# -- churn models ----------------------------------------------------------------------------------
def _planted_panel(n=1500, seed=20250101):
    """Exponential lifetimes: basic customers churn at 1/400 per day, premium ones at twice the rate (hazard ratio 2);
    the payment method has no effect.  Follow-up ends uniformly within two years (censoring)."""
    rng = np.random.default_rng(seed)
    ids = [f"k{i:04d}" for i in range(n)]
    plan = np.where(rng.random(n) < 0.6, "basic", "premium")
    payment = rng.choice(["card", "transfer", "cash"], size=n, p=[0.5, 0.35, 0.15])
    life = rng.exponential(400.0 / np.where(plan == "premium", 2.0, 1.0))
    follow = rng.uniform(30, 730, n)
    panel = pd.DataFrame({"customer_id": ids, "duration_days": np.ceil(np.minimum(life, follow)), "event": life <= follow})
    customers = pd.DataFrame({"customer_id": ids, "attr_plan": plan, "attr_payment": payment})
    return panel, customers


def test_cox_recovers_a_planted_hazard_ratio_of_two():
    panel, customers = _planted_panel()
    hr = churn.attribute_hazards(panel, customers)
    row = hr.set_index("term").loc["attr_plan=premium"]
    assert row["ci_low"] < 2.0 < row["ci_high"] and row["ci_low"] > 1.0  # recovered, and clearly above 1
    assert abs(math.log(row["hazard_ratio"] / 2.0)) < 0.2
    assert hr.attrs["reference"] == {"attr_plan": "basic", "attr_payment": "card"}
    assert set(hr["term"]) == {"attr_plan=premium", "attr_payment=transfer", "attr_payment=cash"}
    for term in ("attr_payment=transfer", "attr_payment=cash"):  # no effect planted
        assert hr.set_index("term").loc[term, "ci_low"] < 1 < hr.set_index("term").loc[term, "ci_high"]
    assert hr.attrs["events"] == int(panel["event"].sum()) and hr.attrs["attributes"].excluded == ()
    # the table of the report: one row per level, with its reference and interval
    from crmkit.formatting import Formatter

    rows = say.hazard_rows(hr, Formatter("en")).set_index("level")
    assert rows.loc["premium", "attribute"] == "Plan" and rows.loc["premium", "reference"] == "basic"
    assert rows.loc["premium", "hazard_ratio"] == row["hazard_ratio"]


def test_cox_leaves_out_attributes_beyond_ten_events_per_coefficient():
    n = 300
    ids = [f"k{i:03d}" for i in range(n)]
    customers = pd.DataFrame({"customer_id": ids, "attr_plan": np.where(np.arange(n) % 2, "premium", "basic"),
                              "attr_payment": np.array(["card", "transfer", "cash"])[np.arange(n) % 3]})
    rng = np.random.default_rng(1)
    small = pd.DataFrame({"customer_id": ids, "duration_days": rng.integers(10, 700, n).astype(float),
                          "event": rng.permutation(np.arange(n) < 25)})
    # 25 events allow two coefficients: the plan (1 dummy) fits, the payment (2 dummies) does not
    hr = churn.attribute_hazards(small, customers)
    sel = hr.attrs["attributes"]
    assert hr["term"].tolist() == ["attr_plan=premium"]
    assert sel.excluded == (("attr_payment", "too_few_events", 2),) and sel.budget == 2
    note = say.left_out(sel, "cox")[0]
    assert note.en == ("Payment is left out of the Cox model: its 2 levels against the reference would break the rule of "
                       "at least 10 events per coefficient (25 churn events allow 2 coefficients; the model has 1 "
                       "without it).")
    assert note.zh == ("payment 未纳入 Cox 模型：其 2 个层级会违反每个系数至少 10 个事件的经验规则（25 次流失最多支持 2 个系数；"
                       "不含该属性时模型已有 1 个）。")
    assert_clean(note)
    # a single-level attribute is dropped and said so
    panel, planted = _planted_panel(n=400)
    sel1 = churn.attribute_hazards(panel, planted.assign(attr_plan="basic")).attrs["attributes"]
    assert sel1.excluded[0] == ("attr_plan", "single_level", 0)
    assert say.left_out(sel1, "cox")[0].en == ("Plan is left out of the Cox model: among the customers it is fitted on, "
                                               "fewer than two of its levels have at least 30 customers.")
    # fewer than 10 events: no model at all
    assert churn.attribute_hazards(panel[~panel["event"]].head(50), planted).empty


@pytest.fixture(scope="module")
def huamei():
    from crmkit import demo

    return demo.generate(seed=7, scale=0.5, companies="huamei")["huamei"]


def test_early_warning_model_uses_the_attribute_dummies(huamei):
    d = huamei
    start, end, horizon = pd.Timestamp("2025-10-01"), pd.Timestamp("2025-12-31"), 92
    opts = dict(inactivity_days=churn.inactivity_threshold(d["orders"], end), tickets=d["tickets"], surveys=d["surveys"],
                interactions=d["interactions"])
    rng = np.random.default_rng(3)
    cu = d["customers"].assign(attr_plan=rng.choice(["basic", "pro", "gold"], size=len(d["customers"]), p=[0.6, 0.3, 0.1]),
                               attr_rare=np.where(np.arange(len(d["customers"])) < 5, "x", "y"))
    model, ev = churn.warning_model(cu, d["orders"], start, horizon, **opts)
    assert model.features == [*churn.FEATURES, "attr_plan=pro", "attr_plan=gold"]
    assert set(model.summary_["feature"]) >= {"attr_plan=pro", "attr_plan=gold"}
    assert model.attributes_.excluded == (("attr_rare", "single_level", 0),)
    train = churn.churn_dataset(cu, d["orders"], start - pd.Timedelta(days=horizon + 1), horizon, **opts)
    events = int(min(train["churned"].sum(), (1 - train["churned"]).sum()))
    assert model.attributes_.events == events and model.attributes_.used == len(churn.FEATURES)
    # scored with the same dummies; the customers scored are those of the model without attributes
    scores = churn.at_risk_scores(model, cu, d["orders"], start, end, horizon, **opts)
    plain, _ = churn.warning_model(d["customers"], d["orders"], start, horizon, **opts)
    base = churn.at_risk_scores(plain, d["customers"], d["orders"], start, end, horizon, **opts)
    assert scores["customer_id"].tolist() == base["customer_id"].tolist()
    assert scores["probability"].between(0, 1).all() and not np.allclose(scores["probability"], base["probability"])
    # without attr_* columns the model is the one of FEATURES alone
    assert plain.features == list(churn.FEATURES) and plain.attributes_.included == ()
    reading = say.warning_features(model.attributes_)
    assert reading.en == "The early-warning model also uses the customer attributes plan (2 levels against Basic)."
    assert say.warning_features(plain.attributes_) is None and say.left_out(plain.attributes_, "warning") == []


# -- reports on a small store whose customers carry attr_plan and attr_payment ----------------------
REPORTS = ["01_customer_base", "02_satisfaction", "04_churn", "05_value"]
END = pd.Timestamp("2025-12-31")


def _attribute_company(n: int = 300, seed: int = 11) -> dict[str, pd.DataFrame]:
    """*n* customers signed up in the first half of 2024, buying about monthly until their (exponential) lifetime ends.

    ``attr_plan``: basic (3 in 5) or premium, premium customers spend more, leave twice as fast and are more satisfied;
    ``attr_payment``: card 150, transfer 100, cash 40, cheque 6 and 4 missing (pooled into ``other``, 10 customers).
    Each customer answers one CSAT (1-5) and one NPS (0-10) survey in 2025Q4.
    """
    rng = np.random.default_rng(seed)
    ids = [f"k{i:03d}" for i in range(n)]
    premium = np.arange(n) % 5 >= 3
    payment = np.array(["card"] * 150 + ["transfer"] * 100 + ["cash"] * 40 + ["cheque"] * 6 + [None] * 4, dtype=object)
    payment = payment[rng.permutation(n)]
    signup = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D")
    stop = signup + pd.to_timedelta(rng.exponential(np.where(premium, 300.0, 600.0)), unit="D")
    customers = pd.DataFrame({"customer_id": ids, "signup_date": signup,
                              "attr_plan": np.where(premium, "premium", "basic"), "attr_payment": payment})
    orders, surveys = [], []
    for i, cid in enumerate(ids):
        day = signup[i]
        while day <= min(stop[i], END):
            orders.append({"customer_id": cid, "order_date": day, "amount": float(40 + 30 * premium[i] + rng.integers(0, 20))})
            day += pd.Timedelta(days=int(rng.integers(20, 40)))
        when = pd.Timestamp("2025-10-01") + pd.Timedelta(days=int(rng.integers(0, 90)))
        good = rng.random() < (0.85 if premium[i] else 0.55)
        surveys.append({"customer_id": cid, "responded_at": when, "survey_type": "csat",
                        "score": float(rng.integers(4, 6) if good else rng.integers(1, 4)), "scale_max": 5.0})
        surveys.append({"customer_id": cid, "responded_at": when, "survey_type": "nps",
                        "score": float(rng.integers(9, 11) if good else rng.integers(0, 9)), "scale_max": 10.0})
    o = pd.DataFrame(orders)
    o.insert(0, "order_id", [f"o{i:05d}" for i in range(len(o))])
    s = pd.DataFrame(surveys)
    s.insert(0, "response_id", [f"r{i:04d}" for i in range(len(s))])
    return {"customers": customers, "orders": o, "surveys": s}


@pytest.fixture(scope="module")
def attribute_run(tmp_path_factory):
    from crmkit.demo.build import ingest_frames
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    base = tmp_path_factory.mktemp("attributes")
    store = base / "crm.duckdb"
    ingest_frames(store, {"attrco": _attribute_company()}, base / "frames")
    out = base / "out"
    params = [load_params(None, company="attrco", period="2025Q4", store=str(store), language=lang, notebooks=REPORTS)
              for lang in ("en",)]
    return out / "attrco" / "2025Q4", run_reports(params, outputs=out, jobs=1)


def _main_text(folder, notebook) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((folder / f"{notebook}.html").read_text(encoding="utf-8"), "html.parser")
    return soup.find("main").get_text(" ")


@pytest.mark.slow
def test_reports_show_the_attribute_sections(attribute_run):
    folder, result = attribute_run
    assert {r["notebook"]: r["status"] for r in result.results} == dict.fromkeys(REPORTS, "ok")
    texts = {nb: _main_text(folder, nb) for nb in REPORTS}
    for nb, text in texts.items():
        assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE), nb
    base = texts["01_customer_base"]
    assert "Company-specific customer attributes" in base and "Plan: Basic is the largest level (60.0% of customers)." in base
    assert "Payment: card is the largest level" in base
    satisfaction = texts["02_satisfaction"]
    assert "CSAT (satisfied share) by customer attribute" in satisfaction and "NPS by customer attribute" in satisfaction
    # premium customers were made more satisfied: their CSAT differs from the rest
    assert re.search(r"Plan: CSAT \(satisfied share\) differs from the rest beyond chance \(Holm-adjusted\) for [^.]*premium",
                     satisfaction)
    churn_text = texts["04_churn"]
    assert "Hazard ratios of the customer attributes (Cox model)" in churn_text
    assert "left out of the early-warning model" in churn_text  # too few churners for 9 features and the dummies
    value = texts["05_value"]
    assert "Value by customer attribute" in value and "Mean historical CLV by customer attribute" in value


@pytest.mark.slow
def test_attribute_sections_match_the_indicators(attribute_run):
    from crmkit.formatting import Formatter
    from crmkit.indicators import value

    folder, _ = attribute_run
    company = _attribute_company()
    cu, orders = company["customers"], company["orders"]
    flat = {nb: re.sub(r"\s+", " ", _main_text(folder, nb)) for nb in ("01_customer_base", "04_churn", "05_value")}
    t = attrs.base_by_attributes(cu, orders, "2025-10-01", "2025-12-31")
    plan = t[t["dimension"] == "attr_plan"].set_index("level")
    assert plan["customers"].to_dict() == {"basic": 180, "premium": 120}
    pay = t[t["dimension"] == "attr_payment"].set_index("level")
    # cheque (6) and the 4 missing payments (unknown) are pooled into other
    assert pay["customers"].to_dict() == {"card": 150, "transfer": 100, "cash": 40, "other": 10}
    assert f"Plan premium 120 40.0% {plan.loc['premium', 'active_rate']:.1%}" in flat["01_customer_base"]
    assert "Payment Other 10 3.3%" in flat["01_customer_base"]
    # the Cox table: premium customers were made to leave twice as fast; other (10 customers) gets no dummy
    panel = churn.churn_panel(cu, orders, "2025-10-01", "2025-12-31")
    hr = churn.attribute_hazards(panel, cu).set_index("term")
    assert hr.loc["attr_plan=premium", "ci_low"] > 1 and "attr_payment=other" not in hr.index
    r = hr.loc["attr_plan=premium"]
    assert f"Plan premium Basic {r['hazard_ratio']:.2f} {r['ci_low']:.2f} {r['ci_high']:.2f}" in flat["04_churn"]
    # mean historical CLV per level, as the value report shows it
    v = attrs.value_by_attributes(value.customer_summary(orders, END, margin_rate=0.3), cu).set_index("level")
    en = Formatter("en", "CNY")
    row = v[v["dimension"] == "attr_plan"].loc["premium"]
    assert f"Plan premium 120 {row['revenue_share']:.1%} {en.fmt(row['value'], 'currency')}" in flat["05_value"]


# -- readings --------------------------------------------------------------------------------------
def test_readings_name_the_differing_levels_in_both_languages():
    rows = pd.DataFrame({"dimension": "attr_plan", "measure": "csat", "level": ["basic", "premium", "trial"],
                         "n": [180, 120, 12], "value": [0.528, 0.867, 0.5], "ci_low": [0.45, 0.79, 0.25],
                         "ci_high": [0.60, 0.92, 0.75], "rest_value": [0.84, 0.53, 0.66],
                         "p_value": [1e-6, 1e-6, float("nan")], "p_adjusted": [2e-6, 2e-6, float("nan")],
                         "differs": [True, True, False]})
    r = say.satisfaction(rows)
    # three levels: both tested levels are named (not the untested trial)
    assert r.en == ("Plan: CSAT (satisfied share) differs from the rest beyond chance (Holm-adjusted) for Basic: 52.8% "
                    "against 84.0%; premium: 86.7% against 53.0%.")
    assert r.zh == "plan：CSAT（满意比例）与其余客户差异显著（Holm 校正）的层级：普通：52.8%，其余为 84.0%；premium：86.7%，其余为 53.0%。"
    assert_clean(r)
    two = rows.iloc[:2]
    assert "for premium: 86.7% against 53.0%." in say.satisfaction(two).en  # two levels: one comparison, named once
    none = say.satisfaction(rows.assign(differs=False))
    assert none.en == "Plan: No level differs from the rest beyond chance in CSAT (satisfied share)."
    untested = say.satisfaction(rows.assign(p_value=float("nan")))
    assert untested.en == "Plan: Too few observations per level to test CSAT (satisfied share) against the rest."
    nps = say.differences(rows.assign(value=[18.0, 78.0, 0.0], rest_value=[78.0, 18.0, 40.0]), ("NPS", "NPS"), "points")
    assert "Basic: +18 against +78; premium: +78 against +18" in nps.en and "NPS 与其余客户" in nps.zh
    clv = say.value(rows.assign(measure="clv", value=[202.0, 214.0, 100.0], rest_value=[214.0, 202.0, 207.0],
                                revenue_share=[0.587, 0.413, 0.0]), "CNY")
    assert clv.en.startswith("Plan: Basic brings 58.7% of revenue. Mean historical CLV differs") and "¥202 against ¥214" in clv.en
    assert_clean(clv)


def test_base_reading_and_table_layout():
    from crmkit.formatting import Formatter

    cu = pd.DataFrame({"customer_id": [f"c{i}" for i in range(100)], "signup_date": pd.to_datetime(["2024-01-01"] * 100),
                       "attr_plan": ["basic"] * 60 + ["premium"] * 40})
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(50)], "customer_id": [f"c{i}" for i in range(50)],
                           "order_date": pd.to_datetime(["2025-11-01"] * 50), "amount": 10.0})
    t = attrs.base_by_attributes(cu, orders, "2025-10-01", "2025-12-31")
    r = say.base(t)  # basic: 50 of 60 active, premium: 0 of 40
    assert r.en == ("Plan: Basic is the largest level (60.0% of customers). Share active in the period differs from the "
                    "rest beyond chance (Holm-adjusted) for premium: 0.0% against 83.3%.")
    assert_clean(r)
    shown = say.base_rows(t)
    assert "revenue_share" in shown and "active_differs" not in shown
    assert "revenue_share" not in say.base_rows(t.assign(revenue=0.0))  # no revenue in the window: no revenue columns
    layout = say.base_table(Formatter("zh"))
    assert layout["formats"]["dimension"]("attr_plan") == "plan" and layout["labels"]["active_p"][0] == "p vs rest (Holm)"
