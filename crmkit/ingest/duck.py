"""DuckDB-native ingest of large CSV and Parquet exports.

:func:`ingest_large` has the contract of :func:`crmkit.ingest.canonical`
followed by :meth:`crmkit.store.database.Store.ingest` (mapping, coercion, the
rule table of :mod:`crmkit.contract.rules`, rejects file with source row
numbers and reasons, reject-rate threshold, one transaction, ingest log) but
never holds the source in pandas: the file is read by DuckDB's own readers
(``read_csv(..., all_varchar=true)``, ``read_parquet``) and typed in one pass
into an in-memory staging database, validated with SQL, and the clean rows are
copied into the store in one transaction.  Memory is bounded by DuckDB's
``memory_limit`` (the staging database spills to a temporary directory).

How values are read
-------------------
The SQL expressions implement :mod:`crmkit.contract.coerce` for the forms real exports
use (ISO dates and times, ``2025/1/3``, ``2025年1月3日``, an explicit
``date_format``, ``¥1,234.50``, ``(12.50)``, decimal commas when the mapping
says ``decimal: ","``, booleans such as 是/否 or Y/N), with the date patterns
of :mod:`crmkit.contract.dates`.  Day/month dates (``03/04/2025``) are never
read by the fast path: the day/month order of the column is decided once from
them (one query over the values left to pandas), with the rule and messages
of the pandas path, and that order is handed to the pandas coercion.  A present value that
the SQL fast path does not accept is never rejected by SQL alone: the distinct
such values are handed to the pandas coercion functions themselves, so the
result is the same as :func:`crmkit.ingest.canonical` by construction, and only
genuinely unreadable values are rejected.  The rules are run by their SQL
backend, :func:`crmkit.contract.sqlrules.insert_problems`, from the same
declarations the pandas path hands to pandera, so messages, rule names and
the order of reasons are those of :func:`crmkit.contract.schemas.row_problems`.

This module does not import the store: the target is any
:class:`IngestTarget` (:class:`crmkit.store.Store` is one), which
:meth:`crmkit.store.Store.ingest` passes as itself.

Encodings: DuckDB reads UTF-8 (with or without BOM).  GBK/GB18030 files, and
files that ``encoding: auto`` finds are not UTF-8, are transcoded to a
temporary UTF-8 file in one streaming pass first.

Excel workbooks and SQL sources are small by nature; they are passed to
:meth:`crmkit.store.database.Store.ingest` unchanged.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

import duckdb
import pandas as pd

from crmkit.contract.coerce import EMPTY_MARKERS, FALSE_VALUES, TRUE_VALUES, coerce_bools, coerce_dates, parse_number
from crmkit.contract.dates import ISO_DATE, NORMALISE, day_month_order, format_order
from crmkit.contract.mapping import Mapping
from crmkit.contract.rules import FK_REQUIRED, reference_time, unparseable_message
from crmkit.contract.sqlrules import PROBLEMS_DDL, insert_problems
from crmkit.contract.tables import Table, table as get_table
from crmkit.errors import DataError
from crmkit.ingest.canonical import (
    DEFAULT_MAX_REJECT_RATE, IngestReport, apply_mapping, rejects_file_name, resolve_mapping, settle_date_order,
)
from crmkit.ingest.headers import check_unique_headers, csv_header, head_text, parquet_header
from crmkit.ingest.sources import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES, RawSource, is_sql_url, sniff_delimiter
from crmkit.sqltext import ident, literal

__all__ = ["ingest_large", "IngestTarget", "DEFAULT_MEMORY_LIMIT", "ProgressCallback"]


class IngestTarget(Protocol):
    """What :func:`ingest_large` needs of the store it loads into (:class:`crmkit.store.Store` is one).

    ``path`` is the DuckDB file (attached to the staging connection to read
    the known customers and to write); ``write_rows`` swaps or upserts the
    rows of a relation and logs the ingest inside the caller's transaction;
    ``ingest`` is the pandas path, used for sources DuckDB does not read.
    """

    path: Path
    read_only: bool

    def write_rows(self, con: duckdb.DuckDBPyConnection, t: Table, company: str, relation: str, columns: list[str],
                   mode: str, report: IngestReport, started: dt.datetime, mapping_path: str | None) -> None: ...

    def ingest(self, source: Any, table: str, company: str, mapping: Any = None, **kw: Any) -> IngestReport: ...

#: DuckDB memory limit used while staging and writing, unless one is given.
DEFAULT_MEMORY_LIMIT = "2GB"
#: ``progress(stage, info)``; stages: ``read``, ``stage``, ``validate``, ``write``, ``done``.
ProgressCallback = Callable[[str, dict[str, Any]], None]
#: At most this many problem rows are attached to a refused ingest's ``failure_cases``.
MAX_FAILURE_CASES = 1_000_000

_PARSED_KINDS = ("date", "money", "number", "int", "bool")
_CHUNK = 1 << 22
# Python's str.strip() whitespace, for SQL trim().
_WS = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_CURRENCY_RE = r"[¥￥$€£]|RMB|CNY|USD|EUR|元|円"
_PLAIN_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_THOUSANDS_DOT_RE = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"
_THOUSANDS_COMMA_RE = r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?"
# strptime directives the SQL fast path accepts, with the digits Python's strptime accepts
# (ISO-like formats require zero-padded fields).
_DIRECTIVE_RE = {
    "Y": (r"\d{4}", r"\d{4}"), "y": (r"\d{2}", r"\d{2}"),
    "m": (r"(1[0-2]|0[1-9]|[1-9])", r"(1[0-2]|0[1-9])"),
    "d": (r"(3[01]|[12]\d|0[1-9]|[1-9])", r"(3[01]|[12]\d|0[1-9])"),
    "H": (r"(2[0-3]|[01]\d|\d)", r"(2[0-3]|[01]\d)"),
    "M": (r"([0-5]\d|\d)", r"[0-5]\d"),
    "S": (r"([0-5]\d|\d)", r"[0-5]\d"),
}


def _text_or_null(value: str | None) -> str:
    """A VARCHAR constant, or NULL for None."""
    return "NULL" if value is None else literal(value)


# --------------------------------------------------------------------------- source


class _Digest:
    """SHA-256 of a file, computed in a thread while DuckDB reads it (hashlib releases the GIL)."""

    def __init__(self, path: Path):
        self._out: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._work, args=(path,), daemon=True)
        self._thread.start()

    def _work(self, path: Path) -> None:
        try:
            h = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(_CHUNK), b""):
                    h.update(chunk)
            self._out["sha256"] = h.hexdigest()
        except OSError as e:  # re-raised where the digest is needed
            self._out["error"] = e

    def value(self) -> str:
        self._thread.join()
        if "error" in self._out:
            raise self._out["error"]
        return self._out["sha256"]


@dataclass
class _Source:
    kind: str  # csv | parquet
    path: Path  # file DuckDB reads (a transcoded copy for non-UTF-8 CSV)
    description: str
    digest: _Digest
    encoding: str | None
    reader: str  # SQL table function call
    headers: list[str]  # source headers as pandas would name them
    reader_names: list[str]  # the same columns as DuckDB names them
    types: dict[str, str]  # header -> DuckDB type
    row_offset: int  # source row number of data row 0
    written_headers: list[str] = field(default_factory=list)  # the header row as written (repeats kept)

    @property
    def sha256(self) -> str:
        return self.digest.value()


def _check_path(source: str | os.PathLike) -> Path:
    path = Path(str(source))
    if not path.exists():
        raise DataError(f"File not found: {path}. Check the path (relative paths start from {Path.cwd()}).")
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the path of one export file.")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes). Export the table again.")
    return path


def _decode_error_line(path: Path, encoding: str) -> int | None:
    """Line number of the first byte sequence that is not *encoding*, or None."""
    dec = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as e:
                return lines + chunk[: e.start].count(b"\n") + 1
            lines += chunk.count(b"\n")
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines + 1
    return None


def _transcode(path: Path, encoding: str, out: Path, declared: str) -> None:
    """Stream *path* from *encoding* to UTF-8 in *out*."""
    dec = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            try:
                dst.write(dec.decode(chunk))
            except UnicodeDecodeError as e:
                line = lines + chunk[: e.start].count(b"\n") + 1
                raise DataError(
                    f"{path}: cannot decode line {line} as {declared}. "
                    "Set 'encoding: auto' (or the right encoding) in the mapping."
                ) from None
            lines += chunk.count(b"\n")
        dst.write(dec.decode(b"", final=True))


def _is_unicode_error(e: Exception) -> bool:
    return "unicode" in str(e).lower() or "utf-8" in str(e).lower() or "utf8" in str(e).lower()


def _open_csv(con, path: Path, m: Mapping, workdir: Path) -> _Source:
    digest = _Digest(path)
    with open(path, "rb") as fh:
        first = fh.read(4)
    declared = m.encoding
    if declared == "auto":
        enc = "utf-8-sig" if first.startswith(b"\xef\xbb\xbf") else "utf-8"
    else:
        enc = "gb18030" if declared == "gbk" else declared
    read_path = path
    head = head_text(path, "utf-8-sig" if enc.startswith("utf-8") else enc)
    if enc.startswith("utf-8") and head is None and declared == "auto":
        enc = "gb18030"  # as crmkit.ingest.sources.detect_encoding: Chinese Windows exports
        head = head_text(path, enc)
    if head is None:
        line = _decode_error_line(path, enc)
        if declared == "auto":
            raise DataError("Cannot detect the text encoding; set 'encoding:' in the mapping file.")
        raise DataError(
            f"{path}: cannot decode line {line or 1} as {declared}. "
            "Set 'encoding: auto' (or the right encoding) in the mapping."
        )
    if not head.strip():
        raise DataError(f"{path} is empty. Export the table again.")
    if not enc.startswith("utf-8"):
        read_path = workdir / "source-utf8.csv"
        _transcode(path, enc, read_path, declared)
    sep = m.delimiter or sniff_delimiter(head[:65536])

    def reader(p: Path) -> str:
        return (
            f"read_csv({literal(str(p))}, all_varchar=true, header=true, delim={literal(sep)}, quote='\"', "
            f"escape='\"', skip={int(m.skip_rows)}, null_padding=true, auto_detect=true, "
            "strict_mode=false, parallel=true)"
        )

    try:
        desc = con.execute(f"DESCRIBE SELECT * FROM {reader(read_path)}").fetchall()
        con.execute(f"SELECT 1 FROM {reader(read_path)} LIMIT 1").fetchall()
    except duckdb.Error as e:
        if declared == "auto" and read_path == path and _is_unicode_error(e):
            # valid UTF-8 at the head but not further on: the file is GB18030 (or unreadable)
            line = _decode_error_line(path, "utf-8")
            if line is None:
                raise DataError(f"{path}: malformed CSV ({str(e).splitlines()[0]}). Check quoting and the delimiter ({sep!r}).") from None
            if _decode_error_line(path, "gb18030") is not None:
                raise DataError("Cannot detect the text encoding; set 'encoding:' in the mapping file.") from None
            enc = "gb18030"
            read_path = workdir / "source-utf8.csv"
            _transcode(path, enc, read_path, declared)
            desc = con.execute(f"DESCRIBE SELECT * FROM {reader(read_path)}").fetchall()
        elif _is_unicode_error(e):
            line = _decode_error_line(path, "utf-8")
            raise DataError(
                f"{path}: cannot decode line {line or 1} as {declared}. "
                "Set 'encoding: auto' (or the right encoding) in the mapping."
            ) from None
        else:
            raise DataError(f"{path}: malformed CSV ({str(e).splitlines()[0]}). Check quoting and the delimiter ({sep!r}).") from None
    names = [r[0] for r in desc]
    return _Source(
        "csv", read_path, str(path), digest, enc, reader(read_path),
        headers=[str(n).strip() for n in names], reader_names=names, types={str(n).strip(): "VARCHAR" for n in names},
        row_offset=2 + int(m.skip_rows), written_headers=csv_header(head, sep, int(m.skip_rows)),
    )


def _open_parquet(con, path: Path) -> _Source:
    digest = _Digest(path)
    reader = f"read_parquet({literal(str(path))}, file_row_number=true)"
    try:
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).pandas_metadata or {}
        index_cols = [c for c in meta.get("index_columns", []) if isinstance(c, str)]
        desc = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except Exception as e:  # pyarrow and DuckDB raise several types
        raise DataError(f"{path} could not be read as Parquet: {e}") from None
    check_unique_headers(str(path), parquet_header(path) or [])  # DuckDB would rename repeats
    cols = [(r[0], r[1]) for r in desc if r[0] != "file_row_number" and r[0] not in index_cols]
    return _Source(
        "parquet", path, str(path), digest, None, reader,
        headers=[c for c, _ in cols], reader_names=[c for c, _ in cols], types={c: t for c, t in cols}, row_offset=1,
    )


# --------------------------------------------------------------------------- SQL building


_WS_END_RE = r"[\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]$"


def _normalise_sql(x: str) -> str:
    """SQL applying :data:`crmkit.contract.dates.NORMALISE` to *x* (unanchored patterns everywhere, as Python's re)."""
    for pattern, repl in NORMALISE:
        flags = "" if pattern.startswith("^") else ", 'g'"
        x = f"regexp_replace({x}, {literal(pattern)}, {literal(repl)}{flags})"
    return x


_MACROS = [
    # str.isspace() of a code point (what Python's str.strip() removes)
    "CREATE OR REPLACE MACRO _isws(c) AS (c BETWEEN 9 AND 13 OR c BETWEEN 28 AND 32 OR c BETWEEN 8192 AND 8202 "
    "OR c IN (133, 160, 5760, 8232, 8233, 8239, 8287, 12288))",
    # trim() with a character set is slow: only call it when an end is whitespace
    f"CREATE OR REPLACE MACRO _pystrip(s) AS CASE WHEN _isws(ord(s)) OR regexp_matches(s, {literal(_WS_END_RE)}) "
    f"THEN trim(s, {literal(_WS)}) ELSE s END",
    # crmkit.contract.coerce._as_text on a value already stripped
    "CREATE OR REPLACE MACRO _empty(s) AS CASE WHEN lower(s) IN ("
    + ", ".join(literal(x) for x in sorted(EMPTY_MARKERS)) + ") THEN NULL ELSE s END",
    # crmkit.contract.coerce._parse_number after currency removal and the parenthesis rule, decimal "."
    "CREATE OR REPLACE MACRO _num_dot(x) AS CASE "
    "WHEN x LIKE '%\\%%' ESCAPE '\\' OR contains(x, ' ') THEN NULL "
    f"WHEN contains(x, ',') THEN CASE WHEN regexp_full_match(x, {literal(_THOUSANDS_DOT_RE)}) THEN replace(x, ',', '') END "
    "ELSE x END",
    "CREATE OR REPLACE MACRO _num_comma(x) AS CASE "
    "WHEN x LIKE '%\\%%' ESCAPE '\\' THEN NULL "
    f"WHEN regexp_full_match(x, {literal(_THOUSANDS_COMMA_RE)}) THEN replace(replace(x, '.', ''), ',', '.') "
    "WHEN contains(x, '.') THEN NULL ELSE replace(x, ',', '.') END",
    f"CREATE OR REPLACE MACRO _plain(y) AS CASE WHEN regexp_full_match(y, {literal(_PLAIN_RE)}) THEN CAST(y AS DOUBLE) END",
    f"CREATE OR REPLACE MACRO _cur(t) AS _pystrip(replace(regexp_replace(t, {literal(_CURRENCY_RE)}, '', 'g'), chr(160), ' '))",
    # ISO forms (after normalisation) that pandas' ISO8601 parser reads identically
    f"CREATE OR REPLACE MACRO _iso(n) AS CASE WHEN regexp_full_match(n, {literal(ISO_DATE)}) THEN "
    "try_strptime(n, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d']) END",
    # the normalisation of crmkit.contract.coerce.coerce_dates, from the same patterns
    f"CREATE OR REPLACE MACRO _norm(t) AS replace({_normalise_sql('t')}, 'T', ' ')",
]


def _let(value: str, var: str, body: str) -> str:
    """*body* with *var* bound to *value*, evaluated once per row.

    DuckDB inlines macros and subquery projections, so an expression used
    several times by the next step would be computed several times; a
    one-element ``list_transform`` binds it once.
    """
    return f"list_transform([{value}], lambda {var}: {body})[1]"


_EMPTY_SQL = ", ".join(literal(x) for x in sorted(EMPTY_MARKERS))


def _not_ws(c: str) -> str:
    """SQL: the first code point of *c* is not whitespace (bytewise, no decoding).

    UTF-8 orders like code points: U+0021..U+0084 and everything from U+3001
    on contain no whitespace; other strings (and NULL) are not claimed.
    """
    return f"(({c} >= '!' AND {c} < chr(133)) OR {c} >= chr(12289))"


def _fast_text(x: str, slow: str) -> str:
    """SQL: ``_empty(_pystrip(x))`` and the like (*slow*, over ``_x``), skipped where it returns *x* unchanged.

    A value with no whitespace at either end is what ``_pystrip`` returns; if it
    is also longer than four bytes it is no empty marker (those are at most
    four bytes, and lower() maps no other character onto their letters), so
    only short values pay for lower().  *slow* is bound in a lambda so that
    DuckDB's common-subexpression pass does not evaluate it for every row.
    """
    plain = f"{_not_ws(x)} AND {_not_ws(f'({x})[-1]')} AND (strlen({x}) > 4 OR lower({x}) NOT IN ({_EMPTY_SQL}))"
    return f"CASE WHEN {x} IS NULL THEN NULL WHEN {plain} THEN {x} ELSE {_let(x, '_x', slow)} END"


def _format_regex(fmt: str) -> str | None:
    """Regex of the strings Python's strptime reads with *fmt*, or None when unsupported."""
    iso_like = re.fullmatch(r"[%YmdHMS\-: T]*", fmt) is not None
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%":
            if i + 1 >= len(fmt):
                return None
            d = fmt[i + 1]
            if d == "%":
                out.append("%")
            elif d in _DIRECTIVE_RE:
                out.append(_DIRECTIVE_RE[d][1 if iso_like else 0])
            else:
                return None
            i += 2
            continue
        if ch.isspace() and ch != " ":
            return None
        out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _py_str_sql(expr: str, sqltype: str) -> str:
    """SQL giving ``str(value)`` as pandas would for a typed source value (NULL when missing)."""
    t = sqltype.upper()
    if t == "BOOLEAN":
        return f"CASE WHEN {expr} IS NULL THEN NULL WHEN {expr} THEN 'True' ELSE 'False' END"
    if t in ("DOUBLE", "FLOAT", "REAL"):
        return f"CASE WHEN isnan({expr}) THEN NULL ELSE CAST({expr} AS VARCHAR) END"
    if t == "VARCHAR":
        return expr
    return f"CAST({expr} AS VARCHAR)"


def _mapped_text(v: Any) -> str | None:
    """What ``_as_text`` makes of a value-map target."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    s = str(v).strip()
    return None if s.lower() in EMPTY_MARKERS else s


@dataclass
class _Col:
    """SQL of one canonical column, in three layers over the source.

    ``text`` (layer 1, over source columns) is the ``_as_text`` value after
    the value map; ``prep`` (layer 2) are helper columns over ``t_<canon>``;
    ``value`` and ``present`` (layer 3) read ``t_<canon>``, the helpers and
    the source column.
    """

    canon: str
    header: str
    kind: str
    pos: int
    text: str
    value: str
    present: str | None  # parsed kinds: is there a value to parse
    residue: bool  # present values the fast path leaves NULL go to pandas
    prep: dict[str, str] = field(default_factory=dict)
    codes: tuple[str, ...] | None = None

    @property
    def uses_text(self) -> bool:
        t = ident("t_" + self.canon)
        return t in self.value or (self.present is not None and t in self.present) or any(t in e for e in self.prep.values())

    @property
    def lower_fix(self) -> bool:
        return self.kind == "category" and bool(self.codes)


_NUMERIC = ("DOUBLE", "FLOAT", "REAL", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER",
            "USMALLINT", "UTINYINT")


def _column_sql(canon: str, header: str, kind: str, pos: int, sqltype: str, m: Mapping, is_csv: bool,
                codes: tuple[str, ...] | None) -> _Col:
    ref = ident(header)
    typ = sqltype.upper()
    numeric = typ in _NUMERIC or typ.startswith("DECIMAL")
    tref = ident("t_" + canon)
    vm = m.values.get(canon)
    if vm:
        inner = f"coalesce({ref}, '')" if is_csv else _py_str_sql(ref, typ)
        keys = "[" + ", ".join(literal(k) for k in vm) + "]"
        vals = "(CAST([" + ", ".join(_text_or_null(_mapped_text(v)) for v in vm.values()) + "] AS VARCHAR[]))"
        # list_position is NULL or 0 when the key is absent; mapped targets are already _as_text
        general = (f"CASE WHEN coalesce(list_position({keys}, _pystrip(_x)), 0) = 0 THEN _empty(_pystrip(_x)) "
                   f"ELSE {vals}[list_position({keys}, _pystrip(_x))] END")
        # a value equal to a key without surrounding whitespace is that key after _pystrip; a value with
        # no surrounding whitespace that equals no such key equals no key at all
        exact = [(k, v) for k, v in vm.items() if k == k.strip()]
        whens = " ".join(f"WHEN {literal(k)} THEN CAST({_text_or_null(_mapped_text(v))} AS VARCHAR)" for k, v in exact)
        text = _fast_text(inner, general)
        if whens:
            text = f"CASE {inner} {whens} ELSE {text} END"
        typed_source = False
    else:
        text = _fast_text(_py_str_sql(ref, typ), "_empty(_pystrip(_x))")
        typed_source = typ != "VARCHAR"
    residue = False
    present: str | None = None
    prep: dict[str, str] = {}
    if kind == "id":
        if typed_source and typ in ("DOUBLE", "FLOAT", "REAL"):
            value = (f"CASE WHEN {ref} = floor({ref}) AND NOT isinf({ref}) THEN CAST(CAST({ref} AS HUGEINT) AS VARCHAR) "
                     f"ELSE {tref} END")
        else:
            value = tref
    elif kind in ("text", "category"):
        value = f"lower({tref})" if kind == "category" and codes else tref
    elif kind == "date":
        present = f"({tref} IS NOT NULL)"
        if typed_source and (typ.startswith("TIMESTAMP") or typ == "DATE"):
            value = f"CAST(timezone('UTC', {ref}) AS TIMESTAMP)" if "TIME ZONE" in typ else f"CAST({ref} AS TIMESTAMP)"
            present = f"({ref} IS NOT NULL)"
        elif typed_source and numeric:
            x = f"CAST({ref} AS DOUBLE)"
            value = (f"CASE WHEN {x} BETWEEN 1 AND 2958465 THEN TIMESTAMP '1899-12-30' + "
                     f"to_microseconds(CAST(round({x} * 86400000000) AS BIGINT)) END")
            present = f"({ref} IS NOT NULL AND NOT isnan({x}))"
        else:
            residue = True
            if typed_source:  # booleans and other types: only pandas knows
                value = "CAST(NULL AS TIMESTAMP)"
            elif m.date_format:
                rx = _format_regex(m.date_format)
                value = (f"CASE WHEN regexp_full_match({tref}, {literal(rx)}) THEN try_strptime({tref}, {literal(m.date_format)}) END"
                         if rx else "CAST(NULL AS TIMESTAMP)")
            else:
                norm = f"CASE WHEN regexp_full_match({tref}, {literal(ISO_DATE)}) THEN {tref} ELSE _norm({tref}) END"
                value = _let(norm, "_ld", "_iso(_ld)")
    elif kind in ("money", "number", "int"):
        scale = m.amount_scale if kind == "money" else 1.0
        mul = "" if scale == 1 else f" * {float(scale)!r}"
        present = f"({tref} IS NOT NULL)"
        if typed_source and (numeric or typ == "BOOLEAN"):
            x = f"CAST(CAST({ref} AS VARCHAR) AS DOUBLE)" if typ.startswith("DECIMAL") else f"CAST({ref} AS DOUBLE)"
            value = f"(CASE WHEN isnan({x}) THEN NULL ELSE {x} END){mul}"
            present = f"({ref} IS NOT NULL AND NOT isnan({x}))"
        else:
            residue = True
            conv = "_num_dot" if m.decimal == "." else "_num_comma"
            # plain numbers are read directly (with decimal commas, only those without a dot)
            plain = _PLAIN_RE if m.decimal == "." else r"[+-]?\d+([eE][+-]?\d+)?"
            unparen = "CASE WHEN _lc LIKE '(%)' THEN _pystrip(_lc[2:-2]) ELSE _lc END"
            if m.decimal == ",":
                unparen = f"replace({unparen}, ' ', '')"
            number = _let(f"{conv}({_let(unparen, '_lu', '_lu')})", "_ly",
                          f"CASE WHEN regexp_full_match(_ly, {literal(_PLAIN_RE)}) THEN CAST(_ly AS DOUBLE) END")
            cur = _let(f"replace(regexp_replace({tref}, {literal(_CURRENCY_RE)}, '', 'g'), chr(160), ' ')", "_lr", "_pystrip(_lr)")
            slow = _let(cur, "_lc", f"(CASE WHEN _lc LIKE '(%)' THEN -1.0 ELSE 1.0 END) * {number}")
            fast = ""
            if m.decimal == ".":
                # the usual export forms: ¥1,234.50, -¥88.00, ¥-5, 1,234 (one symbol, grouped or plain digits)
                body = r"(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"
                money_re = rf"[+-]?[¥￥$€£]?{body}|[¥￥$€£][+-]?{body}"
                # translate() is slow: a value that starts with its one symbol and has no comma is the rest
                starts = " OR ".join(f"({tref} >= chr({ord(c)}) AND {tref} < chr({ord(c) + 1}))" for c in "¥￥$€£")
                fast = (f"WHEN regexp_full_match({tref}, {literal(money_re)}) "
                        f"THEN CASE WHEN ({starts}) AND NOT contains({tref}, ',') THEN CAST({tref}[2:] AS DOUBLE) "
                        f"ELSE CAST(translate({tref}, '¥￥$€£,', '') AS DOUBLE) END ")
            value = (f"(CASE WHEN regexp_full_match({tref}, {literal(plain)}) THEN TRY_CAST({tref} AS DOUBLE) "
                     f"{fast}ELSE {slow} END){mul}")
    elif kind == "bool":
        present = f"({tref} IS NOT NULL)"
        if typed_source and typ == "BOOLEAN":
            value = ref
            present = f"({ref} IS NOT NULL)"
        else:
            residue = True
            tv = ", ".join(literal(v) for v in sorted(TRUE_VALUES))
            fv = ", ".join(literal(v) for v in sorted(FALSE_VALUES))
            value = f"CASE WHEN lower({tref}) IN ({tv}) THEN TRUE WHEN lower({tref}) IN ({fv}) THEN FALSE END"
    else:
        raise DataError(f"Unknown column kind {kind!r}")
    return _Col(canon, header, kind, pos, text, value, present, residue, prep, codes)


def _header_map(m: Mapping, t: Table, headers: list[str]) -> dict[str, str]:
    """Canonical column -> source header, in the order crmkit.ingest.canonical builds its frame."""
    out = dict(m.columns)
    used = set(out.values())
    for h in headers:
        if h not in used and t.accepts(h) and h not in out:
            out[h] = h
            used.add(h)
    return out


# --------------------------------------------------------------------------- staging and checks


@dataclass
class _Plan:
    src: _Source
    m: Mapping
    t: Table
    cols: list[_Col]
    ignored: list[str]
    warnings: list[str] = field(default_factory=list)
    date_notes: list[str] = field(default_factory=list)  # day/month orders decided from the values
    rows_in: int = 0
    # position in the staged ``_fail`` list of ("w" source value | "x" text for pandas, canonical column)
    fail_pos: dict[tuple[str, str], int] = field(default_factory=dict)

    def fail(self, what: str, canon: str) -> str:
        return f"_fail[{self.fail_pos[(what, canon)]}]"


def _fails(c: _Col, v: str, n: str) -> str:
    """SQL over ``v_``/``n_`` columns: the row's value of *c* is unreadable (before pandas had a go)."""
    if c.kind == "int":
        return f"(({n} AND {v} IS NULL) OR ({v} IS NOT NULL AND {v} <> floor({v})))"
    return f"({n} AND {v} IS NULL)"


def _stage(con, plan: _Plan) -> None:
    """Create ``_stage``: the fast-path typed values of every row, in one pass over the source.

    Row numbers are ``file_row_number`` (Parquet) or the rowid, which follows
    the file because insertion order is preserved (CSV).  The source itself is
    not copied: on the rows the fast path did not read a value of, and only
    there, the list ``_fail`` keeps the text handed to pandas and (CSV) the
    source value quoted in the message; it is NULL on every other row, which
    costs next to nothing, unlike a column per value.
    """
    src = plan.src
    if src.kind == "csv":
        # DuckDB's header names, renamed to the stripped names pandas uses
        base = "SELECT " + ", ".join(f"{ident(r)} AS {ident(h)}" for h, r in zip(src.headers, src.reader_names)) + f" FROM {src.reader}"
    else:
        base = f"SELECT * FROM {src.reader}"
    # text only where the typed value reads it (DuckDB does not prune unused projections here)
    l1 = ", ".join([f"{c.text} AS {ident('t_' + c.canon)}" for c in plan.cols if c.uses_text])
    l2 = ", ".join([f"{e} AS {n}" for c in plan.cols for n, e in c.prep.items()])
    l3, out = [], ["FALSE AS _rejected"]
    if src.kind == "parquet":
        out.append("file_row_number AS _row")
    fails, items = [], []
    for c in plan.cols:
        v, n = ident("v_" + c.canon), ident("n_" + c.canon)
        l3.append(f"{c.value} AS {v}")
        out.append(v)
        if c.present is not None:
            l3.append(f"{c.present} AS {n}")
            out.append(n)
            if src.kind == "csv":
                fails.append(_fails(c, v, n))
                items.append((("w", c.canon), f"CASE WHEN {fails[-1]} THEN ltrim({ident(c.header)}, ' ') END"))
            if c.residue:
                fails.append(f"({n} AND {v} IS NULL)")
                items.append((("x", c.canon), f"CASE WHEN {fails[-1]} THEN {ident('t_' + c.canon)} END"))
    plan.fail_pos = {key: i + 1 for i, (key, _) in enumerate(items)}
    if items:
        out.append(f"CASE WHEN {' OR '.join(fails)} THEN CAST([{', '.join(e for _, e in items)}] AS VARCHAR[]) END AS _fail")
    q = f"SELECT *, {l1} FROM ({base})" if l1 else base
    if l2:
        q = f"SELECT *, {l2} FROM ({q})"
    q = f"SELECT *, {', '.join(l3)} FROM ({q})"
    con.execute(f"CREATE TABLE _stage AS SELECT {', '.join(out)} FROM ({q})")


def _src_view(con, plan: _Plan) -> None:
    """``_src``: the source values with ``_row``, read again where needed (rejects file; Parquet messages)."""
    src = plan.src
    if src.kind == "csv":
        cols = ", ".join(f"ltrim({ident(r)}, ' ') AS {ident(h)}" for h, r in zip(src.headers, src.reader_names))
        # row_number() over the whole file reads it in order, as the staging rowids were assigned
        con.execute(f"CREATE OR REPLACE VIEW _src AS SELECT row_number() OVER () - 1 AS _row, {cols} FROM {src.reader}")
    else:
        cols = ", ".join(ident(h) for h in src.headers)
        con.execute(f"CREATE OR REPLACE VIEW _src AS SELECT file_row_number AS _row, {cols} FROM {src.reader}")


def _row_ref(plan: _Plan) -> str:
    return "rowid" if plan.src.kind == "csv" else "_row"


def _resolve_residue(con, plan: _Plan) -> None:
    """Send present values the SQL fast path did not read to the pandas coercion.

    A date column's day/month order is decided here, once, from its values
    (the fast path reads no day/month form, so all of them are in the
    residue), with the rule and messages of :func:`crmkit.ingest.canonical.settle_date_order`.
    """
    m = plan.m
    for c in plan.cols:
        v = ident("v_" + c.canon)
        if c.residue:
            x = plan.fail("x", c.canon)
            res = con.execute(
                f"SELECT {x} AS _res_t, min({_row_ref(plan)}) AS _res_r FROM _stage "
                f"WHERE _fail IS NOT NULL AND {x} IS NOT NULL GROUP BY 1").df()
            texts = res["_res_t"]
            if not len(texts):
                continue
            s = pd.Series(texts.astype(object).to_numpy(), dtype=object)
            if c.kind == "date":
                order = None
                if not format_order(m.date_format):
                    ev = day_month_order(s, res["_res_r"].to_numpy(dtype="int64") + plan.src.row_offset)
                    note = settle_date_order(ev, plan.src.description, m, c.canon)
                    if note:
                        plan.date_notes.append(note)
                        order = ev.order
                out, _ = coerce_dates(s, m.date_format, order)
                res = pd.DataFrame({"_res_t": s, "_res_v": out.astype("datetime64[us]")})
            elif c.kind == "bool":
                out, _ = coerce_bools(s)
                res = pd.DataFrame({"_res_t": s, "_res_v": out.astype("boolean")})
            else:
                scale = m.amount_scale if c.kind == "money" else 1.0
                num = pd.to_numeric(pd.Series([parse_number(x, m.decimal) for x in s], dtype=object),
                                    errors="coerce").astype("float64")
                res = pd.DataFrame({"_res_t": s, "_res_v": num * scale if scale != 1 else num})
            res = res[res["_res_v"].notna()]
            if res.empty:
                continue
            con.register("_res_df", res)
            con.execute(f"UPDATE _stage SET {v} = r._res_v FROM _res_df r WHERE _stage._fail IS NOT NULL AND _stage.{x} = r._res_t")
            con.unregister("_res_df")
        if c.lower_fix:
            # str.lower of Python for values with non-ASCII characters
            vals = [r[0] for r in con.execute(
                f"SELECT DISTINCT {v} FROM _stage WHERE strlen({v}) <> length({v})").fetchall()]
            fix = pd.DataFrame({"_low_t": vals, "_low_v": [x.lower() for x in vals]}, dtype=object)
            fix = fix[fix["_low_t"] != fix["_low_v"]]
            if len(fix):
                con.register("_low_df", fix)
                con.execute(f"UPDATE _stage SET {v} = _low_v FROM _low_df WHERE {v} = _low_t")
                con.unregister("_low_df")


def _typed_view(con, plan: _Plan) -> None:
    rr = _row_ref(plan)
    parts = [f"{rr} AS _row", "_rejected"]
    for c in plan.cols:
        v = ident("v_" + c.canon)
        if c.kind == "int":
            frac = f"({v} IS NOT NULL AND {v} <> floor({v}))"
            parts.append(f"CASE WHEN {frac} THEN NULL ELSE TRY_CAST(round({v}) AS BIGINT) END AS {ident(c.canon)}")
            parts.append(f"(({ident('n_' + c.canon)} AND {v} IS NULL) OR {frac}) AS {ident('b_' + c.canon)}")
        else:
            parts.append(f"{v} AS {ident(c.canon)}")
            if c.present is not None:
                parts.append(f"({ident('n_' + c.canon)} AND {v} IS NULL) AS {ident('b_' + c.canon)}")
    if plan.fail_pos:
        parts.append("_fail")
    con.execute(f"CREATE VIEW _typed AS SELECT {', '.join(parts)} FROM _stage")


def _messages(con, plan: _Plan, c: _Col) -> None:
    """Unparseable values of *c* as problems, worded as crmkit.ingest.canonical does."""
    b = ident("b_" + c.canon)
    if plan.src.kind == "csv":
        bad = f"(SELECT _row, {plan.fail('w', c.canon)} AS _w FROM _typed WHERE {b})"
    else:  # the typed source value, read again
        bad = f"(SELECT _row, {ident(c.header)} AS _w FROM _src WHERE _row IN (SELECT _row FROM _typed WHERE {b}))"
    vals = con.execute(f"SELECT DISTINCT _w AS v FROM {bad}").fetchall()
    msgs = pd.DataFrame(
        {"_msg_v": [v for (v,) in vals], "_msg_p": [unparseable_message(plan.t.name, c.canon, v) for (v,) in vals]}
    )
    msgs["_msg_v"] = msgs["_msg_v"].astype(object)
    con.register("_msg_df", msgs)
    con.execute(
        f"INSERT INTO _problems SELECT t._row, {c.pos}, {literal('unparseable_' + c.kind)}, {literal(c.canon)}, g._msg_p "
        f"FROM {bad} t JOIN _msg_df g ON t._w IS NOT DISTINCT FROM g._msg_v"
    )
    con.unregister("_msg_df")


def _check_problems(con, plan: _Plan, now: pd.Timestamp, known: str | None) -> None:
    """Fill ``_problems(row, ord, rule, col, problem)`` as crmkit.ingest.canonical does.

    Unreadable values first (``ord`` = the column's position), then the rule
    table of :mod:`crmkit.contract.rules`, run by its SQL backend
    (:func:`crmkit.contract.sqlrules.insert_problems`) over ``_typed``.
    """
    con.execute(PROBLEMS_DDL.format(name="_problems"))
    parsed = [c for c in plan.cols if c.present is not None]
    if parsed:
        counts = con.execute(
            "SELECT " + ", ".join(f"count_if({ident('b_' + c.canon)})" for c in parsed) + " FROM _typed"
        ).fetchone()
        for c, n in zip(parsed, counts):
            if n:
                _messages(con, plan, c)
    insert_problems(
        con, plan.t.name, "_typed", [c.canon for c in plan.cols], now, problems="_problems",
        unparsed={c.canon: ident("b_" + c.canon) for c in parsed}, known=known,
    )


def _category_warnings(con, plan: _Plan) -> list[str]:
    out = []
    for c in plan.cols:
        if c.kind == "category" and c.codes:
            codes = ", ".join(literal(x) for x in c.codes)
            q = ident(c.canon)
            rows = con.execute(
                f"SELECT {q}, count(*) FROM _typed WHERE {q} IS NOT NULL AND {q} NOT IN ({codes}) GROUP BY 1"
            ).fetchall()
            if rows:
                n = sum(r[1] for r in rows)
                vals = ", ".join(sorted(str(r[0]) for r in rows)[:8])
                out.append(
                    f"{c.canon}: {n:,} values are not canonical codes ({vals}); "
                    f"canonical: {', '.join(c.codes)}. Map them under 'values: {c.canon}:' in the mapping."
                )
    return out


def _summary(con, offset: int) -> pd.DataFrame:
    df = con.execute(
        f"""
        WITH p AS (SELECT problem, row, min(ord) AS o FROM _problems GROUP BY problem, row),
        g AS (SELECT problem, count(*) AS count, min(o * 10000000000 + row) AS first FROM p GROUP BY problem),
        f AS (SELECT problem, row FROM p QUALIFY row_number() OVER (PARTITION BY problem ORDER BY row) <= 5)
        SELECT g.problem, g.count, g.first, list(f.row + {offset} ORDER BY f.row) AS rows
        FROM g JOIN f USING (problem) GROUP BY ALL ORDER BY g.count DESC, g.first
        """
    ).df()
    if df.empty:
        return pd.DataFrame(columns=["problem", "count", "first_rows"])
    first = [", ".join(str(int(x)) for x in r) + (", ..." if n > 5 else "") for r, n in zip(df["rows"], df["count"])]
    out = pd.DataFrame({"problem": df["problem"], "count": df["count"].astype("int64"), "first_rows": first})
    return out.reset_index(drop=True)


def _write_rejects(con, plan: _Plan, path: Path) -> None:
    """Rejected rows with source row number and reasons, original values, as crmkit.ingest.canonical does."""
    con.execute(
        """CREATE TABLE _bad AS SELECT row AS _row, string_agg(problem, '; ' ORDER BY o) AS problems FROM (
             SELECT row, problem, min(ord) AS o FROM _problems GROUP BY row, problem) GROUP BY row"""
    )
    _src_view(con, plan)
    cols = ", ".join(f"s.{ident(h)}" for h in plan.src.headers)
    q = (f"SELECT b._row + {plan.src.row_offset} AS source_row, b.problems, {cols} FROM _bad b JOIN _src s USING (_row) "
         "ORDER BY b._row")
    reader = con.sql(q).to_arrow_reader(200_000)
    meta = _pandas_metadata(plan.src) if plan.src.kind == "parquet" else None
    header = True
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        for batch in reader:
            if meta:  # the dtypes pandas would restore from the file (e.g. nullable integers)
                batch = batch.replace_schema_metadata({b"pandas": meta})
            df = batch.to_pandas()
            df.columns = ["source_row", "problems", *plan.src.headers]
            df.to_csv(fh, index=False, header=header)
            header = False
        if header:
            pd.DataFrame(columns=["source_row", "problems", *plan.src.headers]).to_csv(fh, index=False)
    os.replace(tmp, path)


def _pandas_metadata(src: _Source) -> bytes | None:
    """The file's pandas metadata without its index, for the rejected rows' dtypes."""
    import json

    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(src.path).pandas_metadata
    except Exception:  # no or foreign metadata
        return None
    if not meta:
        return None
    keep = set(src.headers)
    meta = dict(meta, index_columns=[], column_indexes=[],
                columns=[c for c in meta.get("columns", []) if c.get("field_name") in keep])
    return json.dumps(meta).encode()


# --------------------------------------------------------------------------- entry point


@contextlib.contextmanager
def _workdir(base: str | os.PathLike | None) -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="crmkit-ingest-", dir=base))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _settings(con, workdir: Path, memory_limit: str | None, threads: int | None) -> None:
    con.execute(f"SET memory_limit = {literal(memory_limit or DEFAULT_MEMORY_LIMIT)}")
    con.execute(f"SET temp_directory = {literal(str(workdir / 'spill'))}")
    con.execute("SET preserve_insertion_order = true")
    # A long IN list of constants is otherwise planned as a join with the list, and a plan with a join
    # appends in any order: CSV rows are numbered by the order they are staged in.
    con.execute("SET disabled_optimizers = 'in_clause'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")


def ingest_large(
    store: IngestTarget,
    source: str | os.PathLike,
    table: str,
    company: str,
    mapping: str | os.PathLike | Mapping | None = None,
    *,
    mode: str = "replace",
    max_reject_rate: float = DEFAULT_MAX_REJECT_RATE,
    rejects_dir: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    tmp_dir: str | os.PathLike | None = None,
) -> IngestReport:
    """Validate *source* and load it as *table* of *company*, in SQL.

    Same contract as :meth:`crmkit.store.database.Store.ingest` (mapping, coercion,
    validation, rejects file, reject-rate threshold, one transaction, ingest
    log) for CSV and Parquet files of any size; the source is never held in
    pandas.  Other sources (Excel, SQL URLs) are passed to
    :meth:`~crmkit.store.database.Store.ingest`.

    Parameters
    ----------
    store : IngestTarget
        Target store, not read-only (a :class:`crmkit.store.Store`).
    source : path
        CSV (``.csv``, ``.txt``, ``.tsv``; UTF-8, UTF-8 with BOM, GBK/GB18030)
        or Parquet file.
    table, company, mapping, mode, max_reject_rate, rejects_dir
        As for :meth:`crmkit.store.database.Store.ingest`.
    progress : callable, optional
        ``progress(stage, info)`` called at ``read``, ``stage``, ``validate``,
        ``write`` and ``done``; nothing is printed.
    memory_limit : str, optional
        DuckDB memory limit while staging and writing (default
        :data:`DEFAULT_MEMORY_LIMIT`); beyond it DuckDB spills to disk.
    threads : int, optional
        DuckDB threads (default: all cores).
    tmp_dir : path, optional
        Where spill files and transcoded copies go (default: the system
        temporary directory).

    Returns
    -------
    IngestReport
        ``written`` is True.

    Raises
    ------
    DataError
        Unreadable source, missing required columns, or too many rejected
        rows (the store is then left exactly as it was; ``failure_cases``
        holds up to :data:`MAX_FAILURE_CASES` problem rows).
    MappingError
        The mapping does not fit the source.

    Examples
    --------
    >>> from crmkit.store.database import Store
    >>> from crmkit.ingest.duck import ingest_large
    >>> report = ingest_large(Store("crm.duckdb"), "orders.csv", "orders", "acme",
    ...                       "orders.yaml")                        # doctest: +SKIP
    """
    emit = progress or (lambda stage, info: None)
    if store.read_only:
        raise DataError(f"{store} is read-only; open it without read_only to ingest.")
    if mode not in ("replace", "append"):
        raise DataError(f"mode must be 'replace' or 'append', not {mode!r}.")
    if not company or not str(company).strip():
        raise DataError("A company id is required (--company).")
    t = get_table(table)
    m = resolve_mapping(table, mapping)
    src_str = str(source)
    suffix = Path(src_str).suffix.lower()
    if is_sql_url(src_str) or suffix in EXCEL_SUFFIXES:
        return store.ingest(source, table, company, m, mode=mode, max_reject_rate=max_reject_rate, rejects_dir=rejects_dir,
                            engine="pandas")
    started = dt.datetime.now()
    t0 = time.perf_counter()
    path = _check_path(source)
    if suffix not in CSV_SUFFIXES and suffix not in PARQUET_SUFFIXES:
        raise DataError(
            f"{path}: unsupported file type {suffix!r}. Use CSV (.csv/.txt/.tsv), Excel (.xlsx) or Parquet (.parquet)."
        )
    now = reference_time()
    with _workdir(tmp_dir) as wd:
        # staging lives in memory (spilling to the work directory beyond memory_limit): writing it to a
        # database file would compress every column only to read it back once
        con = duckdb.connect(":memory:")
        try:
            _settings(con, wd, memory_limit, threads)
            emit("read", {"source": str(path)})
            src = _open_csv(con, path, m, wd) if suffix in CSV_SUFFIXES else _open_parquet(con, path)
            if not con.execute(f"SELECT 1 FROM {src.reader} LIMIT 1").fetchall():
                raise DataError(f"{path} has a header but no data rows. Export the table again.")
            # header and mapping errors exactly as crmkit.ingest.canonical
            check_unique_headers(src.description, src.written_headers or src.headers)
            raw = RawSource(pd.DataFrame(columns=src.headers), pd.Series([], dtype="int64"), src.description, "", src.encoding)
            mapped, ignored = apply_mapping(raw, m)
            headers = _header_map(m, t, src.headers)
            assert list(headers) == list(mapped.columns)
            cols = []
            for pos, (canon, header) in enumerate(headers.items()):
                tc = t.column(canon)
                cols.append(_column_sql(canon, header, tc.kind, pos, src.types[header], m, src.kind == "csv",
                                        tc.codes if tc.kind == "category" else None))
            plan = _Plan(src, m, t, cols, ignored)
            for sql in _MACROS:
                con.execute(sql)
            emit("stage", {"source": str(path)})
            _stage(con, plan)
            plan.rows_in = con.execute("SELECT count(*) FROM _stage").fetchone()[0]
            _resolve_residue(con, plan)
            _typed_view(con, plan)
            if src.kind == "parquet":
                _src_view(con, plan)
            emit("validate", {"rows": plan.rows_in})
            known = None
            if table in FK_REQUIRED:
                known = "_known"
                con.execute("CREATE TABLE _known (customer_id VARCHAR)")
                if store.path.exists():
                    _attach_store(con, store, read_only=True)
                    has = con.execute(
                        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = '_st' AND table_name = 'customers'"
                    ).fetchone()[0]
                    if has:
                        con.execute("INSERT INTO _known SELECT DISTINCT customer_id FROM _st.customers WHERE company = ?", [company])
                    con.execute("DETACH _st")
            _check_problems(con, plan, now, known)
            plan.warnings = plan.date_notes + _category_warnings(con, plan)
            rejected = con.execute("SELECT count(DISTINCT row) FROM _problems").fetchone()[0]
            report = IngestReport(
                source=src.description, table=table, company=company, rows_in=plan.rows_in,
                rows_loaded=plan.rows_in - rejected, rows_rejected=rejected, problems=_summary(con, src.row_offset),
                ignored_columns=ignored, warnings=plan.warnings, sha256=src.sha256, encoding=src.encoding, mode=mode,
            )
            if rejected:
                d = Path(rejects_dir) if rejects_dir else store.path.parent / "rejects"
                d.mkdir(parents=True, exist_ok=True)
                rpath = d / rejects_file_name(company, table, started)
                _write_rejects(con, plan, rpath)
                report.rejects_file = str(rpath)
                # a flag rather than an anti join when writing: a plan with a join appends in any order
                con.execute(f"UPDATE _stage SET _rejected = TRUE WHERE {_row_ref(plan)} IN (SELECT _row FROM _bad)")
            if report.rows_loaded == 0 or report.reject_rate > max_reject_rate:
                reason = "no row passed validation" if report.rows_loaded == 0 else (
                    f"{report.rows_rejected:,} of {report.rows_in:,} rows ({100 * report.reject_rate:.1f}%) were rejected, "
                    f"more than the allowed {100 * max_reject_rate:.1f}%"
                )
                fc = con.execute(
                    f"SELECT row, rule, col AS \"column\", problem FROM _problems ORDER BY ord, row LIMIT {MAX_FAILURE_CASES}"
                ).df()
                raise DataError(
                    f"Ingest of {report.source} into '{table}' refused: {reason}. The store was not changed.\n{report}\n"
                    "Fix the source or the mapping and ingest again (or raise --max-reject-rate if these rows may be dropped).",
                    failure_cases=fc,
                )
            emit("write", {"rows": report.rows_loaded})
            _write(con, store, plan, report, company, mode, started, threads)
        finally:
            con.close()
    report.written = True
    report.seconds = time.perf_counter() - t0
    emit("done", {"rows": report.rows_loaded, "seconds": report.seconds})
    return report


def _attach_store(con, store: IngestTarget, read_only: bool) -> None:
    """Attach the store as ``_st``, with the errors of :meth:`crmkit.store.database.Store.connect`."""
    try:
        con.execute(f"ATTACH {literal(str(store.path))} AS _st" + (" (READ_ONLY)" if read_only else ""))
    except duckdb.IOException as e:
        first = str(e).splitlines()[0]
        hint = " Another process is writing to it; wait for it to finish." if "lock" in first.lower() else ""
        raise DataError(f"Cannot open store {store.path}: {first}.{hint}") from None


def _write(con, store: IngestTarget, plan: _Plan, report: IngestReport, company: str, mode: str, started: dt.datetime,
           threads: int | None) -> None:
    """Copy the clean staged rows into the store in one transaction (as Store.ingest).

    The store is attached to the staging connection only now, so it is locked
    for writing just as long as :meth:`crmkit.store.database.Store.ingest` locks it; the
    rows go from the staged table straight into the store's table.
    """
    t = plan.t
    names = [c.canon for c in plan.cols]
    sel = ", ".join(ident(n) for n in names)
    clean = f"SELECT {sel} FROM memory.main._typed" + (" WHERE NOT _rejected" if report.rows_rejected else "")
    if os.environ.get("CRMKIT_THREADS") and not threads:  # as Store.connect
        con.execute(f"SET threads TO {int(os.environ['CRMKIT_THREADS'])}")
    store.path.parent.mkdir(parents=True, exist_ok=True)
    _attach_store(con, store, read_only=False)
    con.execute("USE _st")
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            store.write_rows(con, t, company, f"({clean})", names, mode, report, started, plan.m.path)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("USE memory")
            con.execute("DETACH _st")
