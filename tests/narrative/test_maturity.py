"""Readings of the maturity report (crmkit.narrative.maturity) on hand-made scores."""

from __future__ import annotations

import pandas as pd

from crmkit.formatting import Formatter
from crmkit.narrative import maturity as say


def _assessed(**over):
    a = pd.DataFrame({"score": [75.0, 40.0, 60.0], "n_items": [4, 4, 3], "target": [70.0, 60.0, 72.0],
                      "previous": [70.0, 50.0, float("nan")], "assessed_at": pd.to_datetime(["2025-11-01"] * 3)},
                     index=["team", "culture", "data"])
    a["gap"] = a["target"] - a["score"]
    a["change"] = a["score"] - a["previous"]
    return a.assign(**over)


def test_overview_level_and_extremes():
    en, zh = say.overview(_assessed(), 58.3)
    assert en == ("Across the 3 assessed dimensions the maturity index is 58.3 of 100, i.e. an average level of 3.3 of 5, "
                  "closest to 'Defined'. The most mature dimension is Team (75), the least mature Culture (40).")
    assert zh == ("在已评估的 3 个维度上，管理成熟度指数为 58.3/100，相当于平均 3.3/5 级，最接近“规范级”。成熟度最高的维度是团队建设"
                  "（75 分），最低的是企业文化（40 分）。")
    assert say.mean_level(100) == 5 and say.mean_level(0) == 1


def test_profile_and_gaps():
    a = _assessed()
    assert say.profile(a).en == "1 of 3 dimensions reach their target; the shaded area shows the current round and the dashed line the previous one."
    en, zh = say.gaps(a)
    assert en == ("The largest shortfalls are Culture (20 points below target), Data management and analysis capability "
                  "(12 points below target). Since the previous round 1 dimensions improved and 1 declined; the largest rise "
                  "is Team (+5.0), the largest fall Culture (-10.0).")
    assert zh.startswith("差距最大的维度是企业文化（低于目标 20 分）、数据管理与分析能力（低于目标 12 分）。与上一轮相比，1 个维度提升、1 个维度下降")
    first = a.assign(previous=float("nan"), change=float("nan"), target=[10.0, 10.0, 10.0], gap=[-65.0, -30.0, -50.0])
    assert say.gaps(first) == ("Every assessed dimension meets its target. There is no earlier assessment round to compare with.",
                               "所有已评估维度均达到目标。没有更早的评估轮次可供比较。")
    assert say.profile(first).en.endswith("shows the current round.")


def test_fuzzy_and_evidence():
    a = _assessed()
    ev = pd.DataFrame({"level_1": [0.0, 0.3, 0.0], "level_2": [0.0, 0.3, 0.0], "level_3": [0.25, 0.4, 1.0],
                       "level_4": [0.75, 0.0, 0.0], "level_5": [0.0, 0.0, 0.0], "score": [74.0, 42.5, 60.0],
                       "grade": [4, 3, 3]}, index=["team", "culture", "data"])
    en, zh = say.fuzzy(ev, a)
    assert "1 dimension(s) have no level holding more than half of the membership (Culture)" in en
    assert en.endswith("within 2.5 points.") and zh.endswith("差异不超过 2.5 分。")
    assert "企业文化" in say.fuzzy_rows(ev, Formatter("zh"))["dimension_label"].tolist()
    latest = pd.DataFrame({"dimension": ["data", "team"], "item": ["data_1", "team_2"], "score": [3.0, 4.0],
                           "evidence": ["  audit report ", None], "assessed_at": pd.to_datetime(["2025-11-01"] * 2)})
    rows = say.evidence_rows(latest, Formatter("en"))
    assert rows["item"].tolist() == ["team_2", "data_1"] and rows["evidence"].tolist() == ["", "audit report"]
    assert say.evidence(rows).en.startswith("1 of 2 answers give evidence.")
