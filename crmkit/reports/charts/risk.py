"""The relationship risk register as an HTML table with severity colours.

Every value is HTML-escaped (:func:`crmkit.formatting.escape`); show the
markup with ``IPython.display.HTML``.
"""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter, escape

__all__ = ["SEVERITY_STYLE", "TREND_LABELS", "severity_tiles", "register_html"]

#: severity → (English, Chinese, background, text colour)
SEVERITY_STYLE: dict[str, tuple[str, str, str, str]] = {
    "high": ("High", "高", "#f4c7cf", "#8a1c32"), "medium": ("Medium", "中", "#fbe3c8", "#8a4a0f"),
    "low": ("Low", "低", "#d5eddf", "#1d5e3d"), "unknown": ("Not rated", "未评级", "#eeeeee", "#555555")}
#: trend code → (English, Chinese)
TREND_LABELS: dict[str, tuple[str, str]] = {"worsening": ("worsening", "恶化"), "improving": ("improving", "改善"),
                                            "stable": ("stable", "稳定"), "n/a": ("–", "–")}


def severity_tiles(counts: dict[str, int]) -> list[tuple[tuple[str, str], int, str]]:
    """KPI tiles: risks per severity (:func:`crmkit.indicators.risk.severity_counts`) for ``rp.kpis``."""
    return [((en, zh), int(counts.get(sev, 0)), "count") for sev, (en, zh, _, _) in SEVERITY_STYLE.items()]


def register_html(register: pd.DataFrame, fmt: Formatter) -> str:
    """Rows of :func:`crmkit.indicators.risk.assess`: risk, severity (coloured), evidence and trend."""
    head = "".join(f"<th>{escape(fmt.t(e, z))}</th>"
                   for e, z in (("Risk", "风险"), ("Severity", "严重程度"), ("Evidence", "依据"), ("Trend", "趋势")))
    rows = []
    for r in register.itertuples():
        en, zh, bg, fg = SEVERITY_STYLE.get(r.severity, SEVERITY_STYLE["unknown"])
        rows.append(
            f"<tr><td class='txt'>{escape(fmt.t(r.name_en, r.name_zh))}</td>"
            f"<td class='txt' style='background:{bg};color:{fg};font-weight:600'>{escape(fmt.t(en, zh))}</td>"
            f"<td class='txt'>{escape(fmt.t(r.evidence_en, r.evidence_zh))}</td>"
            f"<td class='txt'>{escape(fmt.t(*TREND_LABELS.get(r.trend, (r.trend, r.trend))))}</td></tr>")
    return f"<table class='ck-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
