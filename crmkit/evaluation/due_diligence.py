"""Customer loyalty due diligence of a target company (the ``98_due_diligence`` report).

An acquirer asks how durable the target's customer franchise is. The report
answers from the headline metrics the dimension reports saved (so every
figure matches those reports) and reads raw data only for what no report
saves. This module holds its reusable logic:

* metric look-up: :func:`read_target_metrics`, :func:`metric_frame`,
  :func:`metric_row`, :func:`metric_value`, :func:`metric_table`;
* red flags: :func:`load_red_flags` reads the documented bilingual rule
  table ``parameters/red_flags.yaml``; :func:`evaluate_red_flags` rates
  each rule ``high`` / ``medium`` (or not fired) from the metrics and lists
  the rules whose metrics are missing as *not assessable*, naming the
  report that failed or was not run when that is the reason;
* figures no report saves: :func:`complaint_escalation` (complaints per
  1,000 active customers vs the previous window, as in the risk register of
  :mod:`crmkit.indicators.risk`) and :func:`tenure_mix` (active customers by time since
  their first purchase);
* the due-diligence composite: :func:`dd_composite` scores the metrics with
  the ``due_diligence`` weights preset whatever the run's ``weights``
  parameter, through :mod:`crmkit.evaluation.summary` and :mod:`crmkit.scoring`
  (index, grade, Monte Carlo interval and rank band among the peers), with
  the completeness of :func:`crmkit.evaluation.composite.assess_completeness`
  under those weights (provisional index, grade withheld);
* peers: :func:`peer_table` puts the key loyalty indicators of the target
  beside those of the other companies of the same period, :func:`peer_extremes`
  picks those where it is best and last;
* the report as a whole: :func:`evaluate` reads the saved metrics and
  computes the escalation, the composite and the red flags once
  (:class:`DueDiligenceRun`); :func:`tenure_summary`, :func:`churn_reasons`,
  :func:`driver_scores` and :func:`competitor_comparison` give the figures of
  the sections that read raw data or a market file.
"""

from __future__ import annotations

import difflib
import math
import os
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmkit.errors import ConfigError
from crmkit.formatting import Formatter
from crmkit.yamlio import read_yaml
from crmkit.evaluation.composite import Completeness, CompletenessMixin, ReportIssue, assess_completeness, report_issues
from crmkit.evaluation.scorecard import failed_reports
from crmkit.evaluation.weights import parameters_dir

__all__ = [
    "DD_NOTEBOOK",
    "DD_WEIGHTS",
    "METRIC_COLUMNS",
    "SEVERITY_TEXT",
    "LOYALTY_INDICATORS",
    "read_target_metrics",
    "metric_frame",
    "metric_row",
    "metric_value",
    "metric_table",
    "RedFlagRule",
    "RedFlagRules",
    "default_red_flags_path",
    "RedFlagResult",
    "load_red_flags",
    "rule_severity",
    "not_assessable_reason",
    "evaluate_red_flags",
    "complaint_escalation",
    "TENURE_BANDS",
    "tenure_mix",
    "DDComposite",
    "dd_composite",
    "peer_table",
    "peer_extremes",
    "DueDiligenceRun",
    "evaluate",
    "escalation_comparable",
    "tenure_summary",
    "churn_reasons",
    "driver_scores",
    "CompetitorComparison",
    "competitor_comparison",
]

DD_NOTEBOOK = "98_due_diligence"
"""Name of the due-diligence notebook (its own metrics file is never read as input)."""

DD_WEIGHTS = "due_diligence"
"""Weights preset of the due-diligence composite (``parameters/weights/due_diligence.yaml``)."""

METRIC_COLUMNS: tuple[str, ...] = ("name", "value", "unit", "dimension", "n", "ci_low", "ci_high", "direction",
                                   "label_en", "label_zh", "flagged", "notebook")
"""Columns of a metrics frame (as :func:`crmkit.evaluation.metrics.load_all` returns it)."""

SEVERITY_TEXT: dict[str, tuple[str, str]] = {"high": ("High", "高"), "medium": ("Medium", "中")}
"""Bilingual names of the red-flag severities."""

LOYALTY_INDICATORS: tuple[str, ...] = (
    "active_customers", "active_customer_growth", "repeat_purchase_rate", "retention_rate", "churn_rate", "nps",
    "csat", "referral_rate", "clv_cac_ratio", "top10_customer_revenue_share", "complaints_per_1000_customers",
)
"""Key loyalty indicators compared with the peer companies."""


def _nan(x: Any) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


# --------------------------------------------------------------------------- metric look-up
def metric_frame(records: Sequence[Mapping[str, Any]] | pd.DataFrame | None = None) -> pd.DataFrame:
    """A metrics frame with the standard columns (:data:`METRIC_COLUMNS`).

    Missing columns are filled (``unit`` "number" is not a metric unit, so
    it defaults to None; ``flagged`` to False); handy to build frames by
    hand or to add figures computed in the report to the saved ones.

    Examples
    --------
    >>> f = metric_frame([{"name": "churn_rate", "value": 0.2, "unit": "ratio"}])
    >>> list(f.columns) == list(METRIC_COLUMNS), bool(f.loc[0, "flagged"])
    (True, False)
    """
    frame = pd.DataFrame(records if records is not None else [])
    for col in METRIC_COLUMNS:
        if col not in frame.columns:
            frame[col] = False if col == "flagged" else None
    frame = frame[list(METRIC_COLUMNS)].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["flagged"] = pd.Series([False if _nan(x) and not isinstance(x, bool) else bool(x) for x in frame["flagged"]],
                                 index=frame.index, dtype=bool)
    return frame.reset_index(drop=True)


def read_target_metrics(folder: str | os.PathLike | None, exclude: Sequence[str] = ()) -> pd.DataFrame:
    """Headline metrics saved in *folder*, without those of the final-stage reports.

    The due-diligence report's own metrics and the summary's are left out
    (they are outputs, not inputs), as are those of reports whose last run
    failed (:func:`crmkit.evaluation.scorecard.failed_reports`: a file there
    is left over from an earlier run) and of the notebooks in *exclude*; a
    name saved by two notebooks keeps the first (files read in name order,
    as :func:`crmkit.evaluation.summary.read_metrics` does).

    Returns
    -------
    pandas.DataFrame
        :data:`METRIC_COLUMNS`; empty when the folder is missing or holds
        no metrics.
    """
    from crmkit.evaluation.metrics import load_all
    from crmkit.evaluation.summary import SUMMARY_NOTEBOOK

    if not folder or not Path(folder).is_dir():
        return metric_frame()
    frame = load_all(folder, exclude=[DD_NOTEBOOK, SUMMARY_NOTEBOOK, *failed_reports(folder), *exclude])
    if frame.empty:
        return metric_frame()
    return metric_frame(frame.drop_duplicates("name", keep="first"))


def metric_row(metrics: pd.DataFrame, *names: str) -> dict[str, Any] | None:
    """The first of *names* that *metrics* holds with a finite value, as a dict.

    Parameters
    ----------
    metrics : pandas.DataFrame
        A metrics frame.
    *names : str
        Alternatives in order of preference (e.g. the predictive CLV:CAC
        before the historical one).

    Returns
    -------
    dict or None
        The metric's columns; None when none of the names has a value.

    Examples
    --------
    >>> m = metric_frame([{"name": "clv_cac_ratio", "value": 2.5}, {"name": "predicted_clv_cac_ratio", "value": None}])
    >>> metric_row(m, "predicted_clv_cac_ratio", "clv_cac_ratio")["name"]
    'clv_cac_ratio'
    """
    if metrics is None or metrics.empty:
        return None
    for name in names:
        hit = metrics[metrics["name"] == name]
        if len(hit) and not _nan(hit["value"].iloc[0]):
            row = hit.iloc[0].to_dict()
            row["value"] = float(row["value"])
            return row
    return None


def metric_value(metrics: pd.DataFrame, *names: str, default: float = float("nan")) -> float:
    """Value of the first of *names* with a finite value, else *default*.

    Examples
    --------
    >>> metric_value(metric_frame([{"name": "nps", "value": -12.0}]), "nps")
    -12.0
    >>> metric_value(metric_frame(), "nps", default=0.0)
    0.0
    """
    row = metric_row(metrics, *names)
    return default if row is None else float(row["value"])


def metric_table(metrics: pd.DataFrame, names: Sequence[str | Sequence[str]]) -> pd.DataFrame:
    """Rows of *metrics* for *names*, in that order; missing names are left out.

    An entry of *names* may be a sequence of alternatives (first available
    wins, see :func:`metric_row`).

    Returns
    -------
    pandas.DataFrame
        :data:`METRIC_COLUMNS`.
    """
    rows = []
    for entry in names:
        alts = [entry] if isinstance(entry, str) else list(entry)
        row = metric_row(metrics, *alts)
        if row is not None:
            rows.append(row)
    return metric_frame(rows)


# --------------------------------------------------------------------------- red-flag rules
class RedFlagRule(BaseModel):
    """One red-flag rule of ``parameters/red_flags.yaml``.

    The rule fires ``high`` when the metric is at or beyond ``high``, else
    ``medium`` when at or beyond ``medium``: "beyond" is above for
    ``worse: higher`` and below for ``worse: lower``. ``metric`` may list
    alternatives; the first one with a value is used. ``report`` names the
    dimension report(s) that save the metric (optional): when one of them
    failed or was not run and no value was found, the rule is *not
    assessable because* of it.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    metric: list[str] = Field(min_length=1)
    report: list[str] = Field(default_factory=list)
    worse: Literal["higher", "lower"]
    medium: float | None = None
    high: float | None = None
    title_en: str = Field(min_length=3)
    title_zh: str = Field(min_length=2)
    ask_en: str = Field(min_length=10)
    ask_zh: str = Field(min_length=5)
    rationale: str = Field(min_length=10)

    @field_validator("metric", "report", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("report")
    @classmethod
    def _notebook_names(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not (len(r) > 3 and r[:2].isdigit() and r[2] == "_")]
        if bad:
            raise ValueError(f"report {bad} is not a notebook name like '04_churn'")
        return v

    @model_validator(mode="after")
    def _thresholds(self) -> "RedFlagRule":
        if self.medium is None and self.high is None:
            raise ValueError("give a 'medium' or a 'high' threshold (or both)")
        for key in ("medium", "high"):
            v = getattr(self, key)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"{key} must be a finite number")
        if self.medium is not None and self.high is not None:
            if self.worse == "higher" and not self.medium < self.high:
                raise ValueError(f"worse is 'higher', so 'medium' ({self.medium:g}) must be below 'high' ({self.high:g})")
            if self.worse == "lower" and not self.medium > self.high:
                raise ValueError(f"worse is 'lower', so 'medium' ({self.medium:g}) must be above 'high' ({self.high:g})")
        for key in ("title_en", "title_zh", "ask_en", "ask_zh"):
            fields = [f for _, f, _, _ in string.Formatter().parse(getattr(self, key)) if f is not None]
            if fields:
                raise ValueError(f"{key} holds placeholder(s) {fields}; write plain text (the evidence is generated)")
        return self


class _RedFlagFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    rules: list[RedFlagRule] = Field(min_length=1)


@dataclass(frozen=True)
class RedFlagRules:
    """Validated red-flag rules (``parameters/red_flags.yaml``)."""

    rules: list[RedFlagRule]
    source: Path | None = None

    def __len__(self) -> int:
        return len(self.rules)


_RULE_KEYS = list(RedFlagRule.model_fields)
_FILE_KEYS = list(_RedFlagFile.model_fields)


def default_red_flags_path() -> Path:
    """``<parameters>/red_flags.yaml``."""
    return parameters_dir() / "red_flags.yaml"


def _rule_label(data: Any, loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rid = None
        try:
            rid = data["rules"][loc[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        rest = ".".join(str(x) for x in loc[2:])
        return f"rules[{loc[1]}]" + (f" ({rid})" if rid else "") + (f" {rest}" if rest else "")
    return ".".join(str(x) for x in loc) or "file"


def load_red_flags(path: str | os.PathLike | None = None) -> RedFlagRules:
    """Read and validate a red-flag rule file (``yaml.safe_load`` + pydantic).

    Parameters
    ----------
    path : path, optional
        Default :func:`default_red_flags_path`; an empty string means the
        default too.

    Returns
    -------
    RedFlagRules

    Raises
    ------
    crmkit.errors.ConfigError
        Missing file, invalid YAML, unknown keys (with the allowed keys and
        the nearest match), a rule without thresholds or with thresholds in
        the wrong order for ``worse``, text missing in one language,
        placeholders in the texts, repeated ids. The message names the file
        and the rule.
    """
    p = Path(path) if path not in (None, "") else default_red_flags_path()
    data = read_yaml(p, "red-flag file",
                     missing_hint="Give the path of a red-flag YAML or restore parameters/red_flags.yaml.",
                     expect="a mapping with a 'rules' list")
    try:
        parsed = _RedFlagFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = _rule_label(data, loc[:-1] if err["type"] == "extra_forbidden" else loc)
            if err["type"] == "extra_forbidden":
                allowed = _RULE_KEYS if len(loc) > 2 else _FILE_KEYS
                near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                lines.append(f"{where}: unknown key {str(loc[-1])!r}{hint}; allowed: {', '.join(allowed)}")
            elif err["type"] == "missing":
                lines.append(f"{where}: required key missing")
            else:
                lines.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
        raise ConfigError(f"red-flag file {p}: " + "; ".join(lines) + ".") from None
    ids = [r.id for r in parsed.rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ConfigError(f"red-flag file {p}: rule id(s) repeated: {', '.join(dup)}.")
    return RedFlagRules(list(parsed.rules), p.resolve())


def rule_severity(value: float | None, rule: RedFlagRule) -> str | None:
    """Severity of *value* under *rule*: ``"high"``, ``"medium"`` or None (not fired).

    Thresholds are inclusive: a value exactly at a threshold fires it.

    Examples
    --------
    >>> r = RedFlagRule(id="churn", metric="churn_rate", worse="higher", medium=0.15, high=0.3,
    ...                 title_en="Churn", title_zh="流失", ask_en="Why do customers leave?", ask_zh="客户为何流失？",
    ...                 rationale="Quarterly churn above 15% is high.")
    >>> rule_severity(0.3, r), rule_severity(0.15, r), rule_severity(0.1499, r), rule_severity(None, r)
    ('high', 'medium', None, None)
    """
    if _nan(value):
        return None
    v = float(value)
    beyond = (lambda t: v >= t) if rule.worse == "higher" else (lambda t: v <= t)
    if rule.high is not None and beyond(rule.high):
        return "high"
    if rule.medium is not None and beyond(rule.medium):
        return "medium"
    return None


@dataclass
class RedFlagResult:
    """Outcome of :func:`evaluate_red_flags`.

    Attributes
    ----------
    flags : pandas.DataFrame
        Fired rules, high first then in file order: ``id, severity, metric,
        label_en, label_zh, value, unit, n, flagged, threshold, comparison,
        title_en, title_zh, evidence_en, evidence_zh, ask_en, ask_zh,
        notebook``.
    clear : pandas.DataFrame
        Rules assessed that did not fire: ``id, metric, value, unit,
        title_en, title_zh``.
    not_assessable : pandas.DataFrame
        Rules none of whose metrics has a value: ``id, metrics, title_en,
        title_zh, reason_en, reason_zh, reports`` (``reports``: the rule's
        reports that failed or were not run, comma-separated, else empty).
    """

    flags: pd.DataFrame
    clear: pd.DataFrame
    not_assessable: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


_FLAG_COLUMNS = ["id", "severity", "metric", "label_en", "label_zh", "value", "unit", "n", "flagged", "threshold",
                 "comparison", "title_en", "title_zh", "evidence_en", "evidence_zh", "ask_en", "ask_zh", "notebook"]
_CLEAR_COLUMNS = ["id", "metric", "value", "unit", "title_en", "title_zh"]
_NA_COLUMNS = ["id", "metrics", "title_en", "title_zh", "reason_en", "reason_zh", "reports"]


def not_assessable_reason(rule: RedFlagRule, metrics: pd.DataFrame | None,
                          issues: Sequence[ReportIssue] = ()) -> tuple[str, str, list[str]]:
    """Why *rule* cannot be assessed: (English, Chinese, the rule's reports that failed or were not run).

    In order: a report of the rule (``rule.report``) is among *issues*
    (``not assessable because 04_churn failed``); a metric was saved
    without a value; the rule's reports ran but saved none of its metrics;
    no report of the rule is known and none of its metrics was saved.

    Examples
    --------
    >>> r = RedFlagRule(id="churn", metric="churn_rate", report="04_churn", worse="higher", high=0.3,
    ...                 title_en="Churn", title_zh="流失", ask_en="Why do customers leave?", ask_zh="客户为何流失？",
    ...                 rationale="Quarterly churn above 30% is high.")
    >>> not_assessable_reason(r, metric_frame(), [ReportIssue("04_churn", "failed", "KeyError: 'x'")])
    ('not assessable because 04_churn failed', '无法评估，因为 04_churn 运行失败', ['04_churn'])
    """
    blocked = [i for i in issues if i.notebook in rule.report]
    if blocked:
        return ("not assessable because " + " and ".join(i.short_en for i in blocked),
                "无法评估，因为 " + "、".join(i.short_zh for i in blocked), [i.notebook for i in blocked])
    names = set() if metrics is None or metrics.empty else set(metrics["name"])
    present = [m for m in rule.metric if m in names]
    if present:
        return (f"{', '.join(present)} saved without a value for this company-period",
                f"{'、'.join(present)} 本期已保存但无数值", [])
    if rule.report:
        reports = ", ".join(rule.report)
        return (f"{reports} ran but saved no {' or '.join(rule.metric)} for this company-period (the data it needs "
                "is missing or too thin; see that report)",
                f"{'、'.join(rule.report)} 已运行，但本期未保存 {'或'.join(rule.metric)}（所需数据缺失或不足，详见该报告）", [])
    return (f"{', '.join(rule.metric)} not found in the saved metrics of this company-period",
            f"本期已保存的指标中没有 {'、'.join(rule.metric)}", [])


def evaluate_red_flags(metrics: pd.DataFrame, rules: RedFlagRules | Sequence[RedFlagRule], *,
                       currency: str = "CNY", min_n: int | None = None,
                       issues: Sequence[ReportIssue] = ()) -> RedFlagResult:
    """Rate every red-flag rule against the metrics.

    A rule fires from whichever report saved its metric; one without a
    value is *not assessable*, with the reason of
    :func:`not_assessable_reason` (``not assessable because 04_churn
    failed`` when a report of the rule is among *issues*).

    Parameters
    ----------
    metrics : pandas.DataFrame
        A metrics frame (saved metrics, plus any figures the report added).
    rules : RedFlagRules or sequence of RedFlagRule
    currency : str
        Currency of money amounts in the evidence.
    min_n : int, optional
        Minimum sample shown in the evidence of a metric saved as
        ``flagged`` (measured on fewer observations); such a metric still
        fires, and the evidence says it is indicative.
    issues : sequence of crmkit.evaluation.composite.ReportIssue
        Dimension reports of the company-period that failed or were not
        run (:func:`crmkit.evaluation.composite.report_issues`).

    Returns
    -------
    RedFlagResult
        ``counts`` holds ``high``, ``medium``, ``total`` (fired), ``clear``
        and ``not_assessable``.
    """
    en_rp, zh_rp = Formatter("en", currency), Formatter("zh", currency)
    rule_list = list(rules.rules if isinstance(rules, RedFlagRules) else rules)
    flags, clear, missing = [], [], []
    for order, rule in enumerate(rule_list):
        row = metric_row(metrics, *rule.metric)
        if row is None:
            why_en, why_zh, blocked = not_assessable_reason(rule, metrics, issues)
            missing.append({"id": rule.id, "metrics": ", ".join(rule.metric), "title_en": rule.title_en,
                            "title_zh": rule.title_zh, "reason_en": why_en, "reason_zh": why_zh,
                            "reports": ", ".join(blocked)})
            continue
        sev = rule_severity(row["value"], rule)
        unit = row.get("unit") if isinstance(row.get("unit"), str) else "number"
        if sev is None:
            clear.append({"id": rule.id, "metric": row["name"], "value": row["value"], "unit": unit,
                          "title_en": rule.title_en, "title_zh": rule.title_zh})
            continue
        threshold = float(rule.high if sev == "high" else rule.medium)
        op = "≥" if rule.worse == "higher" else "≤"
        label_en = row.get("label_en") or row["name"]
        label_zh = row.get("label_zh") or label_en
        n = row.get("n")
        n_txt = "" if _nan(n) else f"{int(n):,}"
        src_en = f"from {row['notebook']}" if row.get("notebook") else "computed in this report"
        src_zh = f"来源 {row['notebook']}" if row.get("notebook") else "本报告计算"
        digits = 2 if unit not in ("ratio", "currency", "count") and abs(threshold) < 10 else None
        ev_en = (f"{label_en} {en_rp.fmt(row['value'], unit, digits)} (" + (f"n = {n_txt}, " if n_txt else "") + f"{src_en}); "
                 f"threshold of a {sev} flag: {op} {en_rp.fmt(threshold, unit, digits)}.")
        ev_zh = (f"{label_zh} {zh_rp.fmt(row['value'], unit, digits)}（" + (f"样本 {n_txt}，" if n_txt else "") + f"{src_zh}）；"
                 f"{SEVERITY_TEXT[sev][1]}风险阈值：{op} {zh_rp.fmt(threshold, unit, digits)}。")
        if bool(row.get("flagged")):
            below = f" of {min_n}" if min_n else ""
            ev_en += f" The sample is below the minimum{below}: indicative only."
            ev_zh += f" 样本量低于最小要求{f'（{min_n}）' if min_n else ''}，仅供参考。"
        flags.append({"id": rule.id, "severity": sev, "metric": row["name"], "label_en": label_en, "label_zh": label_zh,
                      "value": row["value"], "unit": unit, "n": None if _nan(n) else int(n),
                      "flagged": bool(row.get("flagged")), "threshold": threshold, "comparison": op,
                      "title_en": rule.title_en, "title_zh": rule.title_zh, "evidence_en": ev_en, "evidence_zh": ev_zh,
                      "ask_en": rule.ask_en, "ask_zh": rule.ask_zh, "notebook": row.get("notebook") or "", "_order": order})
    out = pd.DataFrame(flags, columns=[*_FLAG_COLUMNS, "_order"])
    if len(out):
        out["_rank"] = out["severity"].map({"high": 0, "medium": 1})
        out = out.sort_values(["_rank", "_order"], kind="mergesort").drop(columns="_rank")
    out = out.drop(columns="_order").reset_index(drop=True)
    counts = {"high": int((out["severity"] == "high").sum()), "medium": int((out["severity"] == "medium").sum()),
              "total": int(len(out)), "clear": len(clear), "not_assessable": len(missing)}
    return RedFlagResult(out, pd.DataFrame(clear, columns=_CLEAR_COLUMNS), pd.DataFrame(missing, columns=_NA_COLUMNS), counts)


# --------------------------------------------------------------------------- figures no report saves
def complaint_escalation(data: Any) -> dict[str, float] | None:
    """Complaints per 1,000 active customers in the window vs the previous window.

    Same counting as the complaint risk of the relationship risk register
    (:func:`crmkit.indicators.risk.assess`): complaint tickets opened in each window
    over customers with an order in it, compared by
    :func:`crmkit.indicators.risk.complaint_escalation` (ratio and exact conditional
    test).

    Parameters
    ----------
    data : crmkit.store.data.CRMData

    Returns
    -------
    dict or None
        ``rate, previous_rate, ratio, p_value, complaints,
        previous_complaints, customers, previous_customers``; None when no
        tickets were supplied.
    """
    from crmkit.indicators import risk
    from crmkit.indicators.frames import flag

    if not data.has("tickets"):
        return None
    p_start, p_end = data.previous_window()

    def complaints(lo: Any, hi: Any) -> int:
        w = data.window("tickets", lo, hi)
        is_complaint = flag(w["is_complaint"]) if "is_complaint" in w.columns else pd.Series(False, index=w.index)
        return int(is_complaint.sum())

    cur_o, prev_o = data.window("orders", data.start, data.end), data.window("orders", p_start, p_end)
    return risk.complaint_escalation(complaints(data.start, data.end), int(cur_o["customer_id"].nunique()),
                                     complaints(p_start, p_end), int(prev_o["customer_id"].nunique()))


TENURE_BANDS: tuple[tuple[str, str, str, float], ...] = (
    ("new", "new in the period", "本期新客户", 0.0),
    ("under_1y", "under 1 year", "不足 1 年", 365.0),
    ("1_2y", "1-2 years", "1-2 年", 730.0),
    ("over_2y", "2 years or more", "2 年及以上", math.inf),
)
"""Tenure bands of :func:`tenure_mix`: key, English, Chinese, upper bound in days (exclusive)."""


def tenure_mix(orders: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """Active customers of the window by tenure (time since their first purchase).

    Active and new as in :func:`crmkit.indicators.customer_base.customer_activity`:
    customers with a non-return order in the window; *new* ones made their
    first purchase in it. The others are banded by days from the first
    purchase to the end of the window (under 1 year, 1-2 years, 2 years or
    more), with their revenue in the window.

    Returns
    -------
    pandas.DataFrame
        ``band, label_en, label_zh, customers, share, revenue,
        revenue_share`` in band order (all bands, zero when empty).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "amount": [10.0, 30.0, 20.0, 40.0],
    ...                   "order_date": pd.to_datetime(["2023-01-05", "2025-11-02", "2025-10-09", "2025-12-01"])})
    >>> o["customer_id"] = o["customer_id"].astype("string")
    >>> tenure_mix(o, "2025-10-01", "2025-12-31")[["band", "customers"]].values.tolist()
    [['new', 2], ['under_1y', 0], ['1_2y', 0], ['over_2y', 1]]
    """
    from crmkit.indicators.customer_base import customer_activity

    act = customer_activity(orders, start, end)
    act = act[act["active"]]
    end_ts = pd.Timestamp(end).normalize()
    days = (end_ts - pd.to_datetime(act["first_order"]).dt.normalize()).dt.days.astype("float64")
    band = pd.Series("new", index=act.index, dtype="object")
    lower = -math.inf
    for key, _, _, upper in TENURE_BANDS[1:]:
        band[(~act["new"]) & (days >= lower) & (days < upper)] = key
        lower = upper
    total_c, total_r = len(act), float(act["revenue"].sum())
    rows = []
    for key, en, zh, _ in TENURE_BANDS:
        m = band == key
        k, r = int(m.sum()), float(act.loc[m, "revenue"].sum())
        rows.append({"band": key, "label_en": en, "label_zh": zh, "customers": k,
                     "share": k / total_c if total_c else np.nan, "revenue": r,
                     "revenue_share": r / total_r if total_r > 0 else np.nan})
    return pd.DataFrame(rows, columns=["band", "label_en", "label_zh", "customers", "share", "revenue", "revenue_share"])


# --------------------------------------------------------------------------- composite
@dataclass
class DDComposite(CompletenessMixin):
    """The due-diligence composite of the target and its peers.

    Attributes
    ----------
    card : crmkit.scoring.Scorecard
        The target's scorecard under the due-diligence weights.
    peer_cards : dict
        Company → scorecard of each peer (same targets and weights).
    weights : crmkit.evaluation.weights.WeightsConfig
    index_sensitivity, rank_sensitivity : crmkit.scoring.SensitivityResult or None
        Monte Carlo results (index interval on the composite's own scale;
        rank band under weights and normalisation uncertainty), None when
        nothing could be scored.
    completeness : crmkit.evaluation.composite.Completeness
        Reports that failed or were not run and the dimensions missing
        under the due-diligence weights; the grade is withheld when they
        carry more than the threshold of the weight.
    """

    card: Any
    peer_cards: dict[str, Any]
    weights: Any
    index_sensitivity: Any = None
    rank_sensitivity: Any = None
    completeness: Completeness = field(default_factory=Completeness)

    @property
    def value(self) -> float:
        """The composite index (NaN when nothing was scored)."""
        return float(self.card.composite_) if self.scored else float("nan")

    @property
    def grade(self) -> str | None:
        """The grade; None when nothing was scored or the missing dimensions withhold it."""
        return self.card.grade_ if self.scored and not self.grade_withheld else None


    @property
    def scored(self) -> bool:
        return bool(len(self.card.table_)) and bool(self.card.table_["scored"].any())

    def interval(self, company: str) -> tuple[float, float]:
        """(low, high) of the index interval, NaNs without sensitivity."""
        s = self.index_sensitivity
        if s is None or company not in s.summary.index:
            return float("nan"), float("nan")
        return float(s.summary.loc[company, "low"]), float(s.summary.loc[company, "high"])

    def rank_band(self, company: str) -> tuple[int, int, int, int] | None:
        """(rank, best rank, worst rank, companies) when there are peers, else None."""
        s = self.rank_sensitivity
        if s is None or company not in s.summary.index or len(s.summary) < 2:
            return None
        r = s.summary.loc[company]
        return int(r["rank"]), int(r["rank_low"]), int(r["rank_high"]), int(len(s.summary))


def dd_composite(
    metrics: pd.DataFrame,
    *,
    company: str,
    peers: Mapping[str, pd.DataFrame] | None = None,
    targets: Any = None,
    min_n: int = 30,
    sensitivity: bool = True,
    issues: Sequence[ReportIssue] = (),
) -> DDComposite:
    """Score the metrics with the ``due_diligence`` weights preset.

    The run's ``weights`` parameter plays no part: the preset
    ``parameters/weights/due_diligence.yaml`` is always used. Scoring,
    peers and sensitivity are those of the summary report
    (:func:`crmkit.evaluation.summary.build_scorecard`,
    :func:`crmkit.evaluation.summary.peer_scorecards`,
    :func:`crmkit.evaluation.summary.rank_sensitivity`), so the index differs from the
    summary's only by the weights.

    Parameters
    ----------
    metrics : pandas.DataFrame
        The target's saved metrics.
    company : str
        The target's name (row of the sensitivity results).
    peers : mapping, optional
        Company → metrics frame of the peers of the same period.
    targets : crmkit.evaluation.summary.TargetsConfig, optional
        Default ``parameters/targets.yaml``.
    min_n : int
    sensitivity : bool
        Run the Monte Carlo analysis (seeded, reproducible).
    issues : sequence of crmkit.evaluation.composite.ReportIssue
        Reports of the target that failed or were not run
        (:func:`crmkit.evaluation.composite.report_issues`): with the
        scorecard they give the completeness under the due-diligence weights.

    Returns
    -------
    DDComposite
    """
    from crmkit.evaluation import summary
    from crmkit.evaluation.weights import load_weights

    goals = targets if targets is not None else summary.load_targets()
    weights = load_weights(DD_WEIGHTS)
    scorable, _ = summary.split_metrics(metrics if metrics is not None else metric_frame(), goals)
    card = summary.build_scorecard(scorable, goals, weights, min_n=min_n)
    peer_cards = summary.peer_scorecards(dict(peers or {}), goals, weights, min_n=min_n)
    result = DDComposite(card, peer_cards, weights, completeness=assess_completeness(card, weights, list(issues)))
    if sensitivity and result.scored:
        cards = {company: card, **peer_cards}
        result.rank_sensitivity = summary.rank_sensitivity(cards, goals, reference=company)
        result.index_sensitivity = summary.rank_sensitivity(cards, goals, reference=company, normalisations=["target"])
    return result


# --------------------------------------------------------------------------- peers
def peer_table(
    target: pd.DataFrame,
    peers: Mapping[str, pd.DataFrame],
    *,
    company: str,
    names: Sequence[str] = LOYALTY_INDICATORS,
    directions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Key indicators of the target beside its peers.

    Parameters
    ----------
    target : pandas.DataFrame
        The target's metrics.
    peers : mapping
        Company → metrics frame.
    company : str
        The target's name (first column).
    names : sequence of str
        Indicators, in order; those no company measured are left out.
    directions : mapping, optional
        Indicator → ``"higher"``/``"lower"`` (better); default the
        direction saved with the metric (e.g. pass the directions of
        ``targets.yaml``).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator: ``label_en, label_zh, unit, direction``, one
        column per company (target first, peers sorted) and ``rank`` (the
        target's rank among the companies with a value, 1 = best; NaN
        without a direction or value) and ``peer_mean``.
    """
    companies = {company: target, **{c: peers[c] for c in sorted(peers)}}
    rows = []
    for name in names:
        values, meta = {}, None
        for c, frame in companies.items():
            row = metric_row(frame, name) if frame is not None else None
            values[c] = np.nan if row is None else float(row["value"])
            if row is not None and meta is None:
                meta = row
        if meta is None:
            continue
        direction = (directions or {}).get(name) or (meta.get("direction") if isinstance(meta.get("direction"), str) else None)
        own = values[company]
        others = [v for c, v in values.items() if c != company and not _nan(v)]
        rank = np.nan
        if direction in ("higher", "lower") and not _nan(own):
            allv = [v for v in values.values() if not _nan(v)]
            rank = 1 + sum(1 for v in allv if (v > own if direction == "higher" else v < own))
        rows.append({"indicator": name, "label_en": meta.get("label_en") or name, "label_zh": meta.get("label_zh") or name,
                     "unit": meta.get("unit") if isinstance(meta.get("unit"), str) else "number", "direction": direction,
                     **values, "peer_mean": float(np.mean(others)) if others else np.nan, "rank": rank})
    cols = ["label_en", "label_zh", "unit", "direction", *companies, "peer_mean", "rank"]
    if not rows:
        return pd.DataFrame(columns=cols).rename_axis("indicator")
    return pd.DataFrame(rows).set_index("indicator")[cols]


def peer_extremes(table: pd.DataFrame, companies: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ranked indicators of a :func:`peer_table`, those where the target is best and those where it is last.

    Last means a rank equal to the number of *companies* with a value.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, None], "rank": [1, 2, np.nan]}, index=["x", "y", "z"])
    >>> [list(f.index) for f in peer_extremes(t, ["a", "b"])]
    [['x', 'y'], ['x'], ['y']]
    """
    ranked = table.dropna(subset=["rank"])
    present = ranked[list(companies)].notna().sum(axis=1)
    return ranked, ranked[ranked["rank"] == 1], ranked[ranked["rank"] == present]


# --------------------------------------------------------------------------- the report as a whole
@dataclass
class DueDiligenceRun:
    """What the due-diligence report computes once (see :func:`evaluate`).

    Attributes
    ----------
    saved : pandas.DataFrame
        The dimension reports' headline metrics of the target.
    metrics : pandas.DataFrame
        *saved* plus the complaint-rate ratio computed here (input of the red flags).
    escalation : dict or None
        :func:`complaint_escalation`.
    peers : dict
        Company → saved metrics of the other companies of the period.
    composite : DDComposite
    flags : RedFlagResult
    """

    company: str
    period: str
    root: str
    metrics_dir: str
    min_n: int
    targets: Any
    rules: RedFlagRules
    saved: pd.DataFrame
    metrics: pd.DataFrame
    escalation: dict[str, float] | None
    peers: dict[str, pd.DataFrame]
    composite: DDComposite
    flags: RedFlagResult
    labels: dict[str, tuple[str, str]]

    @property
    def has_metrics(self) -> bool:
        return not self.saved.empty

    @property
    def completeness(self) -> Completeness:
        """Reports that failed or were not run, and the dimensions missing under the due-diligence weights."""
        return self.composite.completeness

    @property
    def card(self) -> Any:
        return self.composite.card

    @property
    def sources(self) -> list[str]:
        """The notebooks whose metrics were read."""
        return sorted({n for n in self.saved["notebook"] if isinstance(n, str) and n})

    def label(self, name: str) -> tuple[str, str]:
        """(English, Chinese) label of a metric, falling back to its name."""
        return self.labels.get(name, (name, name))

    def value(self, *names: str) -> float:
        """:func:`metric_value` of the saved metrics."""
        return metric_value(self.saved, *names)

    def row(self, *names: str) -> dict[str, Any] | None:
        """:func:`metric_row` of the saved metrics."""
        return metric_row(self.saved, *names)


def evaluate(data: Any, company: str, period: str, *, output_dir: str = "", outputs_root: str = "",
             targets: str | os.PathLike | None = None, min_n: int = 30, currency: str = "CNY") -> DueDiligenceRun:
    """Read the target's saved metrics and compute the composite and the red flags.

    Steps: :func:`read_target_metrics` of the company-period's folder
    (:func:`crmkit.evaluation.composite.output_folders`); the complaint
    escalation against the previous window (:func:`complaint_escalation`),
    added to the metrics as ``complaint_rate_ratio`` when finite; the peers'
    metrics of the same period; :func:`dd_composite` (``due_diligence``
    weights, Monte Carlo interval and rank band) and
    :func:`evaluate_red_flags` with ``parameters/red_flags.yaml``.  The
    reports that failed or were not run
    (:func:`crmkit.evaluation.composite.report_issues`, also those the
    red-flag rules name) make the composite provisional (grade withheld
    beyond the threshold) and name the rules they leave not assessable.

    Parameters
    ----------
    data : crmkit.store.data.CRMData
        The target's data of the window (tickets and orders for the escalation).
    company, period : str
    output_dir, outputs_root : str
    targets : path, optional
        Default ``parameters/targets.yaml``.
    min_n : int
    currency : str
        Currency of the amounts in the red-flag evidence.

    Returns
    -------
    DueDiligenceRun
    """
    from crmkit.evaluation import summary
    from crmkit.evaluation.composite import output_folders

    goals = summary.load_targets(targets or None)
    rules = load_red_flags()
    root, metrics_dir = output_folders(company, period, output_dir, outputs_root)
    saved = read_target_metrics(metrics_dir)  # leaves out the reports whose last run failed
    issues = report_issues(metrics_dir, expected=[r for rule in rules.rules for r in rule.report])
    esc = complaint_escalation(data)
    extra = metric_frame([{
        "name": "complaint_rate_ratio", "value": esc["ratio"], "unit": "multiple", "dimension": "service",
        "n": esc["customers"], "direction": "lower", "label_en": "Complaint rate vs previous period",
        "label_zh": "投诉率与上期之比",
    }] if esc is not None and np.isfinite(esc["ratio"]) else None)
    metrics = pd.concat([saved, extra], ignore_index=True) if len(extra) else saved
    peers = summary.peer_metrics(root, period, company)
    comp = dd_composite(saved, company=company, peers=peers, targets=goals, min_n=min_n, issues=issues)
    flags = evaluate_red_flags(metrics, rules, currency=currency, min_n=min_n, issues=issues)
    return DueDiligenceRun(company, period, root, metrics_dir, min_n, goals, rules, saved, metrics, esc, peers, comp,
                           flags, summary.metric_labels(metrics))


def escalation_comparable(esc: Mapping[str, float] | None) -> bool:
    """True when both complaint rates of a :func:`complaint_escalation` are finite (customers in both windows).

    Examples
    --------
    >>> escalation_comparable({"rate": 2.0, "previous_rate": float("nan")}), escalation_comparable(None)
    (False, False)
    """
    return esc is not None and bool(np.isfinite(esc["rate"]) and np.isfinite(esc["previous_rate"]))


def tenure_summary(mix: pd.DataFrame) -> dict[str, float]:
    """Totals of a :func:`tenure_mix`: active customers, share new, share and revenue share of a year or more.

    Examples
    --------
    >>> mix = pd.DataFrame({"band": ["new", "under_1y", "1_2y", "over_2y"], "customers": [2, 1, 0, 1],
    ...                     "share": [0.5, 0.25, 0.0, 0.25], "revenue": [60.0, 20.0, 0.0, 20.0]})
    >>> tenure_summary(mix)
    {'customers': 4, 'new_share': 0.5, 'long_term_share': 0.25, 'long_term_revenue_share': 0.2}
    """
    m = mix.set_index("band")
    total_r = m["revenue"].sum()
    long = ["1_2y", "over_2y"]
    return {"customers": int(m["customers"].sum()), "new_share": float(m.loc["new", "share"]),
            "long_term_share": float(m.loc[long, "customers"].sum() / m["customers"].sum()),
            "long_term_revenue_share": float(m.loc[long, "revenue"].sum() / total_r) if total_r > 0 else float("nan")}


def churn_reasons(data: Any, orders: Any, saved: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The churn panel of the window and why the churned customers left, as in the churn report.

    The inactivity threshold is the one the churn report saved
    (``churn_inactivity_days``), so the churned customers are the same;
    reasons are those stated at cancellation, else the complaint filed
    before churning (:func:`crmkit.indicators.churn.churn_reasons`).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The panel (:func:`crmkit.indicators.churn.churn_panel`) and the reasons.
    """
    from crmkit.indicators import churn

    events = data.churn_events if data.has("churn_events") else None
    threshold = metric_value(saved, "churn_inactivity_days")
    panel = churn.churn_panel(data.customers, orders, data.start, data.end, churn_events=events,
                              inactivity_days=int(threshold) if np.isfinite(threshold) else None)
    reasons = churn.churn_reasons(panel, churn_events=events, tickets=data.tickets if data.has("tickets") else None)
    return panel, reasons


def driver_scores(data: Any, min_n: int = 30) -> pd.DataFrame:
    """Mean satisfaction score per driver of the window's surveys (empty without surveys).

    See :func:`crmkit.indicators.satisfaction.driver_scores`.
    """
    from crmkit.indicators import satisfaction

    if not data.has("surveys"):
        return pd.DataFrame()
    return satisfaction.driver_scores(data.surveys, data.start, data.end, min_n=min_n)


@dataclass
class CompetitorComparison:
    """The target beside the competitor benchmarks of a market file (:func:`competitor_comparison`)."""

    path: Path
    table: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def shown(self) -> list[str]:
        """Benchmarks with a gap, in chart order."""
        return [m for m in ("nps", "csat", "churn_rate", "market_share") if m in set(self.gaps["metric"])]


def competitor_comparison(saved: pd.DataFrame, competitors: str | os.PathLike | None, *, period: str,
                          company: str) -> CompetitorComparison | None:
    """The target's NPS, CSAT, churn rate and market share beside the competitors of a market file.

    The target's figures are its saved metrics (market share from the
    market file's own figure when saved, else the market report's); the
    competitors' rows are those of *period* when the file has it, else all
    (:func:`crmkit.indicators.market.comparison`, gaps by
    :func:`crmkit.indicators.market.benchmark_gaps`).

    Returns
    -------
    CompetitorComparison or None
        None without a market file or competitor rows.
    """
    from crmkit.indicators import market

    mkt = market.load_market(competitors) if competitors else None
    if mkt is None or mkt.competitors.empty:
        return None
    own = {"nps": metric_value(saved, "nps"), "csat": metric_value(saved, "csat"),
           "churn_rate": metric_value(saved, "churn_rate"),
           "market_share": metric_value(saved, "market_share_market_file", "market_share")}
    own = {k: (None if not np.isfinite(v) else v) for k, v in own.items()}
    bench_period = period if period in set(mkt.competitors["period"]) else None
    table = market.comparison(own, mkt.competitors, period=bench_period, company_label=company)
    return CompetitorComparison(Path(mkt.path), table, market.benchmark_gaps(table))
