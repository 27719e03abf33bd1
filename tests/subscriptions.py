"""A tiny hand-computed subscription (contractual) business shared by the customer-base, loyalty and churn tests."""

from __future__ import annotations

import pandas as pd

# A tiny subscription business, window Q1 2025 (hand-computed in the comments).
SUB_CUSTOMERS = pd.DataFrame({
    "customer_id": list("abcdefghij"),
    "signup_date": pd.to_datetime(["2024-03-01", "2024-05-01", "2024-06-01", "2024-07-01", "2025-01-15", "2025-02-01",
                                   "2025-04-05", "2024-08-01", "2024-09-01", "2024-10-01"]),
})
SUB_EVENTS = pd.DataFrame({
    "customer_id": ["b", "c", "d", "f", "h", "i", "j"],
    "churned_at": pd.to_datetime(["2025-02-10 00:00", "2024-11-20 00:00", "2024-12-01 00:00", "2025-03-10 00:00", "2024-12-31 23:00",
                                  "2025-01-01 08:00", "2024-12-15 00:00"]),
    "reason": ["too_expensive"] * 7,
})
SUB_ORDERS = pd.DataFrame({
    "order_id": [f"s{i}" for i in range(7)],
    "customer_id": ["a", "a", "d", "d", "j", "j", "e"],
    "order_date": pd.to_datetime(["2024-03-01", "2025-01-10", "2024-07-01", "2025-02-05", "2024-10-01", "2024-12-15",
                                  "2025-01-15"]),
    "amount": [30.0] * 7,
})
# a: subscribed throughout; b, i: subscribers at the start who cancel in the window (i on its first day);
# c, h: cancelled before the window (h on its last day before it); d: cancelled before, orders again in the window: won
# back; j: ordered on the day it cancelled, not after: stays cancelled; e, f: sign up in the window, f cancels in it;
# g: signs up after the window.
# S0 = {a, b, i}, S1 = {a, d, e}; new = {e, f}, won back = {d}; cancellations = {b, i, f}.
