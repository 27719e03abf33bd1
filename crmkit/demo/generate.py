"""Seeded, realistic multi-company CRM demo data.

Three companies with different business models are simulated customer by
customer, over a window ``[start, end]`` (default 2024-01-01..2025-12-31) plus
one year of earlier history:

``huamei`` 华美零售 / Huamei Retail
    Consumer retailer: individuals, frequent small orders (online, store, app),
    Double 11 (November) and pre-Spring-Festival peaks, 618 in June, a points
    loyalty programme, many referrals.
``jinghong`` 京弘工业 / Jinghong Industrial
    B2B distributor: SME and enterprise accounts, large infrequent orders by
    phone, partners and a portal, low churn, high margins.
``yunting`` 云听订阅 / Yunting Subscriptions
    Subscription service: monthly billing on three plans, explicit
    cancellations with reasons (``churn_events``), high churn.

Latent management quality
-------------------------
Each company has one latent ``management_quality`` ``mq`` in 0..1 (jinghong
0.80, huamei 0.55, yunting 0.30).  It is the common cause that consistently
shifts, on top of the business-model parameters:

* satisfaction: every experience's latent satisfaction is offset by
  ``mq - 0.5``, which moves CSAT, NPS, CES and driver scores;
* service speed: first-response and resolution times scale by
  ``exp(1.2 (0.5 - mq))``;
* complaints: the share of tickets that are complaints scales by
  ``exp(1.5 (0.5 - mq))``;
* dropout: the per-purchase (per-month) dropout probability scales by
  ``exp(1.0 (0.5 - mq))``;
* maturity: questionnaire scores centre on ``1.4 + 3.2 mq`` plus
  company-specific dimension offsets;
* employee satisfaction centres on ``2.4 + 2.2 mq``.

A composite evaluation should therefore rank jinghong first, huamei second
and yunting last.

Behavioural model
-----------------
* Acquisition: signup dates drawn from a daily intensity with growth trend
  and seasonality; a share of customers signed up in the history year.
* Purchases (retail, B2B): BG/NBD-like.  Each customer has a Poisson
  purchase rate drawn from a Gamma distribution (modulated by the company's
  seasonality, by thinning) and a dropout probability drawn from a Beta
  distribution; after each purchase the customer may become inactive.
  Subscription: one billing order per month from signup until cancellation.
* Service experience: a purchase (month) may raise a ticket, some of which
  are complaints with a reason; response and resolution times depend on
  management quality, the agent and whether it is a complaint.
* Satisfaction: latent satisfaction per experience = customer effect +
  ``mq - 0.5`` - complaint - slow resolution - earlier complaints + noise.
  Survey drivers (quality, service attitude, price, delivery, after-sales)
  react to the complaint reason; the overall CSAT is a weighted sum of
  drivers, NPS and CES follow the overall score.
* Dropout hazard rises with a complaint, slow resolution, low satisfaction,
  earlier complaints and a low purchase rate (and, for subscriptions, short
  tenure), so early-warning models find real signal.
* Campaigns target eligible customers; targeted customers convert at a
  plausible rate into extra orders carrying ``campaign_id``; touches are in
  ``interactions`` (sent, open, click, converted).
* Orders carry discounts, coupon codes, redeemed loyalty points, gross margin
  and returns (``is_return`` rows with negative amounts).
* ``costs`` are monthly and consistent with the other tables: acquisition =
  sum of customers' ``acquisition_cost`` by signup month and channel,
  marketing = campaign costs spread over campaign days, service and
  complaint handling = ticket costs, loyalty rewards = redeemed points value,
  plus fixed CRM tools, staff and other costs.

Determinism and scale
---------------------
Customers are generated in blocks of ``block_size`` (default 5,000); each
block has its own random generator derived from ``(seed, company, block)``,
so :func:`iter_generate` can stream blocks with bounded memory and their
concatenation is exactly :func:`generate`.  Company-level tables
(campaigns, costs, assessment, employee surveys) come in a final chunk per
company, after the block aggregates they depend on are known.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit.demo import _text
from crmkit.demo._assessment_text import ITEMS, LEVELS
from crmkit.demo._profiles import DIMENSIONS, PROFILES, Profile

__all__ = ["generate", "iter_generate", "BLOCK_SIZE", "SCHEMA", "TABLES"]

BLOCK_SIZE = 5_000

TABLES: tuple[str, ...] = (
    "customers", "orders", "surveys", "tickets", "interactions", "campaigns", "costs",
    "churn_events", "loyalty_ledger", "assessment",
)

_S, _F, _I, _B, _T = "str", "float64", "int64", "bool", "datetime64[ns]"
DRIVERS: tuple[str, ...] = ("quality", "service_attitude", "price", "delivery", "after_sales")

#: Column order and dtype of every generated table (canonical names, docs/data-contract.md).
SCHEMA: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": _S, "signup_date": _T, "customer_type": _S, "gender": _S,
        "birth_year": "Int64", "occupation": _S, "income_band": _S, "region": _S,
        "country": _S, "acquisition_channel": _S, "acquisition_cost": _F, "referred_by": _S,
        "loyalty_tier": _S, "loyalty_joined_at": _T, "name": _S, "email": _S, "phone": _S,
    },
    "orders": {
        "order_id": _S, "customer_id": _S, "order_date": _T, "amount": _F, "quantity": _I,
        "product_id": _S, "category": _S, "channel": _S, "discount": _F, "coupon_code": _S,
        "points_redeemed": _I, "campaign_id": _S, "is_return": _B, "gross_margin": _F,
    },
    "surveys": {
        "response_id": _S, "responded_at": _T, "survey_type": _S, "score": _I,
        "scale_max": _I, "customer_id": _S, "touchpoint": _S, "channel": _S,
        **{f"driver_{d}": _F for d in DRIVERS}, "comment": _S,
    },
    "tickets": {
        "ticket_id": _S, "opened_at": _T, "channel": _S, "customer_id": _S, "category": _S,
        "is_complaint": _B, "complaint_reason": _S, "first_response_at": _T,
        "resolved_at": _T, "first_contact_resolution": _B, "reopened": _B,
        "satisfaction": _F, "agent_id": _S, "handling_minutes": _F, "cost": _F,
    },
    "interactions": {
        "interaction_id": _S, "occurred_at": _T, "channel": _S, "customer_id": _S,
        "direction": _S, "type": _S, "campaign_id": _S, "converted": _B,
    },
    "campaigns": {
        "campaign_id": _S, "cost": _F, "name": _S, "channel": _S, "start_date": _T,
        "end_date": _T, "target_count": _I,
    },
    "costs": {"period_start": _T, "category": _S, "amount": _F, "channel": _S},
    "churn_events": {"customer_id": _S, "churned_at": _T, "reason": _S},
    "loyalty_ledger": {
        "customer_id": _S, "occurred_at": _T, "points_earned": _I, "points_redeemed": _I,
        "reward_type": _S,
    },
    "assessment": {
        "dimension": _S, "item": _S, "score": _I, "weight": _F, "evidence": _S,
        "assessor": _S, "assessed_at": _T,
    },
}

# Lunar new year (Spring Festival) dates.
_SPRING_FESTIVAL = {
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
}
_POINT_VALUE = {"retail": 0.01, "b2b": 1.0, "subscription": 0.1}
_JOIN_BONUS = {"retail": 200, "b2b": 50, "subscription": 20}
_TOUCH_TYPE = {"email": "email_sent", "sms": "sms_sent", "app_push": "push_sent",
               "wechat": "message_sent", "phone": "call", "event": "event"}
_TOUCH_CHANNEL = {"email": "email", "sms": "sms", "app_push": "app", "wechat": "wechat",
                  "phone": "phone", "event": "event"}
_UNIT_COST = {"email": 0.05, "sms": 0.06, "app_push": 0.01, "wechat": 0.1, "phone": 12.0,
              "event": 300.0}
_OPEN_RATE = {"email": 0.22, "sms": 0.0, "app_push": 0.12, "wechat": 0.35, "phone": 0.0,
              "event": 0.0}
_CLICK_RATE = {"email": 0.15, "sms": 0.04, "app_push": 0.3, "wechat": 0.12, "phone": 0.0,
               "event": 0.0}
_CAMPAIGN_ORDER_CHANNEL = {
    "retail": {"email": "online", "sms": "online", "app_push": "app", "wechat": "online",
               "phone": "phone", "event": "store"},
    "b2b": {"email": "online", "sms": "online", "app_push": "online", "wechat": "online",
            "phone": "phone", "event": "partner"},
    "subscription": {"email": "online", "sms": "app", "app_push": "app", "wechat": "app",
                     "phone": "app", "event": "online"},
}
_COST_PER_MINUTE = {"phone": 2.2, "chat": 0.9, "email": 1.1, "social": 1.0, "store": 1.6}
_COMPENSATION = {"retail": 30.0, "b2b": 600.0, "subscription": 20.0}
_REASON_CATEGORY = {
    "delivery_slow": "delivery", "quality_problem": "product_quality", "rude_staff": "service",
    "refund_delay": "returns", "price_too_high": "billing", "billing_error": "billing",
    "technical_issue": "technical",
}
_INQUIRY_CATEGORIES = {
    "retail": {"order_status": 0.4, "product_question": 0.25, "returns": 0.2, "account": 0.15},
    "b2b": {"order_status": 0.35, "product_question": 0.3, "billing": 0.2, "delivery": 0.15},
    "subscription": {"account": 0.35, "technical": 0.35, "billing": 0.3},
}
# Driver effects of each complaint reason (driver -> shift on the 1-5 scale).
_REASON_DRIVER = {
    "delivery_slow": {"delivery": -1.7},
    "quality_problem": {"quality": -1.8},
    "rude_staff": {"service_attitude": -1.9},
    "price_too_high": {"price": -1.5},
    "refund_delay": {"after_sales": -1.6},
    "billing_error": {"after_sales": -1.1, "price": -0.5},
    "technical_issue": {"quality": -1.5},
}
_DRIVER_WEIGHT = {"quality": 0.28, "service_attitude": 0.24, "price": 0.16, "delivery": 0.16,
                  "after_sales": 0.16}
_NEG_THEME = {"quality": "quality_problem", "service_attitude": "service_rude",
              "price": "price_high", "delivery": "delivery_slow", "after_sales": "after_sales_bad"}
_POS_THEME = {"quality": "quality_good", "service_attitude": "service_helpful",
              "price": "neutral", "delivery": "delivery_fast", "after_sales": "after_sales_good"}
_CHURN_REASON = {"technical_issue": "technical_problems", "billing_error": "billing_problems",
                 "rude_staff": "poor_service", "refund_delay": "poor_service",
                 "price_too_high": "too_expensive", "quality_problem": "content_quality",
                 "delivery_slow": "technical_problems"}
_EMPLOYEE_THEMES = (
    ["工作量太大，加班多", "培训机会多，成长快", "CRM系统不好用，录入重复", "团队氛围好",
     "考核指标太多", "领导支持一线员工"],
    ["Workload is too high", "Good training opportunities", "The CRM system is clumsy",
     "Great team spirit"],
)


# --------------------------------------------------------------------------- helpers


def _rng(seed: int, company: str, block: int) -> np.random.Generator:
    """Independent generator for ``(seed, company, block)``; block 0 = company level."""
    ss = np.random.SeedSequence([int(seed), zlib.crc32(company.encode()), int(block)])
    return np.random.default_rng(ss)


def _choice(rng: np.random.Generator, probs: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(probs), dtype=object)
    p = np.array(list(probs.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _group_starts(g: np.ndarray) -> np.ndarray:
    return np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, bool)


def _excl_cumsum(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``x`` before each row within runs of equal sorted ``g``."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return x
    cs = np.cumsum(x) - x
    start = _group_starts(g)
    return cs - cs[np.flatnonzero(start)][np.cumsum(start) - 1]


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float,
               n: int) -> np.ndarray:
    return np.asarray(median) * np.exp(sigma * rng.standard_normal(n))


def _clip_round(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(np.rint(x), lo, hi).astype(np.int64)


@dataclass
class _Ctx:
    """Company-level context shared by all blocks."""

    seed: int
    p: Profile
    t0: pd.Timestamp
    start_day: float
    end_day: float
    season: np.ndarray
    acq_p: np.ndarray
    n_total: int
    block_size: int
    products: dict[str, np.ndarray]
    campaigns: pd.DataFrame
    agents: np.ndarray
    agent_speed: np.ndarray

    @property
    def mq(self) -> float:
        return self.p.management_quality

    @property
    def q(self) -> float:
        return self.mq - 0.5

    def ts(self, t: np.ndarray) -> np.ndarray:
        """Days since ``t0`` -> datetime64[ns] at minute resolution (NaN -> NaT)."""
        t = np.asarray(t, dtype=float)
        out = np.full(len(t), np.datetime64("NaT"), dtype="datetime64[ns]")
        ok = np.isfinite(t)
        minutes = np.floor(t[ok] * 1440.0).astype(np.int64)
        out[ok] = np.datetime64(self.t0.to_datetime64(), "ns") + minutes.astype(
            "timedelta64[m]").astype("timedelta64[ns]")
        return out

    def day(self, t: np.ndarray) -> np.ndarray:
        """Days since ``t0`` -> midnight timestamps."""
        return self.ts(np.floor(np.asarray(t, dtype=float)))

    def season_at(self, t: np.ndarray) -> np.ndarray:
        i = np.clip(np.floor(t).astype(np.int64), 0, len(self.season) - 1)
        return self.season[i]


def _seasonality(kind: str, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Daily purchase and acquisition intensity multipliers."""
    n = len(days)
    month = days.month.to_numpy()
    dom = days.day.to_numpy()
    dow = days.day_of_week.to_numpy()
    buy = np.ones(n)
    sf_off = np.full(n, 999, dtype=np.int64)
    for y in np.unique(days.year):
        for yy in (y, y + 1):
            if yy in _SPRING_FESTIVAL:
                d = (days - pd.Timestamp(_SPRING_FESTIVAL[yy])).days.to_numpy()
                sf_off = np.where(np.abs(d) < np.abs(sf_off), d, sf_off)
    if kind == "retail":
        buy *= np.where(dow >= 5, 1.15, 1.0)
        buy *= np.where((month == 11) & (dom <= 10), 1.8, 1.0)
        buy *= np.where((month == 11) & (dom == 11), 5.0, 1.0)
        buy *= np.where((month == 11) & (dom > 11), 1.3, 1.0)
        buy *= np.where(month == 12, 1.1, 1.0)
        buy *= np.where((month == 6) & (dom <= 18), 1.4, 1.0)
        buy *= np.where((sf_off >= -21) & (sf_off <= -2), 1.7, 1.0)
        buy *= np.where((sf_off >= -1) & (sf_off <= 6), 0.5, 1.0)
        acq = buy**0.7
    elif kind == "b2b":
        buy *= np.where(dow >= 5, 0.3, 1.2)
        buy *= np.where(month == 12, 1.25, 1.0)
        buy *= np.where(month == 3, 1.1, 1.0)
        buy *= np.where((sf_off >= -7) & (sf_off <= 10), 0.25, 1.0)
        acq = np.where(dow >= 5, 0.2, 1.0) * np.where((sf_off >= -7) & (sf_off <= 10), 0.3, 1.0)
    else:
        acq = np.ones(n) * np.where(month == 1, 1.4, 1.0) * np.where(month == 9, 1.2, 1.0)
        acq *= np.where((sf_off >= -1) & (sf_off <= 6), 1.3, 1.0)
    return buy, acq


def _context(seed: int, p: Profile, start: pd.Timestamp, end: pd.Timestamp, scale: float,
             block_size: int) -> _Ctx:
    rng = _rng(seed, p.id, 0)
    t0 = start - pd.DateOffset(years=1)
    days = pd.date_range(t0, end, freq="D")
    start_day = float((start - t0).days)
    end_day = float((end - t0).days + 1)
    buy, acq = _seasonality(p.kind, days)
    # acquisition intensity: history at a lower level, growth inside the window
    frac = np.clip((np.arange(len(days)) - start_day) / max(end_day - start_day, 1.0), 0, 1)
    level = 1.0 + p.growth * frac
    hist = np.arange(len(days)) < start_day
    w = acq * level
    w_hist = w * hist
    w_win = w * ~hist
    acq_p = (p.history_share * w_hist / max(w_hist.sum(), 1e-12)
             + (1 - p.history_share) * w_win / w_win.sum())
    acq_p = acq_p / acq_p.sum()

    # products
    if p.kind == "subscription":
        plans = list(p.plans)
        pid = [f"{p.prefix}P{i + 1:03d}" for i in range(len(plans))]
        addon = [f"{p.prefix}A{i + 1:03d}" for i in range(4)]
        products = {
            "id": np.array(pid + addon, dtype=object),
            "category": np.array(plans + ["addon"] * 4, dtype=object),
            "price": np.array([p.plans[k] for k in plans] + [99.0, 149.0, 199.0, 299.0]),
        }
    else:
        n_prod = 200 if p.kind == "retail" else 120
        cat = _choice(rng, p.categories, n_prod)
        products = {
            "id": np.array([f"{p.prefix}P{i + 1:05d}" for i in range(n_prod)], dtype=object),
            "category": cat,
            "price": np.round(np.exp(rng.normal(np.log(60 if p.kind == "retail" else 800), 0.8,
                                                n_prod)), 2),
        }

    # campaigns (costs and target counts are filled in after all blocks);
    # fixed costs grow with the customer base
    size = scale
    rows = []
    years = range(start.year, end.year + 1)
    for y in years:
        ystart = max(pd.Timestamp(f"{y}-01-01"), start)
        yend = min(pd.Timestamp(f"{y}-12-31"), end)
        if ystart > yend:
            continue
        anchors: list[tuple[str, pd.Timestamp, int]] = []
        if p.kind == "retail":
            sf = pd.Timestamp(_SPRING_FESTIVAL.get(y, f"{y}-02-01"))
            anchors = [("618年中大促 {y}", pd.Timestamp(f"{y}-06-01"), 18),
                       ("双11大促 {y}", pd.Timestamp(f"{y}-11-01"), 11),
                       ("年货节 {y}", sf - pd.Timedelta(days=21), 18)]
        n_random = max(p.campaigns_per_year - len(anchors), 0)
        span = (yend - ystart).days
        for k in range(n_random):
            d0 = ystart + pd.Timedelta(days=int(rng.integers(0, max(span - 20, 1))))
            anchors.append((None, d0, int(rng.integers(5, 22))))  # type: ignore[arg-type]
        anchors.sort(key=lambda a: a[1])
        for k, (name, d0, dur) in enumerate(anchors):
            d1 = d0 + pd.Timedelta(days=dur - 1)
            if d0 < start or d1 > end:
                continue
            ch = str(_choice(rng, p.campaign_channels, 1)[0])
            if name is None:
                pool = {
                    "retail": ["会员日 {ym}", "新品推广 {ym}", "品类折扣周 {ym}", "老客回馈 {ym}"],
                    "b2b": ["季度采购优惠 {ym}", "行业展会邀约 {ym}", "新品试用 {ym}"],
                    "subscription": ["升级优惠 {ym}", "附加内容包 {ym}", "续费礼包 {ym}"],
                }[p.kind]
                name = pool[int(rng.integers(0, len(pool)))]
            rows.append({
                "campaign_id": f"{p.prefix}C{y}{k + 1:02d}",
                "name": name.format(y=y, ym=d0.strftime("%Y-%m")),
                "channel": ch,
                "start_date": d0,
                "end_date": d1,
                "discount": float(rng.uniform(0.08, 0.3)),
                "conversion": float(p.conversion_rate * np.exp(rng.normal(0, 0.3))),
                "fixed_cost": float(np.round(rng.uniform(0.5, 1.5) * size * (
                    {"retail": 2_500, "b2b": 30_000, "subscription": 1_500}[p.kind])
                    * (2.0 if "双11" in name else 1.0), -1)),
                "coupon": f"{p.prefix}{d0:%y%m}{chr(65 + k % 26)}",
            })
    campaigns = pd.DataFrame(rows)
    campaigns["start_day"] = (campaigns["start_date"] - t0).dt.days.astype(float)
    campaigns["end_day"] = (campaigns["end_date"] - t0).dt.days.astype(float) + 1.0

    agents = np.array([f"{p.prefix}A{i + 1:03d}" for i in range(p.n_agents)], dtype=object)
    agent_speed = np.exp(rng.normal(0, 0.3, p.n_agents))
    return _Ctx(seed=seed, p=p, t0=t0, start_day=start_day, end_day=end_day, season=buy,
                acq_p=acq_p, n_total=max(int(round(p.n_customers * scale)), 1),
                block_size=block_size, products=products, campaigns=campaigns, agents=agents,
                agent_speed=agent_speed)


# --------------------------------------------------------------------------- blocks


def _customers(ctx: _Ctx, rng: np.random.Generator, b: int, n: int) -> dict[str, Any]:
    p = ctx.p
    n_days = len(ctx.acq_p)
    signup = np.sort(rng.choice(n_days, size=n, p=ctx.acq_p) + rng.uniform(0.3, 0.95, n))
    signup = np.minimum(signup, ctx.end_day - 0.01)
    first = b * ctx.block_size
    ids = np.array([f"{p.prefix}{i:06d}" for i in range(first + 1, first + n + 1)], dtype=object)
    ctype = _choice(rng, p.customer_types, n)
    individual = ctype == "individual"

    gender = np.where(individual, np.where(rng.random(n) < (0.62 if p.kind == "retail" else 0.5),
                                           "female", "male"), None).astype(object)
    age = np.clip(rng.normal(33 if p.kind == "retail" else 30, 10, n), 18, 75)
    start_year = (ctx.t0 + pd.DateOffset(years=1)).year
    birth_year = pd.array(np.where(individual, start_year - np.rint(age), np.nan), dtype="Int64")
    occupation = np.where(individual, _choice(rng, {
        "office_worker": 0.34, "professional": 0.16, "student": 0.1, "self_employed": 0.12,
        "civil_servant": 0.06, "worker": 0.12, "retired": 0.05, "other": 0.05}, n), None)
    # keep occupation plausible for the age
    occupation = np.where(individual & (age >= 58), "retired",
                          np.where((occupation == "retired") & (age < 58), "other", occupation))
    occupation = np.where((occupation == "student") & (age > 26), "office_worker", occupation)
    income = np.where(individual, _choice(rng, {
        "low": 0.15, "lower_middle": 0.3, "middle": 0.3, "upper_middle": 0.17, "high": 0.08}, n),
        None)
    region = _choice(rng, {"east": 0.36, "south": 0.22, "north": 0.14, "central": 0.1,
                           "southwest": 0.09, "northwest": 0.04, "northeast": 0.05}, n)
    if p.kind == "b2b":
        country = _choice(rng, {"CN": 0.9, "HK": 0.04, "SG": 0.03, "MY": 0.02, "DE": 0.01}, n)
    else:
        country = np.full(n, "CN", dtype=object)

    acq_keys = {k: v[0] for k, v in p.acquisition.items()}
    acq_channel = _choice(rng, acq_keys, n)
    acq_mean = np.array([p.acquisition[str(c)][1] for c in acq_channel])
    if p.kind == "b2b":
        acq_mean = acq_mean * np.where(ctype == "enterprise", 1.8, 1.0)
    acq_cost = np.round(acq_mean * np.exp(rng.normal(-0.06, 0.35, n)), 2)
    rank = np.arange(n)
    ref_idx = np.floor(rng.random(n) * rank).astype(np.int64)
    referred = np.where((acq_channel == "referral") & (rank > 0), ids[ref_idx], None)

    # latent behaviour
    if p.kind == "subscription":
        lam = np.ones(n)
    else:
        lam = rng.gamma(p.rate_shape, p.rate_mean / p.rate_shape, n)
        if p.kind == "b2b":
            lam *= np.where(ctype == "enterprise", 1.5, 1.0)
    p_drop = rng.beta(p.drop_a, p.drop_b, n) * np.exp(1.0 * (0.5 - ctx.mq))
    if p.kind != "subscription":
        # low purchase frequency raises the dropout hazard
        p_drop *= np.clip((p.rate_mean / np.maximum(lam, 1e-6)) ** 0.3, 0.6, 2.5)
    u = rng.normal(0, 0.5, n)

    member = rng.random(n) < p.member_share
    joined = signup + np.where(rng.random(n) < 0.5, 0.0, rng.exponential(120.0, n))
    member &= joined < ctx.end_day
    joined = np.where(member, joined, np.nan)
    lam = np.where(member, lam * 1.2, lam)
    p_drop = np.where(member, p_drop * 0.8, p_drop)
    tier_score = np.log(lam + 1e-9) + rng.normal(0, 0.5, n)
    q = np.quantile(tier_score[member], [0.5, 0.8, 0.95]) if member.any() else [0, 0, 0]
    tier = np.select([tier_score >= q[2], tier_score >= q[1], tier_score >= q[0]],
                     ["platinum", "gold", "silver"], "basic").astype(object)
    tier = np.where(member, tier, None)

    if p.kind == "b2b":
        names, handle = _text.company_names(rng, n)
        email = _text.emails(rng, handle, business=True)
        phone = _text.landline_phones(rng, n)
    else:
        names, handle = _text.person_names(rng, n)
        email = _text.emails(rng, handle)
        phone = _text.mobile_phones(rng, n)
        if p.kind == "subscription":
            cn, ch = _text.company_names(rng, n)
            sme = ctype == "sme"
            names = np.where(sme, cn, names)
            email = np.where(sme, _text.emails(rng, ch, business=True), email)

    if p.kind == "subscription":
        plan = np.where(ctype == "sme", _choice(rng, {"plan_plus": 0.4, "plan_pro": 0.6}, n),
                        _choice(rng, {k: v for k, v in p.categories.items()}, n))
        spend = np.array([p.plans[str(x)] for x in plan])
    else:
        plan = np.full(n, None, dtype=object)
        sig = p.spend_sigma_between
        spend = p.spend_mean * np.exp(rng.normal(-sig**2 / 2, sig, n))
        if p.kind == "b2b":
            spend *= np.where(ctype == "enterprise", 2.5, 0.7)
    pref_channel = _choice(rng, p.order_channels, n)

    frame = pd.DataFrame({
        "customer_id": ids, "signup_date": ctx.day(signup), "customer_type": ctype,
        "gender": gender, "birth_year": birth_year, "occupation": occupation,
        "income_band": income, "region": region, "country": country,
        "acquisition_channel": acq_channel, "acquisition_cost": acq_cost,
        "referred_by": referred, "loyalty_tier": tier, "loyalty_joined_at": ctx.day(joined),
        "name": names, "email": email, "phone": phone,
    })
    return {"frame": frame, "ids": ids, "signup": signup, "lam": lam, "p_drop": p_drop, "u": u,
            "member": member, "joined": joined, "spend": spend, "plan": plan,
            "pref_channel": pref_channel, "acq_channel": acq_channel, "acq_cost": acq_cost,
            "ctype": ctype, "email": email, "phone": phone}


def _events(ctx: _Ctx, rng: np.random.Generator, c: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate purchase (billing) events: customer index and time, sorted."""
    p = ctx.p
    signup = c["signup"]
    n = len(signup)
    if p.kind == "subscription":
        sdt = ctx.ts(signup)
        month0 = sdt.astype("datetime64[M]")
        day_in_month = (sdt.astype("datetime64[D]") - month0.astype("datetime64[D]")).astype(
            np.int64)
        day_in_month = np.minimum(day_in_month, 27)
        tod = signup - np.floor(signup)
        k_max = p.max_events
        ci = np.repeat(np.arange(n), k_max)
        k = np.tile(np.arange(k_max), n)
        dates = (month0[ci] + k.astype("timedelta64[M]")).astype("datetime64[D]") + \
            day_in_month[ci].astype("timedelta64[D]")
        t = (dates - np.datetime64(ctx.t0.to_datetime64(), "D")).astype(np.int64) + tod[ci]
        t = np.where(k == 0, signup[ci], t)
        keep = t < ctx.end_day
        return ci[keep], t[keep]
    L = ctx.end_day - signup
    has_first = rng.random(n) < p.first_order_prob
    t_first = signup + rng.exponential(p.first_order_delay_days, n) + rng.uniform(0, 0.02, n)
    m = ctx.season.max()
    cnt = np.minimum(rng.poisson(c["lam"] * m * L), p.max_events)
    ci = np.repeat(np.arange(n), cnt)
    t = signup[ci] + rng.random(len(ci)) * L[ci]
    accept = rng.random(len(ci)) < ctx.season_at(t) / m
    ci = np.r_[np.flatnonzero(has_first), ci[accept]]
    t = np.r_[t_first[has_first], t[accept]]
    keep = t < ctx.end_day
    ci, t = ci[keep], t[keep]
    o = np.lexsort((t, ci))
    return ci[o], t[o]


def _service(ctx: _Ctx, rng: np.random.Generator, m: int, complaint_prob: float,
             ticket: np.ndarray) -> dict[str, np.ndarray]:
    """Ticket attributes for ``m`` potential tickets (``ticket`` marks real ones)."""
    p = ctx.p
    complaint = ticket & (rng.random(m) < complaint_prob)
    reason = np.where(complaint, _choice(rng, p.complaint_reasons, m), None)
    agent_i = rng.integers(0, len(ctx.agents), m)
    speed = np.exp(1.2 * (0.5 - ctx.mq)) * ctx.agent_speed[agent_i]
    frt_h = _lognormal(rng, p.first_response_median_h * speed, 0.9, m)
    fcr = rng.random(m) < p.fcr_prob * np.where(complaint, 0.65, 1.0)
    after_h = np.where(
        fcr, _lognormal(rng, 0.4, 0.6, m),
        _lognormal(rng, p.resolution_median_h * speed * np.where(complaint, 1.6, 1.0), 0.8, m))
    reopened = ~fcr & (rng.random(m) < 0.15 * (1.3 - ctx.mq))
    after_h = after_h + np.where(reopened, _lognormal(rng, 24.0, 0.7, m), 0.0)
    res_h = frt_h + after_h
    slow = ticket & (res_h > p.sla_h)
    return {"complaint": complaint, "reason": reason, "agent": ctx.agents[agent_i],
            "frt_h": frt_h, "res_h": res_h, "fcr": fcr, "reopened": reopened, "slow": slow}


def _drivers(ctx: _Ctx, rng: np.random.Generator, s: np.ndarray, reason: np.ndarray,
             slow: np.ndarray, good_service: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Continuous driver scores and overall score for survey responses."""
    n = len(s)
    d: dict[str, np.ndarray] = {}
    for k in DRIVERS:
        x = ctx.p.driver_means[k] + 0.8 * s + rng.normal(0, 0.55, n)
        for r, eff in _REASON_DRIVER.items():
            if k in eff:
                x = x + np.where(reason == r, eff[k], 0.0)
        if k == "after_sales":
            x = x - 0.9 * slow + 0.4 * good_service
        if k == "service_attitude":
            x = x + 0.3 * good_service
        d[k] = x
    overall = sum(_DRIVER_WEIGHT[k] * np.clip(d[k], 1, 5) for k in DRIVERS)
    overall = overall + rng.normal(0, 0.3, n)
    return d, overall


def _themes(ctx: _Ctx, d: dict[str, np.ndarray], overall: np.ndarray) -> np.ndarray:
    dev = np.column_stack([d[k] - ctx.p.driver_means[k] for k in DRIVERS])
    keys = np.array(DRIVERS, dtype=object)
    lo = keys[dev.argmin(1)]
    hi = keys[dev.argmax(1)]
    neg = np.array([_NEG_THEME[k] for k in lo], dtype=object) if len(lo) else lo
    pos = np.array([_POS_THEME[k] for k in hi], dtype=object) if len(hi) else hi
    out = np.where(dev.min(1) < -1.0, neg, np.where(overall >= 4.3, pos, "neutral"))
    return out.astype(str)


def _block(ctx: _Ctx, b: int, n: int) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    p = ctx.p
    rng = _rng(ctx.seed, p.id, b + 1)
    bid = f"{b + 1:03d}"
    c = _customers(ctx, rng, b, n)
    ids = c["ids"]

    # ---- candidate events, service experience, dropout
    ci, t = _events(ctx, rng, c)
    m = len(ci)
    ticket = rng.random(m) < p.ticket_prob
    complaint_prob = min(p.complaint_share * np.exp(1.5 * (0.5 - ctx.mq)), 0.95)
    sv = _service(ctx, rng, m, complaint_prob, ticket)
    prior = np.minimum(_excl_cumsum(sv["complaint"], ci), 3)
    good = ticket & sv["fcr"] & ~sv["complaint"]
    s = (c["u"][ci] + ctx.q - 1.2 * sv["complaint"] - 0.6 * sv["slow"] - 0.35 * prior
         + 0.2 * good + rng.normal(0, 0.45, m))
    hazard = c["p_drop"][ci] * np.exp(0.7 * sv["complaint"] + 0.4 * sv["slow"]
                                      - 0.6 * (s - ctx.q) + 0.15 * prior)
    if p.kind == "subscription":
        k_month = np.arange(m) - np.flatnonzero(_group_starts(ci))[np.cumsum(_group_starts(ci)) - 1]
        hazard *= 1.0 + 1.5 * np.exp(-k_month / 3.0)
    drop = rng.random(m) < np.clip(hazard, 0, 0.95)
    kept = _excl_cumsum(drop, ci) == 0
    ci, t, s, drop = ci[kept], t[kept], s[kept], drop[kept]
    ticket = ticket[kept]
    sv = {k: v[kept] for k, v in sv.items()}
    m = len(ci)
    drop_time = np.full(n, np.inf)
    drop_time[ci[drop]] = t[drop]

    # ---- base orders
    if p.kind == "subscription":
        gross = c["spend"][ci].astype(float)
        plan = c["plan"][ci]
        pid_of = dict(zip(ctx.products["category"][:len(p.plans)], ctx.products["id"][:len(p.plans)]))
        product = np.array([pid_of[x] for x in plan], dtype=object)
        category = plan
        quantity = np.ones(m, dtype=np.int64)
        channel = c["pref_channel"][ci]
    else:
        sig = p.spend_sigma_within
        gross = c["spend"][ci] * np.exp(rng.normal(-sig**2 / 2, sig, m))
        if p.kind == "retail":
            gross *= np.where(ctx.season_at(t) > 2.0, 1.25, 1.0)
        prod_i = rng.integers(0, len(ctx.products["id"]), m)
        product = ctx.products["id"][prod_i]
        category = ctx.products["category"][prod_i]
        unit = ctx.products["price"][prod_i]
        quantity = np.maximum(np.rint(gross / unit), 1).astype(np.int64)
        if p.kind == "retail":
            quantity = np.minimum(quantity, 12)
        channel = np.where(rng.random(m) < 0.7, c["pref_channel"][ci],
                           _choice(rng, p.order_channels, m))
    is_first = _group_starts(ci)
    disc_rate = np.zeros(m)
    coupon = np.full(m, None, dtype=object)
    if p.kind == "retail":
        cp = rng.random(m) < 0.08
        code = _choice(rng, {"VIP10": 0.4, "FULL200-20": 0.35, "BIRTHDAY": 0.25}, m)
        coupon = np.where(is_first & (rng.random(m) < 0.3), "NEW20", np.where(cp, code, None))
        disc_rate = np.where(coupon == "NEW20", 0.2, np.where(coupon == None, 0.0,  # noqa: E711
                                                              rng.uniform(0.05, 0.15, m)))
        disc_rate = np.maximum(disc_rate, np.where(ctx.season_at(t) > 1.5,
                                                   rng.uniform(0.0, 0.15, m), 0.0))
    elif p.kind == "b2b":
        disc_rate = np.where(c["ctype"][ci] == "enterprise", rng.uniform(0.02, 0.08, m),
                             rng.uniform(0.0, 0.03, m))
    else:
        first_promo = is_first & (rng.random(m) < 0.3)
        coupon = np.where(first_promo, "FIRSTMONTH", None)
        disc_rate = np.where(first_promo, 0.5, 0.0)
    base = {"ci": ci, "t": t, "gross": gross, "disc_rate": disc_rate, "coupon": coupon,
            "campaign": np.full(m, None, dtype=object), "channel": channel, "product": product,
            "category": category, "quantity": quantity,
            "quality_issue": sv["reason"] == "quality_problem",
            "billing_issue": sv["reason"] == "billing_error"}

    # ---- campaigns: targeting, conversion, touches
    camp = ctx.campaigns
    target_counts = np.zeros(len(camp), dtype=np.int64)
    touch_rows: list[dict[str, np.ndarray]] = []
    corders: list[dict[str, np.ndarray]] = []
    for j, cr in enumerate(camp.itertuples(index=False)):
        eligible = c["signup"] < cr.start_day - 7
        alive = drop_time > cr.start_day
        if p.kind == "subscription":
            eligible &= alive
        share = p.target_share * np.where(alive, 1.0, 0.5)
        tgt = np.flatnonzero(eligible & (rng.random(n) < share))
        target_counts[j] = len(tgt)
        if len(tgt) == 0:
            continue
        k = len(tgt)
        conv_p = cr.conversion * np.where(alive[tgt], 1.0, p.lapsed_conversion_factor)
        conv = rng.random(k) < conv_p
        dur = cr.end_day - cr.start_day
        sent = cr.start_day + rng.uniform(0, min(1.0, dur), k)
        t_order = np.maximum(sent + rng.uniform(0.05, 1.0, k) * (cr.end_day - sent), sent + 0.01)
        t_order = np.minimum(t_order, cr.end_day - 0.001)
        if p.kind == "subscription":
            conv &= t_order < drop_time[tgt]
        conv &= t_order < ctx.end_day
        opened = conv | (rng.random(k) < _OPEN_RATE[cr.channel])
        clicked = conv | (opened | (_OPEN_RATE[cr.channel] == 0)) & (
            rng.random(k) < _CLICK_RATE[cr.channel])
        if cr.channel in ("phone", "event"):
            clicked = np.zeros(k, bool)
            opened = np.zeros(k, bool)
        t_open = np.minimum(sent + rng.exponential(0.3, k), t_order - 0.005)
        t_click = np.where(conv, t_order - rng.uniform(0.001, 0.08, k),
                           t_open + rng.exponential(0.05, k))
        t_open = np.minimum(t_open, t_click - 0.0007)
        t_open = np.maximum(t_open, sent + 0.0007)
        t_click = np.maximum(t_click, t_open + 0.0007)
        touch_ch = _TOUCH_CHANNEL[cr.channel]
        follow_ch = "app" if cr.channel == "app_push" else (
            "wechat" if cr.channel == "wechat" else ("email" if cr.channel == "email" else "web"))
        # sent (phone/event touches carry the conversion flag themselves)
        touch_rows.append({"ci": tgt, "t": sent, "channel": np.full(k, touch_ch),
                           "direction": np.full(k, "outbound"),
                           "type": np.full(k, _TOUCH_TYPE[cr.channel]),
                           "campaign": np.full(k, cr.campaign_id),
                           "converted": conv if cr.channel in ("phone", "event") else np.zeros(k, bool)})
        o = opened & (cr.channel in ("email", "app_push", "wechat"))
        if o.any():
            touch_rows.append({"ci": tgt[o], "t": t_open[o],
                               "channel": np.full(o.sum(), touch_ch),
                               "direction": np.full(o.sum(), "inbound"),
                               "type": np.full(o.sum(), "email_open" if cr.channel == "email"
                                               else "open"),
                               "campaign": np.full(o.sum(), cr.campaign_id),
                               "converted": np.zeros(o.sum(), bool)})
        if clicked.any():
            kk = clicked.sum()
            touch_rows.append({"ci": tgt[clicked], "t": t_click[clicked],
                               "channel": np.full(kk, follow_ch),
                               "direction": np.full(kk, "inbound"), "type": np.full(kk, "click"),
                               "campaign": np.full(kk, cr.campaign_id),
                               "converted": conv[clicked]})
        if conv.any():
            cc = tgt[conv]
            kc = len(cc)
            if p.kind == "subscription":
                a_i = rng.integers(len(p.plans), len(ctx.products["id"]), kc)
                g = ctx.products["price"][a_i].astype(float)
                prod = ctx.products["id"][a_i]
                cat = ctx.products["category"][a_i]
                qty = np.ones(kc, dtype=np.int64)
            else:
                g = c["spend"][cc] * np.exp(rng.normal(0, 0.4, kc)) * 1.15
                pi = rng.integers(0, len(ctx.products["id"]), kc)
                prod, cat = ctx.products["id"][pi], ctx.products["category"][pi]
                qty = np.maximum(np.rint(g / ctx.products["price"][pi]), 1).astype(np.int64)
                if p.kind == "retail":
                    qty = np.minimum(qty, 12)
            corders.append({
                "ci": cc, "t": t_order[conv], "gross": g,
                "disc_rate": np.full(kc, cr.discount), "coupon": np.full(kc, cr.coupon, dtype=object),
                "campaign": np.full(kc, cr.campaign_id, dtype=object),
                "channel": np.full(kc, _CAMPAIGN_ORDER_CHANNEL[p.kind][cr.channel], dtype=object),
                "product": prod, "category": cat, "quantity": qty,
                "quality_issue": np.zeros(kc, bool), "billing_issue": np.zeros(kc, bool)})

    allo = {k: np.concatenate([base[k]] + [x[k] for x in corders]) for k in base}
    o = np.lexsort((allo["t"], allo["ci"]))
    allo = {k: v[o] for k, v in allo.items()}
    mo = len(allo["ci"])
    gross = np.round(allo["gross"], 2)
    discount = np.round(gross * allo["disc_rate"], 2)

    # ---- loyalty points
    pv = _POINT_VALUE[p.kind]
    unit = max(1, int(round(1 / pv)))
    oc = allo["ci"]
    member_o = c["member"][oc] & (allo["t"] >= np.nan_to_num(c["joined"][oc], nan=np.inf))
    earned = np.where(member_o, np.floor((gross - discount) * p.points_per_currency), 0).astype(
        np.int64)
    bonus = _JOIN_BONUS[p.kind]
    e_before = _excl_cumsum(earned, oc) + bonus
    redeem_flag = member_o & (rng.random(mo) < p.redeem_prob)
    # points redeemable = rho * points earned since the previous redemption; the
    # running balance therefore never goes negative.
    e_at = pd.Series(np.where(redeem_flag, e_before, np.nan))
    prev = e_at.groupby(oc).shift(1)
    prev = prev.groupby(oc).ffill().fillna(0.0).to_numpy()
    rho = rng.uniform(0.5, 1.0, mo)
    want = np.floor(rho * (e_before - prev) / unit) * unit
    cap = np.floor(0.5 * (gross - discount) / pv / unit) * unit
    redeemed = np.where(redeem_flag, np.maximum(np.minimum(want, cap), 0), 0).astype(np.int64)
    amount = np.round(gross - discount - redeemed * pv, 2)
    margin_rate = p.margin_rate * np.exp(rng.normal(0, 0.12, mo))
    gross_margin = np.round(gross * margin_rate - discount - redeemed * pv, 2)

    # ---- returns
    rprob = p.return_prob * np.where(allo["quality_issue"] | allo["billing_issue"], 6.0, 1.0)
    ret = rng.random(mo) < np.minimum(rprob, 0.9)
    rt = allo["t"] + rng.uniform(2.0, 20.0, mo)
    ret &= rt < ctx.end_day
    full = rng.random(mo) < (1.0 if p.kind == "subscription" else 0.7)
    frac = np.where(full, 1.0, rng.uniform(0.3, 0.9, mo))
    ri = np.flatnonzero(ret)
    r_amount = -np.round(amount[ri] * frac[ri], 2)
    r_amount = np.where(r_amount == 0, -0.01, r_amount)
    orders_cols = {
        "ci": np.r_[oc, oc[ri]],
        "t": np.r_[allo["t"], rt[ri]],
        "amount": np.r_[amount, r_amount],
        "quantity": np.r_[allo["quantity"], np.maximum(np.rint(allo["quantity"][ri] * frac[ri]), 1)
                          .astype(np.int64)],
        "product_id": np.r_[allo["product"], allo["product"][ri]],
        "category": np.r_[allo["category"], allo["category"][ri]],
        "channel": np.r_[allo["channel"], allo["channel"][ri]],
        "discount": np.r_[discount, np.zeros(len(ri))],
        "coupon_code": np.r_[allo["coupon"], np.full(len(ri), None, dtype=object)],
        "points_redeemed": np.r_[redeemed, np.zeros(len(ri), dtype=np.int64)],
        "campaign_id": np.r_[allo["campaign"], np.full(len(ri), None, dtype=object)],
        "is_return": np.r_[np.zeros(mo, bool), np.ones(len(ri), bool)],
        "gross_margin": np.r_[gross_margin, np.round(r_amount * margin_rate[ri], 2)],
    }
    oo = np.lexsort((orders_cols["ci"], orders_cols["t"]))
    orders_cols = {k: v[oo] for k, v in orders_cols.items()}
    no = len(oo)
    orders = pd.DataFrame({
        "order_id": [f"{p.prefix}O{bid}{i:07d}" for i in range(1, no + 1)],
        "customer_id": ids[orders_cols.pop("ci")],
        "order_date": ctx.ts(orders_cols.pop("t")),
        **orders_cols,
    })

    # ---- tickets: order-linked, inquiries, anonymous
    tk = np.flatnonzero(ticket)
    if p.kind == "subscription":
        delay = rng.uniform(0.2, 27.0, len(tk))
    elif p.kind == "b2b":
        delay = rng.uniform(1.0, 14.0, len(tk))
    else:
        delay = np.where(sv["reason"][tk] == "delivery_slow", rng.uniform(3.0, 9.0, len(tk)),
                         rng.uniform(0.5, 8.0, len(tk)))
    t_ci = ci[tk]
    t_open = t[tk] + delay
    t_sv = {k: v[tk] for k, v in sv.items()}
    t_s = s[tk]
    active_end = np.minimum(drop_time + 45.0, ctx.end_day)
    span = np.maximum(active_end - c["signup"], 0)
    n_inq = rng.poisson(p.inquiry_rate_per_year / 365.0 * span)
    q_ci = np.repeat(np.arange(n), n_inq)
    q_open = c["signup"][q_ci] + rng.random(len(q_ci)) * span[q_ci]
    q_sv = _service(ctx, rng, len(q_ci), 0.0, np.ones(len(q_ci), bool))
    q_s = c["u"][q_ci] + ctx.q + rng.normal(0, 0.45, len(q_ci)) - 0.6 * q_sv["slow"]
    n_anon = rng.poisson(0.01 * (len(tk) + len(q_ci))) if p.kind == "retail" else 0
    a_open = rng.uniform(ctx.start_day - 365, ctx.end_day, n_anon)
    a_sv = _service(ctx, rng, n_anon, 0.0, np.ones(n_anon, bool))
    a_s = ctx.q + rng.normal(0, 0.6, n_anon)
    tcust = np.r_[t_ci, q_ci, np.full(n_anon, -1)]
    topen = np.r_[t_open, q_open, a_open]
    tsv = {k: np.concatenate([t_sv[k], q_sv[k], a_sv[k]]) for k in t_sv}
    ts_ = np.r_[t_s, q_s, a_s]
    keep = topen < ctx.end_day
    tcust, topen, ts_ = tcust[keep], topen[keep], ts_[keep]
    tsv = {k: v[keep] for k, v in tsv.items()}
    nt = len(tcust)
    inquiry_cat = _choice(rng, _INQUIRY_CATEGORIES[p.kind], nt)
    cat = np.array([_REASON_CATEGORY.get(str(r), None) if r is not None else None
                    for r in tsv["reason"]], dtype=object)
    cat = np.where(tsv["complaint"], cat, inquiry_cat)
    tch = _choice(rng, p.ticket_channels, nt)
    first_resp = topen + tsv["frt_h"] / 24.0
    resolved = topen + tsv["res_h"] / 24.0
    stuck = rng.random(nt) < 0.006 * (1.5 - ctx.mq)
    resolved = np.where((resolved >= ctx.end_day) | stuck, np.nan, resolved)
    first_resp = np.where(first_resp >= ctx.end_day, np.nan, first_resp)
    resolved = np.where(np.isnan(first_resp), np.nan, resolved)
    handling = np.round(_lognormal(rng, 12.0 * np.where(tsv["complaint"], 2.2, 1.0)
                                   * np.where(tsv["reopened"], 1.5, 1.0), 0.5, nt), 1)
    cpm = np.array([_COST_PER_MINUTE[str(x)] for x in tch])
    tcost = np.round(handling * cpm, 2)
    answered = ~np.isnan(resolved) & (rng.random(nt) < 0.35)
    tsat = _clip_round(3.7 + 0.9 * ts_ - 0.6 * tsv["slow"] + 0.3 * tsv["fcr"]
                       + rng.normal(0, 0.6, nt), 1, 5).astype(float)
    tsat = np.where(answered, tsat, np.nan)
    ot = np.lexsort((tcust, topen))
    tcust_ids = np.where(tcust >= 0, ids[np.maximum(tcust, 0)], None)
    tickets = pd.DataFrame({
        "opened_at": ctx.ts(topen), "channel": tch, "customer_id": tcust_ids,
        "category": cat, "is_complaint": tsv["complaint"], "complaint_reason": tsv["reason"],
        "first_response_at": ctx.ts(first_resp), "resolved_at": ctx.ts(resolved),
        "first_contact_resolution": tsv["fcr"] & ~np.isnan(resolved),
        "reopened": tsv["reopened"] & ~np.isnan(resolved), "satisfaction": tsat,
        "agent_id": tsv["agent"], "handling_minutes": handling, "cost": tcost,
    }).iloc[ot].reset_index(drop=True)
    tickets.insert(0, "ticket_id", [f"{p.prefix}T{bid}{i:06d}" for i in range(1, nt + 1)])
    # keep the minute-rounded timestamps ordered
    tickets["resolved_at"] = tickets["resolved_at"].where(
        tickets["resolved_at"].isna(), tickets[["resolved_at", "first_response_at"]].max(axis=1))

    # ---- surveys from purchases and from resolved tickets
    sv_o = (rng.random(m) < p.survey_prob)
    r_t = t + rng.uniform(1.0, 7.0, m)
    sv_o &= r_t < ctx.end_day
    so = np.flatnonzero(sv_o)
    tk_ok = ~np.isnan(resolved) & (tcust >= 0) & (rng.random(nt) < 0.3)
    r_tt = resolved + rng.uniform(0.05, 2.0, nt)
    tk_ok &= r_tt < ctx.end_day
    st = np.flatnonzero(tk_ok)
    s_all = np.r_[s[so], ts_[st]]
    reason_all = np.r_[sv["reason"][so], tsv["reason"][st]]
    slow_all = np.r_[sv["slow"][so], tsv["slow"][st]]
    good_all = np.r_[(ticket & sv["fcr"] & ~sv["complaint"])[so],
                     (tsv["fcr"] & ~tsv["complaint"])[st]]
    ns = len(s_all)
    d, overall = _drivers(ctx, rng, s_all, reason_all, slow_all, good_all)
    from_order = np.r_[np.ones(len(so), bool), np.zeros(len(st), bool)]
    stype = np.where(from_order, np.where(rng.random(ns) < 0.65, "csat", "nps"),
                     np.where(rng.random(ns) < 0.5, "ces", "csat"))
    score = np.select(
        [stype == "csat", stype == "nps"],
        [_clip_round(overall + rng.normal(0, 0.35, ns), 1, 5),
         _clip_round(2.3 * overall - 1.6 + rng.normal(0, 1.0, ns), 0, 10)],
        _clip_round(1.25 * overall + 0.2 - 0.8 * slow_all + rng.normal(0, 0.8, ns), 1, 7))
    scale_max = np.select([stype == "csat", stype == "nps"], [5, 10], 7).astype(np.int64)
    has_drivers = stype != "ces"
    theme = _themes(ctx, d, overall)
    if p.kind == "subscription":
        theme = np.where(theme == "delivery_slow", "app_slow",
                         np.where(theme == "delivery_fast", "app_good", theme))
    s_cust = np.r_[ci[so], tcust[st]]
    contact = np.where(rng.random(ns) < 0.7, c["phone"][s_cust], c["email"][s_cust]).astype(str)
    with_comment = rng.random(ns) < 0.35
    comment = np.full(ns, None, dtype=object)
    if with_comment.any():
        comment[with_comment] = _text.comments(rng, theme[with_comment], p.english_share,
                                               contact[with_comment])
    s_time = np.r_[r_t[so], r_tt[st]]
    surveys = pd.DataFrame({
        "responded_at": ctx.ts(s_time), "survey_type": stype, "score": score,
        "scale_max": scale_max, "customer_id": ids[s_cust],
        "touchpoint": np.where(from_order, p.touchpoint, "service"),
        "channel": np.r_[channel[so], tch[st]],
        **{f"driver_{k}": np.where(has_drivers, np.clip(np.rint(d[k]), 1, 5), np.nan)
           for k in DRIVERS},
        "comment": comment,
    })
    os_ = np.lexsort((s_cust, s_time))
    surveys = surveys.iloc[os_].reset_index(drop=True)
    surveys.insert(0, "response_id", [f"{p.prefix}S{bid}{i:06d}" for i in range(1, ns + 1)])

    # ---- interactions: campaign touches, pre-purchase visits, engagement
    parts = touch_rows[:]
    pre = np.isin(channel, ["online", "app"]) & (rng.random(m) < 0.8)
    pre_i = np.flatnonzero(pre)
    if len(pre_i):
        kk = len(pre_i)
        parts.append({"ci": ci[pre_i], "t": t[pre_i] - rng.uniform(0.003, 0.08, kk),
                      "channel": np.where(channel[pre_i] == "app", "app", "web"),
                      "direction": np.full(kk, "inbound"),
                      "type": np.where(channel[pre_i] == "app", "app_login", "visit"),
                      "campaign": np.full(kk, None, dtype=object),
                      "converted": np.zeros(kk, bool)})
    tail = {"retail": 30.0, "b2b": 60.0, "subscription": 10.0}[p.kind]
    e_end = np.minimum(drop_time + tail, ctx.end_day)
    e_span = np.maximum(e_end - c["signup"], 0)
    n_e = rng.poisson(p.interactions_per_year / 365.0 * e_span)
    e_ci = np.repeat(np.arange(n), n_e)
    e_t = c["signup"][e_ci] + rng.random(len(e_ci)) * e_span[e_ci]
    if p.kind == "subscription":
        # engagement fades in the two months before a cancellation
        fading = (e_t > drop_time[e_ci] - 60) & (rng.random(len(e_ci)) < 0.5)
        e_ci, e_t = e_ci[~fading], e_t[~fading]
    ne = len(e_ci)
    etype = _choice(rng, {
        "retail": {"visit": 0.5, "app_login": 0.45, "event": 0.05},
        "b2b": {"call": 0.6, "visit": 0.3, "event": 0.1},
        "subscription": {"app_login": 0.9, "visit": 0.1}}[p.kind], ne)
    emap_ch = {"visit": "web", "app_login": "app", "event": "store" if p.kind == "retail" else "event",
               "call": "phone"}
    parts.append({"ci": e_ci, "t": e_t, "channel": np.array([emap_ch[str(x)] for x in etype]),
                  "direction": np.where(etype == "call", "outbound", "inbound"), "type": etype,
                  "campaign": np.full(ne, None, dtype=object), "converted": np.zeros(ne, bool)})
    inter = {k: np.concatenate([x[k] for x in parts]) for k in parts[0]}
    inter["t"] = np.maximum(inter["t"], c["signup"][inter["ci"]])
    ok = inter["t"] < ctx.end_day
    inter = {k: v[ok] for k, v in inter.items()}
    oi = np.lexsort((inter["ci"], inter["t"]))
    inter = {k: v[oi] for k, v in inter.items()}
    ni = len(oi)
    interactions = pd.DataFrame({
        "interaction_id": [f"{p.prefix}I{bid}{i:07d}" for i in range(1, ni + 1)],
        "occurred_at": ctx.ts(inter["t"]), "channel": inter["channel"],
        "customer_id": ids[inter["ci"]], "direction": inter["direction"], "type": inter["type"],
        "campaign_id": inter["campaign"], "converted": inter["converted"],
    })

    # ---- loyalty ledger
    jm = np.flatnonzero(c["member"])
    lg = [pd.DataFrame({"ci": jm, "t": np.floor(c["joined"][jm]), "points_earned": bonus,
                        "points_redeemed": 0, "reward_type": "join_bonus"})]
    ei = np.flatnonzero(earned > 0)
    lg.append(pd.DataFrame({"ci": oc[ei], "t": allo["t"][ei], "points_earned": earned[ei],
                            "points_redeemed": 0, "reward_type": "purchase"}))
    rdi = np.flatnonzero(redeemed > 0)
    lg.append(pd.DataFrame({"ci": oc[rdi], "t": allo["t"][rdi], "points_earned": 0,
                            "points_redeemed": redeemed[rdi], "reward_type": "order_deduction"}))
    ledger = pd.concat(lg, ignore_index=True)
    ledger = ledger.iloc[np.lexsort((ledger["points_redeemed"].to_numpy(),
                                     ledger["ci"].to_numpy(), ledger["t"].to_numpy()))]
    ledger = pd.DataFrame({
        "customer_id": ids[ledger["ci"].to_numpy()], "occurred_at": ctx.ts(ledger["t"].to_numpy()),
        "points_earned": ledger["points_earned"].to_numpy(np.int64),
        "points_redeemed": ledger["points_redeemed"].to_numpy(np.int64),
        "reward_type": ledger["reward_type"].to_numpy(object)})

    frames = {"customers": c["frame"], "orders": orders, "surveys": surveys, "tickets": tickets,
              "interactions": interactions, "loyalty_ledger": ledger}

    # ---- churn events (subscriptions)
    if p.kind == "subscription":
        ch_i = np.flatnonzero(np.isfinite(drop_time))
        churn_t = drop_time[ch_i] + rng.uniform(1.0, 27.0, len(ch_i))
        ok = churn_t < ctx.end_day
        ch_i, churn_t = ch_i[ok], churn_t[ok]
        last_reason = pd.Series(tsv["reason"]).where(
            pd.Series(tsv["complaint"]) & pd.Series(topen >= 0)).groupby(tcust).last()
        had = np.array([last_reason.get(i) for i in ch_i], dtype=object)
        use_complaint = pd.notna(had) & (rng.random(len(ch_i)) < 0.75)
        generic = _choice(rng, {"too_expensive": 0.3, "switched_competitor": 0.25,
                                "not_using": 0.3, "content_quality": 0.15}, len(ch_i))
        generic = np.where((c["plan"][ch_i] == "plan_pro") & (rng.random(len(ch_i)) < 0.4),
                           "too_expensive", generic)
        reason = np.where(use_complaint,
                          np.array([_CHURN_REASON.get(str(x), "other") for x in had], dtype=object),
                          generic)
        frames["churn_events"] = pd.DataFrame({"customer_id": ids[ch_i],
                                               "churned_at": ctx.ts(churn_t), "reason": reason})

    # ---- partial monthly cost aggregates
    def month(ts: pd.Series) -> pd.Series:
        return ts.dt.to_period("M").dt.start_time

    cf = c["frame"]
    agg = [pd.DataFrame({"period_start": month(cf["signup_date"]), "category": "acquisition",
                         "channel": cf["acquisition_channel"], "amount": cf["acquisition_cost"]})]
    agg.append(pd.DataFrame({
        "period_start": month(tickets["opened_at"]),
        "category": np.where(tickets["is_complaint"], "complaint_handling", "service"),
        "channel": tickets["channel"],
        "amount": tickets["cost"] + np.where(tickets["is_complaint"], _COMPENSATION[p.kind], 0.0)}))
    agg.append(pd.DataFrame({"period_start": month(orders["order_date"]),
                             "category": "loyalty_rewards", "channel": None,
                             "amount": orders["points_redeemed"] * pv}))
    partial = pd.concat(agg, ignore_index=True)
    partial = partial.groupby(["period_start", "category", "channel"], dropna=False,
                              sort=False)["amount"].sum().reset_index()
    return frames, {"targets": target_counts, "costs": partial}


# --------------------------------------------------------------------------- company level


def _company_tables(ctx: _Ctx, aggs: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    p = ctx.p
    rng = _rng(ctx.seed, p.id, 10_000_019)
    camp = ctx.campaigns.copy()
    targets = np.sum([a["targets"] for a in aggs], axis=0) if aggs else np.zeros(len(camp))
    camp["target_count"] = np.asarray(targets, dtype=np.int64)
    camp["cost"] = np.round(camp["fixed_cost"] + camp["channel"].map(_UNIT_COST)
                            * camp["target_count"], 2)
    campaigns = camp[["campaign_id", "cost", "name", "channel", "start_date", "end_date",
                      "target_count"]].copy()

    months = pd.date_range(ctx.t0, ctx.t0 + pd.Timedelta(days=ctx.end_day - 1), freq="MS")
    parts = [a["costs"] for a in aggs]
    # marketing: campaign cost spread evenly over campaign days
    for cr in camp.itertuples(index=False):
        days = pd.date_range(cr.start_date, cr.end_date, freq="D")
        per_day = cr.cost / len(days)
        mm = days.to_period("M").start_time.value_counts()
        parts.append(pd.DataFrame({"period_start": mm.index, "category": "marketing",
                                   "channel": cr.channel, "amount": mm.to_numpy() * per_day}))
    nm = len(months)
    size = ctx.n_total / p.n_customers
    growth = 1.0 + 0.25 * np.arange(nm) / max(nm - 1, 1)
    fixed = {
        "crm_tools": size * p.crm_tools_monthly * np.where(months.year > months.year.min(), 1.1, 1.0)
        ** (months.year - months.year.min()),
        "staff": size * p.staff_monthly * growth * np.exp(rng.normal(0, 0.03, nm)),
        "other": size * p.other_monthly * np.exp(rng.normal(0, 0.25, nm)),
        "loyalty_rewards": size * 0.02 * p.staff_monthly * np.exp(rng.normal(0, 0.2, nm)),
    }
    for cat, amt in fixed.items():
        parts.append(pd.DataFrame({"period_start": months, "category": cat, "channel": None,
                                   "amount": np.asarray(amt, dtype=float)}))
    costs = pd.concat(parts, ignore_index=True)
    costs["period_start"] = costs["period_start"].astype("datetime64[ns]")
    costs = costs.groupby(["period_start", "category", "channel"], dropna=False,
                          sort=True)["amount"].sum().reset_index()
    costs["amount"] = costs["amount"].round(2)
    costs = costs[costs["period_start"].isin(months)]
    costs = costs[["period_start", "category", "amount", "channel"]].reset_index(drop=True)

    # assessment: two rounds, 13 dimensions x 4 items
    start = ctx.t0 + pd.DateOffset(years=1)
    end = ctx.t0 + pd.Timedelta(days=ctx.end_day - 1)
    rounds = [start + pd.Timedelta(days=180), min(start + pd.Timedelta(days=545), end)]
    rows = []
    for r, when in enumerate(rounds):
        for dim in DIMENSIONS:
            dim_mu = (1.4 + 3.2 * ctx.mq + p.maturity_offsets.get(dim, 0.0)
                      + r * p.maturity_progress + rng.normal(0, 0.25))
            for k in range(4):
                sc = int(np.clip(np.rint(dim_mu + rng.normal(0, 0.5)), 1, 5))
                rows.append({"dimension": dim, "item": f"{dim}_{k + 1}", "score": sc,
                             "weight": 1.0,
                             "evidence": f"{ITEMS[dim][k]}: {LEVELS[sc]}",
                             "assessor": ("Internal CRM office" if r == 0
                                          else "External assessor"),
                             "assessed_at": pd.Timestamp(when.date())})
    assessment = pd.DataFrame(rows)

    # employee surveys, quarterly waves
    waves = pd.date_range(start, end, freq="QS") + pd.Timedelta(days=45)
    er = []
    for w in waves:
        k = int(rng.binomial(p.employees, 0.7))
        sc = _clip_round(2.4 + 2.2 * ctx.mq + rng.normal(0, 0.8, k), 1, 5)
        t = (w - ctx.t0).days + rng.uniform(0, 10, k)
        er.append(pd.DataFrame({"t": t, "score": sc}))
    emp = pd.concat(er, ignore_index=True).sort_values("t", kind="stable")
    ne = len(emp)
    zh, en = _EMPLOYEE_THEMES
    has_c = rng.random(ne) < 0.2
    eng = rng.random(ne) < p.english_share
    pick = rng.random(ne)
    ecomment = np.where(has_c, np.where(eng, np.array(en, dtype=object)[(pick * len(en)).astype(int)],
                                        np.array(zh, dtype=object)[(pick * len(zh)).astype(int)]),
                        None)
    employees = pd.DataFrame({
        "response_id": [f"{p.prefix}E{i:06d}" for i in range(1, ne + 1)],
        "responded_at": ctx.ts(emp["t"].to_numpy()), "survey_type": "employee",
        "score": emp["score"].to_numpy(np.int64), "scale_max": 5, "customer_id": None,
        "touchpoint": "workplace", "channel": "online",
        **{f"driver_{k}": np.nan for k in DRIVERS}, "comment": ecomment,
    })
    return {"campaigns": campaigns, "costs": costs, "assessment": assessment,
            "surveys": employees}


# --------------------------------------------------------------------------- public


def _conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Order columns and set the dtypes of :data:`SCHEMA`."""
    cols = SCHEMA[table]
    out = {}
    for col, dt in cols.items():
        s = df[col] if col in df else pd.Series([None] * len(df))
        s = pd.Series(s.to_numpy() if not isinstance(s.dtype, pd.Int64Dtype) else s.array,
                      index=range(len(df)))
        if dt == "str":
            s = s.astype(object).where(pd.notna(s), None).astype("str")
        elif dt == _T:
            s = pd.to_datetime(s).astype(_T)
        else:
            s = s.astype(dt)
        out[col] = s
    return pd.DataFrame(out)


def _resolve(companies: Iterable[str] | str | None) -> list[str]:
    if companies is None:
        return list(PROFILES)
    if isinstance(companies, str):
        companies = [companies]
    out = list(companies)
    unknown = [c for c in out if c not in PROFILES]
    if unknown:
        raise ValueError(f"unknown demo companies {unknown}; choose from {list(PROFILES)}")
    return out


def iter_generate(
    seed: int = 42,
    scale: float = 1.0,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    companies: Iterable[str] | str | None = None,
    *,
    block_size: int = BLOCK_SIZE,
) -> Iterator[tuple[str, dict[str, pd.DataFrame]]]:
    """Stream the demo data block by block.

    Parameters
    ----------
    seed : int, default 42
        Master seed; every block draws from its own generator derived from
        ``(seed, company, block)``.
    scale : float, default 1.0
        Multiplier of each company's customer count.
    start, end : str
        Evaluation window (inclusive); one year of history before ``start``
        is generated too.
    companies : str or iterable of str, optional
        Subset of ``crmkit.demo.COMPANIES``; default all.
    block_size : int, default 5000
        Customers per block.

    Yields
    ------
    (company, frames) : tuple of str and dict of pandas.DataFrame
        One chunk per customer block with ``customers``, ``orders``,
        ``surveys``, ``tickets``, ``interactions``, ``loyalty_ledger`` (and
        ``churn_events`` for subscription companies), then a last chunk per
        company with ``campaigns``, ``costs``, ``assessment`` and the
        employee ``surveys``.  Concatenating the chunks of a company table by
        table gives exactly :func:`generate`.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if block_size < 1:
        raise ValueError("block_size must be at least 1")
    t_start, t_end = pd.Timestamp(start), pd.Timestamp(end)
    if t_end <= t_start:
        raise ValueError(f"end {end} must be after start {start}")
    for company in _resolve(companies):
        ctx = _context(seed, PROFILES[company], t_start, t_end, scale, block_size)
        aggs = []
        n_blocks = -(-ctx.n_total // block_size)
        for b in range(n_blocks):
            n = min(block_size, ctx.n_total - b * block_size)
            frames, agg = _block(ctx, b, n)
            aggs.append(agg)
            yield company, {k: _conform(k, v) for k, v in frames.items()}
        last = _company_tables(ctx, aggs)
        yield company, {k: _conform(k, v) for k, v in last.items()}


def generate(
    seed: int = 42,
    scale: float = 1.0,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    companies: Iterable[str] | str | None = None,
    *,
    block_size: int = BLOCK_SIZE,
) -> dict[str, dict[str, pd.DataFrame]]:
    """Generate the demo dataset in memory.

    Parameters
    ----------
    seed, scale, start, end, companies, block_size
        See :func:`iter_generate`.

    Returns
    -------
    dict
        ``{company: {table: DataFrame}}`` with canonical column names and
        dtypes (:data:`SCHEMA`); every table for every company, except
        ``churn_events`` which only subscription companies have.

    Examples
    --------
    >>> from crmkit.demo import generate
    >>> data = generate(seed=1, scale=0.1, companies="jinghong")
    >>> sorted(data["jinghong"])[:3]
    ['assessment', 'campaigns', 'costs']
    """
    chunks: dict[str, dict[str, list[pd.DataFrame]]] = {}
    for company, frames in iter_generate(seed, scale, start, end, companies,
                                         block_size=block_size):
        for table, df in frames.items():
            chunks.setdefault(company, {}).setdefault(table, []).append(df)
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for company, tables in chunks.items():
        out[company] = {}
        for table in TABLES:
            if table in tables:
                out[company][table] = pd.concat(tables[table], ignore_index=True)
    return out
