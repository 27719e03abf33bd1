"""Notebook output helpers: headings, readings, tables and KPI tiles.

Everything that may come from data is HTML-escaped here, at the point where
it is emitted (nbconvert's sanitiser mangles layout, so crmkit escapes
instead).  Notebooks call these helpers rather than printing frames,
so every report looks the same and no raw customer value reaches the HTML
unescaped.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import (CURRENCY_SYMBOLS, Bilingual, Formatter, escape, fmt_int, fmt_money,  # noqa: F401
                               fmt_number, fmt_pct, is_missing as _missing)

__all__ = ["Report", "fmt_number", "fmt_pct", "fmt_money", "fmt_int", "escape"]


class Report(Formatter):
    """Per-notebook presentation context.

    Parameters
    ----------
    language : {"en", "zh"}
    currency : str
        ISO code used to format money.
    mask_pii : bool
        When True (default) helpers refuse to show columns that hold personal data.

    Examples
    --------
    >>> rp = Report("en")
    >>> rp.t("Churn", "流失")
    'Churn'
    >>> rp.fmt(Estimate(0.25, 0.02, 0.21, 0.29, 400), "ratio")
    '25.0% ± 4.0 pp'
    """

    PII_COLUMNS = frozenset({"name", "email", "phone", "comment", "customer_id", "referred_by", "assessor"})

    def __init__(self, language: str = "en", currency: str = "CNY", mask_pii: bool = True):
        super().__init__(language, currency)
        self.mask_pii = mask_pii

    # -- text ---------------------------------------------------------------
    def _show(self, markup: str) -> None:
        from IPython.display import HTML, display

        display(HTML(markup))

    def heading(self, en: str, zh: str, level: int = 2) -> None:
        """A section heading (collected into the report's table of contents)."""
        level = min(max(level, 1), 4)
        text = escape(self.t(en, zh))
        anchor = "sec-" + "".join(ch if ch.isalnum() else "-" for ch in en.lower()).strip("-")
        self._show(f'<h{level} id="{escape(anchor)}" class="ck-heading">{text}</h{level}>')

    def text(self, en: str, zh: str | None = None, *, kind: str = "reading") -> None:
        """A paragraph; ``kind`` is ``reading`` (plain-language interpretation), ``note`` or ``warning``."""
        body = en if zh is None else self.t(en, zh)
        cls = {"reading": "ck-reading", "note": "ck-note", "warning": "ck-warning"}.get(kind, "ck-reading")
        self._show(f'<p class="{cls}">{escape(body)}</p>')

    def skip(self, table: str, en: str | None = None, zh: str | None = None) -> None:
        """Say plainly that a section is skipped because *table* was not supplied."""
        msg_en = en or f"The '{table}' table was not supplied for this company, so this section is skipped."
        msg_zh = zh or f"该公司未提供“{table}”数据表，本节跳过。"
        self.text(msg_en, msg_zh, kind="note")

    # -- tables -------------------------------------------------------------
    def table(
        self,
        df: pd.DataFrame,
        formats: Mapping[str, str | Callable[[Any], str]] | None = None,
        *,
        labels: Mapping[str, tuple[str, str]] | None = None,
        index: bool = False,
        caption: tuple[str, str] | None = None,
        max_rows: int = 50,
    ) -> None:
        """Render *df* as an escaped, formatted HTML table.

        ``formats`` maps column → unit (``ratio``, ``currency``, ``count``,
        ``days``...) or a callable; ``labels`` maps column → (en, zh) header.
        Columns holding personal data are refused while ``mask_pii`` is on.
        """
        self._show(self.table_html(df, formats, labels=labels, index=index, caption=caption, max_rows=max_rows))

    def table_html(self, df, formats=None, *, labels=None, index=False, caption=None, max_rows=50) -> str:
        formats = dict(formats or {})
        labels = dict(labels or {})
        if index:
            df = df.reset_index()
        if self.mask_pii:
            leaked = [c for c in df.columns if str(c) in self.PII_COLUMNS]
            if leaked:
                raise ValueError(
                    f"Refusing to show personal-data columns {leaked} while mask_pii is on; "
                    "aggregate them or set mask_pii: false in the parameters."
                )
        shown = df.head(max_rows)
        head = "".join(
            f"<th>{escape(self.t(*labels[c]) if c in labels else c)}</th>" for c in shown.columns
        )
        rows = []
        for _, row in shown.iterrows():
            cells = []
            for c in shown.columns:
                v = row[c]
                f = formats.get(c)
                if callable(f):
                    s = f(v)
                elif f is not None:
                    s = self.fmt(v, f)
                elif isinstance(v, Estimate):
                    s = self.fmt(v)
                elif isinstance(v, float):
                    s = fmt_number(v, 2)
                elif isinstance(v, (int,)) and not isinstance(v, bool):
                    s = fmt_int(v)
                elif isinstance(v, pd.Timestamp):
                    s = v.strftime("%Y-%m-%d")
                elif isinstance(v, str):
                    s = str(self.tr.code(v))  # canonical codes shown as words in the report language
                else:
                    s = "–" if _missing(v) else str(v)
                num = isinstance(v, (int, float, Estimate)) and not isinstance(v, bool)
                cells.append(f'<td class="{"num" if num else "txt"}">{escape(s)}</td>')
            rows.append("<tr>" + "".join(cells) + "</tr>")
        cap = f"<caption>{escape(self.t(*caption))}</caption>" if caption else ""
        more = ""
        if len(df) > max_rows:
            more = f'<p class="ck-note">{escape(self.t(f"First {max_rows} of {len(df):,} rows.", f"仅显示前 {max_rows} 行（共 {len(df):,} 行）。"))}</p>'
        return f'<table class="ck-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'

    def kpis(self, items: Iterable[tuple[str, Any] | tuple[tuple[str, str], Any, str]]) -> None:
        """KPI tiles: ``[(metric_name, value_or_estimate), ...]`` or ``[((en, zh), value_or_estimate, unit), ...]``.

        A metric name takes its label and unit from the metric registry
        (:func:`crmkit.evaluation.registry.metric`); the two forms can be mixed.
        """
        from crmkit.evaluation.registry import metric

        tiles = []
        for item in items:
            if len(item) == 2 and isinstance(item[0], str):
                decl = metric(item[0])
                (en, zh), value, unit = decl.label, item[1], decl.unit
            else:
                (en, zh), value, unit = item
            flag = ""
            if isinstance(value, Estimate) and value.flagged and value.n > 0:
                flag = f'<span class="ck-flag">{escape(self.t(f"n = {value.n}, below minimum", f"样本 {value.n}，低于最小样本量"))}</span>'
            tiles.append(
                f'<div class="ck-kpi"><div class="ck-kpi-label">{escape(self.t(en, zh))}</div>'
                f'<div class="ck-kpi-value">{escape(self.fmt(value, unit))}</div>{flag}</div>'
            )
        self._show('<div class="ck-kpis">' + "".join(tiles) + "</div>")
