"""Company profiles of the demo dataset.

Each profile holds the parameters the generator draws from.  The single
latent ``management_quality`` (0..1) is the common cause behind satisfaction,
service speed, complaint rates, dropout and maturity scores; the other
parameters describe the business model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Profile", "PROFILES", "COMPANIES", "PERIODS", "DIMENSIONS"]

DIMENSIONS: tuple[str, ...] = (
    "team", "technology", "process", "data", "culture", "strategy", "compliance",
    "security", "csr", "cross_cultural", "crisis", "innovation", "improvement",
)


@dataclass(frozen=True)
class Profile:
    """Generator parameters of one demo company (see module docstring)."""

    id: str
    prefix: str
    name_zh: str
    name_en: str
    kind: str  # retail | b2b | subscription
    management_quality: float
    description: str
    n_customers: int
    history_share: float
    growth: float
    customer_types: dict[str, float]
    # purchasing (retail/b2b: per-day Poisson rate ~ Gamma; subscription: monthly)
    rate_shape: float
    rate_mean: float
    drop_a: float
    drop_b: float
    first_order_prob: float
    first_order_delay_days: float
    max_events: int
    spend_mean: float
    spend_sigma_between: float
    spend_sigma_within: float
    margin_rate: float
    order_channels: dict[str, float]
    categories: dict[str, float]
    return_prob: float
    plans: dict[str, float] = field(default_factory=dict)  # subscription price per month
    # service
    ticket_prob: float = 0.1
    complaint_share: float = 0.3
    complaint_reasons: dict[str, float] = field(default_factory=dict)
    ticket_channels: dict[str, float] = field(default_factory=dict)
    first_response_median_h: float = 4.0
    resolution_median_h: float = 24.0
    sla_h: float = 48.0
    fcr_prob: float = 0.7
    inquiry_rate_per_year: float = 0.3
    n_agents: int = 20
    # surveys
    survey_prob: float = 0.12
    driver_means: dict[str, float] = field(default_factory=dict)
    english_share: float = 0.15
    touchpoint: str = "purchase"
    # loyalty
    member_share: float = 0.4
    points_per_currency: float = 1.0
    redeem_prob: float = 0.1
    # campaigns
    campaigns_per_year: int = 10
    campaign_channels: dict[str, float] = field(default_factory=dict)
    target_share: float = 0.3
    conversion_rate: float = 0.05
    lapsed_conversion_factor: float = 0.3
    # acquisition: channel -> (probability, mean cost per customer)
    acquisition: dict[str, tuple[float, float]] = field(default_factory=dict)
    referral_share: float = 0.1
    # fixed monthly costs
    crm_tools_monthly: float = 10_000.0
    staff_monthly: float = 100_000.0
    other_monthly: float = 5_000.0
    employees: int = 80
    maturity_offsets: dict[str, float] = field(default_factory=dict)
    maturity_progress: float = 0.2
    interactions_per_year: float = 6.0
    currency: str = "CNY"

    def public(self) -> dict[str, Any]:
        """Profile summary exposed as ``crmkit.demo.COMPANIES[id]``."""
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "display_name": f"{self.name_zh} / {self.name_en}",
            "kind": self.kind,
            "management_quality": self.management_quality,
            "currency": self.currency,
            "customers_at_scale_1": self.n_customers,
            "explicit_churn": self.kind == "subscription",
            "description": self.description,
        }


HUAMEI = Profile(
    id="huamei", prefix="HM", name_zh="华美零售", name_en="Huamei Retail", kind="retail",
    management_quality=0.55,
    description=(
        "Consumer retailer: individual shoppers, frequent small orders through "
        "online, store and app channels, strong Double 11 (November) and "
        "pre-Spring-Festival peaks, a points loyalty programme and many referrals. "
        "Middling management quality: slow delivery is the main complaint."),
    n_customers=3000, history_share=0.15, growth=0.6,
    customer_types={"individual": 1.0},
    rate_shape=0.9, rate_mean=0.018, drop_a=1.4, drop_b=32.0,
    first_order_prob=0.92, first_order_delay_days=0.3, max_events=250,
    spend_mean=185.0, spend_sigma_between=0.55, spend_sigma_within=0.5, margin_rate=0.32,
    order_channels={"online": 0.52, "app": 0.30, "store": 0.18},
    categories={"apparel": 0.30, "beauty": 0.20, "food": 0.20, "home": 0.18, "electronics": 0.12},
    return_prob=0.06,
    ticket_prob=0.075, complaint_share=0.42,
    complaint_reasons={"delivery_slow": 0.40, "quality_problem": 0.22, "rude_staff": 0.12,
                       "refund_delay": 0.14, "price_too_high": 0.12},
    ticket_channels={"chat": 0.40, "phone": 0.30, "social": 0.12, "email": 0.08, "store": 0.10},
    first_response_median_h=3.0, resolution_median_h=30.0, sla_h=48.0, fcr_prob=0.62,
    inquiry_rate_per_year=0.25, n_agents=24,
    survey_prob=0.12,
    driver_means={"quality": 3.9, "service_attitude": 3.8, "price": 3.7, "delivery": 3.5,
                  "after_sales": 3.7},
    english_share=0.12, touchpoint="purchase",
    member_share=0.45, points_per_currency=1.0, redeem_prob=0.12,
    campaigns_per_year=12,
    campaign_channels={"email": 0.3, "sms": 0.25, "app_push": 0.3, "wechat": 0.15},
    target_share=0.35, conversion_rate=0.09, lapsed_conversion_factor=0.3,
    acquisition={"online_ads": (0.28, 45.0), "search": (0.15, 38.0), "social": (0.17, 30.0),
                 "store": (0.18, 12.0), "app_store": (0.10, 25.0), "referral": (0.12, 15.0)},
    referral_share=0.12,
    crm_tools_monthly=2_500.0, staff_monthly=9_000.0, other_monthly=1_500.0, employees=120,
    maturity_offsets={"technology": 0.3, "data": 0.2, "process": -0.2, "crisis": -0.3,
                      "cross_cultural": -0.4},
    maturity_progress=0.15, interactions_per_year=8.0,
)

JINGHONG = Profile(
    id="jinghong", prefix="JH", name_zh="京弘工业", name_en="Jinghong Industrial", kind="b2b",
    management_quality=0.8,
    description=(
        "B2B distributor of industrial supplies: SME and enterprise accounts, "
        "large infrequent orders by phone, partners and a web portal, account "
        "managers, low churn and high margins. Strong management: fast service, "
        "few complaints, high maturity."),
    n_customers=600, history_share=0.35, growth=0.3,
    customer_types={"sme": 0.72, "enterprise": 0.28},
    rate_shape=2.5, rate_mean=0.025, drop_a=1.2, drop_b=120.0,
    first_order_prob=0.95, first_order_delay_days=12.0, max_events=150,
    spend_mean=24_000.0, spend_sigma_between=0.8, spend_sigma_within=0.45, margin_rate=0.38,
    order_channels={"phone": 0.45, "partner": 0.35, "online": 0.20},
    categories={"industrial_parts": 0.35, "electrical": 0.25, "tools": 0.18,
                "safety_equipment": 0.12, "packaging": 0.10},
    return_prob=0.02,
    ticket_prob=0.08, complaint_share=0.22,
    complaint_reasons={"delivery_slow": 0.35, "billing_error": 0.30, "quality_problem": 0.25,
                       "rude_staff": 0.10},
    ticket_channels={"phone": 0.55, "email": 0.35, "chat": 0.10},
    first_response_median_h=1.5, resolution_median_h=14.0, sla_h=48.0, fcr_prob=0.78,
    inquiry_rate_per_year=0.8, n_agents=10,
    survey_prob=0.22,
    driver_means={"quality": 4.3, "service_attitude": 4.3, "price": 3.6, "delivery": 4.1,
                  "after_sales": 4.2},
    english_share=0.25, touchpoint="account_management",
    member_share=0.3, points_per_currency=0.01, redeem_prob=0.05,
    campaigns_per_year=4,
    campaign_channels={"phone": 0.4, "email": 0.35, "event": 0.25},
    target_share=0.4, conversion_rate=0.12, lapsed_conversion_factor=0.2,
    acquisition={"sales": (0.45, 3_200.0), "partner": (0.30, 2_200.0), "event": (0.10, 4_000.0),
                 "search": (0.07, 900.0), "referral": (0.08, 800.0)},
    referral_share=0.08,
    crm_tools_monthly=30_000.0, staff_monthly=250_000.0, other_monthly=20_000.0, employees=60,
    maturity_offsets={"process": 0.3, "compliance": 0.3, "security": 0.2, "innovation": -0.5,
                      "technology": -0.2},
    maturity_progress=0.1, interactions_per_year=10.0,
)

YUNTING = Profile(
    id="yunting", prefix="YT", name_zh="云听订阅", name_en="Yunting Subscriptions",
    kind="subscription",
    management_quality=0.3,
    description=(
        "Subscription audio service: monthly billing on three plans, explicit "
        "cancellations with reasons, app-centred engagement and high churn. "
        "Weak management: slow support, many technical and billing complaints, "
        "low satisfaction, low maturity except for technology and innovation."),
    n_customers=2000, history_share=0.10, growth=0.5,
    customer_types={"individual": 0.82, "sme": 0.18},
    rate_shape=1.0, rate_mean=1.0, drop_a=2.0, drop_b=40.0,
    first_order_prob=1.0, first_order_delay_days=0.0, max_events=60,
    spend_mean=0.0, spend_sigma_between=0.0, spend_sigma_within=0.0, margin_rate=0.68,
    order_channels={"app": 0.7, "online": 0.3},
    categories={"plan_basic": 0.5, "plan_plus": 0.35, "plan_pro": 0.15},
    plans={"plan_basic": 39.0, "plan_plus": 79.0, "plan_pro": 199.0},
    return_prob=0.01,
    ticket_prob=0.075, complaint_share=0.5,
    complaint_reasons={"technical_issue": 0.35, "billing_error": 0.25, "rude_staff": 0.15,
                       "price_too_high": 0.15, "refund_delay": 0.10},
    ticket_channels={"chat": 0.45, "email": 0.30, "social": 0.15, "phone": 0.10},
    first_response_median_h=9.0, resolution_median_h=60.0, sla_h=48.0, fcr_prob=0.5,
    inquiry_rate_per_year=0.3, n_agents=12,
    survey_prob=0.06,
    driver_means={"quality": 3.9, "service_attitude": 3.5, "price": 3.6, "delivery": 3.9,
                  "after_sales": 3.4},
    english_share=0.2, touchpoint="subscription",
    member_share=0.5, points_per_currency=0.2, redeem_prob=0.04,
    campaigns_per_year=8,
    campaign_channels={"app_push": 0.5, "email": 0.3, "sms": 0.2},
    target_share=0.3, conversion_rate=0.05, lapsed_conversion_factor=0.0,
    acquisition={"app_store": (0.35, 160.0), "social": (0.25, 130.0), "online_ads": (0.25, 190.0),
                 "referral": (0.10, 50.0), "partner": (0.05, 110.0)},
    referral_share=0.10,
    crm_tools_monthly=1_500.0, staff_monthly=7_000.0, other_monthly=1_000.0, employees=80,
    maturity_offsets={"technology": 0.8, "innovation": 0.9, "data": 0.3, "process": -0.3,
                      "compliance": -0.3, "crisis": -0.4},
    maturity_progress=0.25, interactions_per_year=40.0,
)

PROFILES: dict[str, Profile] = {p.id: p for p in (HUAMEI, JINGHONG, YUNTING)}

COMPANIES: dict[str, dict[str, Any]] = {k: p.public() for k, p in PROFILES.items()}

PERIODS: dict[str, dict[str, str]] = {
    "2025Q3": {"start": "2025-07-01", "end": "2025-09-30"},
    "2025Q4": {"start": "2025-10-01", "end": "2025-12-31"},
}
