"""The pandas backend of :mod:`crmkit.contract.rules`: pandera schemas built from the rule table.

:func:`schema` builds a :class:`pandera.pandas.DataFrameSchema` for a table
from :func:`crmkit.contract.rules.rules`: ``not_null`` rules become
``nullable=False``, ``unique`` rules pandera's ``unique`` (first occurrence
kept), and every ``check`` rule a pandera :class:`~pandera.api.checks.Check`
that evaluates the rule's declared SQL predicate with DuckDB over the frame,
so the SQL backend (:mod:`crmkit.contract.sqlrules`) and this one run the very
same expression.  :func:`row_problems` runs the schema lazily and turns
pandera's ``failure_cases`` into one line per offending row and rule, with
the rule's message, so ingest can reject rows with a reason and
``crmkit validate`` can count problems.  Types are produced beforehand by
:mod:`crmkit.contract.coerce` (a value that cannot be coerced is already a
problem).
"""

from __future__ import annotations

import warnings

import duckdb
import numpy as np
import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

from crmkit.contract.rules import DEFAULT_SCALE, DUPLICATE_KEY, Rule, reference_time, relation_sql, rules
from crmkit.contract.tables import TABLES
from crmkit.sqltext import ident

__all__ = ["schema", "row_problems", "breaking_rows", "DEFAULT_SCALE", "RULES", "PROBLEM_COLUMNS"]

PROBLEM_COLUMNS = ["row", "rule", "column", "problem"]

# Plain-language explanation of the structural rules, by pandera check name (kept for callers of old versions).
RULES = {
    "not_nullable": "required value is empty",
    "field_uniqueness": DUPLICATE_KEY,
    "multiple_fields_uniqueness": DUPLICATE_KEY,
}


def breaking_rows(df: pd.DataFrame, r: Rule, now: pd.Timestamp) -> np.ndarray:
    """Boolean mask of the rows of *df* that break ``check`` rule *r*, evaluated by DuckDB.

    Only the columns the rule reads are handed to DuckDB; the table's other
    columns are NULL, as in the SQL backend.
    """
    cols = {c: df[c].reset_index(drop=True) for c in r.reads if c in df.columns}
    frame = pd.DataFrame({**cols, "_row": np.arange(len(df), dtype="int64")})
    con = duckdb.connect(":memory:")
    try:
        con.register("_frame", frame)
        rows = con.execute(
            f"SELECT _row FROM ({relation_sql(r.table, ident('_frame'), set(cols))}) "
            f"WHERE coalesce({r.predicate(now)}, FALSE)"
        ).fetchnumpy()["_row"]
    finally:
        con.close()
    mask = np.zeros(len(df), dtype=bool)
    mask[np.asarray(rows, dtype="int64")] = True
    return mask


def _message(r: Rule, known: pd.Index | None) -> str:
    if r.kind == "references" and known is not None and len(known) == 0 and r.alt_message:
        return r.alt_message
    return r.message


def _check_name(r: Rule) -> str:
    return f"{r.name}@{r.column}" if r.column else r.name


def _check(r: Rule, now: pd.Timestamp) -> pa.Check:
    def ok(df: pd.DataFrame) -> pd.Series:
        return pd.Series(~breaking_rows(df, r, now), index=df.index)

    return pa.Check(ok, name=_check_name(r))


def _known_check(r: Rule, known: pd.Index) -> pa.Check:
    def ok(df: pd.DataFrame) -> pd.Series:
        if r.column not in df:
            return pd.Series(True, index=df.index)
        s = df[r.column]
        return s.isna() | s.isin(known)

    return pa.Check(ok, name=_check_name(r))


def schema(table: str, now: pd.Timestamp | None = None, known_customers: pd.Index | None = None) -> pa.DataFrameSchema:
    """The pandera schema of canonical table *table*, built from its rule table.

    Parameters
    ----------
    table : str
        Canonical table name.
    now : Timestamp, optional
        Reference time for the "no dates in the future" rules (default: now,
        plus one day of tolerance for time zones; see
        :func:`crmkit.contract.rules.reference_time`).
    known_customers : Index, optional
        Customer ids of the company, for the ``references`` rules (None skips them).
    """
    t = TABLES[table]
    bound = reference_time(now)
    table_rules = rules(table)
    not_null = {r.column for r in table_rules if r.kind == "not_null"}
    unique_one = {r.column for r in table_rules if r.kind == "unique" and len(r.reads) == 1}
    unique_many = [r for r in table_rules if r.kind == "unique" and len(r.reads) > 1]
    cols = {
        c.name: pa.Column(None, nullable=c.name not in not_null, required=False, unique=c.name in unique_one,
                          report_duplicates="exclude_first")
        for c in t.columns
    }
    checks = [_check(r, bound) for r in table_rules if r.kind == "check"]
    if known_customers is not None:
        checks += [_known_check(r, known_customers) for r in table_rules if r.kind == "references"]
    return pa.DataFrameSchema(
        cols,
        checks=checks,
        unique=list(unique_many[0].reads) if unique_many else None,
        report_duplicates="exclude_first",
        name=table,
    )


def row_problems(
    df: pd.DataFrame, table: str, now: pd.Timestamp | None = None, known_customers: pd.Index | None = None
) -> pd.DataFrame:
    """Validate *df* (already coerced) and list problems per row.

    Returns
    -------
    DataFrame
        Columns ``row`` (index label in *df*), ``rule`` (rule name),
        ``column`` and ``problem`` (the rule's message), in the order of the
        rule table, then by row.  Empty when valid.
    """
    table_rules = rules(table)
    by_check = {_check_name(r): (i, r) for i, r in enumerate(table_rules) if r.kind in ("check", "references")}
    by_key = {r.key: (i, r) for i, r in enumerate(table_rules)}
    try:
        schema(table, now, known_customers).validate(df, lazy=True)
    except SchemaErrors as err:
        fc = err.failure_cases
    else:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    fc = fc[fc["index"].notna()]
    if fc.empty:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    cases = pd.DataFrame({
        "check": fc["check"].astype(str).to_numpy(dtype=object),
        "col": fc["column"].astype(object).to_numpy(),
        "ctx": fc["schema_context"].astype(str).to_numpy(dtype=object),
        "row": fc["index"].to_numpy(dtype=object),
    })
    kinds = cases[["check", "col", "ctx"]].drop_duplicates()
    ords = []
    for check, column, context in kinds.itertuples(index=False):  # a handful of (check, column) pairs
        if check in by_check:
            ords.append(by_check[check][0])
        elif check == "multiple_fields_uniqueness" or context == "DataFrameSchema":
            ords.append(by_key[(check, None)][0])
        else:
            ords.append(by_key[(check, column)][0])
    kinds["_ord"] = ords
    out = cases.merge(kinds, on=["check", "col", "ctx"], how="left")[["_ord", "row"]]
    out = out.drop_duplicates(["_ord", "row"]).sort_values(["_ord", "row"], kind="stable")
    used = {i: table_rules[i] for i in kinds["_ord"]}
    out["rule"] = out["_ord"].map({i: r.name for i, r in used.items()})
    out["column"] = out["_ord"].map({i: r.column for i, r in used.items()}).astype(object)
    out["problem"] = out["_ord"].map({i: _message(r, known_customers) for i, r in used.items()})
    return out[PROBLEM_COLUMNS].reset_index(drop=True)
