"""The data contract: canonical tables, their columns, types and keys.

This module is the single source of truth for docs/data-contract.md.  Schemas, ingest,
the store, loaders and the demo generator all read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Column", "Table", "TABLES", "table", "TABLE_NAMES", "PII_COLUMNS", "SQL_TYPES", "FAMILIES", "FAMILY_NAME"]

# Logical column kinds.  ``id`` and ``category``/``text`` are strings; ``date``
# is a naive timestamp; ``money`` and ``number`` are float64; ``int`` is a
# nullable integer; ``bool`` is a nullable boolean.
KINDS = ("id", "text", "category", "date", "money", "number", "int", "bool")
#: DuckDB type of each column kind.
SQL_TYPES = {
    "id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR", "date": "TIMESTAMP",
    "money": "DOUBLE", "number": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    pii: bool = False
    codes: tuple[str, ...] | None = None  # canonical codes (documentation + value checks)
    min: float | None = None
    max: float | None = None

    @property
    def sql_type(self) -> str:
        """The DuckDB type the column is stored as."""
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    time_column: str | None = None
    description: str = ""
    prefixes: tuple[str, ...] = field(default=())  # open column families, e.g. driver_* (see FAMILIES)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        for p in self.prefixes:
            if name.startswith(p) and FAMILY_NAME.match(name):
                kind, lo = FAMILIES[p]
                return Column(name, kind, min=lo)
        raise KeyError(name)

    def accepts(self, name: str) -> bool:
        """True for a canonical column or a well-formed member of an open family (:data:`FAMILY_NAME`)."""
        return name in self.column_names or any(name.startswith(p) and FAMILY_NAME.match(name) for p in self.prefixes)

    def family_columns(self, names) -> list[str]:
        """The members of the table's open column families among *names*, in their order."""
        return [n for n in names if n not in self.column_names and self.accepts(n)]


FAMILIES: dict[str, tuple[str, float | None]] = {
    "driver_": ("number", 0),   # surveys: one rating per satisfaction driver
    "attr_": ("category", None),  # customers: any descriptive attribute (plan, contract type, industry, ...)
}
"""Open column families: prefix -> (kind, minimum) of every member column."""

FAMILY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
"""Names a member of an open family may have: lower-case letters, digits and ``_``, at most 63 characters."""

C = Column
CUSTOMER_TYPES = ("individual", "sme", "enterprise")
ORDER_CHANNELS = ("online", "store", "phone", "app", "partner", "other")
CONTACT_CHANNELS = ("phone", "email", "social", "chat", "store", "app", "sms", "web", "partner", "other")
COST_CATEGORIES = ("service", "marketing", "acquisition", "loyalty_rewards", "crm_tools", "staff", "complaint_handling", "other")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "customers",
            (
                C("customer_id", "id", True),
                C("signup_date", "date", True),
                C("customer_type", "category", codes=CUSTOMER_TYPES),
                C("gender", "category"),
                C("birth_year", "int", min=1900, max=2100),
                C("occupation", "category"),
                C("income_band", "category"),
                C("region", "category"),
                C("country", "category"),
                C("acquisition_channel", "category"),
                C("acquisition_cost", "money", min=0),
                C("referred_by", "id"),
                C("loyalty_tier", "category"),
                C("loyalty_joined_at", "date"),
                C("name", "text", pii=True),
                C("email", "text", pii=True),
                C("phone", "text", pii=True),
            ),
            ("customer_id",),
            "signup_date",
            "One row per customer; any number of descriptive attr_* columns (plan, contract type, industry, ...).",
            prefixes=("attr_",),
        ),
        Table(
            "orders",
            (
                C("order_id", "id", True),
                C("customer_id", "id", True),
                C("order_date", "date", True),
                C("amount", "money", True),
                C("quantity", "number", min=0),
                C("product_id", "id"),
                C("category", "category"),
                C("channel", "category", codes=ORDER_CHANNELS),
                C("discount", "money", min=0),
                C("coupon_code", "text"),
                C("points_redeemed", "number", min=0),
                C("campaign_id", "id"),
                C("is_return", "bool"),
                C("gross_margin", "money"),
            ),
            ("order_id",),
            "order_date",
            "One row per order (returns as negative amounts with is_return).",
        ),
        Table(
            "surveys",
            (
                C("response_id", "id", True),
                C("responded_at", "date", True),
                C("survey_type", "category", True),
                C("score", "number", True, min=0),
                C("scale_max", "number", min=1),
                C("customer_id", "id"),
                C("touchpoint", "category"),
                C("channel", "category"),
                C("comment", "text", pii=True),
            ),
            ("response_id",),
            "responded_at",
            "Survey responses (csat, nps, ces, product, service, employee, ...).",
            prefixes=("driver_",),
        ),
        Table(
            "tickets",
            (
                C("ticket_id", "id", True),
                C("opened_at", "date", True),
                C("channel", "category", True, codes=CONTACT_CHANNELS),
                C("customer_id", "id"),
                C("category", "category"),
                C("is_complaint", "bool"),
                C("complaint_reason", "category"),
                C("first_response_at", "date"),
                C("resolved_at", "date"),
                C("first_contact_resolution", "bool"),
                C("reopened", "bool"),
                C("satisfaction", "number", min=0),
                C("agent_id", "id"),
                C("handling_minutes", "number", min=0),
                C("cost", "money", min=0),
            ),
            ("ticket_id",),
            "opened_at",
            "Service tickets and complaints.",
        ),
        Table(
            "interactions",
            (
                C("interaction_id", "id", True),
                C("occurred_at", "date", True),
                C("channel", "category", True),
                C("customer_id", "id"),
                C("direction", "category", codes=("inbound", "outbound")),
                C("type", "category"),
                C("campaign_id", "id"),
                C("converted", "bool"),
            ),
            ("interaction_id",),
            "occurred_at",
            "Marketing and engagement touches.",
        ),
        Table(
            "campaigns",
            (
                C("campaign_id", "id", True),
                C("cost", "money", True, min=0),
                C("name", "text"),
                C("channel", "category"),
                C("start_date", "date"),
                C("end_date", "date"),
                C("target_count", "number", min=0),
            ),
            ("campaign_id",),
            "start_date",
            "Marketing campaigns and their cost.",
        ),
        Table(
            "costs",
            (
                C("period_start", "date", True),
                C("category", "category", True, codes=COST_CATEGORIES),
                C("amount", "money", True, min=0),
                C("channel", "category"),
            ),
            ("period_start", "category", "channel"),
            "period_start",
            "Relationship costs per period and category.",
        ),
        Table(
            "churn_events",
            (
                C("customer_id", "id", True),
                C("churned_at", "date", True),
                C("reason", "category"),
            ),
            ("customer_id", "churned_at"),
            "churned_at",
            "Explicit churn (contract businesses).",
        ),
        Table(
            "loyalty_ledger",
            (
                C("customer_id", "id", True),
                C("occurred_at", "date", True),
                C("points_earned", "number", min=0),
                C("points_redeemed", "number", min=0),
                C("reward_type", "category"),
            ),
            (),
            "occurred_at",
            "Loyalty points earned and redeemed.",
        ),
        Table(
            "assessment",
            (
                C("dimension", "category", True),
                C("item", "id", True),
                C("score", "number", True, min=1, max=5),
                C("weight", "number", min=0),
                C("evidence", "text"),
                C("assessor", "text", pii=True),
                C("assessed_at", "date"),
            ),
            ("item", "assessed_at"),
            "assessed_at",
            "Management maturity questionnaire (scores 1-5).",
        ),
    ]
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
PII_COLUMNS: dict[str, tuple[str, ...]] = {
    n: tuple(c.name for c in t.columns if c.pii) for n, t in TABLES.items()
}


def table(name: str) -> Table:
    """Return the canonical :class:`Table` called *name* or raise a clear error."""
    from crmkit.errors import DataError

    try:
        return TABLES[name]
    except KeyError:
        raise DataError(
            f"Unknown table {name!r}. Canonical tables are: {', '.join(TABLE_NAMES)}. "
            "Pass one of these with --table."
        ) from None
