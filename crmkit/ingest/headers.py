"""The header row of an export as written, so that a repeated header is refused instead of renamed.

pandas renames a repeated header ``x`` to ``x.1`` and DuckDB to ``x_1``; the
source would then be read from one of the columns and the other dropped or
mapped by accident.  Both ingest paths (:mod:`crmkit.ingest.canonical`,
:mod:`crmkit.ingest.duck`) read the header row here and pass it to
:func:`check_unique_headers`.  Headers are compared after the normalisation
the readers apply (surrounding whitespace removed); empty header cells are
not compared.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pandas as pd

from crmkit.errors import DataError

__all__ = ["head_text", "csv_header", "excel_header", "parquet_header", "duplicate_headers", "check_unique_headers"]


def head_text(path: Path, encoding: str, chars: int = 65536) -> str | None:
    """At least the first *chars* characters of *path* decoded (BOM removed), or None when they do not decode."""
    dec = codecs.getincrementaldecoder(encoding)()
    text = ""
    with open(path, "rb") as fh:
        while len(text) < chars + 1:
            chunk = fh.read(1 << 16)
            if not chunk:
                try:
                    text += dec.decode(b"", final=True)
                except UnicodeDecodeError:
                    return None
                break
            try:
                text += dec.decode(chunk)
            except UnicodeDecodeError:
                return None
    return text.lstrip("\ufeff")


def csv_header(head: str, sep: str, skip_rows: int = 0) -> list[str]:
    """The header cells of CSV text *head*, read as :func:`crmkit.ingest.sources.read_source` reads the header."""
    try:
        row = pd.read_csv(io.StringIO(head), sep=sep, header=None, nrows=1, dtype=str, keep_default_na=False,
                          skiprows=skip_rows, skipinitialspace=True)
    except (pd.errors.EmptyDataError, pd.errors.ParserError):
        return []
    return [str(x) for x in row.iloc[0].tolist()] if len(row) else []


def excel_header(path: Path, sheet: int | str, skip_rows: int = 0) -> list[str]:
    """The header cells of an Excel sheet (empty cells as ``""``)."""
    try:
        row = pd.read_excel(path, sheet_name=sheet, header=None, nrows=1, skiprows=skip_rows, dtype=object)
    except Exception:  # the reader reported unreadable workbooks already
        return []
    if not len(row):
        return []
    return ["" if pd.isna(x) else str(x) for x in row.iloc[0].tolist()]


def parquet_header(path: Path) -> list[str] | None:
    """Column names in a Parquet file's schema, without a stored pandas index; None when unreadable."""
    try:
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
    except Exception:  # pyarrow raises several types; the reader reports them
        return None
    meta = schema.pandas_metadata or {}
    index_cols = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
    return [n for n in schema.names if n not in index_cols]


def duplicate_headers(headers: list) -> dict[str, list[int]]:
    """Headers (whitespace removed) that occur more than once, with their 1-based column numbers."""
    seen: dict[str, list[int]] = {}
    for i, h in enumerate(headers, start=1):
        name = str(h).strip()
        if name:
            seen.setdefault(name, []).append(i)
    return {h: cols for h, cols in seen.items() if len(cols) > 1}


def check_unique_headers(description: str, headers: list) -> None:
    """Refuse a source whose header row repeats a header.

    Raises
    ------
    DataError
        Naming the source, each repeated header and its column numbers.
    """
    dups = duplicate_headers(headers)
    if not dups:
        return
    shown = "; ".join(f"{h!r} in columns {', '.join(map(str, cols))}" for h, cols in dups.items())
    raise DataError(
        f"{description}: repeated column header{'s' if len(dups) > 1 else ''} {shown}. Every column needs its own "
        "header (surrounding spaces do not count), or it is unclear which column holds the data. "
        "Rename or remove the repeated column in the export and try again."
    )
