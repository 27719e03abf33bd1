"""Two companies unlike the demo, simulated from published descriptions of public datasets.

``telco`` follows the description of the IBM *Telco Customer Churn* sample
(7,043 subscribers of a telecom operator; contracts month-to-month 55 %, one
year 21 %, two year 24 %; payment by electronic check 34 %, mailed check 23 %,
bank transfer 22 %, credit card 22 %; monthly charges 18-119 USD, mean about
65; churn strongly tied to the contract: about 43 % of month-to-month, 11 %
of one-year and 3 % of two-year customers left in the sample's last
observation). Scaled down to 1,500 subscribers with monthly billing and
recorded cancellations, and with the month-to-month hazard set so that
about a fifth of the subscribers at the start of 2025Q4 cancel in that quarter
(subscribers sign up from mid-2024 on: a young, growing base).

``giftshop`` follows the description of the UCI *Online Retail* data set (a
UK-based online retailer of gifts, many customers wholesalers; 541,909
invoice lines over one year from its first day, about 4,370 customers, 90 %
of them in the United Kingdom; cancellations are invoices marked "C" with
negative quantities). Every customer is first seen in the first month of the
data, so the base is a single cohort; invoices have several lines on the same
day. Scaled down to 700 customers over 2024-12 to 2025-12.

Both are valid under the data contract and carry only what such exports
carry; the churn events, the contract type and the payment method of
``telco`` arrive as ``churn_events`` and ``attr_*`` columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOW = ("2025-10-01", "2025-12-31")

CONTRACTS = {"month_to_month": (0.55, 0.22), "one_year": (0.21, 0.02), "two_year": (0.24, 0.004)}
"""Contract type: (share of customers, monthly cancellation probability)."""

PAYMENTS = {"electronic_check": 0.34, "mailed_check": 0.23, "bank_transfer": 0.22, "credit_card": 0.21}


def telco(seed: int = 2025, n: int = 1500) -> dict[str, pd.DataFrame]:
    """A subscription business: monthly bills, recorded cancellations, contract and payment attributes."""
    rng = np.random.default_rng(seed)
    start, stop = pd.Timestamp("2024-07-01"), pd.Timestamp(WINDOW[1])
    signup = start + pd.to_timedelta(rng.integers(0, (stop - start).days - 20, n), unit="D")
    names = list(CONTRACTS)
    contract = rng.choice(names, n, p=[CONTRACTS[c][0] for c in names])
    payment = rng.choice(list(PAYMENTS), n, p=list(PAYMENTS.values()))
    fee = np.clip(rng.normal(65, 30, n), 18.25, 118.75).round(2)
    customers = pd.DataFrame({"customer_id": [f"TC{i:05d}" for i in range(n)], "signup_date": signup,
                              "customer_type": "individual", "region": rng.choice(["north", "south", "west"], n),
                              "acquisition_channel": rng.choice(["online", "store", "partner"], n),
                              "acquisition_cost": rng.uniform(40, 160, n).round(2),
                              "attr_contract": contract, "attr_payment": payment})
    orders, events = [], []
    for i in range(n):
        hazard = CONTRACTS[contract[i]][1] * (1.6 if payment[i] == "electronic_check" else 1.0)
        k, t = 0, signup[i]
        while t <= stop:
            orders.append((customers.customer_id[i], t + pd.Timedelta(hours=9), fee[i]))
            k += 1
            nxt = signup[i] + pd.DateOffset(months=k)
            if rng.random() < hazard:
                cancel = t + pd.Timedelta(days=int(rng.integers(1, max((nxt - t).days, 2))), hours=15)
                if cancel <= stop:
                    events.append((customers.customer_id[i], cancel, rng.choice(["price", "competitor", "service"])))
                break
            t = nxt
    od = pd.DataFrame(orders, columns=["customer_id", "order_date", "amount"])
    od.insert(0, "order_id", [f"B{i:07d}" for i in range(len(od))])
    od["channel"] = "online"
    od["category"] = "subscription"
    od["gross_margin"] = (od["amount"] * 0.45).round(2)
    ev = pd.DataFrame(events, columns=["customer_id", "churned_at", "reason"])
    rng2 = np.random.default_rng(seed + 1)
    m = 400
    surveys = pd.DataFrame({
        "response_id": [f"S{i:05d}" for i in range(m)],
        "responded_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng2.integers(0, 364, m), unit="D"),
        "survey_type": rng2.choice(["nps", "csat"], m),
        "customer_id": rng2.choice(customers["customer_id"], m)})
    surveys["scale_max"] = np.where(surveys["survey_type"] == "nps", 10.0, 5.0)
    surveys["score"] = np.where(surveys["survey_type"] == "nps", rng2.integers(0, 11, m), rng2.integers(1, 6, m)).astype(float)
    return {"customers": customers, "orders": od, "churn_events": ev, "surveys": surveys}


def giftshop(seed: int = 2010, n: int = 700) -> dict[str, pd.DataFrame]:
    """A single-cohort online retailer: invoices of several lines, cancellations as negative lines."""
    rng = np.random.default_rng(seed)
    first_month = pd.Timestamp("2024-12-01")
    stop = pd.Timestamp(WINDOW[1]) + pd.Timedelta(hours=18)
    first = first_month + pd.to_timedelta(rng.integers(0, 31, n), unit="D") + pd.Timedelta(hours=10)
    country = rng.choice(["United Kingdom", "Germany", "France", "EIRE"], n, p=[0.9, 0.04, 0.03, 0.03])
    customers = pd.DataFrame({"customer_id": [f"{12346 + i}" for i in range(n)],
                              "signup_date": first.normalize(), "country": country,
                              "customer_type": rng.choice(["individual", "sme"], n, p=[0.7, 0.3])})
    # Pareto/NBD-like heterogeneity: about six invoices a year on average (25,900 invoices of 4,372
    # customers in the original), and a mean lifetime of roughly a year with many early dropouts
    lam = rng.gamma(0.8, 0.02, n) + 1e-4  # invoices per day, mean 0.016
    mu = rng.gamma(0.6, 0.004, n) + 1e-5  # dropout rate per day, mean 0.0024
    rows = []
    inv = 536365
    for i in range(n):
        life = rng.exponential(1 / mu[i])
        t = first[i]
        while t <= stop and (t - first[i]).days <= life:
            lines = int(rng.integers(1, 8))
            for _ in range(lines):
                q = int(rng.integers(1, 24))
                price = float(rng.choice([0.85, 1.25, 2.1, 2.95, 4.95, 12.75]))
                rows.append((f"{inv}-{_}", customers.customer_id[i], t, round(q * price, 2), q, False))
            if rng.random() < 0.02:  # a cancelled line, invoice "C..."
                rows.append((f"C{inv}", customers.customer_id[i], t + pd.Timedelta(hours=2), -round(3 * 2.95, 2), 3, True))
            inv += 1
            t = t + pd.Timedelta(days=float(rng.exponential(1 / lam[i])) + 1)
    od = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "quantity", "is_return"])
    od["channel"] = "online"
    od["category"] = rng.choice(["gifts", "home", "party"], len(od))
    return {"customers": customers, "orders": od}


def measured_churn_rate(data: dict[str, pd.DataFrame], start: str = WINDOW[0], end: str = WINDOW[1]) -> float:
    """Subscribers at *start* (signed up before it, no cancellation before it) who cancel by *end*, over them.

    Computed here independently of crmkit, from the simulated tables.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    cu, ev = data["customers"], data["churn_events"]
    cancelled = ev.set_index("customer_id")["churned_at"]
    at_risk = cu[(cu["signup_date"] < lo) & ~cu["customer_id"].map(cancelled).lt(lo).fillna(False)]
    churned = at_risk["customer_id"].map(cancelled).between(lo, hi, inclusive="left")
    return float(churned.mean())
