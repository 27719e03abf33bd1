"""Shared building blocks of the indicator modules: typed order lines, column helpers, windows.

Every indicator that reads orders reads them through :func:`order_lines`,
one projection written once in SQL, so the type of each column, what counts
as a return and how a margin is obtained are defined in one place and the
same statement runs over a loaded frame or over the store
(:class:`crmkit.store.sql.StoreTable`, aggregated where the rows are).

Definitions
-----------
* **Return**: an order row with ``is_return`` true *or* a negative
  ``amount`` (a refund recorded without the flag is still money going back).
  Returns reduce revenue and margin but are never counted as purchases.
* **Order**: any other order row (an order line).  Orders are what average
  order value, order counts and complaints per 1,000 orders count.
* **Purchase**: a customer's distinct calendar day with at least one order
  (:func:`purchases_sql`).  Two orders of one customer on the same day are
  one purchase, and a day with only returns is no purchase.  Every count of
  purchases or repeat purchases (repeat purchase rate, purchase frequency,
  RFM frequency, days between purchases, the churn inactivity threshold,
  the CLV models' frequency) counts purchases; a customer is *active* in a
  window when they made a purchase in it.
* **Amount**: ``amount`` as recorded, i.e. what the customer paid after any
  ``discount`` (the canonical orders table stores net amounts, so a
  discount is never subtracted a second time).
* **Margin**: ``gross_margin`` where the company supplied it, otherwise
  ``amount × margin_rate`` (missing when neither is known).  The margin of a
  return is negative like its amount.

These are the definitions of Gupta et al. (2006) "Modeling customer
lifetime value" (margin-based historical value, net of returns) and of Fader,
Hardie & Lee (2005) for the purchase counts the BTYD models need (returns are
not transactions; transactions of one customer on the same day are one
purchase, as in their CDNOW data).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from crmkit.sqltext import ident, timestamp_literal
from crmkit.period import previous_window
from crmkit.store.sql import Relation, StoreTable, query

__all__ = [
    "UNKNOWN",
    "ORDER_LINE_COLUMNS",
    "RETURN_RULE",
    "order_line_expressions",
    "order_lines_sql",
    "order_lines",
    "purchases_sql",
    "purchase_days",
    "canonical_orders",
    "require_margin",
    "margin_error",
    "missing_margins",
    "with_columns",
    "flag",
    "ratio",
    "growth_rate",
    "label",
    "previous_window",
    "sql_timestamp",
    "between_sql",
]

#: Label of a missing category.
UNKNOWN = "unknown"

#: The return rule, as a SQL condition over the canonical ``orders`` columns.
RETURN_RULE = "(coalesce(is_return, false) OR coalesce(amount < 0, false))"

#: Canonical order columns that may be absent from a supplied frame, with the pandas dtype they get.
_OPTIONAL_ORDER_COLUMNS: dict[str, str] = {
    "order_id": "str", "amount": "float64", "channel": "str", "campaign_id": "str", "discount": "float64",
    "is_return": "boolean", "gross_margin": "float64",
}

#: Columns of :func:`order_lines` (in order).
ORDER_LINE_COLUMNS: tuple[str, ...] = (
    "order_id", "customer_id", "order_date", "amount", "discount", "is_return", "channel", "campaign_id",
    "gross_margin", "margin",
)


def order_line_expressions(margin_rate: float | None = None) -> dict[str, str]:
    """The order-line projection: output column -> SQL expression over the canonical ``orders`` columns.

    ``margin`` is ``gross_margin`` where given, else ``amount × margin_rate``
    (NULL without *margin_rate*); ``is_return`` applies :data:`RETURN_RULE`.

    Examples
    --------
    >>> order_line_expressions(0.3)["margin"]
    'coalesce(CAST(gross_margin AS DOUBLE), CAST(amount AS DOUBLE) * 0.3)'
    """
    rate = "NULL" if margin_rate is None else repr(float(margin_rate))
    return {
        "order_id": "CAST(order_id AS VARCHAR)",
        "customer_id": "CAST(customer_id AS VARCHAR)",
        "order_date": "CAST(order_date AS TIMESTAMP)",
        "amount": "CAST(amount AS DOUBLE)",
        "discount": "CAST(discount AS DOUBLE)",
        "is_return": RETURN_RULE,
        "channel": "CAST(channel AS VARCHAR)",
        "campaign_id": "CAST(campaign_id AS VARCHAR)",
        "gross_margin": "CAST(gross_margin AS DOUBLE)",
        "margin": f"coalesce(CAST(gross_margin AS DOUBLE), CAST(amount AS DOUBLE) * {rate})",
    }


def order_lines_sql(table: str = "orders", *, margin_rate: float | None = None) -> str:
    """``SELECT`` of the order lines (:func:`order_line_expressions`) from the canonical orders table *table*."""
    cols = ", ".join(f"{expr} AS {ident(name)}" for name, expr in order_line_expressions(margin_rate).items())
    return f"SELECT {cols} FROM {table}"


def order_lines(orders: Relation, *, margin_rate: float | None = None) -> Relation:
    """Orders as typed order lines (:data:`ORDER_LINE_COLUMNS`), from a frame or from the store.

    A :class:`~crmkit.store.sql.StoreTable` stays in the store (the projection
    becomes its view, so later aggregations run inside DuckDB over the stored
    columns); a frame is projected by the same SQL statement and returned as
    a frame.  Either result is what :func:`crmkit.store.sql.query` accepts.

    Parameters
    ----------
    orders : DataFrame or StoreTable
        Canonical ``orders``; optional columns may be missing from a frame.
    margin_rate : float, optional
        Margin share where ``gross_margin`` is missing.

    Examples
    --------
    >>> o = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "a", "b"],
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-01-05", "2025-01-09"]),
    ...                   "amount": [100.0, -40.0, 30.0], "gross_margin": [30.0, None, None]})
    >>> lines = order_lines(o, margin_rate=0.25)
    >>> lines[["is_return", "margin"]].values.tolist()
    [[False, 30.0], [True, -10.0], [False, 7.5]]
    """
    if isinstance(orders, StoreTable):
        return orders.project(order_line_expressions(margin_rate))
    out = query(order_lines_sql("o", margin_rate=margin_rate), o=canonical_orders(orders))
    out["order_date"] = out["order_date"].astype("datetime64[us]")
    out.index = orders.index
    return out


def purchases_sql(lines: str = "o", lo=None, hi=None) -> str:
    """``SELECT`` of the purchases in the order lines *lines*: one row per customer and calendar day.

    A **purchase** is a customer's distinct calendar day with at least one
    order line that is not a return (:data:`RETURN_RULE`, applied by
    :func:`order_lines`): two orders of one customer on the same day are one
    purchase, and a day with only returns is no purchase (Fader, Hardie &
    Lee 2005, "Counting your customers the easy way", whose CDNOW
    transactions are customer-days).  This statement is the one definition;
    every indicator that counts purchases embeds it as a CTE over
    :func:`order_lines` (a frame or the store, through
    :func:`crmkit.store.sql.query`).

    Parameters
    ----------
    lines : str
        Name of a relation with the :data:`ORDER_LINE_COLUMNS`.
    lo, hi : date-like, optional
        Only order lines with ``lo <= order_date < hi`` (half-open; ``hi``
        exclusive, as from :func:`crmkit.store.data.window_bounds`).

    Returns
    -------
    str
        Columns ``customer_id``, ``day`` (DATE), ``first_at`` and
        ``last_at`` (the day's earliest and latest ``order_date``),
        ``orders`` (non-return order lines that day) and ``amount`` (their
        Σ amount).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "a", "b"], "amount": [10.0, 5.0, -5.0, -8.0],
    ...                   "order_date": pd.to_datetime(["2025-01-02 09:00", "2025-01-02 17:00", "2025-01-04 10:00", "2025-01-03 08:00"])})
    >>> p = query(purchases_sql("o") + " ORDER BY customer_id, day", o=order_lines(o))
    >>> p[["customer_id", "orders", "amount"]].values.tolist()
    [['a', 2, 15.0]]
    """
    where = ["NOT is_return", "customer_id IS NOT NULL", "order_date IS NOT NULL"]
    if lo is not None:
        where.append(f"order_date >= {timestamp_literal(lo)}")
    if hi is not None:
        where.append(f"order_date < {timestamp_literal(hi)}")
    return (f"SELECT customer_id, CAST(order_date AS DATE) AS day, min(order_date) AS first_at, "
            f"max(order_date) AS last_at, count(*) AS orders, "
            f"sum(amount) AS amount FROM {lines} WHERE {' AND '.join(where)} GROUP BY customer_id, CAST(order_date AS DATE)")


def purchase_days(orders: Relation, lo=None, hi=None) -> pd.DataFrame:
    """The purchases of :func:`purchases_sql` (orders on ``lo <= order_date < hi``) as a frame, from a frame or the store.

    Sorted by ``customer_id, day``; ``day`` as a timestamp at midnight.
    """
    out = query(f"SELECT * FROM ({purchases_sql('o', lo, hi)}) ORDER BY customer_id, day", o=order_lines(orders))
    out["day"] = pd.to_datetime(out["day"])
    out["orders"] = out["orders"].astype("int64")
    return out


def canonical_orders(orders: Relation) -> Relation:
    """*orders* as :func:`order_lines_sql` reads them: a frame gets its absent optional columns (all missing).

    A :class:`~crmkit.store.sql.StoreTable` is returned unchanged (the store
    holds every canonical column).  Use it to pass raw orders to a statement
    that embeds :func:`order_lines_sql`.
    """
    if isinstance(orders, StoreTable):
        return orders
    keep = [c for c in orders.columns if c in _OPTIONAL_ORDER_COLUMNS or c in ("customer_id", "order_date")]
    frame = with_columns(orders[keep], _OPTIONAL_ORDER_COLUMNS)
    if not pd.api.types.is_datetime64_any_dtype(frame["order_date"]):
        frame = frame.assign(order_date=pd.to_datetime(frame["order_date"]))
    if frame["customer_id"].dtype == object:
        frame = frame.assign(customer_id=frame["customer_id"].astype("str").where(frame["customer_id"].notna()))
    return frame


def missing_margins(orders: Relation) -> int:
    """Order rows without a ``gross_margin`` (counted where the rows are)."""
    if isinstance(orders, StoreTable):
        return int(query("SELECT count(*) - count(gross_margin) AS m FROM t", t=orders)["m"].iloc[0])
    if "gross_margin" not in orders:
        return int(len(orders))
    return int(pd.to_numeric(orders["gross_margin"], errors="coerce").isna().sum())


def require_margin(orders: Relation, margin_rate: float | None) -> None:
    """Raise ``ValueError`` when some orders lack ``gross_margin`` and no *margin_rate* is given."""
    if margin_rate is None and missing_margins(orders) > 0:
        raise margin_error()


def margin_error() -> ValueError:
    """The error raised when a margin is needed but neither ``gross_margin`` nor ``margin_rate`` gives it."""
    return ValueError("orders.gross_margin is missing for some orders; pass margin_rate (e.g. 0.3) "
                      "so their margin is estimated as amount × margin_rate.")


def with_columns(df: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """*df* with the optional columns in *columns* (name -> pandas dtype) added, all missing, when absent.

    Examples
    --------
    >>> with_columns(pd.DataFrame({"a": [1]}), {"b": "float64"})["b"].isna().tolist()
    [True]
    """
    missing = {c: pd.Series(None, index=df.index, dtype=t) for c, t in columns.items() if c not in df.columns}
    return df.assign(**missing) if missing else df


def flag(series: pd.Series) -> pd.Series:
    """A nullable boolean column as plain ``bool`` (missing -> ``False``).

    Examples
    --------
    >>> flag(pd.Series([True, None, False], dtype="boolean")).tolist()
    [True, False, False]
    """
    return series.astype("boolean").fillna(False).astype(bool)


def ratio(num: float, den: float) -> float:
    """``num / den``, NaN when the denominator is 0 or missing.

    Examples
    --------
    >>> ratio(3, 4), ratio(1, 0)
    (0.75, nan)
    """
    return float(num) / float(den) if den and not math.isnan(float(den)) else float("nan")


def growth_rate(current: float, previous: float) -> float:
    """``current / previous − 1``, NaN when the previous value is missing or not positive.

    Examples
    --------
    >>> growth_rate(150, 100), growth_rate(5, 0)
    (0.5, nan)
    """
    if previous is None or math.isnan(previous) or previous <= 0:
        return float("nan")
    return current / previous - 1


def label(series: pd.Series) -> pd.Series:
    """Category labels as strings, missing or blank values shown as :data:`UNKNOWN`.

    Examples
    --------
    >>> label(pd.Series(["web", None, " "])).tolist()
    ['web', 'unknown', 'unknown']
    """
    s = series.astype("str")
    return s.where(series.notna() & (s.str.strip() != ""), UNKNOWN)


def sql_timestamp(value: Any) -> str:
    """``TIMESTAMP '…'`` literal of a date-like value (:func:`crmkit.sqltext.timestamp_literal`)."""
    return timestamp_literal(value)


def between_sql(column: str, lo, hi) -> str:
    """SQL condition ``lo <= column < hi`` on a timestamp column (half-open bounds).

    Examples
    --------
    >>> print(between_sql("order_date", "2025-01-01", "2025-02-01"))
    "order_date" >= TIMESTAMP '2025-01-01 00:00:00' AND "order_date" < TIMESTAMP '2025-02-01 00:00:00'
    """
    c = ident(column)
    return f"{c} >= {timestamp_literal(lo)} AND {c} < {timestamp_literal(hi)}"

