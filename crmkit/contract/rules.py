"""The validation rules of the canonical tables, each declared once.

A :class:`Rule` says *what* is checked (name, message, the columns it reads
and, for row rules, one SQL predicate); it does not say how.  Two backends
execute the same declarations, in the way pandera separates its
``pandera.api`` declarations from its pandas/polars/ibis backends:

- the pandas backend, :mod:`crmkit.contract.schemas`, builds a pandera
  :class:`~pandera.pandas.DataFrameSchema` from :func:`rules` and evaluates
  each row predicate with DuckDB over the coerced frame
  (:func:`crmkit.ingest.canonical.prepare`);
- the SQL backend, :mod:`crmkit.contract.sqlrules`, turns the same
  declarations into ``INSERT INTO problems SELECT ...`` statements over a
  staged relation (:func:`crmkit.ingest.duck.ingest_large`).

A row predicate is a DuckDB boolean expression over the canonical column
names that is true on a row that *breaks* the rule; NULL counts as "not
broken", as in pandera, which ignores missing values in its checks.  Both
backends evaluate it over a relation in which a column the source does not
have is NULL of its type, so a predicate never depends on which optional
columns were mapped.  ``{now}`` in a predicate is the reference time of the
"no dates in the future" rules, as a ``TIMESTAMP`` literal.

Rule kinds
----------
``columns``
    The table's required columns are in the source (checked when the mapping
    is applied; a failure refuses the whole file).
``coercible``
    A present value can be read as the column's kind (dates, amounts, ...).
``not_null``
    A required column has a value.
``unique``
    The primary key occurs once (the first row of a repeated key is kept).
``check``
    A row predicate (:attr:`Rule.breaks`).
``references``
    ``customer_id`` exists in the company's customers table.

The order of :func:`rules` is the order in which reasons are listed for a
row and in ``failure_cases``; both backends sort by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from crmkit.contract.tables import TABLES, Column, Table
from crmkit.sqltext import ident, literal, timestamp_literal

__all__ = [
    "Rule",
    "rules",
    "rule",
    "KINDS",
    "DEFAULT_SCALE",
    "FK_REQUIRED",
    "DUPLICATE_KEY",
    "reference_time",
    "unparseable_message",
    "relation_sql",
]

KINDS = ("columns", "coercible", "not_null", "unique", "check", "references")

#: Scale maxima assumed when a survey row has no ``scale_max``; 10 for other survey types.
DEFAULT_SCALE = {"nps": 10, "csat": 5, "ces": 7, "employee": 5, "product": 5, "service": 5}
#: Tables whose ``customer_id`` must exist in the company's customers.
FK_REQUIRED = frozenset({"orders", "churn_events", "loyalty_ledger"})
DUPLICATE_KEY = "duplicate primary key (an earlier row has the same key; the first is kept)"

_KIND_WORD = {"date": "a date", "money": "an amount", "number": "a number", "int": "a whole number", "bool": "a yes/no value"}
_DECIMAL_HINT = ' (if the file uses decimal commas, set decimal: "," in the mapping)'


@dataclass(frozen=True)
class Rule:
    """One validation rule of one canonical table.

    Attributes
    ----------
    name : str
        Rule name reported in ``failure_cases["rule"]`` (pandera's check
        names where pandera has one: ``not_nullable``, ``field_uniqueness``,
        ``greater_than_or_equal_to(0)``, ...).
    table : str
        Canonical table.
    kind : str
        One of :data:`KINDS`.
    message : str
        The problem reported for a row that breaks the rule, naming the
        column and the fix.  ``coercible`` messages have a ``{value}`` field.
    reads : tuple of str
        Canonical columns the rule reads.
    column : str or None
        Column reported in ``failure_cases["column"]`` (None: the rule spans
        several columns).
    breaks : str or None
        ``check`` rules: the DuckDB predicate, true on a breaking row.
    alt_message : str or None
        ``references`` rules: the message when the referenced table is empty.
    """

    name: str
    table: str
    kind: str
    message: str
    reads: tuple[str, ...]
    column: str | None = None
    breaks: str | None = None
    alt_message: str | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        """``(name, column)``: what identifies the rule within its table."""
        return (self.name, self.column)

    def predicate(self, now: pd.Timestamp) -> str:
        """The row predicate with ``{now}`` bound to *now* (microseconds)."""
        if self.breaks is None:
            raise ValueError(f"rule {self.name!r} of {self.table!r} has no row predicate")
        return self.breaks.format(now=timestamp_literal(now))


def reference_time(now: pd.Timestamp | None = None) -> pd.Timestamp:
    """The "no dates in the future" bound: *now* (default: the clock) plus one day for time zones, to the microsecond."""
    return ((pd.Timestamp.now() if now is None else pd.Timestamp(now)) + pd.Timedelta(days=1)).floor("us")


def unparseable_message(table: str, column: str, value: object) -> str:
    """The ``coercible`` problem for *value* of *column* of *table* (quoted, cut to 40 characters).

    Open column families (``driver_*``) are numbers.
    """
    return _coercible_message(column, TABLES[table].column(column).kind).format(value=repr(str(value)[:40]))


def _coercible_message(column: str, kind: str) -> str:
    hint = _DECIMAL_HINT if kind in ("money", "number") else ""
    return f"{column}: cannot read {{value}} as {_KIND_WORD.get(kind, kind)}{hint}"


def relation_sql(table: str, source: str, present: list[str] | set[str]) -> str:
    """``SELECT *`` from *source* plus, as NULL of their SQL type, the columns of *table* it lacks.

    The relation both backends evaluate row predicates over (*present*: the
    canonical columns *source* has).
    """
    missing = [f"CAST(NULL AS {c.sql_type}) AS {ident(c.name)}" for c in TABLES[table].columns if c.name not in present]
    return f"SELECT *{''.join(', ' + m for m in missing)} FROM {source}"


def _c(name: str) -> str:
    return ident(name)


def _num(x: float) -> str:
    return repr(float(x))


def _table_checks(t: Table) -> list[Rule]:
    """The rules of one table that span columns (declared by hand)."""
    out: list[Rule] = []
    if t.name == "orders":
        out.append(Rule(
            "negative_amount_not_return", t.name, "check",
            "negative amount on a row that is not marked as a return (is_return); "
            "map the return flag to is_return or correct the amount",
            ("amount", "is_return"),
            breaks=f"{_c('amount')} < 0 AND NOT coalesce({_c('is_return')}, FALSE)",
        ))
    if t.name == "surveys":
        default = ("CASE " + _c("survey_type") + " "
                   + " ".join(f"WHEN {literal(k)} THEN {_num(v)}" for k, v in DEFAULT_SCALE.items()) + " ELSE 10.0 END")
        top = f"coalesce({_c('scale_max')}, {default})"
        scales = ", ".join(f"{k} {v}" for k, v in DEFAULT_SCALE.items())
        out.append(Rule(
            "score_out_of_scale", t.name, "check",
            f"score outside 0..scale_max for its survey type (default scales: {scales}, others 10); "
            "map scale_max when the survey uses another scale",
            ("score", "scale_max", "survey_type"),
            breaks=f"{_c('score')} IS NOT NULL AND NOT ({_c('score')} >= 0 AND {_c('score')} <= {top})",
        ))
    if t.name == "tickets":
        o, f, r = _c("opened_at"), _c("first_response_at"), _c("resolved_at")
        out.append(Rule(
            "ticket_times_ordered", t.name, "check",
            "timestamps out of order (need opened_at <= first_response_at <= resolved_at); "
            "check that the three columns are mapped to the right headers and share a time zone",
            ("opened_at", "first_response_at", "resolved_at"),
            breaks=f"{f} < {o} OR {r} < {o} OR {r} < {f}",
        ))
    if t.name == "campaigns":
        out.append(Rule(
            "campaign_dates_ordered", t.name, "check",
            "end_date before start_date; correct the campaign dates or swap the two mapped headers",
            ("start_date", "end_date"),
            breaks=f"{_c('end_date')} < {_c('start_date')}",
        ))
    return out


def _column_rules(t: Table, c: Column) -> list[Rule]:
    out: list[Rule] = []
    if c.required:
        out.append(Rule("not_nullable", t.name, "not_null",
                        f"{c.name}: required value is empty; fill it in the export or map {c.name} to another header",
                        (c.name,), c.name))
    if len(t.primary_key) == 1 and t.primary_key[0] == c.name:
        out.append(Rule("field_uniqueness", t.name, "unique", f"{c.name}: {DUPLICATE_KEY}", (c.name,), c.name))
    if c.min is not None:
        out.append(Rule(f"greater_than_or_equal_to({c.min})", t.name, "check",
                        f"{c.name} must be at least {c.min}; correct the value or leave it empty",
                        (c.name,), c.name, breaks=f"{_c(c.name)} < {_num(c.min)}"))
    if c.max is not None:
        out.append(Rule(f"less_than_or_equal_to({c.max})", t.name, "check",
                        f"{c.name} must be at most {c.max}; correct the value or leave it empty",
                        (c.name,), c.name, breaks=f"{_c(c.name)} > {_num(c.max)}"))
    return out


@lru_cache(maxsize=None)
def rules(table: str) -> tuple[Rule, ...]:
    """Every rule of canonical *table*, in reporting order.

    The order: required columns, coercible values (per column), then the
    multi-column primary key, the table's cross-column checks, "no date in
    the future" per date column, the per-column rules in column order
    (required value, unique key, minimum, maximum) and the customer reference.
    """
    t = TABLES[table]
    out: list[Rule] = [
        Rule("required_columns", t.name, "columns",
             "required column(s) {columns} of table '" + t.name + "' not found", tuple(t.required)),
    ]
    for c in t.columns:
        if c.kind in _KIND_WORD:
            out.append(Rule(f"unparseable_{c.kind}", t.name, "coercible", _coercible_message(c.name, c.kind),
                            (c.name,), c.name))
    if len(t.primary_key) > 1:
        keys = ", ".join(t.primary_key)
        out.append(Rule("multiple_fields_uniqueness", t.name, "unique", f"{keys}: {DUPLICATE_KEY}", t.primary_key))
    out.extend(_table_checks(t))
    for c in t.columns:
        if c.kind == "date":
            out.append(Rule("not_in_future", t.name, "check",
                            f"{c.name} lies in the future; check the date format (day and month order) "
                            "or the clock of the exporting system",
                            (c.name,), c.name, breaks=f"{_c(c.name)} > {{now}}"))
    for c in t.columns:
        out.extend(_column_rules(t, c))
    if t.name in FK_REQUIRED:
        out.append(Rule("unknown_customer", t.name, "references",
                        "customer_id not found in customers (check the id or load the missing customers)",
                        ("customer_id",), "customer_id",
                        alt_message="customer_id not found in customers (load the customers table first)"))
    keys = [r.key for r in out]
    assert len(keys) == len(set(keys)), f"two rules of {table} share a name and column"
    return tuple(out)


def rule(table: str, name: str, column: str | None = None) -> Rule:
    """The rule *name* (on *column*) of *table*."""
    for r in rules(table):
        if r.name == name and (column is None or r.column == column):
            return r
    raise KeyError((table, name, column))
