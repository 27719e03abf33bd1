"""Readings of the ``attr_*`` customer attributes: the base (01), satisfaction (02), churn models (04) and value (05).

Every function takes the results of :mod:`crmkit.indicators.attributes` (or of
the churn models that use the attributes) and returns a
:class:`~crmkit.formatting.Bilingual` sentence or a table layout.  A level
"differs" from the rest only when its Holm-adjusted p-value is below 0.05
(``differs`` of :func:`crmkit.indicators.attributes.breakdown`); levels with too
few observations are shown and not tested.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.formatting import Bilingual, Formatter, is_missing
from crmkit.i18n import code_labels
from crmkit.narrative.churn import dimension_label
from crmkit.narrative.common import formatters, pct

__all__ = ["attribute_label", "level_label", "p_text", "differences", "NO_LEVELS", "NO_SURVEY_LEVELS", "base_rows",
           "base_table", "base", "MEASURES",
           "measure_rows", "measure_table", "satisfaction", "value", "hazard_rows", "HAZARD_TABLE", "left_out",
           "warning_features"]

#: Said when ``attr_*`` columns exist but none splits the customers into two levels.
NO_LEVELS = Bilingual("No attr_* column splits the customers into at least two levels.",
                      "没有 attr_* 列能把客户分为至少两个层级。")
#: Said when no survey response of the period can be split by an attribute.
NO_SURVEY_LEVELS = Bilingual("No survey response of the period belongs to a customer whose attr_* columns split into two levels.",
                             "本期没有问卷回答可按客户的 attr_* 属性分为两个层级。")


def attribute_label(column: str) -> tuple[str, str]:
    """(en, zh) name of an ``attr_*`` column: the rest of its name (as the churn report names it).

    Examples
    --------
    >>> attribute_label("attr_payment_method")
    ('Payment method', 'payment method')
    """
    return dimension_label(column)


def p_text(p: Any) -> str:
    """A p-value for a table: three decimals, ``<0.001`` below, ``–`` when not tested.

    Examples
    --------
    >>> p_text(0.04321), p_text(0.0001), p_text(float("nan"))
    ('0.043', '<0.001', '–')
    """
    if is_missing(p):
        return "–"
    return "<0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def level_label(level: Any) -> tuple[str, str]:
    """(en, zh) name of a level as the report's tables show it: a canonical code's label, else the value itself.

    Examples
    --------
    >>> level_label("other"), level_label("gold plan")
    (('Other', '其他'), ('gold plan', 'gold plan'))
    """
    return code_labels().get(str(level), (str(level), str(level)))


def _zh(*parts: str) -> str:
    """Chinese text joined with a space where a Latin letter or digit meets a Chinese character."""
    out = ""
    for part in parts:
        if out and part and (out[-1].isascii() and out[-1].isalnum()) != (part[0].isascii() and part[0].isalnum()) \
                and not (out[-1] in "（），。：；、 " or part[0] in "（），。：；、 "):
            out += " "
        out += part
    return out


def _value(v: float, unit: str, f: Formatter) -> str:
    if unit == "ratio":
        return pct(v)
    if unit == "points":
        return f"{float(v):+.0f}"
    return f.fmt(v, unit)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def differences(rows: pd.DataFrame, measure: tuple[str, str], unit: str = "ratio", currency: str = "CNY") -> Bilingual:
    """Which levels' *measure* differs from the rest beyond chance (rows of one attribute's breakdown).

    *rows* has ``level, value, rest_value, p_value, differs``
    (:func:`crmkit.indicators.attributes.breakdown`); *unit* is ``ratio``,
    ``points`` (NPS) or a :class:`~crmkit.formatting.Formatter` unit such as
    ``currency``.  With two levels, both tests are the same comparison: the
    second level alone is named.

    Examples
    --------
    >>> t = pd.DataFrame({"level": ["a", "b"], "value": [0.8, 0.5], "rest_value": [0.5, 0.8],
    ...                   "p_value": [0.001, 0.001], "differs": [True, True]})
    >>> differences(t, ("CSAT", "CSAT")).en
    'CSAT differs from the rest beyond chance (Holm-adjusted) for b: 50.0% against 80.0%.'
    >>> differences(t.assign(differs=False), ("mean spend", "平均消费")).en
    'No level differs from the rest beyond chance in mean spend.'
    """
    en_f, zh_f = formatters(currency)
    tested = rows[rows["p_value"].notna()]
    if tested.empty:
        return Bilingual(f"Too few observations per level to test {measure[0]} against the rest.",
                         _zh("各层级观测数太少，无法检验", measure[1], "与其余客户的差异。"))
    hit = tested[tested["differs"].astype(bool)]
    if hit.empty:
        return Bilingual(f"No level differs from the rest beyond chance in {measure[0]}.",
                         _zh("没有层级的", measure[1], "与其余客户存在超出随机波动的差异。"))
    if len(rows) == 2 and len(hit) == 2:
        hit = hit.iloc[1:]
    en = "; ".join(f"{level_label(r.level)[0]}: {_value(r.value, unit, en_f)} against {_value(r.rest_value, unit, en_f)}"
                   for r in hit.itertuples())
    zh = "；".join(f"{level_label(r.level)[1]}：{_value(r.value, unit, zh_f)}，其余为 {_value(r.rest_value, unit, zh_f)}"
                   for r in hit.itertuples())
    return Bilingual(f"{_cap(measure[0])} differs from the rest beyond chance (Holm-adjusted) for {en}.",
                     _zh(measure[1], "与其余客户差异显著（Holm 校正）的层级：", zh, "。"))


def _joined(parts: list[Bilingual]) -> Bilingual:
    return Bilingual(" ".join(p.en for p in parts), "".join(p.zh for p in parts))


# -- 01 customer base -------------------------------------------------------------------------
_BASE_LABELS = {
    "dimension": ("Attribute", "属性"), "level": ("Level", "层级"), "customers": ("Customers", "客户数"),
    "customer_share": ("Share of customers", "客户占比"), "active_rate": ("Active in the period", "期内活跃比例"),
    "active_low": ("95% low", "95% 下限"), "active_high": ("95% high", "95% 上限"),
    "active_p": ("p vs rest (Holm)", "与其余比较 p（Holm）"), "revenue_share": ("Share of revenue", "收入占比"),
    "revenue_per_active": ("Revenue per active customer", "每活跃客户收入"),
}


def base_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of :func:`crmkit.indicators.attributes.base_by_attributes` the report shows.

    Revenue columns are left out when no level has revenue in the window.
    """
    cols = ["dimension", "level", "customers", "customer_share", "active_rate", "active_low", "active_high", "active_p"]
    if table["revenue"].fillna(0).abs().sum() > 0:
        cols += ["revenue_share", "revenue_per_active"]
    return table[cols]


def base_table(fmt: Formatter) -> dict[str, Any]:
    """Layout of the base-by-attribute table (keywords of ``Report.table``)."""
    return {"formats": {"dimension": lambda d: fmt.t(*attribute_label(d)), "customers": "count", "customer_share": "ratio",
                        "active_rate": "ratio", "active_low": "ratio", "active_high": "ratio", "active_p": p_text,
                        "revenue_share": "ratio", "revenue_per_active": "currency"},
            "labels": _BASE_LABELS, "max_rows": 80}


def base(table: pd.DataFrame) -> Bilingual:
    """Per attribute: the largest level and the levels whose share of active customers differs from the rest.

    *table* is :func:`crmkit.indicators.attributes.base_by_attributes`.
    """
    parts = []
    for dim, rows in table.groupby("dimension", sort=False):
        en, zh = attribute_label(dim)
        top = rows.sort_values("customers", ascending=False, kind="stable").iloc[0]
        d = differences(rows.rename(columns={"active_rate": "value", "active_rest": "rest_value", "active_p": "p_value",
                                             "active_differs": "differs"}), ("share active in the period", "期内活跃比例"))
        lev = level_label(top["level"])
        parts.append(Bilingual(f"{en}: {lev[0]} is the largest level ({pct(top['customer_share'])} of customers). {d.en}",
                               _zh(f"{zh}：", lev[1], f"是最大的层级（占客户 {pct(top['customer_share'])}）。", d.zh)))
    return _joined(parts)


# -- 02 satisfaction and 05 value: one table per measure -------------------------------------------
#: Name and unit of each measure of the breakdown tables.
MEASURES: dict[str, tuple[tuple[str, str], str]] = {
    "csat": (("CSAT (satisfied share)", "CSAT（满意比例）"), "ratio"), "nps": (("NPS", "NPS"), "points"),
    "clv": (("mean historical CLV", "平均历史 CLV"), "currency"),
}


def measure_rows(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The rows of one measure of :func:`crmkit.indicators.attributes.satisfaction_by_attributes` or
    :func:`~crmkit.indicators.attributes.value_by_attributes`, in the columns the report shows."""
    rows = table[table["measure"] == measure]
    cols = ["dimension", "level", "n", *(["revenue_share"] if "revenue_share" in rows else []),
            "value", "ci_low", "ci_high", "p_adjusted"]
    return rows[cols].reset_index(drop=True)


def measure_table(measure: str, fmt: Formatter) -> dict[str, Any]:
    """Layout of :func:`measure_rows` (keywords of ``Report.table``), with a caption naming the measure."""
    (m_en, m_zh), unit = MEASURES[measure]
    show = (lambda v: "–" if is_missing(v) else _value(v, unit, fmt))
    unit_n = ("Customers", "客户数") if measure == "clv" else ("Responses", "回答数")
    return {"formats": {"dimension": lambda d: fmt.t(*attribute_label(d)), "n": "count", "revenue_share": "ratio",
                        "value": show, "ci_low": show, "ci_high": show, "p_adjusted": p_text},
            "labels": {"dimension": ("Attribute", "属性"), "level": ("Level", "层级"), "n": unit_n,
                       "revenue_share": ("Share of revenue (all time)", "收入占比（全部历史）"), "value": (_cap(m_en), m_zh),
                       "ci_low": ("95% low", "95% 下限"), "ci_high": ("95% high", "95% 上限"),
                       "p_adjusted": ("p vs rest (Holm)", "与其余比较 p（Holm）")},
            "caption": (f"{_cap(m_en)} by customer attribute", _zh("按客户属性的", m_zh)), "max_rows": 80}


def satisfaction(table: pd.DataFrame) -> Bilingual:
    """Per attribute and measure (CSAT, NPS): the levels that differ from the other linked responses."""
    parts = []
    for (dim, measure), rows in table.groupby(["dimension", "measure"], sort=False):
        en, zh = attribute_label(dim)
        name, unit = MEASURES[measure]
        d = differences(rows, name, unit)
        parts.append(Bilingual(f"{en}: {d.en}", f"{zh}：{d.zh}"))
    return _joined(parts)


def value(table: pd.DataFrame, currency: str = "CNY") -> Bilingual:
    """Per attribute: the level with the largest share of revenue and the levels whose mean CLV differs from the rest."""
    parts = []
    for dim, rows in table.groupby("dimension", sort=False):
        en, zh = attribute_label(dim)
        d = differences(rows, MEASURES["clv"][0], "currency", currency)
        share = rows["revenue_share"].astype("float64")
        if share.notna().any():
            lev = level_label(rows.loc[share.idxmax(), "level"])
            top = rows.loc[share.idxmax()]
            parts.append(Bilingual(f"{en}: {lev[0]} brings {pct(top['revenue_share'])} of revenue. {d.en}",
                                   _zh(f"{zh}：", lev[1], f"贡献 {pct(top['revenue_share'])} 的收入。", d.zh)))
        else:
            parts.append(Bilingual(f"{en}: {d.en}", f"{zh}：{d.zh}"))
    return _joined(parts)


# -- 04 churn models --------------------------------------------------------------------------------
#: Layout of the attribute hazard-ratio table (:func:`hazard_rows`).
HAZARD_TABLE: dict[str, Any] = {
    "formats": {"hazard_ratio": lambda v: f"{v:.2f}", "ci_low": lambda v: f"{v:.2f}", "ci_high": lambda v: f"{v:.2f}",
                "p_value": p_text},
    "labels": {"attribute": ("Attribute", "属性"), "level": ("Level", "层级"), "reference": ("Compared with", "参照层级"),
               "hazard_ratio": ("Hazard ratio", "风险比"), "ci_low": ("95% low", "95% 下限"),
               "ci_high": ("95% high", "95% 上限"), "p_value": ("p", "p 值")},
    "caption": ("Hazard ratios of the customer attributes (Cox model)", "客户属性的风险比（Cox 模型）"),
}


def hazard_rows(hr: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The ``attr_*`` terms of a Cox table (:func:`crmkit.indicators.churn.attribute_hazards`): one row per level."""
    refs = hr.attrs.get("reference", {}) if hr is not None else {}
    cols = ["attribute", "level", "reference", "hazard_ratio", "ci_low", "ci_high", "p_value"]
    if hr is None or hr.empty:
        return pd.DataFrame(columns=cols)
    terms = hr[hr["term"].astype("str").str.startswith("attr_") & hr["term"].astype("str").str.contains("=")]
    split = terms["term"].str.split("=", n=1)
    return pd.DataFrame({"attribute": [fmt.t(*attribute_label(t[0])) for t in split], "level": [t[1] for t in split],
                         "reference": [refs.get(t[0], "") for t in split],
                         "hazard_ratio": terms["hazard_ratio"].to_numpy(), "ci_low": terms["ci_low"].to_numpy(),
                         "ci_high": terms["ci_high"].to_numpy(), "p_value": terms["p_value"].to_numpy()})[cols]


def left_out(selection: Any, model: str = "cox") -> list[Bilingual]:
    """One note per attribute a churn model left out, and why.

    *selection* is an :class:`~crmkit.indicators.attributes.AttributeSelection`
    (``attrs["attributes"]`` of the Cox table, ``attributes_`` of the
    early-warning model); *model* is ``cox`` or ``warning``.
    """
    if selection is None:
        return []
    what_en, what_zh = {"cox": ("the Cox model", " Cox 模型"), "warning": ("the early-warning model", "预警模型")}[model]
    has = selection.used + len(selection.columns)
    notes = []
    for column, reason, k in selection.excluded:
        en, zh = attribute_label(column)
        if reason == "single_level":
            notes.append(Bilingual(f"{en} is left out of {what_en}: among the customers it is fitted on, fewer than two "
                                   f"of its levels have at least {selection.min_n} customers.",
                                   f"{zh} 未纳入{what_zh}：在模型所用客户中，客户数不少于 {selection.min_n} 名的层级不足两个。"))
            continue
        events, epv = int(selection.events or 0), selection.epv
        allowed = events // epv
        coef = f"{allowed:,} coefficient{'' if allowed == 1 else 's'}"
        basis_en = (f"{events:,} churn events allow {coef}" if model == "cox" else
                    f"the rarer outcome of the training period (churners or stayers) counts {events:,}, which allows {coef}")
        basis_zh = (f"{events:,} 次流失最多支持 {allowed:,} 个系数" if model == "cox" else
                    f"训练期较少的一类结果（流失或留存）为 {events:,} 名，最多支持 {allowed:,} 个系数")
        notes.append(Bilingual(
            f"{en} is left out of {what_en}: its {k} level{'s' if k > 1 else ''} against the reference would break the "
            f"rule of at least {epv} events per coefficient ({basis_en}; the model has {has:,} without it).",
            f"{zh} 未纳入{what_zh}：其 {k} 个层级会违反每个系数至少 {epv} 个事件的经验规则（{basis_zh}；"
            f"不含该属性时模型已有 {has:,} 个）。"))
    return notes


def warning_features(selection: Any) -> Bilingual | None:
    """Which ``attr_*`` attributes the early-warning model uses (None when it uses none)."""
    if selection is None or not selection.included:
        return None
    en = ", ".join(f"{attribute_label(lv.column)[0].lower()} ({len(lv.names)} level{'s' if len(lv.names) > 1 else ''} against "
                   f"{level_label(lv.reference)[0]})" for lv in selection.included)
    zh = "、".join(f"{attribute_label(lv.column)[1]}（{len(lv.names)} 个层级，参照 {level_label(lv.reference)[1]}）"
                   for lv in selection.included)
    return Bilingual(f"The early-warning model also uses the customer attributes {en}.",
                     f"预警模型还使用了客户属性：{zh}。")
