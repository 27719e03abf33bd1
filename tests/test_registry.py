"""The metric registry (crmkit/resources/metrics.yaml) and MetricSet.add filling from it."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from crmkit.errors import ConfigError
from crmkit.estimate import Estimate
from crmkit.evaluation.metrics import MetricSet, is_final
from crmkit.evaluation.registry import (
    UNITS,
    Metric,
    UnknownMetricError,
    load_registry,
    metric,
    reference_markdown,
    registry,
)
from crmkit.i18n import DIMENSIONS

from .helpers import refusal

_ENTRY = ("    dimension: churn\n    unit: ratio\n    direction: lower\n    scored: true\n"
          "    label_en: Churn\n    label_zh: 流失\n    definition_en: Churned / at risk at the start.\n"
          "    definition_zh: 流失客户数 / 期初在册客户数。\n")


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "metrics.yaml"
    path.write_text("version: 1\nmetrics:\n" + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shipped file
def test_shipped_registry_is_valid_and_complete():
    reg = registry()
    assert len(reg) > 100 and reg is registry()  # read once
    for name, m in reg.items():
        assert isinstance(m, Metric) and m.name == name
        assert m.unit in UNITS and m.dimension in DIMENSIONS and m.direction in ("higher", "lower", None)
        assert m.label_en.strip() and re.search(r"[\u4e00-\u9fff]", m.label_zh), name
        assert re.search(r"[\u4e00-\u9fff]", m.definition_zh) and len(m.definition_en.split()) >= 4, name
        assert "{" not in m.label_en + m.label_zh, f"{name}: labels are fixed text, not templates"
        if m.scored:
            assert m.direction is not None, name
    # labels identify a metric: no two metrics share an English or a Chinese label
    for lang in ("label_en", "label_zh"):
        labels = [getattr(m, lang) for m in reg.values()]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        assert not dup, f"{lang} used by several metrics: {dup}"


def test_known_declarations():
    nps, churn, hhi = metric("nps"), metric("churn_rate"), metric("revenue_hhi")
    assert (nps.unit, nps.direction, nps.dimension, nps.scored) == ("score", "higher", "satisfaction", True)
    assert (churn.unit, churn.direction, churn.dimension) == ("ratio", "lower", "churn")
    assert (hhi.unit, hhi.dimension) == ("index", "value")
    assert metric("composite_index").dimension == "summary" and not metric("composite_index").scored
    assert metric("maturity_team").label == ("Maturity: Team", "成熟度：团队建设")


def test_unknown_metric_names_the_closest_match_and_the_fix():
    with pytest.raises(UnknownMetricError) as err:
        metric("churn_rat")
    msg = str(err.value)
    assert "'churn_rat'" in msg and "did you mean 'churn_rate'" in msg and "crmkit/resources/metrics.yaml" in msg
    assert isinstance(err.value, ConfigError) and isinstance(err.value, KeyError)
    with pytest.raises(UnknownMetricError) as err:
        metric("zzzz")
    assert "did you mean" not in str(err.value)
    assert "zzzz" not in registry() and registry().get("zzzz") is None


# --------------------------------------------------------------------------- validation
def test_valid_custom_registry(tmp_path: Path):
    reg = load_registry(_write(tmp_path, "  churn_rate:\n" + _ENTRY))
    assert list(reg) == ["churn_rate"] and reg["churn_rate"].definition.zh.endswith("。")


@pytest.mark.parametrize(
    "change, expected",
    [
        (("unit: ratio", "unit: percent"), "unit"),
        (("direction: lower", "direction: down"), "direction"),
        (("dimension: churn", "dimension: churm"), "unknown dimension 'churm'"),
        (("direction: lower", "direction: null"), "a scored metric needs a direction"),
        (("    label_zh: 流失\n", ""), "label_zh: required key missing"),
        (("scored: true", "scored: true\n    goal: 3"), "unknown key"),
        (("Churned / at risk at the start.", "Churned / at risk at the start"), "full stop"),
    ],
)
def test_invalid_registry_is_refused_with_the_metric_named(tmp_path: Path, change, expected):
    msg = refusal(load_registry, _write(tmp_path, "  churn_rate:\n" + _ENTRY.replace(*change)))
    assert "churn_rate" in msg and expected in msg


def test_invalid_metric_name_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="Churn-Rate"):
        load_registry(_write(tmp_path, "  Churn-Rate:\n" + _ENTRY))


# --------------------------------------------------------------------------- MetricSet.add
def test_add_fills_unit_direction_dimension_and_labels_from_the_registry():
    ms = MetricSet("service", notebook="12_team_and_risk", min_n=30)
    ms.add("employee_satisfied_share", Estimate(0.7, 0.05, 0.6, 0.8, 20))
    ms.add("agent_workload_cv", 0.35)
    rec = {m.name: m for m in ms.metrics}
    emp = rec["employee_satisfied_share"]
    decl = metric("employee_satisfied_share")
    # the registry's dimension wins over the set's own (the team report saves a satisfaction metric)
    assert (emp.unit, emp.direction, emp.dimension) == ("ratio", "higher", "satisfaction")
    assert (emp.label_en, emp.label_zh) == (decl.label_en, decl.label_zh)
    assert (emp.n, emp.ci_low, emp.ci_high, emp.flagged) == (20, 0.6, 0.8, True)  # n below min_n
    cv = rec["agent_workload_cv"]
    assert (cv.unit, cv.direction, cv.dimension, cv.n, cv.flagged) == ("index", "lower", "service", None, False)
    assert cv.notebook == "12_team_and_risk"


def test_add_accepts_old_keywords_that_agree():
    ms = MetricSet("churn")
    ms.add("churn_rate", 0.1, unit="ratio", direction="lower", label_en="Period churn rate", label_zh="期间流失率",
           dimension="churn")
    ms.add("churn_inactivity_days", 90, unit="days", direction=None)
    assert [m.direction for m in ms.metrics] == ["lower", None]


@pytest.mark.parametrize(
    "kwargs, named",
    [
        ({"unit": "score"}, ("unit='score'", "unit='ratio'")),
        ({"direction": "higher"}, ("direction='higher'", "direction='lower'")),
        ({"direction": None}, ("direction=None", "direction='lower'")),
        ({"dimension": "value"}, ("dimension='value'", "dimension='churn'")),
        ({"label_en": "Churn"}, ("label_en='Churn'", "label_en='Period churn rate'")),
        ({"label_zh": "流失"}, ("label_zh='流失'", "label_zh='期间流失率'")),
    ],
)
def test_add_refuses_keywords_that_disagree_with_the_registry(kwargs, named):
    ms = MetricSet("churn")
    with pytest.raises(ValueError) as err:
        ms.add("churn_rate", 0.1, **kwargs)
    assert all(part in str(err.value) for part in named) and "churn_rate" in str(err.value)
    assert ms.metrics == []


def test_add_refuses_undeclared_metrics_with_the_fix():
    ms = MetricSet("churn", notebook="04_churn")
    with pytest.raises(UnknownMetricError) as err:
        ms.add("churn_ratio", 0.1)
    msg = str(err.value)
    assert msg.startswith("04_churn:") and "declare it in crmkit/resources/metrics.yaml" in msg and "churn_rate" in msg
    ms.add("churn_rate", 0.1)
    with pytest.raises(ValueError, match="recorded twice"):
        ms.add("churn_rate", 0.2)


def test_add_all_records_several_and_checks_every_name_first():
    ms = MetricSet("value")
    ms.add_all({"revenue": 1000.0, "orders": 10, "aov": Estimate(100.0, 5.0, 90.0, 110.0, 10)}, n={"revenue": 10})
    frame = ms.frame().set_index("name")
    assert list(frame.index) == ["revenue", "orders", "aov"]
    assert frame.loc["revenue", "n"] == 10 and frame.loc["aov", "ci_low"] == 90.0 and math.isnan(frame.loc["orders", "n"])
    assert frame.loc["orders", "unit"] == "count" and frame.loc["aov", "label_zh"] == "客单价"
    with pytest.raises(UnknownMetricError, match="'revenu'"):
        ms.add_all({"gini": 0.4, "revenu": 1.0})
    assert len(ms.metrics) == 3  # nothing of the failed call was recorded


def test_missing_values_are_saved_as_null(tmp_path: Path):
    import json

    ms = MetricSet("value", notebook="05_value")
    ms.add("gini", float("nan"))
    data = json.loads(ms.save(tmp_path).read_text(encoding="utf-8"))
    assert data["metrics"][0]["value"] is None and data["metrics"][0]["unit"] == "ratio"


def test_is_final():
    assert is_final("98_due_diligence") and is_final("99_summary")
    assert not is_final("12_team_and_risk") and not is_final("notes") and not is_final("9_x")


# --------------------------------------------------------------------------- reference
def test_reference_markdown_lists_every_metric_once_grouped_by_dimension():
    text = reference_markdown()
    reg = registry()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(reg)
    assert [re.match(r"\| `([a-z0-9_]+)`", r).group(1) for r in rows] == [m.name for ms in reg.by_dimension().values() for m in ms]
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    order = [d for d in DIMENSIONS if any(m.dimension == d for m in reg.values())]
    assert headings == [f"## {DIMENSIONS[d][0]} ({DIMENSIONS[d][1]})" for d in order]
    nps = next(r for r in rows if r.startswith("| `nps`"))
    cells = [c.strip() for c in nps.strip("|").split(" | ")]
    assert cells[:6] == ["`nps`", "Net Promoter Score", "净推荐值", "score", "higher is better", "yes"]
    assert metric("nps").definition_en in cells[6] and metric("nps").definition_zh in cells[6]
    assert "| descriptive | no |" in next(r for r in rows if r.startswith("| `tickets`"))


def test_reference_markdown_escapes_pipes(tmp_path: Path):
    reg = load_registry(_write(tmp_path, "  churn_rate:\n" + _ENTRY.replace("Churn\n", "Churn | lost\n")))
    row = next(line for line in reference_markdown(reg, heading_level=3).splitlines() if line.startswith("| `"))
    assert "Churn \\| lost" in row and row.count(" | ") == 6
    assert reference_markdown(reg, heading_level=3).startswith("### Churn (客户流失)")


# --------------------------------------------------------------------------- KPI tiles
def _tiles(language: str, items) -> str:
    from crmkit.reports.display import Report

    shown: list[str] = []
    rp = Report(language)
    rp._show = shown.append  # capture the markup instead of displaying it
    rp.kpis(items)
    return shown[0]


def test_kpi_tiles_take_label_and_unit_from_the_registry():
    html = _tiles("en", [("churn_rate", Estimate(0.125, 0.01, 0.1, 0.15, 400)), ("first_response_hours_median", 3.25),
                         (("Free text", "自由文本"), 7, "count")])
    assert "Period churn rate</div>" in html and "12.5% ± 2.5 pp" in html  # unit ratio from the registry
    assert "First response time (median)</div>" in html and "3.2 h" in html  # unit hours
    assert "Free text</div>" in html and ">7<" in html  # the old form still works
    zh = _tiles("zh", [("churn_rate", 0.1), ("tickets", 1234)])
    assert "期间流失率" in zh and "10.0%" in zh and "工单数" in zh and "1,234" in zh
    flagged = _tiles("en", [("csat", Estimate(0.8, 0.1, 0.6, 1.0, 12, min_n=30))])
    assert "n = 12, below minimum" in flagged


def test_kpi_tile_of_an_undeclared_metric_is_refused():
    with pytest.raises(UnknownMetricError, match="did you mean 'churn_rate'"):
        _tiles("en", [("churn_rat", 0.1)])


def test_a_metric_true_by_construction_is_saved_but_never_scored():
    from crmkit.evaluation.metrics import MetricSet
    from crmkit.evaluation.scorecard import split_metrics
    from crmkit.evaluation.targets import load_targets

    ms = MetricSet("customer_base", notebook="01_customer_base")
    ms.add_all({"active_customer_share": 1.0, "active_customer_growth": 0.1}, n={"active_customer_share": 50},
               by_construction={"active_customer_share": "every customer is new"})
    saved = {m["name"]: m for m in (m.to_dict() for m in ms.metrics)}
    assert saved["active_customer_share"]["by_construction"] == "every customer is new"
    assert "by_construction" not in saved["active_customer_growth"]  # files of ordinary metrics are unchanged
    scorable, descriptive = split_metrics(ms.frame(), load_targets())
    assert scorable["name"].tolist() == ["active_customer_growth"]
    assert descriptive["name"].tolist() == ["active_customer_share"]
