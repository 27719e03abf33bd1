"""From a raw export to a validated canonical frame (no store access here).

:func:`prepare` reads a source, applies its mapping, coerces types and runs
the schema; the result says which rows are clean and why the others are
rejected.  :meth:`crmkit.store.database.Store.ingest` writes the clean rows in one
transaction; ``crmkit validate`` prints the same report and writes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmkit.contract.coerce import coerce_column, canonical_dtype, date_order_evidence
from crmkit.contract.dates import ORDER_LABELS, DayMonthOrder, order_problem
from crmkit.errors import DataError, MappingError
from crmkit.contract.mapping import Mapping, identity_mapping, load_mapping
from crmkit.contract.rules import FK_REQUIRED, rule, unparseable_message
from crmkit.contract.schemas import PROBLEM_COLUMNS, row_problems
from crmkit.ingest.headers import check_unique_headers, csv_header, excel_header, head_text, parquet_header
from crmkit.ingest.sources import (
    CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES, RawSource, is_sql_url, read_source, sniff_delimiter,
)
from crmkit.contract.tables import TABLES, table as get_table

__all__ = ["Prepared", "IngestReport", "prepare", "resolve_mapping", "apply_mapping", "FK_REQUIRED",
           "DEFAULT_MAX_REJECT_RATE", "rejects_file_name", "settle_date_order", "source_headers"]

#: Largest share of rejected rows an ingest accepts unless told otherwise.
DEFAULT_MAX_REJECT_RATE = 0.02
MONEY_SCALED = "money"


def rejects_file_name(company: str, table: str, when) -> str:
    """Name of the rejects CSV of an ingest started at *when* (both ingest paths)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in company)
    return f"{safe}_{table}_{when:%Y%m%d-%H%M%S}.csv"


@dataclass
class IngestReport:
    """What happened to one source: counts, problems, where rejects went."""

    source: str
    table: str
    company: str | None
    rows_in: int
    rows_loaded: int
    rows_rejected: int
    problems: pd.DataFrame  # rule, problem, count, first_rows
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejects_file: str | None = None
    sha256: str = ""
    encoding: str | None = None
    seconds: float = 0.0
    written: bool = False
    mode: str = "replace"

    @property
    def reject_rate(self) -> float:
        return self.rows_rejected / self.rows_in if self.rows_in else 0.0

    def __str__(self) -> str:
        verb = "Loaded" if self.written else "Checked"
        lines = [
            f"{verb} {self.source} as table '{self.table}'" + (f" for company '{self.company}'" if self.company else ""),
            f"  rows read: {self.rows_in:,}   accepted: {self.rows_loaded:,}   rejected: {self.rows_rejected:,} ({100 * self.reject_rate:.2f}%)",
        ]
        if self.encoding:
            lines.append(f"  text encoding: {self.encoding}")
        if len(self.problems):
            lines.append("  problems (rows can have several):")
            for _, p in self.problems.iterrows():
                lines.append(f"    - {p['count']:>6,} × {p['problem']}   (source rows {p['first_rows']})")
        else:
            lines.append("  no problems found")
        for w in self.warnings:
            lines.append(f"  note: {w}")
        if self.ignored_columns:
            lines.append(f"  columns not used (not in the mapping): {', '.join(self.ignored_columns)}")
        if self.rejects_file:
            lines.append(f"  rejected rows with reasons: {self.rejects_file}")
        return "\n".join(lines)


@dataclass
class Prepared:
    """A source turned into canonical columns, with per-row problems."""

    frame: pd.DataFrame  # canonical, typed, all rows (index 0..n-1)
    raw: RawSource
    mapping: Mapping
    problems: pd.DataFrame  # row, rule, column, problem
    ignored_columns: list[str]
    warnings: list[str]

    @property
    def rejected_rows(self) -> pd.Index:
        return pd.Index(sorted(set(self.problems["row"].astype(int)))) if len(self.problems) else pd.Index([], dtype=int)

    @property
    def clean(self) -> pd.DataFrame:
        return self.frame.drop(index=self.rejected_rows)

    def summary(self) -> pd.DataFrame:
        if self.problems.empty:
            return pd.DataFrame(columns=["problem", "count", "first_rows"])
        p = self.problems.copy()
        p["source_row"] = self.raw.row_numbers.to_numpy()[p["row"].astype(int).to_numpy()]
        g = p.groupby("problem", sort=False)
        out = pd.DataFrame(
            {
                "count": g["row"].nunique(),
                "first_rows": g["source_row"].apply(lambda s: ", ".join(str(int(x)) for x in sorted(set(s))[:5]) + (", ..." if s.nunique() > 5 else "")),
            }
        ).reset_index()
        return out.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)

    def rejects(self) -> pd.DataFrame:
        """Rejected source rows with their row number and reasons, original values kept."""
        rows = self.rejected_rows
        reasons = self.problems.groupby("row")["problem"].apply(lambda s: "; ".join(dict.fromkeys(s)))
        out = self.raw.frame.iloc[list(rows)].copy()
        out.insert(0, "problems", [reasons.get(r, "") for r in rows])
        out.insert(0, "source_row", self.raw.row_numbers.to_numpy()[list(rows)])
        return out

    def report(self, company: str | None = None) -> IngestReport:
        n = len(self.frame)
        bad = len(self.rejected_rows)
        return IngestReport(
            source=self.raw.description, table=self.mapping.table, company=company, rows_in=n,
            rows_loaded=n - bad, rows_rejected=bad, problems=self.summary(),
            ignored_columns=self.ignored_columns, warnings=self.warnings, sha256=self.raw.sha256,
            encoding=self.raw.encoding,
        )


def resolve_mapping(table: str, mapping: str | os.PathLike | Mapping | None) -> Mapping:
    """A :class:`Mapping` from a path, an object or nothing (identity)."""
    get_table(table)
    if mapping is None:
        return identity_mapping(table)
    if isinstance(mapping, Mapping):
        if mapping.table != table:
            raise MappingError(f"The mapping is for table {mapping.table!r}, not {table!r}.")
        return mapping
    return load_mapping(mapping, table)


def apply_mapping(raw: RawSource, m: Mapping) -> tuple[pd.DataFrame, list[str]]:
    """The canonical columns of *raw* under mapping *m*, and the source headers not used.

    Runs the ``required_columns`` rule of :mod:`crmkit.contract.rules`.

    Raises
    ------
    MappingError
        The mapping names a header the source does not have.
    DataError
        A required column is neither mapped nor in the source, or a source
        header named like a canonical column meets the header the mapping
        renames to that column (two columns would become one).
    """
    t = TABLES[m.table]
    src = raw.frame
    headers = list(src.columns)
    out: dict[str, pd.Series] = {}
    used: set[str] = set()
    for canon, header in m.columns.items():
        if header not in src.columns:
            stripped = {h.strip().lower(): h for h in headers}
            near = stripped.get(header.strip().lower())
            hint = f" A header {near!r} exists: fix the spelling or spacing." if near else ""
            raise MappingError(
                f"{raw.description}: {m.where()} maps {canon!r} to header {header!r}, which is not in the source.{hint} "
                f"Headers found: {', '.join(map(str, headers))}."
            )
        out[canon] = src[header]
        used.add(header)
    for h in headers:
        if h not in used and t.accepts(h):
            if h in out:
                raise DataError(
                    f"{raw.description}: two columns would become canonical column {h!r}: header {m.columns[h]!r} "
                    f"(mapped in {m.where()}) and header {h!r}. Rename or remove one of them in the export, "
                    f"or map {h!r} to the header {h!r} in the mapping."
                )
            out[h] = src[h]
            used.add(h)
    missing = [c for c in t.required if c not in out]
    if missing:
        how = (
            f"Add them to the mapping ({m.where()}), e.g. 'columns: {{{missing[0]}: <header in your file>}}'"
            if m.path
            else "Pass --mapping with a mapping file that names the source header for each"
        )
        what = rule(m.table, "required_columns").message.format(columns=", ".join(missing))
        raise DataError(
            f"{raw.description}: {what}. "
            f"{how}. Headers found: {', '.join(map(str, headers))}."
        )
    ignored = [str(h) for h in headers if h not in used]
    return pd.DataFrame(out, index=src.index), ignored


def settle_date_order(ev: DayMonthOrder | None, description: str, m: Mapping, column: str) -> str | None:
    """The report note of a date column's day/month order, or None when nothing was decided.

    Shared by both ingest paths.  *ev* is what the column's values say
    (:func:`crmkit.contract.coerce.date_order_evidence`), row numbers as in
    the source.

    Raises
    ------
    DataError
        The values are ambiguous or conflict; the message names the source,
        table, column (and header), two example rows and the fix: the
        mapping's ``date_format``.
    """
    if ev is None:
        return None
    header = m.columns.get(column, column)
    where = f"{description}: table '{m.table}', column '{column}'" + (f" (header '{header}')" if header != column else "")
    fix = f"in the mapping file {m.path}" if m.path else "in a mapping file for this source (pass it with --mapping)"
    problem = order_problem(ev, where, fix)
    if problem:
        raise DataError(problem)
    if ev.status != "decided":
        return None
    row, value = ev.proof
    return f"{m.table}.{column}: {ORDER_LABELS[ev.order]}, decided from row {row} {value!r}"


def source_headers(source: str | os.PathLike, m: Mapping, encoding: str | None) -> list[str] | None:
    """The header row of file *source* as written (repeats kept), or None for other sources.

    CSV text is decoded with *encoding* and split as
    :func:`crmkit.ingest.sources.read_source` splits it.
    """
    src = str(source)
    if is_sql_url(src):
        return None
    path = Path(src)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES and encoding:
        head = head_text(path, encoding)
        if head is None:
            return None
        return csv_header(head, m.delimiter or sniff_delimiter(head[:65536]), m.skip_rows)
    if suffix in EXCEL_SUFFIXES:
        return excel_header(path, m.sheet, m.skip_rows)
    if suffix in PARQUET_SUFFIXES:
        return parquet_header(path)
    return None


def _read_checked(source: str | os.PathLike, m: Mapping) -> RawSource:
    """:func:`read_source`, refusing repeated headers (which the readers would rename)."""
    src = str(source)
    if not is_sql_url(src) and Path(src).suffix.lower() in PARQUET_SUFFIXES and Path(src).is_file():
        names = parquet_header(Path(src))  # pandas cannot read a file with repeated names at all
        if names is not None:
            check_unique_headers(src, names)
    raw = read_source(source, m)
    check_unique_headers(raw.description, source_headers(source, m, raw.encoding) or list(raw.frame.columns))
    return raw


def prepare(
    source: str | os.PathLike,
    table: str,
    mapping: str | os.PathLike | Mapping | None = None,
    *,
    known_customers: pd.Index | None = None,
    now: pd.Timestamp | None = None,
) -> Prepared:
    """Read, map, coerce and validate *source* as canonical *table*.

    A date column written day/month (``03/04/2025``) is read in one order,
    decided from its values (:mod:`crmkit.contract.dates`) unless the
    mapping's ``date_format`` decides it; the decision is a note of the report.

    Parameters
    ----------
    known_customers : Index, optional
        Customer ids of the company; rows of orders, churn events and loyalty
        ledger with other customer ids are rejected.  ``None`` skips the check.

    Raises
    ------
    DataError
        Unreadable source, repeated headers, missing required columns, or a
        date column whose day/month order is ambiguous or conflicting.
    """
    m = resolve_mapping(table, mapping)
    raw = _read_checked(source, m)
    mapped, ignored = apply_mapping(raw, m)
    t = TABLES[table]
    problems: list[pd.DataFrame] = []
    notes: list[str] = []
    warnings: list[str] = []
    rows = raw.row_numbers.to_numpy()
    typed: dict[str, pd.Series] = {}
    for name, values in mapped.items():
        col = t.column(name)
        s = values
        if name in m.values:
            vm = m.values[name]
            as_text = s.astype("object").map(lambda v: v if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip())
            s = as_text.map(lambda v: vm.get(v, v) if isinstance(v, str) else v)
        order = None
        if col.kind == "date":
            ev = date_order_evidence(s, rows, m.date_format)
            note = settle_date_order(ev, raw.description, m, name)
            if note:
                notes.append(note)
                order = ev.order
        out, bad = coerce_column(
            s, col.kind, decimal=m.decimal, scale=m.amount_scale if col.kind == MONEY_SCALED else 1.0,
            date_format=m.date_format, date_order=order,
        )
        if col.kind == "category" and col.codes:
            out = out.str.strip().str.lower()
            unknown = out.notna() & ~out.isin(col.codes)
            if unknown.any():
                vals = ", ".join(sorted(map(str, out[unknown].unique()))[:8])
                warnings.append(
                    f"{name}: {int(unknown.sum()):,} values are not canonical codes ({vals}); "
                    f"canonical: {', '.join(col.codes)}. Map them under 'values: {name}:' in the mapping."
                )
        if bad.any():
            idx = bad[bad].index
            problems.append(
                pd.DataFrame(
                    {
                        "row": idx,
                        "rule": f"unparseable_{col.kind}",
                        "column": name,
                        "problem": [unparseable_message(table, name, v) for v in mapped.loc[idx, name]],
                    }
                )
            )
        typed[name] = out.astype(canonical_dtype(col.kind)) if col.kind != "category" else out
    frame = pd.DataFrame(typed, index=mapped.index)
    known = known_customers if table in FK_REQUIRED and "customer_id" in frame else None
    schema_problems = row_problems(frame, table, now, known)
    if len(schema_problems) and problems:
        unparsed = pd.concat(problems)[["row", "column"]]
        key = set(zip(unparsed["row"], unparsed["column"]))
        mask = [not (r == "not_nullable" and (row, c) in key) for row, r, c in zip(schema_problems["row"], schema_problems["rule"], schema_problems["column"])]
        schema_problems = schema_problems[mask]
    problems.append(schema_problems)
    probs = pd.concat([p for p in problems if len(p)], ignore_index=True) if any(len(p) for p in problems) else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return Prepared(frame.reset_index(drop=True), raw, m, probs, ignored, notes + warnings)
