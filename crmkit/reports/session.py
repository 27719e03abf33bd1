"""What every report notebook does first and last.

A notebook's set-up cell is one call::

    nb = ck.reports.setup("02_satisfaction", globals())

which checks the parameters papermill injected (or the defaults of the
``parameters`` cell) once, loads the company's data read-only, prepares the bilingual
presentation helpers and chart theme, and opens the metric collector;
``nb.finish(output_dir)`` saves the headline metrics for the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from crmkit.store.data import CRMData
from crmkit.reports.display import Report
from crmkit.estimate import MIN_N
from crmkit.i18n import Translator
from crmkit.evaluation.metrics import MetricSet

__all__ = ["Session", "setup", "NOTEBOOK_DIMENSIONS", "NOTEBOOK_TABLES"]

#: evaluation dimension of each report notebook
NOTEBOOK_DIMENSIONS: dict[str, str] = {
    "00_data_quality": "data_quality", "01_customer_base": "customer_base", "02_satisfaction": "satisfaction",
    "03_loyalty": "loyalty", "04_churn": "churn", "05_value": "value", "06_service": "service",
    "07_marketing": "marketing", "08_channels": "channels", "09_cost": "cost", "10_maturity": "maturity",
    "11_voice_of_customer": "satisfaction", "12_team_and_risk": "service", "98_due_diligence": "summary",
    "99_summary": "summary",
}
#: tables a notebook loads when it does not need them all (None: every table)
NOTEBOOK_TABLES: dict[str, list[str] | None] = {"99_summary": ["assessment"]}

_SESSION_KEYS = ("company", "period", "start", "end", "store", "language", "currency", "mask_pii", "min_n")


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
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def orders(self):
        """The orders where they are stored (:meth:`CRMData.source`): indicators aggregate them there."""
        return self.data.source("orders")

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


def _checked(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The session parameters of *params* (a notebook's globals), checked once."""
    from crmkit.errors import ConfigError
    from crmkit.i18n import check_language

    missing = [k for k in ("company", "start", "end") if not params.get(k)]
    if missing:
        raise ConfigError(f"{name}: the parameters cell must set {', '.join(missing)}.")
    out = {k: params[k] for k in _SESSION_KEYS if k in params}
    out.setdefault("store", "")
    out.setdefault("period", "")
    out["language"] = check_language(str(out.get("language", "en")))
    out["currency"] = str(out.get("currency", "CNY"))
    mask = out.get("mask_pii", True)
    if not isinstance(mask, bool):
        raise ConfigError(f"{name}: mask_pii must be true or false, not {mask!r}.")
    out["mask_pii"] = mask
    min_n = out.get("min_n", MIN_N)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise ConfigError(f"{name}: min_n must be a positive whole number, not {min_n!r}.")
    out["min_n"] = min_n
    for k in ("company", "start", "end", "store", "period"):
        out[k] = str(out[k])
    return out


def setup(
    name: str,
    dimension: str | Mapping[str, Any] | None = None,
    *,
    tables: list[str] | None = None,
    **keywords: Any,
) -> Session:
    """Open a report notebook's session.

    Parameters
    ----------
    name : str
        Notebook name, e.g. ``"02_satisfaction"`` (names the metrics file).
    dimension : mapping or str
        The notebook's ``globals()``: the session reads ``company, period,
        start, end, store, language, currency, mask_pii, min_n`` from it and
        keeps every other parameter in :attr:`Session.params`.  (A dimension
        key followed by those names as keywords is the older spelling.)
    tables : list of str, optional
        Tables to load; default every table (or the notebook's own list).

    Examples
    --------
    >>> nb = ck.reports.setup("06_service", globals())   # doctest: +SKIP
    >>> data, rp, s, e = nb.data, nb.report, nb.data.start, nb.data.end   # doctest: +SKIP
    """
    from crmkit.reports import plotting
    from crmkit.store.database import Store

    if isinstance(dimension, Mapping):
        namespace = dict(dimension)
        dim = NOTEBOOK_DIMENSIONS.get(name, "summary")
    else:
        namespace = dict(keywords)
        dim = dimension or NOTEBOOK_DIMENSIONS.get(name, "summary")
    params = _checked(name, namespace)
    extra = {k: v for k, v in namespace.items() if k not in _SESSION_KEYS and not k.startswith("_")
             and k not in ("In", "Out") and isinstance(v, (str, int, float, bool, type(None), list, dict))}
    tables = tables if tables is not None else NOTEBOOK_TABLES.get(name)
    data = Store(params["store"] or None, read_only=True).load(params["company"], params["start"], params["end"],
                                                               tables=tables)
    plotting.setup(params["language"])
    report = Report(params["language"], params["currency"], params["mask_pii"])
    metrics = MetricSet(dim, notebook=name, min_n=params["min_n"])
    return Session(name, dim, data, report, metrics, report.tr, params["period"], {**extra, **params})
