"""The SQL backend of :mod:`crmkit.contract.rules`: the rule table run inside DuckDB.

:func:`insert_problems` generates, from the declarations of
:func:`crmkit.contract.rules.rules`, the statements that fill a problems
table ``(row, ord, rule, col, problem)`` from a relation of typed canonical
columns (the staged source of :func:`crmkit.ingest.duck.ingest_large`).
The row predicates are the declared ones, unchanged; ``not_null``,
``unique`` and ``references`` rules, which are not row predicates, are
written here with the semantics of pandera's ``nullable``/``unique``
(``report_duplicates="exclude_first"``) that the pandas backend
(:mod:`crmkit.contract.schemas`) uses.

``ord`` is ``1000 +`` the rule's position in :func:`~crmkit.contract.rules.rules`;
problems are reported in ``(ord, row)`` order by both backends.
"""

from __future__ import annotations

from typing import Mapping

import duckdb
import pandas as pd

from crmkit.contract.rules import Rule, relation_sql, rules
from crmkit.sqltext import ident, literal

__all__ = ["insert_problems", "PROBLEMS_DDL", "ORD_BASE"]

#: ``ord`` of the first rule; smaller values are left to the coercion problems (one per source column).
ORD_BASE = 1000
PROBLEMS_DDL = "CREATE TABLE {name} (row BIGINT, ord INTEGER, rule VARCHAR, col VARCHAR, problem VARCHAR)"


def _null_or(value: str | None) -> str:
    return "NULL" if value is None else literal(value)


def insert_problems(
    con: duckdb.DuckDBPyConnection,
    table: str,
    relation: str,
    present: list[str],
    now: pd.Timestamp,
    *,
    problems: str = "_problems",
    unparsed: Mapping[str, str] | None = None,
    known: str | None = None,
) -> None:
    """Insert into *problems* one row per (row, rule) of *relation* breaking a rule of *table*.

    Parameters
    ----------
    con : DuckDBPyConnection
        Connection holding *relation* and the *problems* table.
    table : str
        Canonical table.
    relation : str
        SQL name of the typed rows: the canonical columns in *present* and ``_row``.
    present : list of str
        Canonical columns of *relation*; the others are NULL for the rules.
    now : Timestamp
        Reference time of ``not_in_future`` (:func:`crmkit.contract.rules.reference_time`).
    unparsed : mapping, optional
        Column -> SQL flag "this row's value could not be read"; such a cell
        is reported as unreadable, not also as empty.
    known : str, optional
        Table of known ``customer_id`` values for ``references`` rules;
        None skips them.
    """
    unparsed = dict(unparsed or {})
    have = set(present)
    view = f"{relation}_ruled"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(view)} AS {relation_sql(table, ident(relation), have)}")
    rel = ident(view)
    target = ident(problems)
    scans: list[tuple[int, Rule, str]] = []  # rules checked row by row
    for i, r in enumerate(rules(table)):
        o = ORD_BASE + i
        if r.kind == "check":
            scans.append((o, r, f"coalesce({r.predicate(now)}, FALSE)"))
        elif r.kind == "not_null" and r.column in have:
            cond = f"{ident(r.column)} IS NULL"
            if r.column in unparsed:
                cond += f" AND NOT {unparsed[r.column]}"
            scans.append((o, r, cond))
        elif r.kind == "unique" and have.intersection(r.reads):
            _unique(con, rel, target, o, r, have)
        elif r.kind == "references" and known is not None and r.column in have:
            n_known = con.execute(f"SELECT count(*) FROM {ident(known)}").fetchone()[0]
            msg = r.message if n_known else (r.alt_message or r.message)
            c = ident(r.column)
            con.execute(
                f"INSERT INTO {target} SELECT t._row, {o}, {literal(r.name)}, {literal(r.column)}, {literal(msg)} "
                f"FROM {rel} t ANTI JOIN {ident(known)} k ON t.{c} = k.{c} WHERE t.{c} IS NOT NULL"
            )
    # usually no row breaks a rule: one count over all of them, then one scan per rule only if needed
    if scans and con.execute(f"SELECT count(*) FROM {rel} WHERE " + " OR ".join(f"({w})" for _, _, w in scans)).fetchone()[0]:
        for o, r, where in scans:
            con.execute(
                f"INSERT INTO {target} SELECT _row, {o}, {literal(r.name)}, {_null_or(r.column)}, {literal(r.message)} "
                f"FROM {rel} WHERE {where}"
            )


def _unique(con, rel: str, target: str, o: int, r: Rule, have: set[str]) -> None:
    """Rows repeating an earlier row's key (pandera's ``report_duplicates="exclude_first"``)."""
    head = f"INSERT INTO {target} SELECT _row, {o}, {literal(r.name)}, {_null_or(r.column)}, {literal(r.message)} FROM ("
    if len(r.reads) == 1:
        q = ident(r.reads[0])
        # equal keys have equal hashes: group the 8-byte hashes (a smaller hash table), then the keys behind repeated ones
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _dupkeys AS SELECT {q} FROM {rel} WHERE {q} IS NOT NULL AND hash({q}) IN ("
            f"SELECT hash({q}) FROM {rel} WHERE {q} IS NOT NULL GROUP BY 1 HAVING count(*) > 1) GROUP BY 1 HAVING count(*) > 1"
        )
        if con.execute("SELECT count(*) FROM _dupkeys").fetchone()[0]:
            con.execute(
                head + f"SELECT _row, row_number() OVER (PARTITION BY {q} ORDER BY _row) AS k FROM {rel} "
                f"WHERE {q} IN (SELECT {q} FROM _dupkeys)) WHERE k > 1"
            )
        con.execute("DROP TABLE _dupkeys")
        return
    keys = [k for k in r.reads if k in have]
    kl = ", ".join(ident(k) for k in keys)
    anyk = " OR ".join(f"{ident(k)} IS NOT NULL" for k in keys)
    same = " AND ".join(f"t.{ident(k)} IS NOT DISTINCT FROM d.{ident(k)}" for k in keys)
    # row_number over the rows of repeated keys only: the same partitions as over all rows
    con.execute(
        head + f"SELECT _row, {anyk} AS anyk, row_number() OVER (PARTITION BY {kl} ORDER BY _row) AS k FROM {rel} t "
        f"SEMI JOIN (SELECT {kl} FROM {rel} GROUP BY ALL HAVING count(*) > 1) d ON {same}) WHERE k > 1 AND anyk"
    )
