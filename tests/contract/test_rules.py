"""Every rule of the rule table is executed, identically, by both ingest paths.

For each rule of :func:`crmkit.contract.rules.rules` a small valid source is
broken on one row so that it violates that rule (and only the rules listed
as unavoidable companions); the pandas path (``engine="pandas"``: pandera)
and the SQL path (``engine="sql"``: DuckDB) must both refuse it with the
same problem rows, rule names, columns and messages.  A rule added to the
table without a breaking example here, or executed by only one backend,
fails.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from crmkit.contract import schemas
from crmkit.contract.rules import KINDS, Rule, rules
from crmkit.contract.tables import TABLE_NAMES, TABLES
from crmkit.errors import DataError
from crmkit.store import Store

from ..helpers import write_csv

N = 4  # rows of the valid source; the last one is broken
BROKEN = N - 1


def _base(table: str) -> pd.DataFrame:
    """*N* rows that break no rule of *table* (checked below)."""
    t = TABLES[table]
    dates = [c.name for c in t.columns if c.kind == "date"]
    out = {}
    for c in t.columns:
        if c.kind == "id":
            if c.name == "customer_id" and table != "customers":
                vals = ["C1"] * N
            else:
                vals = [f"{c.name[:1].upper()}{i}" for i in range(N)]
        elif c.kind == "date":
            k = dates.index(c.name)  # later date columns later in the day (tickets, campaigns)
            vals = [f"2025-01-{10 + i:02d} {8 + k:02d}:00" for i in range(N)]
        elif c.kind in ("money", "number"):
            vals = ["1"] * N
        elif c.kind == "int":
            vals = ["1980"] * N
        elif c.kind == "bool":
            vals = ["false"] * N
        elif c.kind == "category":
            vals = [c.codes[0] if c.codes else ("csat" if c.name == "survey_type" else "x")] * N
        else:
            vals = ["t"] * N
        out[c.name] = vals
    return pd.DataFrame(out)


def _later_dates(table: str, column: str) -> dict[str, str]:
    """Empty the optional date columns after *column*, so that a future date breaks no ordering rule."""
    t = TABLES[table]
    names = [c.name for c in t.columns if c.kind == "date"]
    return {n: "" for n in names[names.index(column) + 1:] if not t.column(n).required}


def _breaking(r: Rule, base: pd.DataFrame) -> tuple[dict[str, str], set[tuple[str, str | None]]]:
    """Edits of row BROKEN that break *r*, and the rule keys expected to fire."""
    also: set[tuple[str, str | None]] = set()
    if r.kind == "coercible":
        edit = {r.column: "someday" if r.name == "unparseable_date" else "abc"}
    elif r.kind == "not_null":
        edit = {r.column: ""}
    elif r.kind == "unique":
        edit = {k: base.loc[0, k] for k in r.reads}
    elif r.kind == "references":
        edit = {r.column: "C999"}
    elif r.name == "not_in_future":
        edit = {r.column: "2199-01-01", **_later_dates(r.table, r.column)}
    elif r.name.startswith("greater_than_or_equal_to("):
        lo = TABLES[r.table].column(r.column).min
        edit = {r.column: str(lo - 1)}
        if r.table == "surveys" and r.column == "score":
            also.add(("score_out_of_scale", None))  # a negative score is outside 0..scale_max too
        if r.table == "surveys" and r.column == "scale_max":
            edit = {r.column: "0.5", "score": "0"}
    elif r.name.startswith("less_than_or_equal_to("):
        edit = {r.column: str(TABLES[r.table].column(r.column).max + 1)}
    else:
        edit = {
            "negative_amount_not_return": {"amount": "-5", "is_return": "false"},
            "score_out_of_scale": {"score": "9", "survey_type": "csat", "scale_max": ""},
            "ticket_times_ordered": {"first_response_at": "2025-01-13 07:00"},
            "campaign_dates_ordered": {"end_date": "2025-01-01 00:00"},
        }.get(r.name)
        if edit is None:
            pytest.fail(f"rule {r.table}.{r.name} has no breaking example in {__file__}; add one")
    return edit, {r.key} | also


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Store]:
    """One store per path, each with the customers C0..C3 of the companies ``acme`` and ``check``."""
    d = tmp_path_factory.mktemp("rules")
    src = write_csv(_base("customers"), d / "customers.csv")
    out = {}
    for engine in ("pandas", "sql"):
        out[engine] = Store(d / engine / "crm.duckdb")
        for company in ("acme", "check"):
            out[engine].ingest(src, "customers", company, engine=engine)
    return out


def _refusal(store: Store, engine: str, src: Path, table: str, tmp_path: Path) -> tuple[str, pd.DataFrame]:
    with pytest.raises(DataError) as info:
        store.ingest(src, table, "acme", engine=engine, max_reject_rate=0.0, rejects_dir=tmp_path / engine)
    fc = info.value.failure_cases
    fc = fc.astype({"row": "int64"}).astype(str).sort_values(["row", "rule", "column"]).reset_index(drop=True)
    rejects = sorted((tmp_path / engine).glob("*.csv"))
    assert len(rejects) == 1
    return pd.read_csv(rejects[0], dtype=str, keep_default_na=False, encoding="utf-8-sig"), fc


CASES = [(name, r) for name in TABLE_NAMES for r in rules(name) if r.kind != "columns"]


@pytest.mark.parametrize("table, rule", CASES, ids=[f"{t}-{r.name}-{r.column}" for t, r in CASES])
def test_each_rule_rejects_the_same_rows_on_both_paths(stores, tmp_path, table, rule):
    base = _base(table)
    edit, expected = _breaking(rule, base)
    broken = base.copy()
    for col, value in edit.items():
        broken.loc[BROKEN, col] = value
    src = write_csv(broken, tmp_path / f"{table}.csv")
    (rej_a, fc_a), (rej_b, fc_b) = (_refusal(stores[e], e, src, table, tmp_path) for e in ("pandas", "sql"))
    pd.testing.assert_frame_equal(fc_a, fc_b)
    pd.testing.assert_frame_equal(rej_a, rej_b)
    assert set(fc_a["row"]) == {str(BROKEN)}
    assert {(r, None if pd.isna(c) or c in ("None", "nan") else c) for r, c in zip(fc_a["rule"], fc_a["column"])} == expected
    assert rule.message.split("{")[0] in fc_a["problem"].str.cat(sep="\n")
    assert rej_a["source_row"].tolist() == [str(BROKEN + 2)]


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_the_valid_sources_break_nothing(stores, tmp_path, table):
    src = write_csv(_base(table), tmp_path / f"{table}.csv")
    for engine in ("pandas", "sql"):
        rep = stores[engine].ingest(src, table, "check", engine=engine, rejects_dir=tmp_path / engine)
        assert rep.rows_rejected == 0 and rep.rows_loaded == N, (engine, str(rep))


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_missing_required_column_is_refused_the_same_way(stores, tmp_path, table):
    required = TABLES[table].required[-1]
    src = write_csv(_base(table).drop(columns=[required]), tmp_path / f"{table}.csv")
    messages = []
    for engine in ("pandas", "sql"):
        with pytest.raises(DataError, match=rf"required column\(s\) {required} of table '{table}' not found") as info:
            stores[engine].ingest(src, table, "acme", engine=engine)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_the_pandera_schema_has_exactly_the_declared_rules():
    for table in TABLE_NAMES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sch = schemas.schema(table, known_customers=pd.Index(["C1"]))
        declared = rules(table)
        assert {c.name for c in sch.checks} == {
            f"{r.name}@{r.column}" if r.column else r.name for r in declared if r.kind in ("check", "references")
        }
        assert {n for n, c in sch.columns.items() if not c.nullable} == {r.column for r in declared if r.kind == "not_null"}
        assert {n for n, c in sch.columns.items() if c.unique} == {
            r.column for r in declared if r.kind == "unique" and len(r.reads) == 1
        }
        many = [r.reads for r in declared if r.kind == "unique" and len(r.reads) > 1]
        assert (list(sch.unique) if sch.unique else []) == (list(many[0]) if many else [])


def test_rule_table_shape():
    for table in TABLE_NAMES:
        rs = rules(table)
        assert len({r.key for r in rs}) == len(rs)
        for r in rs:
            assert r.kind in KINDS and r.table == table
            assert set(r.reads) <= set(TABLES[table].column_names), r
            assert (r.breaks is not None) == (r.kind == "check"), r
            if r.column is not None:
                assert r.column in r.message, r  # the message names its column
