"""Loyalty due diligence: red-flag rules, their YAML, metric look-up, composite, peers, and the 98 report on the demo store."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from crmkit.evaluation import due_diligence as dd
from crmkit.evaluation import summary
from crmkit.store.data import CRMData
from crmkit.errors import ConfigError
from crmkit.reports.runner import list_notebooks
from crmkit.evaluation.weights import load_weights

RULES = dd.load_red_flags()
DERIVED = {"complaint_rate_ratio"}  # computed by the 98 report itself, not saved by a dimension report


def _rule(**kw) -> dd.RedFlagRule:
    base = dict(id="churn", metric="churn_rate", worse="higher", medium=0.15, high=0.30, title_en="Churn",
                title_zh="流失", ask_en="Why do customers leave?", ask_zh="客户为何流失？", rationale="Quarterly churn thresholds.")
    return dd.RedFlagRule(**{**base, **kw})


def _frame(values: dict[str, float | None], **extra) -> pd.DataFrame:
    return dd.metric_frame([{"name": k, "value": v, "unit": "ratio", "notebook": "04_churn", **extra} for k, v in values.items()])


def _toward_better(x: float, worse: str) -> float:
    """The closest float to *x* on the better side (just short of the threshold)."""
    return float(np.nextafter(x, -np.inf if worse == "higher" else np.inf))


# --------------------------------------------------------------------------- rules fire exactly at their thresholds
@pytest.mark.parametrize("rule", RULES.rules, ids=[r.id for r in RULES.rules])
def test_every_shipped_rule_fires_exactly_at_its_thresholds(rule):
    metric = rule.metric[0]
    lower_level = {"high": "medium" if rule.medium is not None else None, "medium": None}
    for level in ("high", "medium"):
        threshold = getattr(rule, level)
        if threshold is None:
            continue
        at = dd.evaluate_red_flags(_frame({metric: threshold}), [rule])
        assert at.flags["severity"].tolist() == [level], (rule.id, level)
        assert at.flags.loc[0, "threshold"] == threshold
        short = dd.evaluate_red_flags(_frame({metric: _toward_better(threshold, rule.worse)}), [rule])
        expected = lower_level[level]
        assert short.flags["severity"].tolist() == ([expected] if expected else []), (rule.id, level)
        if expected is None:
            assert short.clear["id"].tolist() == [rule.id]
        assert short.not_assessable.empty


@pytest.mark.parametrize(
    "worse, medium, high, value, expected",
    [
        ("higher", 0.15, 0.30, 0.30, "high"), ("higher", 0.15, 0.30, 0.15, "medium"), ("higher", 0.15, 0.30, 0.1499, None),
        ("higher", 0.15, 0.30, 0.9, "high"), ("lower", 0.0, -20.0, 0.0, "medium"), ("lower", 0.0, -20.0, -20.0, "high"),
        ("lower", 0.0, -20.0, 0.01, None), ("lower", None, 25.0, 25.0, "high"), ("lower", None, 25.0, 26.0, None),
        ("higher", 1.1, None, 1.1, "medium"), ("higher", 1.1, None, 9.0, "medium"),
    ],
)
def test_rule_severity_by_hand(worse, medium, high, value, expected):
    assert dd.rule_severity(value, _rule(worse=worse, medium=medium, high=high)) == expected


def test_missing_metrics_do_not_fire_and_are_listed_as_not_assessable():
    empty = dd.evaluate_red_flags(dd.metric_frame(), RULES)
    assert empty.flags.empty and empty.clear.empty
    assert empty.not_assessable["id"].tolist() == [r.id for r in RULES.rules]
    assert empty.counts == {"high": 0, "medium": 0, "total": 0, "clear": 0, "not_assessable": len(RULES)}
    # saved without a value: not assessable either, with a different reason
    nan = dd.evaluate_red_flags(_frame({"churn_rate": None}), [_rule()])
    assert nan.flags.empty and nan.not_assessable["id"].tolist() == ["churn"]
    assert "without a value" in nan.not_assessable.loc[0, "reason_en"]
    other = dd.evaluate_red_flags(_frame({"nps": -50.0}), [_rule()])
    assert "not found" in other.not_assessable.loc[0, "reason_en"] and "churn_rate" in other.not_assessable.loc[0, "reason_en"]


def test_alternative_metrics_use_the_first_with_a_value():
    rule = _rule(id="clv", metric=["predicted_clv_cac_ratio", "clv_cac_ratio"], worse="lower", medium=2.0, high=1.0)
    both = dd.evaluate_red_flags(_frame({"predicted_clv_cac_ratio": 0.8, "clv_cac_ratio": 5.0}), [rule])
    assert both.flags.loc[0, "metric"] == "predicted_clv_cac_ratio" and both.flags.loc[0, "severity"] == "high"
    fallback = dd.evaluate_red_flags(_frame({"predicted_clv_cac_ratio": None, "clv_cac_ratio": 1.5}), [rule])
    assert fallback.flags.loc[0, "metric"] == "clv_cac_ratio" and fallback.flags.loc[0, "severity"] == "medium"


def test_flags_are_ordered_high_first_with_bilingual_evidence_and_questions():
    frame = dd.metric_frame([
        {"name": "churn_rate", "value": 0.2, "unit": "ratio", "n": 748, "notebook": "04_churn", "label_en": "Period churn rate", "label_zh": "期间流失率"},
        {"name": "nps", "value": -38.3, "unit": "score", "n": 12, "flagged": True, "notebook": "02_satisfaction",
         "label_en": "Net Promoter Score", "label_zh": "净推荐值"},
    ])
    res = dd.evaluate_red_flags(frame, RULES, min_n=30)
    assert res.flags["id"].tolist() == ["nps_negative", "churn_rate"]
    assert res.flags["severity"].tolist() == ["high", "medium"]
    churn = res.flags.iloc[1]
    assert churn["evidence_en"] == "Period churn rate 20.0% (n = 748, from 04_churn); threshold of a medium flag: ≥ 15.0%."
    assert churn["evidence_zh"] == "期间流失率 20.0%（样本 748，来源 04_churn）；中风险阈值：≥ 15.0%。"
    nps = res.flags.iloc[0]
    assert nps["evidence_en"].startswith("Net Promoter Score -38.3 (n = 12, from 02_satisfaction)") and "≤ -20.0" in nps["evidence_en"]
    assert "indicative only" in nps["evidence_en"] and "of 30" in nps["evidence_en"] and "仅供参考" in nps["evidence_zh"]
    assert all(isinstance(x, str) and x for x in res.flags[["ask_en", "ask_zh", "title_en", "title_zh"]].to_numpy().ravel())
    assert res.counts["high"] == 1 and res.counts["medium"] == 1 and res.counts["total"] == 2
    assert res.counts["clear"] == 0 and res.counts["not_assessable"] == len(RULES) - 2


# --------------------------------------------------------------------------- the rule file
def test_shipped_rules_watch_metrics_the_reports_save():
    # targets.yaml lists every metric the reports save (tests/test_summary.py checks that)
    goals = summary.load_targets()
    known = set(goals.indicators.index) | set(goals.descriptive)
    for rule in RULES.rules:
        unknown = [m for m in rule.metric if m not in known and m not in DERIVED]
        assert not unknown, f"rule {rule.id} watches metrics no report saves: {unknown}"
    ids = [r.id for r in RULES.rules]
    assert len(ids) == len(set(ids))
    watched = {m for r in RULES.rules for m in r.metric}
    for needed in ("churn_rate", "top10_customer_revenue_share", "nps", "complaint_rate_ratio", "revenue_at_risk_share",
                   "maturity_compliance", "maturity_security", "column_completeness"):
        assert needed in watched


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "red_flags.yaml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """\
rules:
  - id: churn
    metric: churn_rate
    worse: higher
    medium: 0.15
    high: 0.3
    title_en: Churn
    title_zh: 流失
    ask_en: Why do customers leave?
    ask_zh: 客户为何流失？
    rationale: Quarterly churn thresholds.
"""


def test_a_valid_file_loads(tmp_path):
    rules = dd.load_red_flags(_write(tmp_path, GOOD))
    assert len(rules) == 1 and rules.rules[0].metric == ["churn_rate"] and rules.source.name == "red_flags.yaml"


@pytest.mark.parametrize(
    "edit, message",
    [
        (("    high: 0.3\n", "    high: 0.3\n    threshhold: 1\n"), r"rules\[0\] \(churn\): unknown key 'threshhold'.*allowed: id, metric"),
        (("    medium: 0.15\n", "    mediun: 0.15\n"), r"unknown key 'mediun' \(did you mean 'medium'\?\)"),
        (("rules:\n", "version: 1\nrule_set: x\nrules:\n"), r"unknown key 'rule_set'.*allowed: version, rules"),
        (("    medium: 0.15\n    high: 0.3\n", ""), r"rules\[0\] \(churn\).*give a 'medium' or a 'high' threshold"),
        (("    high: 0.3\n", "    high: 0.1\n"), r"'medium' \(0.15\) must be below 'high' \(0.1\)"),
        (("    worse: higher\n", "    worse: up\n"), r"rules\[0\] \(churn\) worse"),
        (("    ask_zh: 客户为何流失？\n", ""), r"rules\[0\] \(churn\) ask_zh: required key missing"),
        (("    ask_en: Why do customers leave?\n", "    ask_en: Why is churn {value}?\n"), r"placeholder"),
        (("    high: 0.3\n", "    high: .nan\n"), r"finite"),
        (("  - id: churn\n", "  - id: Churn rate\n"), r"rules\[0\].*id"),
    ],
)
def test_invalid_files_are_refused_with_the_rule_named(tmp_path, edit, message):
    old, new = edit
    assert old in GOOD
    with pytest.raises(ConfigError, match=message) as err:
        dd.load_red_flags(_write(tmp_path, GOOD.replace(old, new, 1)))
    assert "red_flags.yaml" in str(err.value)


def test_repeated_ids_missing_file_bad_yaml_and_unsafe_tags_are_refused(tmp_path):
    twice = GOOD + GOOD.split("rules:\n", 1)[1]
    with pytest.raises(ConfigError, match="repeated: churn"):
        dd.load_red_flags(_write(tmp_path, twice))
    with pytest.raises(ConfigError, match="not found"):
        dd.load_red_flags(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        dd.load_red_flags(_write(tmp_path, "rules: [\n  - id: x\n"))
    with pytest.raises(ConfigError, match="not valid YAML"):
        dd.load_red_flags(_write(tmp_path, "rules: !!python/object/apply:os.system ['echo unsafe']\n"))
    with pytest.raises(ConfigError, match="mapping"):
        dd.load_red_flags(_write(tmp_path, "- just a list\n"))
    with pytest.raises(ConfigError, match="rules"):
        dd.load_red_flags(_write(tmp_path, "version: 1\nrules: []\n"))


# --------------------------------------------------------------------------- metric look-up
def _metrics_file(folder: Path, notebook: str, metrics: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"unit": "ratio", "dimension": "churn", "direction": "lower", "label_en": m["name"], "label_zh": m["name"],
             "notebook": notebook, **m} for m in metrics]
    (folder / f"{notebook}.metrics.json").write_text(json.dumps({"notebook": notebook, "metrics": rows}), encoding="utf-8")


def test_read_target_metrics_leaves_out_the_final_stage_reports(tmp_path):
    _metrics_file(tmp_path, "04_churn", [{"name": "churn_rate", "value": 0.2}])
    _metrics_file(tmp_path, "12_team_and_risk", [{"name": "churn_rate", "value": 0.9}, {"name": "revenue_at_risk_share", "value": 0.1}])
    _metrics_file(tmp_path, "98_due_diligence", [{"name": "dd_composite", "value": 50.0, "unit": "index"}])
    _metrics_file(tmp_path, "99_summary", [{"name": "composite_index", "value": 60.0, "unit": "index"}])
    m = dd.read_target_metrics(tmp_path)
    assert m["name"].tolist() == ["churn_rate", "revenue_at_risk_share"]
    assert dd.metric_value(m, "churn_rate") == 0.2  # the first notebook's value wins, as in the summary
    assert list(m.columns) == list(dd.METRIC_COLUMNS)
    assert dd.read_target_metrics(tmp_path / "absent").empty and dd.read_target_metrics("").empty


def test_metric_lookup_helpers():
    m = dd.metric_frame([{"name": "a", "value": 1.0}, {"name": "b", "value": None}, {"name": "c", "value": 3.0}])
    assert dd.metric_row(m, "b") is None and dd.metric_row(m, "b", "c")["value"] == 3.0
    assert math.isnan(dd.metric_value(m, "zzz")) and dd.metric_value(m, "zzz", default=-1.0) == -1.0
    assert dd.metric_table(m, ["c", "b", ("b", "a"), "zzz"])["name"].tolist() == ["c", "a"]
    assert dd.metric_row(dd.metric_frame(), "a") is None


# --------------------------------------------------------------------------- figures no report saves
def test_tenure_mix_bands_active_customers_by_time_since_first_purchase():
    o = pd.DataFrame({
        "customer_id": pd.Series(["new", "young", "young", "mid", "mid", "old", "old", "lapsed"], dtype="string"),
        "order_date": pd.to_datetime(["2025-11-01", "2025-03-01", "2025-12-01", "2024-06-01", "2025-10-15",
                                      "2023-12-31", "2025-12-31", "2024-01-01"]),
        "amount": [10.0, 5.0, 20.0, 5.0, 30.0, 5.0, 40.0, 99.0],
    })
    mix = dd.tenure_mix(o, "2025-10-01", "2025-12-31").set_index("band")
    assert mix["customers"].to_dict() == {"new": 1, "under_1y": 1, "1_2y": 1, "over_2y": 1}
    assert mix["revenue"].to_dict() == {"new": 10.0, "under_1y": 20.0, "1_2y": 30.0, "over_2y": 40.0}
    assert mix["share"].sum() == pytest.approx(1.0) and mix.loc["over_2y", "revenue_share"] == pytest.approx(0.4)
    # exactly one year (365 days) before the end is in the 1-2 year band
    edge = dd.tenure_mix(o.assign(order_date=o["order_date"].replace(pd.Timestamp("2024-06-01"), pd.Timestamp("2024-12-31"))),
                         "2025-10-01", "2025-12-31").set_index("band")
    assert edge.loc["1_2y", "customers"] == 1


def test_complaint_escalation_counts_complaints_per_active_customer_in_both_windows():
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(6)],
        "customer_id": ["a", "b", "c", "d", "a", "b"],
        "order_date": pd.to_datetime(["2025-10-05", "2025-11-05", "2025-12-05", "2025-12-06", "2025-07-05", "2025-08-05"]),
        "amount": [10.0] * 6,
    })
    tickets = pd.DataFrame({
        "ticket_id": ["t1", "t2", "t3", "t4"],
        "opened_at": pd.to_datetime(["2025-10-10", "2025-11-10", "2025-12-10", "2025-08-10"]),
        "channel": ["phone"] * 4, "customer_id": ["a", "b", "c", "a"], "is_complaint": [True, True, False, True],
    })
    data = CRMData("acme", "2025-10-01", "2025-12-31", tables={"orders": orders, "tickets": tickets})
    esc = dd.complaint_escalation(data)
    assert (esc["complaints"], esc["customers"], esc["previous_complaints"], esc["previous_customers"]) == (2, 4, 1, 2)
    assert esc["rate"] == 500.0 and esc["previous_rate"] == 500.0 and esc["ratio"] == 1.0
    assert dd.complaint_escalation(CRMData("acme", "2025-10-01", "2025-12-31", tables={"orders": orders})) is None


# --------------------------------------------------------------------------- composite and peers
def _metrics(churn: float, nps: float, retention: float) -> pd.DataFrame:
    return dd.metric_frame([
        {"name": "churn_rate", "value": churn, "unit": "ratio", "dimension": "churn", "n": 500, "direction": "lower"},
        {"name": "nps", "value": nps, "unit": "score", "dimension": "satisfaction", "n": 300, "direction": "higher"},
        {"name": "retention_rate", "value": retention, "unit": "ratio", "dimension": "loyalty", "n": 400, "direction": "higher"},
        {"name": "cac", "value": 120.0, "unit": "currency", "dimension": "value", "n": 50, "direction": "lower"},
        {"name": "red_flags_total", "value": 9.0, "unit": "count", "dimension": "summary"},
    ])


def test_dd_composite_uses_the_due_diligence_weights_through_the_summary_scoring():
    goals = summary.load_targets()
    target = _metrics(0.2, 10.0, 0.7)
    res = dd.dd_composite(target, company="acme", targets=goals, sensitivity=False)
    scorable, _ = summary.split_metrics(target, goals)
    expected = summary.build_scorecard(scorable, goals, load_weights("due_diligence"))
    assert res.weights.name == "due_diligence"
    assert res.value == pytest.approx(expected.composite_)
    # only churn (22), loyalty (17) and satisfaction (9 of 100) are scored (cac has no target): the other
    # dimensions of the due-diligence weights miss 100 - 48 = 52% of the weight, so no grade is given
    assert res.completeness.missing_share == pytest.approx(0.52)
    assert res.grade_withheld and res.grade is None and expected.grade_ is not None
    default = summary.build_scorecard(scorable, goals, load_weights("default"))
    assert res.value != pytest.approx(default.composite_)  # the weights matter here
    assert "red_flags_total" not in res.card.table_.index  # descriptive, never scored
    assert res.rank_band("acme") is None and all(math.isnan(x) for x in res.interval("acme"))


def test_dd_composite_with_peers_gives_interval_and_rank_band():
    peers = {"better": _metrics(0.05, 50.0, 0.8), "worse": _metrics(0.3, -40.0, 0.4)}
    res = dd.dd_composite(_metrics(0.2, 10.0, 0.7), company="acme", peers=peers)
    lo, hi = res.interval("acme")
    assert lo <= res.value <= hi
    rank, best, worst, n = res.rank_band("acme")
    assert (rank, n) == (2, 3) and best <= rank <= worst
    assert res.peer_cards["better"].composite_ == pytest.approx(100.0) and res.peer_cards["worse"].composite_ == pytest.approx(0.0)
    assert not dd.dd_composite(dd.metric_frame(), company="acme").scored


def test_peer_table_ranks_the_target_by_direction():
    peers = {"zeta": _metrics(0.1, -5.0, 0.9), "alpha": _metrics(0.3, 20.0, 0.5)}
    t = dd.peer_table(_metrics(0.2, 10.0, 0.7), peers, company="acme", names=["churn_rate", "nps", "total_customers"])
    assert list(t.index) == ["churn_rate", "nps"]
    assert [c for c in t.columns if c in ("acme", "alpha", "zeta")] == ["acme", "alpha", "zeta"]
    assert t.loc["churn_rate", "rank"] == 2 and t.loc["nps", "rank"] == 2
    assert t.loc["churn_rate", "peer_mean"] == pytest.approx(0.2)
    low_churn = _metrics(0.05, 10.0, 0.7)
    assert dd.peer_table(low_churn, peers, company="acme", names=["churn_rate"]).loc["churn_rate", "rank"] == 1
    flipped = dd.peer_table(low_churn, peers, company="acme", names=["churn_rate"], directions={"churn_rate": "higher"})
    assert flipped.loc["churn_rate", "rank"] == 3
    alone = dd.peer_table(_metrics(0.2, 10.0, 0.7), {}, company="acme", names=["nps"])
    assert alone.loc["nps", "rank"] == 1 and math.isnan(alone.loc["nps", "peer_mean"])


# --------------------------------------------------------------------------- the notebook
def test_notebook_follows_the_report_conventions():
    path = next(p for p in list_notebooks() if p.stem == dd.DD_NOTEBOOK)
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["crmkit"]["title_en"] == "Customer loyalty due diligence"
    assert nb.metadata["crmkit"]["title_zh"] == "客户忠诚度尽职调查"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    declared = re.findall(r"^(\w+) = ", code[0].source, flags=re.M)
    assert declared == ["company", "period", "start", "end", "store", "language", "currency", "mask_pii", "min_n",
                        "output_dir", "outputs_root", "targets", "competitors"]
    assert "weights" not in declared  # the due-diligence preset is fixed
    assert all("remove_cell" in c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "markdown")
    assert code[-1].source.rstrip().endswith("nb.finish(output_dir)")
    assert 'ck.reports.setup("98_due_diligence", globals())' in code[1].source


def test_tenure_summary_by_hand():
    mix = pd.DataFrame({"band": ["new", "under_1y", "1_2y", "over_2y"], "customers": [3, 3, 2, 2],
                        "share": [0.3, 0.3, 0.2, 0.2], "revenue": [10.0, 10.0, 30.0, 50.0]})
    t = dd.tenure_summary(mix)
    assert t["customers"] == 10 and t["new_share"] == pytest.approx(0.3)
    assert t["long_term_share"] == pytest.approx(0.4)  # (2 + 2) / 10
    assert t["long_term_revenue_share"] == pytest.approx(0.8)  # (30 + 50) / 100
    no_revenue = dd.tenure_summary(mix.assign(revenue=0.0))
    assert math.isnan(no_revenue["long_term_revenue_share"])


def test_peer_extremes_best_and_last():
    t = pd.DataFrame({"acme": [0.1, 0.3, 5.0, 1.0], "beta": [0.2, 0.2, np.nan, 2.0], "rank": [1, 2, 1, np.nan]},
                     index=["a", "b", "c", "d"])
    ranked, best, last = dd.peer_extremes(t, ["acme", "beta"])
    assert list(ranked.index) == ["a", "b", "c"]
    assert list(best.index) == ["a", "c"]  # c: only acme measured it, so it is both best and last
    assert list(last.index) == ["b", "c"]


def test_escalation_comparable_needs_both_rates():
    assert dd.escalation_comparable({"rate": 4.0, "previous_rate": 2.0})
    assert not dd.escalation_comparable({"rate": 4.0, "previous_rate": float("nan")})
    assert not dd.escalation_comparable({"rate": float("inf"), "previous_rate": 2.0})
    assert not dd.escalation_comparable(None)


def test_red_flag_evidence_formats_without_the_report_layer():
    rule = dd.RedFlagRule(id="churn", metric="churn_rate", worse="higher", medium=0.15, high=0.3, title_en="Churn",
                          title_zh="流失", ask_en="Why do customers leave?", ask_zh="客户为何流失？",
                          rationale="Quarterly churn above 15% is high.")
    m = dd.metric_frame([{"name": "churn_rate", "value": 0.2, "unit": "ratio", "n": 1500, "label_en": "Churn rate",
                          "label_zh": "流失率", "notebook": "04_churn"}])
    r = dd.evaluate_red_flags(m, [rule])
    row = r.flags.iloc[0]
    assert row["evidence_en"] == "Churn rate 20.0% (n = 1,500, from 04_churn); threshold of a medium flag: ≥ 15.0%."
    assert row["evidence_zh"] == "流失率 20.0%（样本 1,500，来源 04_churn）；中风险阈值：≥ 15.0%。"


@pytest.mark.slow
def test_due_diligence_report_runs_on_the_demo_store(demo_store, tmp_path):
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    params = [load_params(None, company="yunting", period="2025Q4", store=str(demo_store), language="zh")]
    result = run_reports(params, outputs=tmp_path, notebooks=["01", "02", "03", "04", "05", "06", "98"])
    recs = {r["notebook"]: r for r in result.results}
    assert recs["98_due_diligence"]["status"] == "ok", recs["98_due_diligence"]["error"]
    folder = tmp_path / "yunting" / "2025Q4"
    html = (folder / "98_due_diligence.html").read_text(encoding="utf-8")
    main = html.split("<main", 1)[1]
    assert "Traceback" not in html and "ck-error" not in main[:2000]
    for heading in ("风险信号", "尽调综合指数", "与同期其他公司比较", "客户流失及原因", "满意度及其驱动因素"):
        assert heading in main
    assert "due_diligence" in main  # the report says which weights it uses
    saved = {m["name"]: m for m in json.loads((folder / "98_due_diligence.metrics.json").read_text(encoding="utf-8"))["metrics"]}
    assert set(saved) == {"dd_composite", "red_flags_high", "red_flags_total", "red_flags_not_assessable"}
    assert all(m["direction"] is None and m["label_en"] and m["label_zh"] for m in saved.values())
    # the report's figures are those of the saved metrics of the other reports
    inputs = dd.read_target_metrics(folder)
    assert set(inputs["notebook"]) == {"01_customer_base", "02_satisfaction", "03_loyalty", "04_churn", "05_value", "06_service"}
    expected = dd.dd_composite(inputs, company="yunting", sensitivity=False)
    assert saved["dd_composite"]["value"] == pytest.approx(expected.value)
    flags = dd.evaluate_red_flags(inputs, RULES)
    # complaint escalation comes from the raw tickets, so it may add one flag and is never "not assessable" here
    assert flags.counts["high"] <= saved["red_flags_high"]["value"] <= flags.counts["high"] + 1
    assert saved["red_flags_total"]["value"] in (flags.counts["total"], flags.counts["total"] + 1)
    assert saved["red_flags_not_assessable"]["value"] == flags.counts["not_assessable"] - 1
    assert "maturity_compliance" in " ".join(flags.not_assessable["metrics"])  # 10_maturity was not run
