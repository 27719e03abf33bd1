"""Checks of the store before any report notebook starts.

A batch that would only produce failed or empty reports is refused at once,
with one message per company-period saying what is wrong and what the store
does hold: an unknown company, a required table missing, or a window in which
the company has no orders (with the periods that do have orders).  Optional
tables that were not supplied are listed once, with the reports they thin out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from crmkit.contract.tables import TABLE_NAMES
from crmkit.errors import DataError

__all__ = ["REQUIRED_TABLES", "OPTIONAL_TABLE_REPORTS", "Preflight", "preflight", "check_or_raise"]

REQUIRED_TABLES = ("customers", "orders")
#: reports that have less to say without each optional table
OPTIONAL_TABLE_REPORTS: dict[str, tuple[str, ...]] = {
    "surveys": ("02_satisfaction", "08_channels", "11_voice_of_customer", "12_team_and_risk"),
    "tickets": ("06_service", "08_channels", "09_cost", "12_team_and_risk"),
    "interactions": ("03_loyalty", "07_marketing", "08_channels"),
    "campaigns": ("07_marketing",),
    "costs": ("05_value", "09_cost"),
    "churn_events": ("04_churn",),
    "loyalty_ledger": ("03_loyalty",),
    "assessment": ("10_maturity", "99_summary"),
}


@dataclass
class Preflight:
    """Outcome of :func:`preflight`: problems that stop the run, and notes."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _periods_text(store, company: str) -> str:
    quarters = store.periods(company, "Q")
    if not quarters:
        return "it has no orders at all"
    return f"it has orders in {quarters[0]}" + (f" to {quarters[-1]}" if len(quarters) > 1 else "")


def preflight(param_sets: Iterable) -> Preflight:
    """Check every company-period of a run against its store (read-only, nothing executed)."""
    from crmkit.store.database import Store

    result = Preflight()
    missing_optional: dict[str, set[str]] = {}
    stores: dict[str, Store] = {}
    for p in param_sets:
        label = f"{p.company} {p.period}"
        store = stores.setdefault(str(p.store or ""), Store(p.store or None, read_only=True))
        if not store.path.exists():
            result.errors.append(f"{label}: the store {store.path} does not exist; ingest data or run 'crmkit demo' first.")
            continue
        companies = store.companies()
        if p.company not in companies:
            known = ", ".join(companies) if companies else "none"
            result.errors.append(f"{label}: company {p.company!r} is not in the store {store.path} (companies there: {known}).")
            continue
        coverage = store.coverage(p.company)
        rows = dict(zip(coverage["table"], coverage["rows"]))
        absent = [t for t in REQUIRED_TABLES if not rows.get(t)]
        if absent:
            result.errors.append(f"{label}: the required table(s) {', '.join(absent)} of {p.company!r} are not in the store; "
                                 f"ingest them first (crmkit ingest FILE --table {absent[0]} --company {p.company}).")
            continue
        orders = coverage.set_index("table").loc["orders"]
        first, last = pd.Timestamp(orders["first"]), pd.Timestamp(orders["last"])
        start, end = pd.Timestamp(p.start), pd.Timestamp(p.end) + pd.Timedelta(days=1)
        if last < start or first >= end:
            result.errors.append(f"{label}: {p.company!r} has no orders in the window {p.start} to {p.end}; "
                                 f"{_periods_text(store, p.company)}.")
            continue
        with store.connect(read_only=True) as con:
            n = con.execute("SELECT count(*) FROM orders WHERE company = ? AND order_date >= ? AND order_date < ?",
                            [p.company, start.to_pydatetime(), end.to_pydatetime()]).fetchone()[0]
        if n == 0:
            result.errors.append(f"{label}: {p.company!r} has no orders in the window {p.start} to {p.end}; "
                                 f"{_periods_text(store, p.company)}.")
            continue
        for t in TABLE_NAMES:
            if t in OPTIONAL_TABLE_REPORTS and not rows.get(t):
                missing_optional.setdefault(t, set()).add(p.company)
    for t, companies in missing_optional.items():
        result.notes.append(f"{t} not supplied for {', '.join(sorted(companies))}: "
                            f"{', '.join(OPTIONAL_TABLE_REPORTS[t])} will skip the sections that need it.")
    return result


def check_or_raise(param_sets: Iterable) -> Preflight:
    """:func:`preflight`, raising one :class:`~crmkit.errors.DataError` (exit 2) that lists every problem."""
    result = preflight(list(param_sets))
    if result.errors:
        raise DataError("Nothing was run:\n  " + "\n  ".join(result.errors))
    return result
