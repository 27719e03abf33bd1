"""Composite evaluation: targets, rules, scorecard.json, and the 10/99 reports on the demo store."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from crmkit import maturity
from crmkit.errors import ConfigError
from crmkit.evaluation.metrics import is_final
from crmkit.evaluation.registry import registry
from crmkit.reports.runner import list_notebooks
from crmkit.evaluation.summary import (
    SCHEMA_PATH,
    alerts,
    build_scorecard,
    indicator_trend,
    load_rules,
    load_targets,
    previous_period,
    rank_sensitivity,
    recommended_actions,
    recompute_composite,
    scorecard_payload,
    split_metrics,
    strengths_weaknesses,
    validate_scorecard,
)
from crmkit.evaluation.weights import SCORED_DIMENSIONS, load_weights, parameters_dir

from .helpers import refusal

_ADD = re.compile(r"metrics\.add\(\s*(f?)\"([^\"]+)\"")


def _saved_names() -> dict[str, set[str]]:
    """Metric names each notebook saves, parsed from its ``metrics.add("name"`` calls.

    f-string names are expanded where the pattern is known (``maturity_{d}``
    over the questionnaire dimensions).
    """
    out: dict[str, set[str]] = {}
    for path in list_notebooks():
        nb = nbformat.read(path, as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        names = set()
        for is_f, name in _ADD.findall(source):
            if is_f:
                assert name == "maturity_{d}", f"{path.name}: unknown f-string metric name {name!r}; extend this test"
                names |= {f"maturity_{d}" for d in maturity.DIMENSIONS}
            else:
                names.add(name)
        out[path.stem] = names
    return out


# --------------------------------------------------------------------------- targets.yaml
def test_targets_cover_every_metric_the_notebooks_save():
    targets = load_targets()
    known = set(targets.indicators.index) | set(targets.descriptive)
    saved = _saved_names()
    assert "10_maturity" in saved and "99_summary" in saved
    missing = {nb: sorted(names - known) for nb, names in saved.items() if names - known}
    assert not missing, f"metrics without an entry in parameters/targets.yaml: {missing}"


def test_every_target_entry_is_complete():
    raw = yaml.safe_load((parameters_dir() / "targets.yaml").read_text(encoding="utf-8"))
    assert raw["indicators"] and raw["descriptive"]
    reg = registry()
    for name, entry in raw["indicators"].items():
        # direction and dimension are declared once, in the metric registry
        assert set(entry) == {"target", "floor", "rationale"}, name
        assert isinstance(entry["rationale"], str) and len(entry["rationale"]) > 10, name
        assert reg[name].dimension in SCORED_DIMENSIONS, name
        assert (entry["target"] > entry["floor"]) == (reg[name].direction == "higher"), name
        assert "INDICATORS" not in entry["rationale"], name
    for name, reason in raw["descriptive"].items():
        assert isinstance(reason, str) and len(reason) > 10, name
    targets = load_targets()
    assert len(targets.indicators) == len(raw["indicators"])
    # every weighted dimension has at least one scored indicator
    assert set(targets.indicators["dimension"]) == set(SCORED_DIMENSIONS)


def _refused_targets(tmp_path: Path, indicators: str) -> str:
    """The error of a targets file whose ``indicators`` section is *indicators*."""
    path = tmp_path / "targets.yaml"
    path.write_text(f"indicators:\n  {indicators}\n", encoding="utf-8")
    return refusal(load_targets, path)


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("{dimension: churn, target: 0.1, floor: 0.1, direction: lower, rationale: same}", "both 0.1"),
        ("{dimension: churn, target: 0.3, floor: 0.1, direction: lower, rationale: wrong way}", "above floor"),
        ("{dimension: churn, target: 0.1, floor: 0.3, direction: lower}", "rationale: required key missing"),
        ("{dimension: churn, target: 0.1, floor: 0.3, direction: lower, rationale: ok ok, goal: 1}", "unknown key"),
        ("{dimension: churn, target: low, floor: 0.3, direction: lower, rationale: ok ok}", "target"),
        ("{dimension: churm, target: 0.1, floor: 0.3, direction: lower, rationale: ok ok}", "unknown dimension"),
        ("{dimension: churn, target: 0.1, floor: 0.3, direction: down, rationale: ok ok}", "direction"),
    ],
)
def test_invalid_targets_are_refused_with_the_indicator_named(tmp_path: Path, entry, expected):
    msg = _refused_targets(tmp_path, f"churn_rate: {entry}")
    assert "churn_rate" in msg and expected in msg


def test_missing_targets_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_targets(tmp_path / "nope.yaml")


def test_default_targets_agree_with_the_registry():
    """Scored in the registry = listed under indicators; every other declared metric is descriptive."""
    reg = registry()
    targets = load_targets()
    assert set(targets.indicators.index) == set(reg.scored())
    assert set(targets.descriptive) == set(reg) - set(reg.scored())
    for name, row in targets.indicators.iterrows():
        decl = reg[name]
        assert (row["direction"], row["dimension"], row["unit"]) == (decl.direction, decl.dimension, decl.unit), name


def test_targets_file_without_direction_takes_it_from_the_registry(tmp_path: Path):
    path = tmp_path / "targets.yaml"
    path.write_text("indicators:\n  churn_rate: {target: 0.05, floor: 0.3, rationale: five percent}\n"
                    "  nps: {target: 50, floor: -40, rationale: Reichheld, direction: higher, dimension: satisfaction}\n"
                    "descriptive:\n  revenue: absolute amount\n", encoding="utf-8")
    t = load_targets(path)
    assert t.mapping() == {"churn_rate": {"target": 0.05, "floor": 0.3, "direction": "lower", "dimension": "churn"},
                           "nps": {"target": 50.0, "floor": -40.0, "direction": "higher", "dimension": "satisfaction"}}
    assert t.indicators.loc["churn_rate", "unit"] == "ratio"


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("churn_rat: {target: 0.05, floor: 0.3, rationale: typo}", "unknown metric 'churn_rat' (did you mean 'churn_rate'"),
        ("churn_rate: {target: 0.3, floor: 0.05, rationale: reversed}", "direction is 'lower' (registry) but target 0.3 is above floor 0.05"),
        ("nps: {target: -40, floor: 50, rationale: reversed}", "direction is 'higher' (registry) but target -40 is below floor 50"),
        ("churn_rate: {target: 0.05, floor: 0.3, rationale: old file, direction: higher}", "direction 'higher' disagrees with the registry's 'lower'"),
        ("churn_rate: {target: 0.05, floor: 0.3, rationale: old file, dimension: value}", "dimension 'value' disagrees with the registry's 'churn'"),
        ("churn_rate: {target: 0.05, floor: 0.3, rationale: old file, unit: score}", "unit 'score' disagrees with the registry's 'ratio'"),
        ("tickets: {target: 10, floor: 100, rationale: no direction}", "without a direction (descriptive)"),
    ],
)
def test_targets_are_checked_against_the_registry(tmp_path: Path, entry, expected):
    msg = _refused_targets(tmp_path, entry)
    assert entry.split(":")[0] in msg and expected in msg


def test_descriptive_names_must_be_declared(tmp_path: Path):
    path = tmp_path / "targets.yaml"
    path.write_text("indicators:\n  nps: {target: 50, floor: -40, rationale: ok ok}\ndescriptive:\n  revenu: typo here\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"descriptive\.revenu: unknown metric 'revenu' \(did you mean 'revenue'"):
        load_targets(path)


# --------------------------------------------------------------------------- actions.yaml
def test_rules_refer_to_known_indicators_and_dimensions():
    rules = load_rules()
    targets = load_targets()
    assert rules.actions and rules.alerts
    for rule in [*rules.actions, *rules.alerts]:
        if rule.indicator not in (None, "*"):
            assert rule.indicator in targets.indicators.index, rule.id
        if rule.dimension not in (None, "*"):
            assert rule.dimension in SCORED_DIMENSIONS, rule.id
        assert rule.en.strip() and re.search(r"[\u4e00-\u9fff]", rule.zh), rule.id
        # placeholders are the same in both languages
        assert set(re.findall(r"{(\w+)}", rule.en)) == set(re.findall(r"{(\w+)}", rule.zh)), rule.id
    assert any(r.fallback and r.indicator == "*" for r in rules.actions)
    assert any(r.indicator == "churn_rate" and "change_above" in r.when for r in rules.alerts)


def test_bad_rule_is_refused(tmp_path: Path):
    path = tmp_path / "actions.yaml"
    path.write_text("actions:\n  - {id: x, indicator: nps, when: {score_under: 3}, en: text, zh: 文本}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown condition"):
        load_rules(path)


# --------------------------------------------------------------------------- scorecard on synthetic metrics
def _metrics(**overrides) -> pd.DataFrame:
    rows = [
        dict(name="nps", value=30.0, unit="score", dimension="satisfaction", n=400, ci_low=22.0, ci_high=38.0, direction="higher"),
        dict(name="csat", value=0.80, unit="ratio", dimension="satisfaction", n=400, ci_low=0.76, ci_high=0.84, direction="higher"),
        dict(name="churn_rate", value=0.10, unit="ratio", dimension="churn", n=900, direction="lower"),
        dict(name="top20_revenue_share", value=0.80, unit="ratio", dimension="value", n=900, direction="lower"),
        dict(name="gini", value=0.50, unit="ratio", dimension="value", n=900, direction="lower"),
        dict(name="fcr_rate", value=0.60, unit="ratio", dimension="service", n=12, direction="higher"),  # low n
        dict(name="complaints_per_1000_customers", value=80.0, unit="per_1000", dimension="service", n=900, direction="lower"),
        dict(name="revenue", value=1e6, unit="currency", dimension="value", n=900, direction="higher"),  # descriptive
        dict(name="maturity_index", value=55.0, unit="index", dimension="maturity", direction=None),  # descriptive
    ]
    frame = pd.DataFrame(rows)
    for name, value in overrides.items():
        frame.loc[frame["name"] == name, "value"] = value
    frame["label_en"] = frame["name"]
    frame["label_zh"] = frame["name"] + "（中）"
    frame["flagged"] = frame["n"].fillna(1e9) < 30
    frame["notebook"] = "xx"
    return frame


def _card(metrics=None, weights="default"):
    targets = load_targets()
    scorable, descriptive = split_metrics(_metrics() if metrics is None else metrics, targets)
    card = build_scorecard(scorable, targets, load_weights(weights))
    return targets, scorable, descriptive, card


def test_scorecard_scores_flags_and_reweights():
    targets, scorable, descriptive, card = _card()
    assert set(descriptive["name"]) == {"revenue", "maturity_index"}
    t = card.table_
    # min-max to target: nps 30 between floor -20 and target 50
    assert t.loc["nps", "score"] == pytest.approx(100 * (30 + 40) / 90)
    assert t.loc["fcr_rate", "status"] == "low_n" and not t.loc["fcr_rate", "scored"]
    assert np.isfinite(t.loc["fcr_rate", "score"])  # shown with its score, but not scored
    assert t.loc["sla_attainment", "status"] == "no_value"
    assert "sla_attainment" in set(card.missing_["indicator"])
    # effective weights sum to one over the scored indicators; composite = sum(w * s)
    assert t["weight_used"].sum() == pytest.approx(1.0)
    assert (t.loc[~t["scored"], "weight_used"] == 0).all()
    assert card.composite_ == pytest.approx(float((t["weight_used"] * t["score"].fillna(0)).sum()))
    # dimensions without any measured indicator drop out
    assert "marketing" in card.missing_dimensions_


def test_due_diligence_weights_move_the_index_towards_concentration():
    _, _, _, base = _card()
    _, _, _, dd = _card(weights="due_diligence")
    # value concentration (poor here) weighs more under due diligence
    assert dd.table_.loc["top20_revenue_share", "weight_used"] > base.table_.loc["top20_revenue_share", "weight_used"]
    assert dd.composite_ != pytest.approx(base.composite_)


def test_payload_validates_and_recomputes(tmp_path: Path):
    targets, scorable, descriptive, card = _card()
    weights = load_weights("ahp_example")
    card = build_scorecard(scorable, targets, weights)
    strengths, weaknesses = strengths_weaknesses(card.table_)
    rules = load_rules()
    actions = recommended_actions(card, rules, weaknesses=list(weaknesses.index))
    payload = scorecard_payload(
        card, company="acme", period="2025Q4", start="2025-10-01", end="2025-12-31", metrics=_metrics(),
        descriptive=descriptive, weights=weights, targets=targets, strengths=list(strengths.index),
        weaknesses=list(weaknesses.index), actions=actions,
    )
    validate_scorecard(payload)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(payload)), schema)
    assert recompute_composite(payload) == pytest.approx(payload["composite"]["value"])
    assert payload["weights"]["kind"] == "ahp" and payload["weights"]["ahp"]["cr"] < 0.10
    assert payload["composite"]["rank_band"] is None  # no peers
    nps = next(m for m in payload["metrics"] if m["name"] == "nps")
    assert nps["interval"] == {"low": 22.0, "high": 38.0} and nps["target"] == 50 and nps["label_zh"] == "nps（中）"
    broken = json.loads(json.dumps(payload))
    broken["composite"]["value"] = 120
    with pytest.raises(ConfigError, match="composite/value"):
        validate_scorecard(broken)


def test_strengths_and_weaknesses_are_disjoint_and_ordered():
    *_, card = _card()
    strengths, weaknesses = strengths_weaknesses(card.table_)
    assert len(strengths) == 3 and len(weaknesses) == 3
    assert not set(strengths.index) & set(weaknesses.index)
    assert strengths["score"].min() >= weaknesses["score"].max()
    assert "fcr_rate" not in set(strengths.index) | set(weaknesses.index)  # not scored


def test_actions_fire_from_the_rule_table():
    *_, card = _card(_metrics(churn_rate=0.28, complaints_per_1000_customers=140.0))
    _, weaknesses = strengths_weaknesses(card.table_)
    actions = recommended_actions(card, load_rules(), weaknesses=list(weaknesses.index),
                                  describe=lambda n, r: {"value": (f"{r['value']:.2f}", f"{r['value']:.2f}")})
    ids = list(actions["id"])
    assert "churn_retention_programme" in ids and "complaint_root_cause" in ids
    assert actions["priority"].is_monotonic_increasing
    row = actions.set_index("id").loc["churn_retention_programme"]
    assert "0.28" in row["en"] and "0.28" in row["zh"]


def test_trend_and_alerts_against_the_previous_scorecard():
    targets, scorable, descriptive, card = _card(_metrics(churn_rate=0.15))
    *_, prev_card = _card()
    previous = scorecard_payload(prev_card, company="acme", period="2025Q3", start="2025-07-01", end="2025-09-30",
                                 metrics=_metrics(), descriptive=descriptive, weights=load_weights("default"), targets=targets)
    trend = indicator_trend(card, previous)
    assert trend.loc["churn_rate", "change"] == pytest.approx(0.05)
    assert bool(trend.loc["churn_rate", "worse"]) and not bool(trend.loc["nps", "worse"])
    table = alerts(card, load_rules(), trend, previous=previous)
    assert "churn_up" in set(table["id"])
    # no alert when nothing moved
    same = alerts(prev_card, load_rules(), indicator_trend(prev_card, previous), previous=previous)
    assert "churn_up" not in set(same["id"])


def test_rank_sensitivity_point_equals_composite_and_ranks_peers():
    targets = load_targets()
    weights = load_weights("default")
    cards = {}
    for company, shift in {"a": 0.0, "b": 0.05, "c": 0.10}.items():
        m = _metrics(churn_rate=0.10 + shift, nps=30 - 100 * shift, csat=0.8 - shift)
        cards[company] = build_scorecard(split_metrics(m, targets)[0], targets, weights)
    res = rank_sensitivity(cards, targets, reference="b", n_draws=300)
    s = res.summary
    assert s.loc["b", "index"] == pytest.approx(cards["b"].composite_)
    assert list(s.sort_values("rank").index) == ["a", "b", "c"]
    assert s.loc["b", "low"] <= s.loc["b", "index"] <= s.loc["b", "high"]
    assert 1 <= s.loc["b", "rank_low"] <= s.loc["b", "rank_high"] <= 3
    again = rank_sensitivity(cards, targets, reference="b", n_draws=300)
    pd.testing.assert_frame_equal(again.summary, s)  # seeded


@pytest.mark.parametrize(
    "period, previous",
    [("2025Q1", "2024Q4"), ("2025Q4", "2025Q3"), ("2025H1", "2024H2"), ("2025M01", "2024M12"), ("2025-07", "2025-06"),
     ("2025", "2024"), ("bad", None)],
)
def test_previous_period(period, previous):
    assert previous_period(period) == previous


# --------------------------------------------------------------------------- reports on the demo store
@pytest.fixture(scope="module")
def suite(demo_store, tmp_path_factory):
    """All reports of one demo company-period through the runner."""
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    out = tmp_path_factory.mktemp("summary-out")
    params = [load_params(None, company="jinghong", period="2025Q4", store=str(demo_store), language="en")]
    result = run_reports(params, outputs=out, jobs=2)
    return out, {r["notebook"]: r for r in result.results}


@pytest.mark.slow
def test_maturity_and_summary_complete(suite):
    out, results = suite
    for name in ("10_maturity", "99_summary"):
        assert results[name]["status"] == "ok", results[name]["error"]
    folder = out / "jinghong" / "2025Q4"
    saved = json.loads((folder / "10_maturity.metrics.json").read_text(encoding="utf-8"))["metrics"]
    names = {m["name"] for m in saved}
    assert {"maturity_index", *(f"maturity_{d}" for d in maturity.DIMENSIONS)} <= names
    html = (folder / "10_maturity.html").read_text(encoding="utf-8")
    assert "Maturity profile" in html and "Fuzzy comprehensive evaluation" in html and "Evidence" in html


@pytest.mark.slow
def test_scorecard_json_validates_and_recomputes(suite):
    out, _ = suite
    folder = out / "jinghong" / "2025Q4"
    payload = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    jsonschema.validate(payload, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert payload["company"] == "jinghong" and payload["period"] == "2025Q4"
    assert 0 <= payload["composite"]["value"] <= 100 and payload["composite"]["grade"] in "ABCD"
    assert payload["composite"]["value"] == pytest.approx(recompute_composite(payload), abs=1e-9)
    used = sum(m["weight_used"] for m in payload["metrics"])
    assert used == pytest.approx(1.0)
    assert payload["composite"]["value"] == pytest.approx(sum(m["weight_used"] * (m["score"] or 0) for m in payload["metrics"]))
    # every metric the reports saved is in the scorecard, scored or descriptive
    saved = set()
    for path in folder.glob("*.metrics.json"):
        if not is_final(path.name.removesuffix(".metrics.json")):
            saved |= {m["name"] for m in json.loads(path.read_text(encoding="utf-8"))["metrics"]}
    shown = {m["name"] for m in payload["metrics"] if m["status"] != "no_value"} | {d["name"] for d in payload["descriptive"]}
    assert saved == shown
    targets = load_targets()
    unknown = saved - set(targets.indicators.index) - set(targets.descriptive)
    assert not unknown, f"saved metrics missing from targets.yaml: {sorted(unknown)}"
    # interval from the sensitivity analysis; no peers in this output folder
    assert payload["composite"]["interval"]["low"] <= payload["composite"]["value"] <= payload["composite"]["interval"]["high"]
    assert payload["composite"]["rank_band"] is None and payload["peers"] == []
    assert len(payload["strengths"]) == 3 and len(payload["weaknesses"]) == 3
    # the index page reads composite.value and composite.grade
    from crmkit.reports.index import collect_runs

    run = next(r for r in collect_runs(out) if r["company"] == "jinghong")
    assert run["composite"] == payload["composite"]["value"] and run["grade"] == payload["composite"]["grade"]


@pytest.mark.slow
def test_summary_with_peers_and_previous_period(suite, demo_store, tmp_path):
    """Peers' metrics and the previous period's scorecard are picked up from the output folder."""
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    out = tmp_path / "out"
    shutil.copytree(suite[0] / "jinghong" / "2025Q4", out / "jinghong" / "2025Q4")
    folder = out / "jinghong" / "2025Q4"
    base = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    # a weaker peer: every scored indicator moved halfway towards its floor
    peer = out / "huamei" / "2025Q4"
    peer.mkdir(parents=True, exist_ok=True)
    targets = load_targets().indicators
    for path in folder.glob("*.metrics.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for m in data["metrics"]:
            if m["name"] in targets.index and m["value"] is not None:
                m["value"] = (m["value"] + targets.loc[m["name"], "floor"]) / 2
        (peer / path.name).write_text(json.dumps(data), encoding="utf-8")
    # a previous period with lower churn-related and complaint figures
    prev = json.loads(json.dumps(base))
    prev["period"] = "2025Q3"
    prev["composite"]["value"], prev["composite"]["grade"] = 100.0, "A"
    for m in prev["metrics"]:
        if m["name"] == "complaints_per_1000_customers" and m["value"] is not None:
            m["value"] = m["value"] / 2
    (out / "jinghong" / "2025Q3").mkdir(parents=True, exist_ok=True)
    (out / "jinghong" / "2025Q3" / "scorecard.json").write_text(json.dumps(prev), encoding="utf-8")

    params = [load_params(None, company="jinghong", period="2025Q4", store=str(demo_store), language="zh", weights="due_diligence")]
    result = run_reports(params, outputs=out, notebooks=["99"], jobs=1)
    assert result.ok, result.failed
    payload = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    band = payload["composite"]["rank_band"]
    assert band is not None and band["of"] == 2 and band["rank"] == 1
    assert [p["company"] for p in payload["peers"]] == ["huamei"]
    assert payload["peers"][0]["composite"] < payload["composite"]["value"]
    assert payload["weights"]["name"] == "due_diligence"
    assert payload["trend"]["previous_period"] == "2025Q3"
    assert payload["trend"]["change"] == pytest.approx(payload["composite"]["value"] - prev["composite"]["value"])
    ids = {a["id"] for a in payload["alerts"]}
    assert "composite_drop" in ids and "complaints_up" in ids
    assert payload["composite"]["value"] == pytest.approx(recompute_composite(payload), abs=1e-9)
    html = (folder / "99_summary.html").read_text(encoding="utf-8")
    assert "公司间比较" in html and "预警" in html


@pytest.mark.slow
def test_failed_dimension_report_is_shown_first_and_withholds_the_grade(suite, demo_store, tmp_path):
    """04_churn marked failed (its old metrics file left in place): 98 and 99 warn first, give no grade."""
    import html as html_lib

    from crmkit.evaluation import due_diligence as dd
    from crmkit.reports.index import build_index
    from crmkit.reports.params import load_params
    from crmkit.reports.runner import run_reports

    source = suite[0] / "jinghong" / "2025Q4"
    # the red-flag rules name the reports that actually save their metrics
    saved_by = {m["name"]: p.name.removesuffix(".metrics.json") for p in source.glob("*.metrics.json")
                for m in json.loads(p.read_text(encoding="utf-8"))["metrics"]}
    for rule in dd.load_red_flags().rules:
        for name in rule.metric:
            if name in saved_by and rule.report:
                assert saved_by[name] in rule.report, (rule.id, name, saved_by[name])

    out = tmp_path / "out"
    folder = out / "jinghong" / "2025Q4"
    shutil.copytree(source, folder)
    log = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    error = "KeyError: 'churned' (cell 7)"
    log["notebooks"]["04_churn"].update(status="failed", error=error)
    (folder / "run.json").write_text(json.dumps(log), encoding="utf-8")

    params = [load_params(None, company="jinghong", period="2025Q4", store=str(demo_store), language="en")]
    result = run_reports(params, outputs=out, notebooks=["98", "99"], jobs=1)
    assert result.ok, result.failed

    payload = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    jsonschema.validate(payload, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert payload["provisional"] is True and payload["status"] == "provisional"
    assert payload["composite"]["grade"] is None and payload["completeness"]["grade_withheld"] is True
    assert [(m["dimension"], m["notebook"], m["status"]) for m in payload["missing_dimensions"]] == [
        ("churn", "04_churn", "failed")]
    assert payload["missing_dimensions"][0]["weight"] == pytest.approx(0.12)  # default weights: churn 12 of 100
    assert payload["composite"]["value"] == pytest.approx(recompute_composite(payload), abs=1e-9)
    assert next(m for m in payload["metrics"] if m["name"] == "churn_rate")["value"] is None  # old file not read

    def main(name: str) -> str:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        return html_lib.unescape(page.split("<main", 1)[1])

    def first_heading(page: str) -> str:
        return re.search(r'<h2 class="ck-heading"[^>]*>([^<]*)</h2>', page).group(1)

    summary_html = main("99_summary")
    assert first_heading(summary_html) == "Provisional evaluation: incomplete reports"
    box = summary_html.split('class="ck-warnbox"', 1)[1].split("</div>", 1)[0]
    assert f"04_churn failed: {error}" in box and "Churn (12% of the weight) is missing" in box
    assert summary_html.index("ck-warnbox") < summary_html.index("Composite index (0-100), provisional")
    def grade_tile(page: str) -> str:
        return page.split('ck-kpi-label">Grade</div>', 1)[1].split("</div>", 1)[0]

    assert grade_tile(summary_html) == '<div class="ck-kpi-value">withheld'  # never a letter
    assert "grade is robust" not in summary_html and "grade is not certain" not in summary_html

    dd_html = main("98_due_diligence")
    assert first_heading(dd_html) == "Provisional due diligence: incomplete reports"
    assert f"04_churn failed: {error}" in dd_html.split('class="ck-warnbox"', 1)[1].split("</div>", 1)[0]
    assert "not assessable because 04_churn failed" in dd_html and "table not supplied" not in dd_html
    assert grade_tile(dd_html) == '<div class="ck-kpi-value">withheld'  # churn: 22 of 100

    index = build_index(out).read_text(encoding="utf-8")
    assert "grade withheld / 暂不评级" in index and "provisional / 暂定" in index
