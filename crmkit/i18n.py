"""Bilingual text (English / Simplified Chinese) for reports.

Reports choose one language with the ``language`` parameter.  Text is written
in pairs at the point of use, ``tr("Churn rate", "流失率")``, so each sentence
and its translation stay side by side and reviewable.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

__all__ = ["LANGUAGES", "Translator", "check_language", "DIMENSIONS"]

# Display names of the evaluation dimensions (keys are used in metrics and weights).
DIMENSIONS: dict[str, tuple[str, str]] = {
    "data_quality": ("Data quality", "数据质量"),
    "customer_base": ("Customer base", "客户基础与细分"),
    "satisfaction": ("Satisfaction", "客户满意度"),
    "loyalty": ("Loyalty", "客户忠诚度"),
    "churn": ("Churn", "客户流失"),
    "value": ("Customer value", "客户价值"),
    "service": ("Service quality", "服务质量"),
    "marketing": ("Marketing effect", "营销效果"),
    "channels": ("Channels", "渠道"),
    "cost": ("Maintenance cost", "维护成本"),
    "maturity": ("Management maturity", "管理成熟度"),
    "summary": ("Composite evaluation", "综合评价"),
}


def check_language(language: str) -> str:
    from .errors import ConfigError

    if language not in LANGUAGES:
        raise ConfigError(f"language must be one of {LANGUAGES}, not {language!r}")
    return language


class Translator:
    """Pick the English or Chinese member of a text pair.

    Examples
    --------
    >>> tr = Translator("zh")
    >>> tr("Churn rate", "流失率")
    '流失率'
    >>> Translator("en").dimension("loyalty")
    'Loyalty'
    """

    def __init__(self, language: str = "en"):
        self.language = check_language(language)

    def __call__(self, en: str, zh: str) -> str:
        return zh if self.language == "zh" else en

    def dimension(self, key: str) -> str:
        en, zh = DIMENSIONS.get(key, (key, key))
        return self(en, zh)
