"""Reading of the relationship risk register (:func:`crmkit.indicators.risk.assess`)."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Bilingual

__all__ = ["register"]


def register(reg: pd.DataFrame) -> Bilingual:
    """The high-severity risks, and how severity and revenue at risk are rated.

    The thresholds quoted are :data:`crmkit.indicators.risk.THRESHOLDS` (HHI
    after the DOJ/FTC Merger Guidelines 2023).
    """
    high = reg[reg["severity"] == "high"]
    return Bilingual(
        (f"{len(high)} high-severity risk(s): " + "; ".join(n.lower() for n in high["name_en"]) + ". " if len(high)
         else "No high-severity risk. ")
        + "Severity follows documented thresholds (crmkit.indicators.risk.THRESHOLDS): e.g. customer-revenue HHI ≥ 0.10 "
        "medium and ≥ 0.18 high (DOJ/FTC 2023 guidelines), top-10 customers ≥ 25% / 50% of revenue, largest channel "
        "≥ 60% / 80%, revenue at risk ≥ 10% / 20%. Revenue at risk is the churn report's: the customers at risk of "
        "churning in the next period by its definition of churn (cancellations in a contractual business, inactivity "
        "otherwise), each weighted by its early-warning model's churn probability (the period churn rate without a "
        "model) times their trailing 12-month revenue.",
        (f"{len(high)} 项高风险：" + "；".join(high["name_zh"]) + "。" if len(high) else "无高风险项。")
        + "严重程度按既定阈值评定（crmkit.indicators.risk.THRESHOLDS）：如客户收入 HHI ≥ 0.10 为中、≥ 0.18 为高"
        "（美国司法部/联邦贸易委员会 2023 年指南），前 10 名客户收入占比 ≥ 25% / 50%，最大渠道占比 ≥ 60% / 80%，"
        "收入风险占比 ≥ 10% / 20%。收入风险与流失报告口径一致：按其流失定义（契约型业务为解约，否则为不活跃）确定下期面临流失"
        "风险的客户，以预警模型的流失概率（无模型时取本期流失率）乘以其近 12 个月收入。",
    )
