"""Column-mapping files: how a company's export maps onto a canonical table.

A mapping YAML (docs/data-contract.md) names the canonical table, the source's encoding
or Excel sheet, which source header feeds each canonical column, how source
values translate into canonical codes, and number conventions::

    table: orders
    encoding: auto          # auto | utf-8 | utf-8-sig | gbk | gb18030
    sheet: 0                # Excel only
    columns:                # canonical: source header
      order_id: 订单编号
      amount: 实付金额
    values:
      channel: {线上: online, 门店: store}
    amount_scale: 1         # 0.01 when the source stores cents
    decimal: "."            # "," for 1.234,50 style numbers
    date_format: null       # strftime pattern, e.g. "%d/%m/%Y" or "%m/%d/%Y"

For SQL sources, ``query`` (a SELECT) or ``source_table`` says what to read.

``date_format`` is tried first on every value of the date columns; values it
does not read fall back to the usual forms.  It is how a mapping settles a
column of day/month dates that fit both orders (``03/04/2025``): when the
pattern writes day and month before the year, the whole column is read in its
order (:mod:`crmkit.contract.dates`); without it such a column is refused.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crmkit.errors import MappingError
from crmkit.yamlio import read_yaml
from crmkit.contract.tables import TABLE_NAMES, table as get_table

__all__ = ["Mapping", "load_mapping", "identity_mapping"]


class Mapping(BaseModel):
    """Validated content of a mapping file."""

    model_config = ConfigDict(extra="forbid")

    table: str
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    sheet: int | str = 0
    delimiter: str | None = None
    skip_rows: int = Field(0, ge=0)
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    amount_scale: float = Field(1.0, gt=0)
    decimal: Literal[".", ","] = "."
    date_format: str | None = None
    query: str | None = None
    source_table: str | None = None
    path: str | None = Field(None, exclude=True)

    @field_validator("columns", mode="before")
    @classmethod
    def _columns_as_text(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {str(k): (None if x is None else str(x)) for k, x in v.items()}
        return v

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys_as_text(cls, v: Any) -> Any:
        if isinstance(v, dict):
            out = {}
            for col, m in v.items():
                if not isinstance(m, dict):
                    raise ValueError(f"values.{col} must be a mapping of source value to canonical code")
                out[str(col)] = {_key(k): x for k, x in m.items()}
            return out
        return v

    def where(self) -> str:
        return f"mapping {self.path}" if self.path else "mapping"

    def check_against_table(self) -> None:
        """Every mapped name must be a canonical column of the table."""
        t = get_table(self.table)
        for section in ("columns", "values"):
            for name in getattr(self, section):
                if not t.accepts(name):
                    hint = difflib.get_close_matches(name, t.column_names, n=1)
                    did = f" Did you mean {hint[0]!r}?" if hint else ""
                    raise MappingError(
                        f"{self.where()}: {section}.{name} is not a column of table {self.table!r}.{did} "
                        f"Canonical columns: {', '.join(t.column_names)}."
                    )
        for col, src in self.columns.items():
            if not src:
                raise MappingError(f"{self.where()}: columns.{col} has no source header; write the header after the colon.")


def _key(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


def load_mapping(path: str | os.PathLike, table: str | None = None) -> Mapping:
    """Read and validate a mapping YAML file (safe loader only).

    Raises
    ------
    MappingError
        When the file is missing, is not valid YAML, has unknown keys, or
        names columns that the canonical table does not have.
    """
    p = Path(path)
    raw = read_yaml(p, "mapping file", missing_hint="Check the path given with --mapping.",
                    expect="a YAML mapping with at least 'table:' and 'columns:'", error=MappingError)
    if table is not None and "table" not in raw:
        raw["table"] = table
    try:
        m = Mapping(**raw, path=str(p))
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in err['loc']) or 'file'}: {err['msg']}" for err in e.errors()
        )
        raise MappingError(f"Mapping file {p} is invalid: {problems}.") from None
    if m.table not in TABLE_NAMES:
        get_table(m.table)  # raises with the list of tables
    if table is not None and m.table != table:
        raise MappingError(f"Mapping file {p} is for table {m.table!r} but --table is {table!r}. Use the matching mapping.")
    m.check_against_table()
    return m


def identity_mapping(table: str) -> Mapping:
    """Mapping for a source whose headers already are the canonical names."""
    get_table(table)
    return Mapping(table=table)
