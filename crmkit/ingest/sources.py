"""Reading raw exports: CSV (any common encoding, sniffed delimiter), Excel, Parquet, SQL."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmkit.errors import DataError, MappingError
from crmkit.contract.mapping import Mapping

__all__ = ["RawSource", "read_source", "detect_encoding", "is_sql_url", "sniff_delimiter", "CSV_SUFFIXES", "EXCEL_SUFFIXES",
           "PARQUET_SUFFIXES"]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


@dataclass
class RawSource:
    """A source read into text-like columns plus provenance."""

    frame: pd.DataFrame
    row_numbers: pd.Series  # human row number in the source (header = row 1 for files)
    description: str
    sha256: str
    encoding: str | None = None


def is_sql_url(source: str) -> bool:
    return "://" in str(source) and not Path(str(source)).exists()


def detect_encoding(data: bytes) -> str:
    """Best guess among UTF-8 (with or without BOM) and GB18030/GBK.

    UTF-8 is strict and self-validating, so it is tried first; Chinese
    Windows exports that fail it are almost always GBK, read as its superset
    GB18030.  Anything else falls back to charset-normalizer's guess.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise DataError("Cannot detect the text encoding; set 'encoding:' in the mapping file.")
    return best.encoding


def sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_source(source: str | os.PathLike, mapping: Mapping) -> RawSource:
    """Read *source* as described by *mapping*.

    Raises
    ------
    DataError
        File not found, unreadable or empty; unsupported format.
    """
    src = str(source)
    if is_sql_url(src):
        return _read_sql(src, mapping)
    path = Path(src)
    if not path.exists():
        raise DataError(f"File not found: {path}. Check the path (relative paths start from {Path.cwd()}).")
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the path of one export file.")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes). Export the table again.")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        raw = _read_csv(path, mapping)
    elif suffix in EXCEL_SUFFIXES:
        raw = _read_excel(path, mapping)
    elif suffix in PARQUET_SUFFIXES:
        try:
            df = pd.read_parquet(path)
        except Exception as e:  # pyarrow raises several types
            raise DataError(f"{path} could not be read as Parquet: {e}") from None
        raw = RawSource(df.reset_index(drop=True), pd.Series(range(1, len(df) + 1)), str(path), _hash_file(path))
    else:
        raise DataError(
            f"{path}: unsupported file type {suffix!r}. Use CSV (.csv/.txt/.tsv), Excel (.xlsx) or Parquet (.parquet)."
        )
    if raw.frame.empty:
        raise DataError(f"{path} has a header but no data rows. Export the table again.")
    return raw


def _read_csv(path: Path, mapping: Mapping) -> RawSource:
    data = path.read_bytes()
    enc = detect_encoding(data) if mapping.encoding == "auto" else mapping.encoding
    if enc == "gbk":
        enc = "gb18030"  # superset: also decodes characters GBK lacks
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(
            f"{path}: cannot decode line {line} as {mapping.encoding}. "
            "Set 'encoding: auto' (or the right encoding) in the mapping."
        ) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise DataError(f"{path} is empty. Export the table again.")
    sep = mapping.delimiter or sniff_delimiter(text[:65536])
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skiprows=mapping.skip_rows,
            skipinitialspace=True,
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} has no header row. Export the table again with headers.") from None
    except pd.errors.ParserError as e:
        raise DataError(f"{path}: malformed CSV ({e}). Check quoting and the delimiter ({sep!r}).") from None
    df.columns = [str(c).strip() for c in df.columns]
    rows = pd.Series(range(2 + mapping.skip_rows, 2 + mapping.skip_rows + len(df)))
    return RawSource(df, rows, str(path), hashlib.sha256(data).hexdigest(), enc)


def _read_excel(path: Path, mapping: Mapping) -> RawSource:
    try:
        xls = pd.ExcelFile(path)
    except Exception as e:
        raise DataError(f"{path} could not be opened as an Excel workbook: {e}") from None
    sheet = mapping.sheet
    if isinstance(sheet, str) and sheet not in xls.sheet_names:
        raise MappingError(f"{path}: no sheet named {sheet!r}. Sheets: {', '.join(xls.sheet_names)}.")
    if isinstance(sheet, int) and not 0 <= sheet < len(xls.sheet_names):
        raise MappingError(f"{path}: sheet index {sheet} out of range; the workbook has {len(xls.sheet_names)} sheets: {', '.join(xls.sheet_names)}.")
    df = pd.read_excel(xls, sheet_name=sheet, dtype=object, skiprows=mapping.skip_rows)
    df.columns = [str(c).strip() for c in df.columns]
    rows = pd.Series(range(2 + mapping.skip_rows, 2 + mapping.skip_rows + len(df)))
    name = sheet if isinstance(sheet, str) else xls.sheet_names[sheet]
    return RawSource(df, rows, f"{path} [sheet {name}]", _hash_file(path))


def _read_sql(url: str, mapping: Mapping) -> RawSource:
    import sqlalchemy as sa

    if not mapping.query and not mapping.source_table:
        raise MappingError(
            "A SQL source needs 'query:' (a SELECT statement) or 'source_table:' in the mapping, or --query on the command line."
        )
    try:
        engine = sa.create_engine(url)
    except Exception as e:
        raise DataError(f"Invalid database URL: {e}. Example: postgresql+psycopg://user:pass@host:5432/db") from None
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as con:
            if mapping.query:
                df = pd.read_sql_query(sa.text(mapping.query), con)
                what = "query"
            else:
                df = pd.read_sql_table(mapping.source_table, con)
                what = f"table {mapping.source_table}"
    except Exception as e:
        msg = str(e).splitlines()[0]
        raise DataError(f"Reading {shown} ({mapping.query or mapping.source_table}) failed: {msg}") from None
    finally:
        engine.dispose()
    if df.empty:
        raise DataError(f"{shown}: the {what} returned no rows.")
    digest = hashlib.sha256(pd.util.hash_pandas_object(df, index=False).values.tobytes()).hexdigest()
    return RawSource(df, pd.Series(range(1, len(df) + 1)), f"{shown} ({what})", digest)
