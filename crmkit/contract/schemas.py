"""pandera schemas for the canonical tables (validation rules of docs/data-contract.md).

:func:`schema` builds a :class:`pandera.pandas.DataFrameSchema` for a table
from :mod:`crmkit.contract.tables`; :func:`row_problems` runs it lazily and returns one
line per offending row and rule, so ingest can reject rows with a reason and
``crmkit validate`` can count problems.  Types are produced beforehand by
:mod:`crmkit.contract.coerce` (a value that cannot be coerced is already a problem).
"""

from __future__ import annotations

import warnings

import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

from crmkit.contract.tables import TABLES, Table

__all__ = ["schema", "row_problems", "DEFAULT_SCALE", "RULES"]

# Scale maxima assumed when a survey row has no scale_max.
DEFAULT_SCALE = {"nps": 10, "csat": 5, "ces": 7, "employee": 5, "product": 5, "service": 5}

# Human explanations of each rule, by pandera check name.
RULES = {
    "not_nullable": "required value is empty",
    "field_uniqueness": "duplicate primary key (an earlier row has the same key; the first is kept)",
    "multiple_fields_uniqueness": "duplicate primary key (an earlier row has the same key; the first is kept)",
    "negative_amount_not_return": "negative amount on a row that is not marked as a return (is_return)",
    "score_out_of_scale": "score outside 0..scale_max for its survey type",
    "ticket_times_ordered": "timestamps out of order (need opened_at <= first_response_at <= resolved_at)",
    "campaign_dates_ordered": "end_date before start_date",
    "not_in_future": "date lies in the future",
}


def _no_future(col: str, now: pd.Timestamp):
    def check(df: pd.DataFrame) -> pd.Series:
        if col not in df:
            return pd.Series(True, index=df.index)
        return ~(df[col] > now)

    return pa.Check(check, name=f"not_in_future:{col}", error=f"{col} lies in the future")


def _table_checks(t: Table, now: pd.Timestamp) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if t.name == "orders":

        def neg(df: pd.DataFrame) -> pd.Series:
            ret = df["is_return"].fillna(False).astype(bool) if "is_return" in df else False
            return ~((df["amount"] < 0) & ~ret)

        checks.append(pa.Check(neg, name="negative_amount_not_return"))
    if t.name == "surveys":

        def scale(df: pd.DataFrame) -> pd.Series:
            default = df["survey_type"].map(DEFAULT_SCALE).astype("float64").fillna(10.0)
            top = df["scale_max"].fillna(default) if "scale_max" in df else default
            return df["score"].isna() | df["score"].between(0, top)

        checks.append(pa.Check(scale, name="score_out_of_scale"))
    if t.name == "tickets":

        def ordered(df: pd.DataFrame) -> pd.Series:
            o, f, r = (df.get(c) for c in ("opened_at", "first_response_at", "resolved_at"))
            ok = pd.Series(True, index=df.index)
            if f is not None:
                ok &= ~(f < o)
            if r is not None:
                ok &= ~(r < o)
                if f is not None:
                    ok &= ~(r < f)
            return ok

        checks.append(pa.Check(ordered, name="ticket_times_ordered"))
    if t.name == "campaigns":
        checks.append(
            pa.Check(lambda df: ~(df["end_date"] < df["start_date"]) if "end_date" in df and "start_date" in df else pd.Series(True, index=df.index), name="campaign_dates_ordered")
        )
    for c in t.columns:
        if c.kind == "date":
            checks.append(_no_future(c.name, now))
    return checks


def schema(table: str, now: pd.Timestamp | None = None) -> pa.DataFrameSchema:
    """The pandera schema of canonical table *table*.

    Parameters
    ----------
    table : str
        Canonical table name.
    now : Timestamp, optional
        Reference time for the "no dates in the future" rule (default: now,
        plus one day of tolerance for time zones).
    """
    t = TABLES[table]
    now = (pd.Timestamp.now() if now is None else now) + pd.Timedelta(days=1)
    single_pk = t.primary_key[0] if len(t.primary_key) == 1 else None
    cols = {}
    for c in t.columns:
        checks = []
        if c.min is not None:
            checks.append(pa.Check.ge(c.min))
        if c.max is not None:
            checks.append(pa.Check.le(c.max))
        cols[c.name] = pa.Column(
            None,
            checks=checks,
            nullable=not c.required,
            required=False,
            unique=c.name == single_pk,
            report_duplicates="exclude_first",
        )
    return pa.DataFrameSchema(
        cols,
        checks=_table_checks(t, now),
        unique=list(t.primary_key) if len(t.primary_key) > 1 else None,
        report_duplicates="exclude_first",
        name=table,
    )


def _describe(check: str, column: object) -> str:
    check = str(check)
    if check.startswith("greater_than_or_equal_to"):
        return f"{column} must be at least {check[len('greater_than_or_equal_to('):-1]}"
    if check.startswith("less_than_or_equal_to"):
        return f"{column} must be at most {check[len('less_than_or_equal_to('):-1]}"
    if check.startswith("not_in_future:"):
        return f"{check.split(':', 1)[1]}: date lies in the future"
    base = RULES.get(check, check)
    return f"{column}: {base}" if isinstance(column, str) and column else base


def row_problems(df: pd.DataFrame, table: str, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Validate *df* (already coerced) and list problems per row.

    Returns
    -------
    DataFrame
        Columns ``row`` (index label in *df*), ``rule`` (pandera check name),
        ``column`` and ``problem`` (plain-language reason).  Empty when valid.
    """
    sch = schema(table, now)
    try:
        sch.validate(df, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
    else:
        return pd.DataFrame(columns=["row", "rule", "column", "problem"])
    fc = fc[fc["index"].notna()]
    table_level = (fc["schema_context"] == "DataFrameSchema").to_numpy()
    column = fc["column"].astype(object).to_numpy().copy()
    column[table_level] = None
    out = pd.DataFrame(
        {
            "row": fc["index"].to_numpy(),
            "rule": fc["check"].astype(str).to_numpy(),
            "column": column,
        }
    )
    out["problem"] = [_describe(r, c) for r, c in zip(out["rule"], out["column"])]
    return out.drop_duplicates(["row", "rule", "column"]).reset_index(drop=True)
