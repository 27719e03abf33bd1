"""Small valid datasets of unusual shapes, generated from scratch (not the demo generator).

Each shape is one company with canonical frames; :func:`shapes` returns
``{company: {table: frame}}`` for the report-suite fuzz test. The data are
seeded and deliberately awkward: a single signup cohort, a single survey
type whose scores are all identical, one category level everywhere, churn
events only in the latest period, a window at the very start of the data (no
previous period), only the two required tables, a handful of customers, and
text fields full of markup and mathtext.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW = ("2025-10-01", "2025-12-31")
"""The reported window of every shape (period 2025Q4)."""

HOSTILE = ["<b>bold</b> & co", "$x_1^2$ plan", r"back\slash_under", "50% $off$", "<script>alert(1)</script>"]
"""Text values with HTML markup, mathtext and escapes."""


def _customers(rng: np.random.Generator, n: int, first: str, last: str, *, one_cohort: bool = False,
               text: list[str] | None = None) -> pd.DataFrame:
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    if one_cohort:
        signup = lo + pd.to_timedelta(rng.integers(0, 20, n), unit="D")
    else:
        signup = lo + pd.to_timedelta(rng.integers(0, max((hi - lo).days, 1), n), unit="D")
    regions = text or ["north", "south", "east"]
    return pd.DataFrame({
        "customer_id": [f"K{i:04d}" for i in range(n)],
        "signup_date": signup,
        "customer_type": rng.choice(["individual", "sme"], n),
        "region": rng.choice(regions, n),
        "acquisition_channel": rng.choice(regions, n),
        "acquisition_cost": rng.uniform(10, 60, n).round(2),
    })


def _orders(rng: np.random.Generator, customers: pd.DataFrame, end: str, *, rate: float = 0.06,
            categories: list[str] | None = None, channels: list[str] | None = None) -> pd.DataFrame:
    """Poisson purchases from each customer's signup to *end*, with a per-customer dropout."""
    stop = pd.Timestamp(end) + pd.Timedelta(hours=20)
    cats = categories or ["food", "home", "beauty"]
    chans = channels or ["online", "store", "app"]
    rows = []
    for cid, signup in zip(customers["customer_id"], customers["signup_date"]):
        life = rng.exponential(400)
        t = pd.Timestamp(signup) + pd.Timedelta(hours=10)
        first = True
        while t <= stop and (t - pd.Timestamp(signup)).days <= life:
            if first or rng.random() < 0.97:
                rows.append((cid, t))
            first = False
            t = t + pd.Timedelta(days=float(rng.exponential(1 / rate)) + 0.5)
    n = len(rows)
    amount = rng.gamma(2.0, 40.0, n).round(2)
    return pd.DataFrame({
        "order_id": [f"O{i:06d}" for i in range(n)],
        "customer_id": [r[0] for r in rows],
        "order_date": [r[1] for r in rows],
        "amount": amount,
        "quantity": rng.integers(1, 4, n),
        "category": rng.choice(cats, n),
        "channel": rng.choice(chans, n),
        "is_return": np.zeros(n, dtype=bool),
        "gross_margin": (amount * 0.3).round(2),
    })


def _surveys(rng: np.random.Generator, customers: pd.DataFrame, first: str, end: str, *,
             types: tuple[str, ...] = ("csat", "nps"), constant: float | None = None,
             comments: list[str] | None = None, n: int = 160) -> pd.DataFrame:
    lo, hi = pd.Timestamp(first), pd.Timestamp(end)
    kind = rng.choice(list(types), n)
    scale = np.where(kind == "nps", 10, 5)
    score = np.where(kind == "nps", rng.integers(0, 11, n), rng.integers(1, 6, n)).astype(float)
    if constant is not None:
        score = np.minimum(np.full(n, constant), scale)
    text = comments or ["slow delivery", "friendly staff", "price too high", "great app", ""]
    return pd.DataFrame({
        "response_id": [f"R{i:05d}" for i in range(n)],
        "responded_at": lo + pd.to_timedelta(rng.integers(0, (hi - lo).days + 1, n), unit="D") + pd.Timedelta(hours=9),
        "survey_type": kind,
        "score": score,
        "scale_max": scale.astype(float),
        "customer_id": rng.choice(customers["customer_id"].to_numpy(), n),
        "touchpoint": rng.choice(["delivery", "support"], n),
        "channel": rng.choice(["web", "store"], n),
        "driver_speed": rng.integers(1, 6, n).astype(float),
        "driver_price": rng.integers(1, 6, n).astype(float),
        "comment": rng.choice(text, n),
    })


def _tickets(rng: np.random.Generator, customers: pd.DataFrame, first: str, end: str, *,
             channels: list[str] | None = None, reasons: list[str] | None = None, n: int = 120) -> pd.DataFrame:
    lo, hi = pd.Timestamp(first), pd.Timestamp(end)
    opened = lo + pd.to_timedelta(rng.integers(0, (hi - lo).days + 1, n), unit="D") + pd.Timedelta(hours=8)
    first_resp = opened + pd.to_timedelta(rng.exponential(4, n) + 0.1, unit="h")
    resolved = first_resp + pd.to_timedelta(rng.exponential(20, n) + 0.1, unit="h")
    complaint = rng.random(n) < 0.3
    why = reasons or ["late", "damaged", "billing"]
    return pd.DataFrame({
        "ticket_id": [f"T{i:05d}" for i in range(n)],
        "opened_at": opened,
        "channel": rng.choice(channels or ["phone", "email", "chat"], n),
        "customer_id": rng.choice(customers["customer_id"].to_numpy(), n),
        "category": rng.choice(["delivery", "billing"], n),
        "is_complaint": complaint,
        "complaint_reason": np.where(complaint, rng.choice(why, n), None),
        "first_response_at": first_resp,
        "resolved_at": resolved,
        "first_contact_resolution": rng.random(n) < 0.6,
        "satisfaction": rng.integers(1, 6, n).astype(float),
        "agent_id": rng.choice(["A1", "A2", "A3"], n),
        "handling_minutes": rng.uniform(3, 40, n).round(1),
    })


def _campaigns(names: list[str] | None = None) -> pd.DataFrame:
    names = names or ["Autumn sale", "Winter club"]
    return pd.DataFrame({
        "campaign_id": [f"CP{i}" for i in range(len(names))],
        "cost": [1500.0 + 500 * i for i in range(len(names))],
        "name": names,
        "channel": ["email"] * len(names),
        "start_date": pd.to_datetime(["2025-10-05"] * len(names)),
        "end_date": pd.to_datetime(["2025-11-05"] * len(names)),
        "target_count": [200] * len(names),
    })


def _costs(first: str, end: str) -> pd.DataFrame:
    months = pd.date_range(first, end, freq="MS")
    cats = ["service", "marketing", "acquisition", "loyalty_rewards", "crm_tools"]
    return pd.DataFrame([{"period_start": m, "category": c, "amount": 1000.0 + 100 * i}
                         for m in months for i, c in enumerate(cats)])


def _full(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame, first: str, end: str,
          **kw) -> dict[str, pd.DataFrame]:
    return {"customers": customers, "orders": orders,
            "surveys": _surveys(rng, customers, max(first, "2025-01-01"), end, **kw.get("surveys", {})),
            "tickets": _tickets(rng, customers, max(first, "2025-01-01"), end, **kw.get("tickets", {})),
            "campaigns": _campaigns(kw.get("campaigns")), "costs": _costs(max(first, "2025-01-01"), end)}


def shapes(seed: int = 11) -> dict[str, dict[str, pd.DataFrame]]:
    """``{company: {table: frame}}``, one company per awkward shape (all valid under the data contract)."""
    rng = np.random.default_rng(seed)
    end = WINDOW[1]
    out: dict[str, dict[str, pd.DataFrame]] = {}

    cu = _customers(rng, 80, "2024-01-01", "2025-11-30")
    out["only_required"] = {"customers": cu, "orders": _orders(rng, cu, end)}

    cu = _customers(rng, 70, "2024-03-01", "2024-03-31", one_cohort=True)
    out["one_cohort"] = _full(rng, cu, _orders(rng, cu, end), "2024-03-01", end)

    cu = _customers(rng, 70, "2024-01-01", "2025-11-30")
    out["flat_scores"] = _full(rng, cu, _orders(rng, cu, end, categories=["only"], channels=["online"]),
                               "2024-01-01", end, surveys={"types": ("csat",), "constant": 4.0},
                               tickets={"channels": ["phone"], "reasons": ["late"]}, campaigns=["Solo"])

    cu = _customers(rng, 90, "2024-01-01", "2025-09-30")
    cu["signup_date"] = cu["signup_date"].dt.normalize()
    od = _orders(rng, cu, end, rate=0.03)
    quitters = cu.sample(12, random_state=seed)["customer_id"]
    churn = pd.DataFrame({"customer_id": quitters.to_numpy(),
                          "churned_at": pd.Timestamp("2025-11-15") + pd.to_timedelta(np.arange(12), unit="D"),
                          "reason": ["price"] * 12})
    last_order = od[od["customer_id"].isin(quitters)].groupby("customer_id")["order_date"].max()
    od = od[~(od["customer_id"].isin(quitters) & (od["order_date"] > pd.Timestamp("2025-11-14")))]
    assert (last_order.index.isin(quitters)).all()
    out["churn_latest_only"] = {**_full(rng, cu, od, "2024-01-01", end), "churn_events": churn}

    cu = _customers(rng, 60, "2025-10-01", "2025-12-15")
    out["window_at_start"] = _full(rng, cu, _orders(rng, cu, end, rate=0.1), "2025-10-01", end)

    cu = _customers(rng, 60, "2024-06-01", "2025-11-30", text=HOSTILE)
    out["hostile_text"] = _full(rng, cu, _orders(rng, cu, end, categories=HOSTILE),
                                "2024-06-01", end, surveys={"comments": HOSTILE},
                                tickets={"reasons": HOSTILE}, campaigns=HOSTILE[:3])

    cu = _customers(rng, 6, "2025-01-01", "2025-09-30")
    out["tiny"] = _full(rng, cu, _orders(rng, cu, end, rate=0.08), "2025-01-01", end, surveys={"n": 5},
                        tickets={"n": 4})
    return out
