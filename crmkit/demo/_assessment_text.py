"""Item wording of the demo maturity questionnaire (13 dimensions x 4 items)."""

from __future__ import annotations

ITEMS: dict[str, tuple[str, str, str, str]] = {
    "team": ("Dedicated CRM owner and team", "Customer-facing staff trained yearly",
             "Service targets in staff objectives", "Cross-department customer meetings"),
    "technology": ("Single CRM system for sales and service", "Ticketing integrated with orders",
                   "Self-service portal or app", "Marketing automation in use"),
    "process": ("Documented complaint handling process", "Service level targets defined",
                "Escalation path for key accounts", "Onboarding process for new customers"),
    "data": ("Customer master data de-duplicated", "Data quality monitored monthly",
             "Customer analytics reports used in decisions", "Churn and value models in use"),
    "culture": ("Customer feedback shared with all staff", "Employees empowered to fix issues",
                "Customer-first values communicated", "Recognition for service excellence"),
    "strategy": ("Written customer strategy", "Segment-specific value propositions",
                 "CRM budget tied to strategy", "Board reviews customer KPIs"),
    "compliance": ("Consent recorded for marketing (PIPL)", "Data retention rules applied",
                   "Privacy notices up to date", "Data subject requests handled on time"),
    "security": ("Role-based access to customer data", "Encryption of customer data at rest",
                 "Security incidents logged and reviewed", "Vendor security assessed"),
    "csr": ("Fair pricing and clear terms", "Accessibility of service channels",
            "Environmental commitments communicated", "Community or social programmes"),
    "cross_cultural": ("Service in customers' languages", "Staff trained for foreign customers",
                       "Local holidays and customs in planning", "Market-specific offers"),
    "crisis": ("Crisis communication plan", "Service continuity plan tested",
               "Product recall or incident procedure", "Social media monitoring for crises"),
    "innovation": ("New service ideas piloted yearly", "Customer co-creation or beta panels",
                   "Digital channel experiments", "Innovation budget ring-fenced"),
    "improvement": ("Root-cause analysis of complaints", "Improvement actions tracked to closure",
                    "Benchmarking against peers", "Annual CRM maturity review"),
}

LEVELS: dict[int, str] = {
    1: "not in place",
    2: "ad hoc, depends on individuals",
    3: "defined but applied inconsistently",
    4: "implemented and measured",
    5: "optimised and reviewed regularly",
}

DIMENSION_ZH: dict[str, str] = {
    "team": "团队", "technology": "技术", "process": "流程", "data": "数据",
    "culture": "文化", "strategy": "战略", "compliance": "合规与隐私", "security": "信息安全",
    "csr": "社会责任", "cross_cultural": "跨文化管理", "crisis": "危机管理",
    "innovation": "创新", "improvement": "持续改进",
}
