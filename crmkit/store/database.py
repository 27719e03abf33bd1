"""The embedded DuckDB store: one file holding every company's canonical tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

from crmkit import __version__
from crmkit.contract.coerce import canonical_dtype
from crmkit.store.data import CRMData, LazyTables, as_timestamp, empty_table
from crmkit.errors import DataError
from crmkit.ingest.canonical import DEFAULT_MAX_REJECT_RATE, FK_REQUIRED, IngestReport, Prepared, prepare, rejects_file_name
from crmkit.contract.mapping import Mapping
from crmkit.store.sql import fetch_frame
from crmkit.contract.tables import TABLES, TABLE_NAMES, Table, table as get_table

__all__ = ["Store", "default_store_path", "DEFAULT_MAX_REJECT_RATE"]

LARGE_FILE_BYTES = 64 * 1024**2  # CSV/Parquet files from this size are ingested by DuckDB's own readers
ENGINES = ("auto", "pandas", "sql")
SQL_TYPES = {
    "id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR", "date": "TIMESTAMP",
    "money": "DOUBLE", "number": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN",
}
LOG_DDL = """
CREATE TABLE IF NOT EXISTS _ingest_log (
    id BIGINT, company VARCHAR, "table" VARCHAR, source VARCHAR, sha256 VARCHAR, mode VARCHAR,
    rows_in BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, rejects_file VARCHAR,
    started_at TIMESTAMP, finished_at TIMESTAMP, crmkit_version VARCHAR, mapping VARCHAR
)"""


def default_store_path() -> Path:
    """``$CRMKIT_STORE``, else the nearest ``data/crm.duckdb`` above the working directory, else ``./data/crm.duckdb``."""
    env = os.environ.get("CRMKIT_STORE")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "data" / "crm.duckdb").exists():
            return d / "data" / "crm.duckdb"
        if (d / "pyproject.toml").exists() and (d / "crmkit").is_dir():
            return d / "data" / "crm.duckdb"
    return here / "data" / "crm.duckdb"


class Store:
    """An embedded DuckDB store of canonical CRM tables for many companies.

    Parameters
    ----------
    path : str or Path, optional
        Store file; default :func:`default_store_path`.
    read_only : bool
        Open read-only (what reports do, so several may read at once).

    Examples
    --------
    >>> store = Store("crm.duckdb")                                  # doctest: +SKIP
    >>> store.ingest("orders.csv", table="orders", company="acme",
    ...              mapping="orders.yaml")                           # doctest: +SKIP
    >>> data = store.load("acme", start="2025-10-01", end="2025-12-31")  # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False):
        self.path = Path(path) if path else default_store_path()
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}{', read_only=True' if self.read_only else ''})"

    # -- connections --------------------------------------------------------
    @contextmanager
    def connect(self, read_only: bool | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        ro = self.read_only if read_only is None else read_only
        if ro and not self.path.exists():
            raise DataError(f"Store {self.path} does not exist yet. Run 'crmkit ingest' (or 'crmkit demo') first, or pass --store.")
        if not ro:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(self.path), read_only=ro)
            if os.environ.get("CRMKIT_THREADS"):
                con.execute(f"SET threads TO {int(os.environ['CRMKIT_THREADS'])}")
        except duckdb.IOException as e:
            first = str(e).splitlines()[0]
            hint = " Another process is writing to it; wait for it to finish." if "lock" in first.lower() else ""
            raise DataError(f"Cannot open store {self.path}: {first}.{hint}") from None
        try:
            yield con
        finally:
            con.close()

    @staticmethod
    def _tables(con) -> set[str]:
        return {r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'main'").fetchall()}

    @staticmethod
    def _ensure_table(con, t: Table, frame: pd.DataFrame) -> None:
        cols = ", ".join(f'"{c.name}" {SQL_TYPES[c.kind]}' for c in t.columns)
        con.execute(f'CREATE TABLE IF NOT EXISTS "{t.name}" (company VARCHAR NOT NULL, {cols})')
        existing = {r[0] for r in con.execute(f"select column_name from information_schema.columns where table_name = '{t.name}'").fetchall()}
        for extra in frame.columns:
            if extra not in existing:  # open column families such as surveys.driver_*
                con.execute(f'ALTER TABLE "{t.name}" ADD COLUMN "{extra}" {SQL_TYPES[t.column(extra).kind]}')

    # -- ingest -------------------------------------------------------------
    def known_customers(self, company: str) -> pd.Index:
        if not self.path.exists():
            return pd.Index([], dtype="str")
        with self.connect(read_only=True) as con:
            if "customers" not in self._tables(con):
                return pd.Index([], dtype="str")
            ids = con.execute("select customer_id from customers where company = ?", [company]).df()["customer_id"]
        return pd.Index(ids.astype("str"))

    def ingest(
        self,
        source: str | os.PathLike,
        table: str,
        company: str,
        mapping: str | os.PathLike | Mapping | None = None,
        *,
        mode: str = "replace",
        max_reject_rate: float = DEFAULT_MAX_REJECT_RATE,
        rejects_dir: str | os.PathLike | None = None,
        prepared: Prepared | None = None,
        engine: str = "auto",
    ) -> IngestReport:
        """Validate *source* and load it as *table* of *company* in one transaction.

        ``mode="replace"`` swaps the company's table for the new rows;
        ``mode="append"`` adds them, replacing stored rows that have the same
        primary key.  ``engine="auto"`` reads CSV and Parquet files of
        :data:`LARGE_FILE_BYTES` or more with DuckDB's own readers, mapping
        and validating them in SQL (:func:`crmkit.ingest.duck.ingest_large`:
        same rules, same report, bounded memory); ``"pandas"`` or ``"sql"``
        force one path.  Rows failing validation go to a rejects CSV next to the
        store; if more than ``max_reject_rate`` of the rows are rejected the
        ingest fails and the store is left exactly as it was.

        Returns
        -------
        IngestReport
        """
        if self.read_only:
            raise DataError(f"{self} is read-only; open it without read_only to ingest.")
        if mode not in ("replace", "append"):
            raise DataError(f"mode must be 'replace' or 'append', not {mode!r}.")
        if not company or not str(company).strip():
            raise DataError("A company id is required (--company).")
        if engine not in ENGINES:
            raise DataError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
        if prepared is None and (engine == "sql" or (engine == "auto" and _is_large_file(source))):
            from crmkit.ingest.duck import ingest_large

            return ingest_large(self, source, table, company, mapping, mode=mode,
                                max_reject_rate=max_reject_rate, rejects_dir=rejects_dir)
        t = get_table(table)
        started = dt.datetime.now()
        t0 = time.perf_counter()
        if prepared is None:
            known = self.known_customers(company) if table in FK_REQUIRED else None
            prepared = prepare(source, table, mapping, known_customers=known)
        report = prepared.report(company)
        report.mode = mode
        if report.rows_rejected:
            report.rejects_file = str(self._write_rejects(prepared, company, table, started, rejects_dir))
        if report.rows_loaded == 0 or report.reject_rate > max_reject_rate:
            reason = "no row passed validation" if report.rows_loaded == 0 else (
                f"{report.rows_rejected:,} of {report.rows_in:,} rows ({100 * report.reject_rate:.1f}%) were rejected, "
                f"more than the allowed {100 * max_reject_rate:.1f}%"
            )
            raise DataError(
                f"Ingest of {report.source} into '{table}' refused: {reason}. The store was not changed.\n{report}\n"
                "Fix the source or the mapping and ingest again (or raise --max-reject-rate if these rows may be dropped).",
                failure_cases=prepared.problems,
            )
        clean = prepared.clean
        with self.connect(read_only=False) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.register("_incoming", clean)
                self.write_rows(con, t, company, "_incoming", list(clean.columns), mode, report, started,
                                 prepared.mapping.path)
                con.unregister("_incoming")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        report.written = True
        report.seconds = time.perf_counter() - t0
        return report

    @staticmethod
    def write_rows(con, t: Table, company: str, relation: str, columns: list[str], mode: str,
                    report: IngestReport, started: dt.datetime, mapping_path: str | None) -> None:
        """Inside the caller's transaction: swap or upsert the rows of *relation*, then log the ingest.

        Shared by the pandas path (a registered frame) and the SQL path
        (:mod:`crmkit.ingest.duck`, a staged relation), so both write the same way.
        """
        con.execute(LOG_DDL)
        Store._ensure_table(con, t, pd.DataFrame(columns=columns))
        if mode == "replace":
            con.execute(f'DELETE FROM "{t.name}" WHERE company = ?', [company])
        elif t.primary_key:
            keys = ", ".join(f'"{k}"' for k in t.primary_key)
            con.execute(
                f'DELETE FROM "{t.name}" WHERE company = ? AND ({keys}) IN (SELECT ({keys}) FROM {relation})', [company]
            )
        con.execute(f'INSERT INTO "{t.name}" BY NAME SELECT ? AS company, * FROM {relation}', [company])
        next_id = con.execute("select coalesce(max(id), 0) + 1 from _ingest_log").fetchone()[0]
        con.execute(
            "INSERT INTO _ingest_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [next_id, company, t.name, report.source, report.sha256, mode, report.rows_in, report.rows_loaded,
             report.rows_rejected, report.rejects_file, started, dt.datetime.now(), __version__, mapping_path],
        )

    def _write_rejects(self, prepared: Prepared, company: str, table: str, when: dt.datetime, rejects_dir) -> Path:
        d = Path(rejects_dir) if rejects_dir else self.path.parent / "rejects"
        d.mkdir(parents=True, exist_ok=True)
        path = d / rejects_file_name(company, table, when)
        prepared.rejects().to_csv(path, index=False, encoding="utf-8-sig")
        return path

    # -- reading ------------------------------------------------------------
    def companies(self) -> list[str]:
        """Companies that have customers or orders in the store."""
        if not self.path.exists():
            return []
        with self.connect(read_only=True) as con:
            have = self._tables(con)
            parts = [f'select distinct company from "{t}"' for t in ("customers", "orders") if t in have]
            if not parts:
                return []
            return sorted(r[0] for r in con.execute(" union ".join(parts)).fetchall())

    def coverage(self, company: str | None = None) -> pd.DataFrame:
        """Rows and date range per company and table."""
        rows = []
        with self.connect(read_only=True) as con:
            have = self._tables(con)
            for name in TABLE_NAMES:
                if name not in have:
                    continue
                tc = TABLES[name].time_column
                rng = f', min("{tc}") as first, max("{tc}") as last' if tc else ", null as first, null as last"
                where = "where company = ?" if company else ""
                q = f'select company, ? as "table", count(*) as rows{rng} from "{name}" {where} group by company'
                rows.append(con.execute(q, [name, company] if company else [name]).df())
        if not rows:
            return pd.DataFrame(columns=["company", "table", "rows", "first", "last"])
        return pd.concat(rows, ignore_index=True).sort_values(["company", "table"]).reset_index(drop=True)

    def periods(self, company: str, freq: str = "Q") -> list[str]:
        """Calendar periods (e.g. ``2025Q4``) in which *company* has orders."""
        with self.connect(read_only=True) as con:
            if "orders" not in self._tables(con):
                return []
            d = con.execute("select distinct date_trunc('month', order_date) as m from orders where company = ?", [company]).df()
        return sorted({str(p) for p in pd.PeriodIndex(pd.to_datetime(d["m"]), freq=freq)})

    def ingest_log(self, company: str | None = None) -> pd.DataFrame:
        if not self.path.exists():
            return pd.DataFrame()
        with self.connect(read_only=True) as con:
            if "_ingest_log" not in self._tables(con):
                return pd.DataFrame()
            q = "select * from _ingest_log" + (" where company = ?" if company else "") + " order by id"
            return con.execute(q, [company] if company else []).df()

    def fingerprint(self, company: str) -> str:
        """Short hash that changes whenever an ingest changes *company*'s data."""
        log = self.ingest_log(company)
        if log.empty:
            return ""
        key = log[["table", "sha256", "mode", "rows_loaded", "finished_at"]].astype(str).to_csv(index=False)
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def load(self, company: str, start, end, tables: list[str] | None = None) -> CRMData:
        """Canonical tables of *company* up to *end* (inclusive), window ``[start, end]``.

        Raises
        ------
        DataError
            When the company is not in the store or the window is empty/inverted.
        """
        s, e = as_timestamp(start).normalize(), as_timestamp(end).normalize()
        if e < s:
            raise DataError(f"The window ends ({e.date()}) before it starts ({s.date()}); check start and end.")
        end_excl = e + pd.Timedelta(days=1)
        with self.connect(read_only=True) as con:
            have = self._tables(con)
            if "customers" not in have or not con.execute("select 1 from customers where company = ? limit 1", [company]).fetchone():
                known = self.companies()
                raise DataError(
                    f"Company {company!r} has no customers in store {self.path}. "
                    f"Companies in the store: {', '.join(known) or 'none'}. Ingest its customers and orders first."
                )
            counts = {
                name: (con.execute(*self._select(name, company, end_excl, "count(*)")).fetchone()[0] if name in have else 0)
                for name in TABLE_NAMES
            }

        def load_table(name: str) -> pd.DataFrame:
            if counts.get(name, 0) == 0:
                return empty_table(name)
            with self.connect(read_only=True) as con:
                return fetch_frame(con, *self._select(name, company, end_excl, "* EXCLUDE (company)"), table=TABLES[name])

        lazy = LazyTables(load_table)
        for name in tables or ():
            lazy[name]  # eager load of the requested tables
        return CRMData(company, s, e, lazy, fingerprint=self.fingerprint(company), store_path=str(self.path), row_counts=counts)

    @staticmethod
    def _select(name: str, company: str, end_excl: pd.Timestamp, what: str) -> tuple[str, list]:
        """Rows of *company* up to the window end (campaigns: all), as :func:`crmkit.store.sql.company_rows_sql`."""
        from crmkit.store.sql import company_rows_sql

        return company_rows_sql(name, company, end_excl, what), []


def _is_large_file(source) -> bool:
    try:
        p = Path(source)
        return p.suffix.lower() in (".csv", ".txt", ".tsv", ".parquet", ".pq") and p.stat().st_size >= LARGE_FILE_BYTES
    except (OSError, TypeError, ValueError):
        return False
