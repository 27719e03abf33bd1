"""Satisfaction indicators on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit import satisfaction as sat


def test_nps_reference_case():
    # 100 responses: 50 promoters, 30 passives, 20 detractors.
    scores = [9] * 25 + [10] * 25 + [7] * 15 + [8] * 15 + [0] * 5 + [6] * 15
    e = sat.nps(scores)
    assert e.value == pytest.approx(30.0)
    assert e.n == 100
    # Var = [(P + D) - (P - D)^2] / n = (0.7 - 0.09) / 100 = 0.0061 (variance of a difference of multinomial proportions)
    assert e.se == pytest.approx(100 * math.sqrt(0.0061))
    assert e.margin == pytest.approx(1.959964 * 100 * math.sqrt(0.0061), rel=1e-5)
    assert e.margin == pytest.approx(15.31, abs=0.01)
    assert (e.ci_low, e.ci_high) == pytest.approx((30 - 15.308, 30 + 15.308), abs=0.01)


def test_nps_extremes_and_validation():
    assert sat.nps([10] * 40).value == 100.0
    assert sat.nps([10] * 40).se == 0.0
    assert sat.nps([0] * 40).value == -100.0
    assert math.isnan(sat.nps([]).value)
    with pytest.raises(ValueError):
        sat.nps([11])


def test_nps_breakdown_counts():
    b = sat.nps_breakdown([10, 9, 8, 7, 6, 0]).set_index("group")
    assert b["count"].to_dict() == {"promoters": 2, "passives": 2, "detractors": 2}
    assert b["share"].sum() == pytest.approx(1.0)


def test_csat_top_two_box_and_wilson():
    e = sat.csat([5, 4, 4, 3, 2, 5, 4, 5, 1, 4])
    assert e.value == 0.7 and e.n == 10
    # Wilson interval for 7/10 computed by hand: centre 0.6296, half 0.2487
    assert (e.ci_low, e.ci_high) == pytest.approx((0.3968, 0.8922), abs=1e-4)


def test_csat_mixed_scales():
    # 6-7 of 7 and 4-5 of 5 are top two boxes
    e = sat.csat([7, 6, 5, 5, 3], scale_max=[7, 7, 7, 5, 5])
    assert e.value == pytest.approx(3 / 5)
    with pytest.raises(ValueError):
        sat.csat([6], scale_max=5)


def test_ces_mean_and_easy_share():
    assert sat.ces([7, 5, 3, 5]).value == 5.0
    assert sat.ces_easy_share([7, 5, 3, 5]).value == 0.75
    assert sat.ces_easy_share([1, 2, 3, 6], scale="effort").value == 0.75


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_nps_properties(scores):
    e = sat.nps(scores)
    assert -100 <= e.ci_low <= e.value <= e.ci_high <= 100
    x = np.array(scores)
    assert e.value == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=300))
def test_csat_properties(scores):
    e = sat.csat(scores)
    assert 0 <= e.ci_low <= e.value + 1e-12 and e.value <= e.ci_high + 1e-12 and e.ci_high <= 1
    assert e.value == pytest.approx(np.mean(np.array(scores) >= 4))


def _surveys(n=400, seed=0):
    rng = np.random.default_rng(seed)
    q, p, d = rng.integers(1, 6, n), rng.integers(1, 6, n), rng.integers(1, 6, n)
    overall = np.clip(np.rint(0.6 * q + 0.3 * p + 0.1 * d + rng.normal(0, 0.4, n)), 1, 5)
    return pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)],
        "responded_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
        "survey_type": "csat", "score": overall, "scale_max": 5.0, "customer_id": [f"c{i % 50}" for i in range(n)],
        "touchpoint": np.where(np.arange(n) % 2 == 0, "purchase", "service"), "channel": "online",
        "driver_quality": q.astype(float), "driver_price": p.astype(float), "driver_delivery": d.astype(float),
        "comment": np.where(np.arange(n) % 4 == 0, "some text", None),
    })


def test_relative_weights_and_lmg_sum_to_r2_and_agree_on_order():
    s = _surveys()
    X, y = s[["driver_quality", "driver_price", "driver_delivery"]], s["score"]
    r2 = sat._r2(X.to_numpy(float), y.to_numpy(float))
    rw, lm = sat.relative_weights(X, y), sat.lmg(X, y)
    assert rw.sum() == pytest.approx(r2, rel=1e-9)
    assert lm.sum() == pytest.approx(r2, rel=1e-9)
    assert list(np.argsort(-rw)) == list(np.argsort(-lm)) == [0, 1, 2]


def test_relative_weights_orthogonal_predictors_equal_squared_correlations():
    # With uncorrelated predictors, every importance measure equals r_jy^2.
    X = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]] * 25, dtype=float)
    y = 2 * X[:, 0] + X[:, 1] + np.tile([0.5, -0.5, -0.5, 0.5], 25)
    r = [np.corrcoef(X[:, j], y)[0, 1] ** 2 for j in range(2)]
    assert sat.relative_weights(X, y) == pytest.approx(r)
    assert sat.lmg(X, y) == pytest.approx(r)


def test_key_drivers_matches_statsmodels_ols():
    import statsmodels.api as sm

    s = _surveys()
    kd = sat.key_drivers(s, "2025-01-01", "2025-03-31").set_index("driver")
    fit = sm.OLS(s["score"], sm.add_constant(s[["driver_quality", "driver_price", "driver_delivery"]])).fit()
    assert kd.loc["quality", "coef"] == pytest.approx(fit.params["driver_quality"])
    assert kd.loc["price", "se"] == pytest.approx(fit.bse["driver_price"])
    assert kd["importance"].sum() == pytest.approx(1.0)
    assert kd.index[0] == "quality"
    assert kd.attrs["r2"] == pytest.approx(fit.rsquared)


def test_scores_by_touchpoint_and_feedback():
    s = _surveys()
    by = sat.scores_by(s, "touchpoint", "2025-01-01", "2025-03-31").set_index("group")
    for g in ("purchase", "service"):
        part = s[s["touchpoint"] == g]
        assert by.loc[g, "csat"] == pytest.approx((part["score"] >= 4).mean())
        assert by.loc[g, "csat_n"] == len(part)
    fb = sat.feedback_summary(s, "2025-01-01", "2025-03-31")
    assert fb["responses"] == 400
    assert fb["comment_share"].value == pytest.approx(0.25)
    assert "comment" not in sat.driver_scores(s, "2025-01-01", "2025-03-31").columns


def test_driver_scores_and_employee():
    s = _surveys()
    d = sat.driver_scores(s, "2025-01-01", "2025-03-31").set_index("driver")
    assert d.loc["price", "mean"] == pytest.approx(s["driver_price"].mean())
    emp = s.assign(survey_type="employee")
    r = sat.employee_satisfaction(emp, "2025-01-01", "2025-03-31")
    assert r["share"].value == pytest.approx((s["score"] >= 4).mean())
    assert sat.employee_satisfaction(s, "2025-01-01", "2025-03-31")["mean"].n == 0


def test_monthly_trend_values_in_range():
    t = sat.monthly_trend(_surveys(), "2025-01-01", "2025-03-31")
    assert set(t["metric"]) == {"csat"}
    assert len(t) == 3 and t["n"].sum() == 400
    assert t["value"].between(0, 1).all()


# -- readings of the satisfaction tables -------------------------------------------------------


def test_customer_responses_leave_out_employees():
    sv = pd.DataFrame({"responded_at": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-04", "2025-02-10"]),
                       "survey_type": ["csat", "employee", "nps", "csat"], "score": [5, 4, 9, 1]})
    assert sat.customer_responses(sv, "2025-01-01", "2025-01-31") == 2


def test_segment_dimension_picks_the_first_that_splits():
    cu = pd.DataFrame({"customer_type": ["individual"] * 3, "region": ["east", "west", None]})
    assert sat.segment_dimension(cu) == "region"
    assert sat.segment_dimension(cu.assign(region="east")) is None
    assert sat.segment_dimension(cu.drop(columns="region")) is None


def test_compare_groups_best_worst_and_overlap():
    t = pd.DataFrame({"group": ["a", "b", "c", "d"], "csat": [0.80, 0.70, 0.95, 0.1],
                      "csat_low": [0.72, 0.66, 0.90, 0.0], "csat_high": [0.86, 0.74, 0.98, 0.5], "csat_n": [100, 200, 30, 29]})
    r = sat.compare_groups(t, min_n=30)
    assert r["groups"]["group"].tolist() == ["b", "a", "c"]  # d has 29 answers
    assert (r["best"]["group"], r["worst"]["group"], r["overlap"]) == ("c", "b", False)
    r = sat.compare_groups(t[t["group"].isin(["a", "b"])], min_n=30)
    assert r["overlap"] is True  # 0.74 >= 0.72
    assert sat.compare_groups(t, min_n=500) is None


def test_improvement_priorities_quadrant():
    k = pd.DataFrame({"driver": ["price", "quality", "delivery", "after_sales"], "importance": [0.4, 0.3, 0.2, 0.1],
                      "performance": [3.0, 4.5, 3.5, 3.9]})
    # mean importance 0.25, mean performance 3.725: price (0.4, 3.0) only; quality is important but scores well
    assert sat.improvement_priorities(k) == ["price"]


def test_trend_endpoints():
    t = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01"]),
                      "metric": ["csat", "nps", "csat", "csat"], "value": [0.7, 10.0, 0.8, 0.75]})
    first, last = sat.trend_endpoints(t)
    assert (first["value"], last["value"]) == (0.7, 0.75) and last["month"] == pd.Timestamp("2025-03-01")
    assert sat.trend_endpoints(t, "ces") is None


def test_nps_groups_are_the_one_threshold():
    g = sat.nps_groups([10, 9, 8.5, 7, 6.5, 6, 0, None])
    assert g.tolist() == ["promoter", "promoter", "passive", "passive", "passive", "detractor", "detractor", None]
    # nps and nps_breakdown agree with the grouping
    scores = [10, 9, 8, 7, 6, 3, 10, 2]
    b = sat.nps_breakdown(scores).set_index("group")["count"]
    assert b.to_dict() == {"promoters": 3, "passives": 2, "detractors": 3}
    assert sat.nps(scores).value == pytest.approx(100 * (3 - 3) / 8)
    from crmkit.indicators import feedback, team

    assert feedback.nps_group(scores).tolist() == sat.nps_groups(scores).tolist()
    assert team.employee_satisfaction is sat.employee_satisfaction


def test_key_drivers_with_identical_overall_scores_is_empty_not_an_error():
    rng = np.random.default_rng(3)
    sv = pd.DataFrame({"response_id": range(40), "responded_at": pd.Timestamp("2025-10-05"), "survey_type": "csat",
                       "score": 4.0, "scale_max": 5.0, "driver_a": rng.integers(1, 6, 40).astype(float),
                       "driver_b": 3.0})
    k = sat.key_drivers(sv, "2025-10-01", "2025-12-31")
    assert k.empty and k.attrs["n"] == 40 and math.isnan(k.attrs["r2"])
    sv["score"] = sv["driver_a"] + rng.normal(0, 0.5, 40)  # now only the constant driver_b is dropped
    k = sat.key_drivers(sv, "2025-10-01", "2025-12-31")
    assert k["driver"].tolist() == ["a"] and k.attrs["r2"] > 0.8
