"""Run parameters: ``parameters/<company>/<period>.yaml`` validated by pydantic.

Only validated, typed values ever reach a notebook: the runner builds the
papermill parameter dict from :class:`Parameters` and passes just the names
each notebook declares in its ``parameters`` cell (docs/architecture.md, "Running and rendering").
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crmkit.errors import ConfigError
from crmkit.period import period_bounds, period_label
from crmkit.yamlio import read_yaml

__all__ = ["Parameters", "load_params", "NOTEBOOK_OPTIONS", "period_bounds"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# Notebook-specific options with their defaults (also declared in the notebooks' parameters cells).
NOTEBOOK_OPTIONS = (
    "churn_inactivity_days", "market_size", "sla_hours", "attribution_window_days", "margin_rate",
    "discount_rate", "clv_horizon_months", "targets", "weights", "min_n", "competitors", "business_model",
    "clv_time_unit",
)


class Parameters(BaseModel):
    """Parameters of one report run (one company, one period).

    Unknown keys are errors.  ``start``/``end`` default to the bounds of
    ``period``.  Relative paths are resolved against the parameter file.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    company: str
    period: str
    start: dt.date | None = None
    end: dt.date | None = None
    store: str | None = None
    language: Literal["en", "zh"] = "en"
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    targets: str | None = None
    weights: str | None = "default"
    churn_inactivity_days: int = Field(0, ge=0, le=3650)
    market_size: float = Field(0.0, ge=0)
    mask_pii: bool = True
    min_n: int = Field(30, ge=1)
    notebooks: list[str] | None = None
    sla_hours: float = Field(24.0, gt=0)
    attribution_window_days: int = Field(7, ge=0, le=365)
    margin_rate: float = Field(0.3, gt=0, le=1)
    discount_rate: float = Field(0.01, ge=0, lt=1)
    clv_horizon_months: int = Field(12, ge=1, le=120)
    competitors: str | None = None
    business_model: Literal["auto", "contractual", "non_contractual"] = "auto"
    clv_time_unit: Literal["day", "week"] = "week"

    @field_validator("company")
    @classmethod
    def _company(cls, v: str) -> str:
        if not _SAFE_ID.match(v):
            raise ValueError("must be 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit (it names folders)")
        return v

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> str:
        v = period_label(v)  # a bare year may be written as a number: period: 2025
        period_bounds(v)
        return v

    @model_validator(mode="after")
    def _window(self) -> "Parameters":
        first, last = period_bounds(self.period)
        if self.start is None:
            object.__setattr__(self, "start", first)
        if self.end is None:
            object.__setattr__(self, "end", last)
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self

    def notebook_values(self) -> dict[str, Any]:
        """Typed values as notebooks receive them (dates as ISO strings)."""
        d = self.model_dump()
        d["start"] = self.start.isoformat()
        d["end"] = self.end.isoformat()
        d.pop("notebooks")
        return {k: ("" if v is None else v) for k, v in d.items()}


def _format_errors(e: ValidationError, source: str) -> str:
    lines = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            near = difflib.get_close_matches(loc, list(Parameters.model_fields), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            lines.append(f"unknown parameter {loc!r}{hint}")
        else:
            lines.append(f"{loc or 'parameters'}: {err['msg']}")
    allowed = ", ".join(Parameters.model_fields)
    return f"{source}: invalid parameters: " + "; ".join(lines) + f". Allowed parameters: {allowed}."


def load_params(path: str | os.PathLike | None = None, overrides: dict[str, Any] | None = None, **kw: Any) -> Parameters:
    """Read and validate a parameter YAML file (safe loader), applying overrides.

    Raises
    ------
    ConfigError
        Missing file, invalid YAML, unknown keys or invalid values.
    """
    data: dict[str, Any] = {}
    where = "parameters"
    base = Path.cwd()
    if path is not None:
        p = Path(path)
        where = str(p)
        data = read_yaml(p, "parameter file", expect="a YAML mapping of parameter names to values")
        base = p.parent
    from_file = set(data)
    data.update(overrides or {})
    data.update(kw)
    from_file -= set(overrides or {}) | set(kw)
    try:
        params = Parameters(**data)
    except ValidationError as e:
        raise ConfigError(_format_errors(e, where)) from None
    for key in ("store", "targets", "competitors", "weights"):
        v = getattr(params, key)
        if not v or Path(v).is_absolute():
            continue
        if key == "weights" and not v.endswith((".yaml", ".yml")):
            continue  # a preset name such as 'default' or 'due_diligence'
        # paths written in the file are relative to the file; overrides to the working directory
        object.__setattr__(params, key, str(((base if key in from_file else Path.cwd()) / v).resolve()))
    return params
