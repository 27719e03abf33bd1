"""What every report notebook does first and last.

A notebook's set-up cell is one call::

    nb = ck.notebook.setup("02_satisfaction", "satisfaction", company=company, ...)

which loads the company's data read-only, prepares the bilingual
presentation helpers and chart theme, and opens the metric collector;
``nb.finish(output_dir)`` saves the headline metrics for the summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmkit.store.data import CRMData
from crmkit.reports.display import Report
from crmkit.estimate import MIN_N
from crmkit.i18n import Translator
from crmkit.evaluation.metrics import MetricSet

__all__ = ["Session", "setup"]


@dataclass
class Session:
    """Data and helpers of one executing report notebook."""

    name: str
    dimension: str
    data: CRMData
    report: Report
    metrics: MetricSet
    tr: Translator
    period: str = ""

    def finish(self, output_dir: str = "") -> None:
        """Save the headline metrics (when *output_dir* is set) and show them."""
        path = self.metrics.save(output_dir) if output_dir else None
        frame = self.metrics.frame()
        if frame.empty:
            return
        rp = self.report
        rp.heading("Headline metrics", "核心指标", level=2)
        shown = frame.assign(
            label=[rp.t(e or n, z or n) for n, e, z in zip(frame["name"], frame["label_en"], frame["label_zh"])],
            shown=[
                rp.fmt(v, u) if v is not None else "–" for v, u in zip(frame["value"], frame["unit"])
            ],
            interval=[
                "" if lo is None or hi is None or lo != lo else f"{rp.fmt(lo, u)} – {rp.fmt(hi, u)}"
                for lo, hi, u in zip(frame["ci_low"], frame["ci_high"], frame["unit"])
            ],
            n_shown=[("" if n is None or n != n else f"{int(n):,}") for n in frame["n"]],
            flag=[rp.t("below minimum n", "样本不足") if f else "" for f in frame["flagged"]],
        )[["label", "shown", "interval", "n_shown", "flag"]]
        rp.table(
            shown,
            labels={
                "label": ("Metric", "指标"), "shown": ("Value", "数值"), "interval": ("95% interval", "95% 区间"),
                "n_shown": ("n", "样本量"), "flag": ("Note", "备注"),
            },
            max_rows=200,
        )
        if path is None:
            rp.text(
                "Interactive run: metrics are not saved (set output_dir to save them).",
                "交互运行：未保存指标（设置 output_dir 以保存）。",
                kind="note",
            )


def setup(
    name: str,
    dimension: str,
    *,
    company: str,
    start: str,
    end: str,
    store: str = "",
    period: str = "",
    language: str = "en",
    currency: str = "CNY",
    mask_pii: bool = True,
    min_n: int = MIN_N,
    tables: list[str] | None = None,
) -> Session:
    """Open a report notebook's session.

    Parameters
    ----------
    name : str
        Notebook name, e.g. ``"02_satisfaction"`` (names the metrics file).
    dimension : str
        Evaluation dimension key (see :data:`crmkit.i18n.DIMENSIONS`).
    store : str
        Store path; empty means :func:`crmkit.store.database.default_store_path`.
    """
    from crmkit.reports import plotting
    from crmkit.store.database import Store

    data = Store(store or None, read_only=True).load(company, start, end, tables=tables)
    plotting.setup(language)
    report = Report(language, currency, mask_pii)
    return Session(name, dimension, data, report, MetricSet(dimension, notebook=name, min_n=min_n), report.tr, period)
