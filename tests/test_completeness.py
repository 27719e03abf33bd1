"""Completeness of a composite: failed, empty or missing dimension reports never disappear quietly.

Hand-made output folders (``run.json`` plus ``*.metrics.json``) and hand-computed weight shares under the
shipped weights presets: which reports are incomplete, which weighted dimensions are missing, when the grade
is withheld, what ``scorecard.json`` records, what the reports and the index page say, and why a red-flag
rule is not assessable.  The notebook-level check is in tests/test_summary.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pandas as pd
import pytest

from crmkit.errors import ConfigError
from crmkit.evaluation import composite
from crmkit.evaluation import due_diligence as dd
from crmkit.evaluation.composite import DIMENSION_REPORTS, PROVISIONAL_THRESHOLD, ReportIssue
from crmkit.evaluation.metrics import is_final
from crmkit.evaluation.registry import registry
from crmkit.evaluation.summary import SCHEMA_PATH, read_metrics, recompute_composite, validate_scorecard
from crmkit.evaluation.weights import load_weights
from crmkit.formatting import Formatter
from crmkit.narrative import due_diligence as say_dd
from crmkit.narrative import summary as say
from crmkit.reports.charts import summary as charts
from crmkit.reports.index import build_index, collect_runs
from crmkit.reports.runner import list_notebooks

ERROR = "KeyError: 'churned' (cell 7)"

# one scored indicator per dimension, at its target (score 100) except csat at its floor (score 0)
ONE_PER_DIMENSION = {
    "00_data_quality": ("column_completeness", 0.95), "01_customer_base": ("active_customer_share", 0.6),
    "02_satisfaction": ("csat", 0.5), "03_loyalty": ("repeat_purchase_rate", 0.6), "04_churn": ("churn_rate", 0.05),
    "05_value": ("revenue_growth", 0.05), "06_service": ("first_response_hours_median", 1.0),
    "07_marketing": ("campaign_roi", 1.0), "08_channels": ("cost_per_contact", 15.0), "09_cost": ("crm_cost_ratio", 0.03),
    "10_maturity": ("maturity_team", 75.0),
}


def _metrics_file(folder: Path, notebook: str, values: dict[str, float | None], n: int = 500) -> None:
    reg = registry()
    rows = []
    for name, value in values.items():
        d = reg[name]
        rows.append({"name": name, "value": value, "unit": d.unit, "dimension": d.dimension, "n": n, "ci_low": None,
                     "ci_high": None, "direction": d.direction, "label_en": d.label_en, "label_zh": d.label_zh,
                     "flagged": False, "notebook": notebook})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.metrics.json").write_text(
        json.dumps({"notebook": notebook, "dimension": rows[0]["dimension"] if rows else "", "metrics": rows}),
        encoding="utf-8")


def _run_json(folder: Path, statuses: dict[str, str], errors: dict[str, str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    notebooks = {nb: {"notebook": nb, "status": st, "error": (errors or {}).get(nb), "seconds": 1.0}
                 for nb, st in statuses.items()}
    (folder / "run.json").write_text(json.dumps({"company": "acme", "period": "2025Q4", "notebooks": notebooks}),
                                     encoding="utf-8")


def _folder(tmp_path: Path, failed: str | None = "04_churn") -> Path:
    """acme/2025Q4 with one indicator per dimension report; *failed* recorded as failed, its old file left there."""
    folder = tmp_path / "outputs" / "acme" / "2025Q4"
    for nb, (name, value) in ONE_PER_DIMENSION.items():
        _metrics_file(folder, nb, {name: value})
    statuses = {nb: "ok" for nb in ONE_PER_DIMENSION} | {"99_summary": "failed"}
    if failed:
        statuses[failed] = "failed"
    _run_json(folder, statuses, {failed: ERROR, "99_summary": "boom"} if failed else {"99_summary": "boom"})
    return folder


def _card(n_scored: dict[str, int] | None = None, n_indicators: int = 3) -> SimpleNamespace:
    """A scorecard stub: every dimension of DIMENSION_REPORTS scored with 3 indicators unless *n_scored* says otherwise."""
    counts = {d: 3 for d in DIMENSION_REPORTS} | (n_scored or {})
    dims = pd.DataFrame({"n_scored": counts, "n_indicators": {d: n_indicators for d in counts}})
    return SimpleNamespace(dimension_scores_=dims)


DEFAULT = load_weights("default")  # data_quality 4, customer_base 8, satisfaction 14, loyalty 12, churn 12, value 12,
#                                    service 10, marketing 7, channels 5, cost 6, maturity 10 (of 100)


# --------------------------------------------------------------------------- report_issues
def test_report_issues_reads_run_json_and_the_metrics_files(tmp_path):
    folder = _folder(tmp_path)
    (folder / "06_service.metrics.json").unlink()  # ran, but saved no metrics file
    (folder / "07_marketing.metrics.json").unlink()  # neither run nor saved
    log = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    del log["notebooks"]["07_marketing"]
    log["notebooks"]["11_voice_of_customer"] = {"status": "failed", "error": "ValueError: x (cell 3)"}
    (folder / "run.json").write_text(json.dumps(log), encoding="utf-8")

    issues = composite.report_issues(folder)
    assert [(i.notebook, i.status, i.error) for i in issues] == [
        ("04_churn", "failed", ERROR), ("06_service", "no_metrics", None), ("07_marketing", "not_run", None),
        ("11_voice_of_customer", "failed", "ValueError: x (cell 3)")]  # 99_summary (final stage) left out
    assert issues[0].reason_en == f"04_churn failed: {ERROR}" and issues[0].reason_zh == f"04_churn 运行失败：{ERROR}"
    assert issues[1].reason_en == "06_service ran but saved no metrics file"
    assert issues[2].reason_en == "07_marketing was not run for this company-period"
    # the metrics file 04_churn left from an earlier run is never read
    assert "churn_rate" not in set(read_metrics(folder)["name"])
    assert "churn_rate" not in set(dd.read_target_metrics(folder)["name"])
    assert "column_completeness" in set(read_metrics(folder)["name"])


def test_report_issues_of_a_complete_folder_and_of_a_missing_one(tmp_path):
    assert composite.report_issues(_folder(tmp_path, failed=None)) == []
    missing = composite.report_issues(tmp_path / "nowhere")
    assert [i.notebook for i in missing] == sorted(DIMENSION_REPORTS.values())
    assert {i.status for i in missing} == {"not_run"}
    # reports the caller expects besides the dimension reports (e.g. those the red-flag rules name)
    extra = composite.report_issues(_folder(tmp_path, failed=None), expected=["12_team_and_risk"])
    assert [(i.notebook, i.status) for i in extra] == [("12_team_and_risk", "not_run")]


def test_a_later_successful_run_clears_the_failure(tmp_path):
    folder = _folder(tmp_path)
    _run_json(folder, {nb: "ok" for nb in ONE_PER_DIMENSION})
    assert composite.report_issues(folder) == []
    assert "churn_rate" in set(read_metrics(folder)["name"])


# --------------------------------------------------------------------------- assess_completeness
def test_the_shipped_default_weights_are_the_ones_the_shares_below_assume():
    assert DEFAULT.dimensions.to_dict() == pytest.approx({
        "data_quality": 0.04, "customer_base": 0.08, "satisfaction": 0.14, "loyalty": 0.12, "churn": 0.12,
        "value": 0.12, "service": 0.10, "marketing": 0.07, "channels": 0.05, "cost": 0.06, "maturity": 0.10})
    assert PROVISIONAL_THRESHOLD == 0.10


@pytest.mark.parametrize("failed, share, withheld", [
    (["04_churn"], 0.12, True),                                     # churn 12 of 100
    (["06_service"], 0.10, False),                                  # exactly the threshold: the grade is kept
    (["00_data_quality", "09_cost"], 0.10, False),                  # 4 + 6
    (["00_data_quality", "08_channels", "09_cost"], 0.15, True),    # 4 + 5 + 6
    (["07_marketing"], 0.07, False),
    (["02_satisfaction", "04_churn"], 0.26, True),                  # 14 + 12
])
def test_missing_weight_share_by_hand_under_the_default_weights(failed, share, withheld):
    issues = [ReportIssue(nb, "failed", ERROR) for nb in failed]
    c = composite.assess_completeness(_card(), DEFAULT, issues)
    assert c.missing_share == pytest.approx(share, abs=1e-12)
    assert c.grade_withheld is withheld
    assert c.provisional and c.status == "provisional"
    assert [m.notebook for m in c.missing] == failed
    assert all(m.status == "failed" and m.reason_en == f"{m.notebook} failed: {ERROR}" for m in c.missing)


def test_threshold_boundary_and_the_due_diligence_weights():
    churn = [ReportIssue("04_churn", "failed", ERROR)]
    assert not composite.assess_completeness(_card(), DEFAULT, churn, threshold=0.12).grade_withheld  # 12% kept at 12%
    assert composite.assess_completeness(_card(), DEFAULT, churn, threshold=0.1199).grade_withheld
    dd_weights = load_weights("due_diligence")  # churn 22 of 100
    c = composite.assess_completeness(_card(), dd_weights, churn)
    assert c.missing_share == pytest.approx(0.22) and c.grade_withheld


def test_unscorable_dimension_without_a_failed_report():
    c = composite.assess_completeness(_card({"maturity": 0}), DEFAULT)
    (m,) = c.missing
    assert (m.dimension, m.notebook, m.status, m.weight) == ("maturity", "10_maturity", "unscorable", pytest.approx(0.10))
    assert m.reason_en == ("10_maturity ran, but none of the 3 indicators of the dimension could be scored "
                           "(no value, or too few observations)")
    assert c.provisional and not c.grade_withheld and c.issues == ()
    two = composite.assess_completeness(_card({"maturity": 1}), DEFAULT, min_scored=2)
    assert two.missing[0].reason_en.endswith("only 1 of the 3 indicators of the dimension could be scored, 2 are needed")
    assert two.missing[0].n_scored == 1


def test_a_failed_report_outside_the_dimensions_is_provisional_without_missing_weight():
    c = composite.assess_completeness(_card(), DEFAULT, [ReportIssue("11_voice_of_customer", "failed", "x")])
    assert c.provisional and c.missing == () and c.missing_share == 0 and not c.grade_withheld
    complete = composite.assess_completeness(_card(), DEFAULT)
    assert complete.status == "complete" and not complete.provisional


# --------------------------------------------------------------------------- the summary and scorecard.json
@pytest.fixture
def withheld(tmp_path):
    folder = _folder(tmp_path)
    run = composite.evaluate("acme", "2025Q4", output_dir=str(folder), outputs_root=str(folder.parent.parent))
    return folder, run


def test_evaluate_leaves_the_failed_report_out_and_withholds_the_grade(withheld):
    folder, run = withheld
    # the leftover 04 file (churn_rate at target) is not read: ten dimensions at 100 except satisfaction at 0,
    # re-weighted over 88 of 100: (88 - 14) / 88
    assert run.card.composite_ == pytest.approx(100 * 74 / 88)
    assert run.card.grade_ == "B" and run.grade is None and run.grade_withheld and run.provisional
    assert not run.grade_robust
    assert [(m.dimension, m.notebook, m.status) for m in run.completeness.missing] == [("churn", "04_churn", "failed")]


def test_write_scorecard_with_a_withheld_grade_validates(withheld, tmp_path):
    folder, run = withheld
    path = composite.write_scorecard(run, str(tmp_path / "card"), start="2025-10-01", end="2025-12-31")
    payload = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(payload, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert payload["status"] == "provisional" and payload["provisional"] is True
    assert payload["composite"]["grade"] is None
    assert payload["composite"]["value"] == pytest.approx(recompute_composite(payload), abs=1e-9)
    assert payload["missing_dimensions"] == [{
        "dimension": "churn", "notebook": "04_churn", "reason": f"04_churn failed: {ERROR}",
        "reason_zh": f"04_churn 运行失败：{ERROR}", "status": "failed", "weight": 0.12, "n_scored": 0}]
    assert payload["incomplete_reports"][0]["error"] == ERROR
    assert payload["completeness"] == {"threshold": 0.1, "missing_weight_share": 0.12, "grade_withheld": True}
    churn = next(m for m in payload["metrics"] if m["name"] == "churn_rate")
    assert churn["value"] is None and churn["status"] == "no_value"
    # the schema refuses a letter beside a withheld grade, and a "complete" card that lists missing dimensions
    for key, value in (("grade", "B"),):
        broken = json.loads(json.dumps(payload))
        broken["composite"][key] = value
        with pytest.raises(ConfigError, match="composite/grade"):
            validate_scorecard(broken)
    broken = json.loads(json.dumps(payload))
    broken["status"], broken["provisional"] = "complete", False
    broken["completeness"]["grade_withheld"] = False
    with pytest.raises(ConfigError):
        validate_scorecard(broken)


def test_summary_readings_say_provisional_and_give_no_grade(withheld):
    _, run = withheld
    en, zh = say.completeness_summary(run.completeness)
    assert en.startswith("The composite index is provisional: 1 dimension report(s) delivered no usable metrics and "
                         "1 weighted dimension(s) carrying 12% of the weight are missing.")
    assert "No grade is given" in en and "不予评级" in zh
    (item,) = say.completeness_items(run.completeness)
    assert item.en == f"04_churn failed: {ERROR}. Churn (12% of the weight) is missing from the composite."
    assert item.zh.startswith(f"04_churn 运行失败：{ERROR}。综合指数缺少")
    tiles = {label[0]: v for label, v, _ in say.kpis(run, Formatter("en"))}
    assert tiles["Grade"] == "withheld" and "Composite index (0-100), provisional" in tiles
    assert {label[1]: v for label, v, _ in say.kpis(run, Formatter("zh"))}["等级"] == "不予评级"
    reading = say.composite_reading(run)
    for text in reading:
        assert "robust" not in text and "稳健" not in text and "grade B" not in text and "等级 B" not in text
    assert "a provisional index" in reading.en and "No grade is given: the missing dimensions carry 12%" in reading.en
    box = charts.completeness_box(say.completeness_summary(run.completeness), say.completeness_items(run.completeness),
                                  Formatter("en"))
    assert box.startswith('<div class="ck-warnbox" role="alert">') and "04_churn failed: KeyError: &#x27;churned&#x27;" in box


def test_a_small_missing_dimension_keeps_a_provisional_grade(tmp_path):
    folder = _folder(tmp_path, failed="00_data_quality")  # 4% of the weight
    run = composite.evaluate("acme", "2025Q4", output_dir=str(folder), outputs_root=str(folder.parent.parent))
    assert run.provisional and not run.grade_withheld and run.grade == run.card.grade_ is not None
    tiles = {label[0]: v for label, v, _ in say.kpis(run, Formatter("en"))}
    assert tiles["Grade (provisional)"] == run.grade
    assert "The grade is kept" in say.completeness_summary(run.completeness).en
    assert "Both are provisional" in say.composite_reading(run).en


def test_index_page_shows_provisional_and_withheld(withheld):
    folder, run = withheld
    composite.write_scorecard(run, str(folder), start="2025-10-01", end="2025-12-31")
    root = folder.parent.parent
    (r,) = collect_runs(root)
    assert r["provisional"] and r["grade_withheld"] and r["grade"] is None
    assert r["completeness_note"] == f"04_churn failed: {ERROR}"
    page = build_index(root).read_text(encoding="utf-8")
    cell = page.split('id="grid-table"', 1)[1].split("</table>", 1)[0]
    assert "grade withheld / 暂不评级" in cell and "provisional / 暂定" in cell
    assert '<span class="ck-grade">' not in cell  # no letter


# --------------------------------------------------------------------------- due diligence
RULES = dd.load_red_flags()


def _reason(result: dd.RedFlagResult, rule_id: str) -> tuple[str, str]:
    row = result.not_assessable.set_index("id").loc[rule_id]
    return row["reason_en"], row["reason_zh"]


def test_rule_of_a_failed_report_is_not_assessable_because_it_failed():
    saved = dd.metric_frame([{"name": "nps", "value": 10.0, "unit": "score", "notebook": "02_satisfaction"}])
    issues = [ReportIssue("04_churn", "failed", ERROR), ReportIssue("10_maturity", "not_run")]
    res = dd.evaluate_red_flags(saved, RULES, issues=issues)
    assert _reason(res, "churn_rate") == ("not assessable because 04_churn failed", "无法评估，因为 04_churn 运行失败")
    assert _reason(res, "compliance_maturity_low") == ("not assessable because 10_maturity was not run",
                                                       "无法评估，因为 未运行 10_maturity")
    assert res.not_assessable.set_index("id").loc["churn_rate", "reports"] == "04_churn"
    # a report that ran but saved no such metric is not blamed on a table
    assert _reason(res, "retention_rate")[0] == ("03_loyalty ran but saved no retention_rate for this company-period "
                                                 "(the data it needs is missing or too thin; see that report)")
    for reason in res.not_assessable["reason_en"]:
        assert "not supplied" not in reason


def test_red_flags_still_fire_from_any_report_that_holds_the_evidence():
    saved = dd.metric_frame([
        {"name": "churn_rate", "value": 0.4, "unit": "ratio", "notebook": "12_team_and_risk"},
        {"name": "employee_satisfied_share", "value": 0.3, "unit": "ratio", "notebook": "12_team_and_risk"}])
    issues = [ReportIssue("04_churn", "failed", ERROR), ReportIssue("02_satisfaction", "failed", ERROR)]
    res = dd.evaluate_red_flags(saved, RULES, issues=issues)
    fired = res.flags.set_index("id")
    assert fired.loc["churn_rate", "severity"] == "high" and fired.loc["churn_rate", "notebook"] == "12_team_and_risk"
    assert fired.loc["employee_satisfaction_low", "metric"] == "employee_satisfied_share"
    assert _reason(res, "nps_negative")[0] == "not assessable because 02_satisfaction failed"


def test_shipped_rules_name_dimension_reports():
    stems = {p.stem for p in list_notebooks()}
    for rule in RULES.rules:
        assert set(rule.report) <= stems and not any(is_final(r) for r in rule.report), rule.id
    assert {r.id for r in RULES.rules if not r.report} == {"complaint_escalation"}  # computed by 98 itself
    with pytest.raises(ValueError, match="notebook name"):
        dd.RedFlagRule(id="x", metric="churn_rate", report="churn", worse="higher", high=0.3, title_en="Churn",
                       title_zh="流失", ask_en="Why do customers leave?", ask_zh="客户为何流失？",
                       rationale="Quarterly churn above 30% is high.")


def test_due_diligence_run_of_a_folder_with_a_failed_report(tmp_path):
    folder = _folder(tmp_path)
    data = SimpleNamespace(has=lambda table: False)  # no tickets: no complaint escalation
    run = dd.evaluate(data, "acme", "2025Q4", output_dir=str(folder), outputs_root=str(folder.parent.parent))
    assert "churn_rate" not in set(run.saved["name"])  # the leftover file of 04_churn
    comp = run.composite
    churn = next(m for m in comp.completeness.missing if m.dimension == "churn")
    assert churn.weight == pytest.approx(0.22) and churn.status == "failed"
    assert comp.provisional and comp.grade_withheld and comp.grade is None and comp.card.grade_ is not None
    # the rules' other reports (12_team_and_risk) were not run either
    assert {i.notebook for i in run.completeness.issues} == {"04_churn", "12_team_and_risk"}
    assert _reason(run.flags, "churn_rate")[0] == "not assessable because 04_churn failed"
    assert _reason(run.flags, "revenue_at_risk")[0] == "not assessable because 12_team_and_risk was not run"
    tiles = {label[0]: v for label, v, _ in say_dd.kpis(run, Formatter("en"))}
    assert tiles["Grade"] == "withheld" and "Due-diligence composite (0-100), provisional" in tiles
    summary = say_dd.completeness_summary(run)
    assert "1 weighted dimension(s) carrying 22% of the due-diligence weight are missing" in summary.en
    # churn_rate (04); revenue_at_risk, customer_concentration, employee_satisfaction_low (12 not run)
    assert summary.en.endswith(" 4 red-flag rule(s) cannot be assessed because of these reports.")
    items = [i.en for i in say_dd.completeness_items(run)]
    assert f"04_churn failed: {ERROR}. Churn (22% of the due-diligence weight) is missing from the composite." in items
    for text in (*say_dd.composite_reading(run), *say_dd.verdict(run)):
        assert "robust" not in text and "稳健" not in text and "grade " + str(comp.card.grade_) not in text
