"""Time the per-customer aggregation of the customer value report at scale.

Generates synthetic orders directly with numpy (independent of the demo
generator): ``n_orders`` orders over ``n_orders / 10`` customers across three
years, log-normal amounts, 5 % returns and a gross margin on 80 % of orders,
then runs :func:`crmkit.indicators.value.customer_summary` (the DuckDB SQL that builds
the per-customer RFM / historical CLV frame of ``05_value``).

Usage::

    python benchmarks/bench_value.py                # 10 million orders
    python benchmarks/bench_value.py 1000000        # another size
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np
import pandas as pd

from crmkit import value


def make_orders(n_orders: int, *, n_customers: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Synthetic canonical orders (customer activity skewed like real CRM data)."""
    rng = np.random.default_rng(seed)
    n_customers = n_customers or max(n_orders // 10, 1)
    # heavy-tailed purchase propensity: a few customers place many orders
    weights = rng.gamma(0.8, 1.0, n_customers)
    cust = rng.choice(n_customers, size=n_orders, p=weights / weights.sum())
    start = np.datetime64("2023-01-01T00:00:00", "s")
    seconds = rng.integers(0, 3 * 365 * 86400, n_orders)
    is_return = rng.random(n_orders) < 0.05
    amount = np.round(rng.lognormal(5.0, 0.8, n_orders), 2)
    amount = np.where(is_return, -amount, amount)
    margin = np.where(rng.random(n_orders) < 0.8, np.round(amount * rng.uniform(0.2, 0.45, n_orders), 2), np.nan)
    return pd.DataFrame({
        "order_id": "O" + pd.Series(np.arange(n_orders)).astype("str"),
        "customer_id": "C" + pd.Series(cust).astype("str"),
        "order_date": (start + seconds.astype("timedelta64[s]")).astype("datetime64[ns]"),
        "amount": amount,
        "is_return": pd.array(is_return, dtype="boolean"),
        "gross_margin": margin,
    })


def run(n_orders: int = 10_000_000) -> dict:
    """Generate *n_orders* orders and time the per-customer summary; returns the timings."""
    t0 = time.perf_counter()
    orders = make_orders(n_orders)
    t1 = time.perf_counter()
    summary = value.customer_summary(orders, "2025-12-31", margin_rate=0.3)
    t2 = time.perf_counter()
    segments = value.segment_summary(summary)
    t3 = time.perf_counter()
    return {
        "n_orders": int(n_orders),
        "n_customers": int(len(summary)),
        "generate_seconds": round(t1 - t0, 2),
        "customer_summary_seconds": round(t2 - t1, 2),
        "segment_summary_seconds": round(t3 - t2, 2),
        "orders_per_second": round(n_orders / (t2 - t1)),
        "champions": int(segments.set_index("segment").loc["champions", "customers"]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10_000_000
    print(json.dumps(run(n), indent=1))
