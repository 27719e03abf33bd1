"""Sentences of the satisfaction report."""

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.formatting import Formatter
from crmkit.narrative import satisfaction as say

NAN = float("nan")


def _summary(nps_value=12.0, csat_n=200, nps_n=150, ces_n=80):
    return {"csat": Estimate(0.8, 0.02, 0.74, 0.85, csat_n), "csat_mean": Estimate(4.1, n=csat_n),
            "nps": Estimate(nps_value, 7.0, nps_value - 13.7, nps_value + 13.7, nps_n),
            "ces": Estimate(5.23, n=ces_n), "ces_easy": Estimate(0.544, n=ces_n)}


def test_overview_both_languages():
    s = say.overview(1234, _summary())
    assert s.en == ("1,234 customer survey responses in the period. 80.0% of 200 CSAT answers are satisfied (4 or 5 of 5, "
                    "95% interval 74.0%–85.0%). The Net Promoter Score is +12 (±14 points, 150 answers): more customers would "
                    "recommend the company than warn against it. Customer effort averages 5.2 of 7, and 54% found dealing "
                    "with the company easy.")
    assert s.zh == ("本期共 1,234 份客户问卷。200 份 CSAT 回答中 80.0% 表示满意（5 分制 4-5 分，95% 区间 74.0%–85.0%）。"
                    "净推荐值为 +12（±14 分，150 份回答）：推荐者多于贬损者。客户费力度平均 5.2/7，54% 的客户认为办事容易。")


def test_overview_negative_zero_and_missing():
    assert "more customers would warn against the company" in say.overview(10, _summary(-5.0)).en
    assert "贬损者多于推荐者" in say.overview(10, _summary(-5.0)).zh
    zero = say.overview(10, _summary(0.0))
    assert "as many customers would recommend" in zero.en and "推荐者与贬损者一样多" in zero.zh
    empty = {k: Estimate(NAN, n=0) for k in ("csat", "csat_mean", "nps", "ces", "ces_easy")}
    s = say.overview(0, empty)
    assert "nan" not in s.en + s.zh and "There are no CSAT answers." in s.en and "没有 NPS 回答" in s.zh


def test_nps_groups_sentence():
    br = pd.DataFrame({"group": ["promoters", "passives", "detractors"], "count": [45, 30, 25], "share": [0.45, 0.30, 0.25]})
    s = say.nps_groups(br, Estimate(20.0, n=100))
    assert s.en.startswith("45% promoters minus 25% detractors gives the NPS of +20.")
    assert s.zh.startswith("推荐者 45% 减去贬损者 25%，得到 NPS +20。")


def _cmp(overlap, n=2):
    g = pd.DataFrame({"group": ["app", "store"][:n], "csat": [0.71, 0.9][:n]})
    return {"groups": g, "best": g.iloc[-1], "worst": g.iloc[0], "overlap": overlap}


def test_channels_overlap_or_not():
    s = say.channels(_cmp(True), 30)
    assert s.en == ("Among channels with at least 30 CSAT answers, store scores highest (90.0%) and app lowest (71.0%); "
                    "their intervals overlap, so the gap may be chance.")
    assert s.zh.endswith("两者区间重叠，差异可能来自抽样波动。")
    assert say.channels(_cmp(False), 30).en.endswith("so the gap is unlikely to be chance.")
    assert say.channels(_cmp(True, 1), 30).en == "Only app has at least 30 CSAT answers (71.0% satisfied)."
    assert say.no_channel(30).zh == "没有渠道的 CSAT 回答达到 30 份，分渠道数据仅供参考。"


def test_segments_and_caption():
    s = say.segments(_cmp(True))
    assert s.en == "CSAT ranges from 71.0% (app) to 90.0% (store) across segments with enough answers."
    assert say.segments(None).en.startswith("Too few answers per segment")
    assert say.segments(_cmp(True, 1)).zh == "各细分样本过少，无法可靠比较。"
    assert say.segment_caption("customer_type") == ("By customer type", "按客户类型")


def test_drivers_and_key_drivers():
    drv = pd.DataFrame({"driver": ["price", "after_sales", "loyalty_points"], "mean": [3.456, 3.9, 4.321]})
    s = say.drivers(drv)
    assert s.en == "The weakest-rated driver is price (3.46 of 5); the strongest is loyalty points (4.32)."
    assert s.zh == "得分最低的驱动因素是价格（3.46/5），最高的是loyalty_points（4.32）。"
    kda = pd.DataFrame({"driver": ["after_sales", "price"], "importance": [0.61, 0.39], "performance": [3.1, 3.9]})
    kda.attrs.update(r2=0.4567, n=1500)
    s = say.key_drivers(kda, ["after_sales"])
    assert s.en == ("The drivers together explain 46% of the variation in overall satisfaction (1,500 answers). After-sales "
                    "service matters most (61% of the explained part). Priority for improvement (above-average importance, "
                    "below-average score): after-sales service.")
    assert s.zh.endswith("优先改进项（重要性高于平均、得分低于平均）：售后服务。")
    assert say.key_drivers(kda, []).en.endswith("No driver combines above-average importance with a below-average score.")


def test_trend_sentence():
    s = say.trend((pd.Series({"month": pd.Timestamp("2025-03-01"), "value": 0.7}),
                   pd.Series({"month": pd.Timestamp("2025-12-01"), "value": 0.655})))
    assert s.en.startswith("CSAT moved from 70.0% in 2025-03 to 65.5% in 2025-12")
    assert s.zh.startswith("满意度从 2025-03 的 70.0% 变为 2025-12 的 65.5%")
    assert say.trend(None) == ("No CSAT answers in the months shown.", "所示月份没有 CSAT 回答。")


def test_feedback_with_and_without_complaints():
    fb = {"responses": 2000, "comment_share": Estimate(0.31, n=2000), "low_scores": 150}
    s = say.feedback(fb)
    assert s.en == ("31% of the 2,000 responses carry a written comment (not shown here: comments can hold personal data); "
                    "150 responses are low scores.")
    assert len(say.feedback_tiles(fb)) == 3
    fb.update(complaints=40, complaints_answered=Estimate(0.9, n=40), response_hours_median=5.25)
    s = say.feedback(fb)
    assert s.en.endswith(" 40 complaints were filed; 90% received an answer, half within 5.2 h.")
    assert s.zh.endswith(" 共收到 40 起投诉，90% 已获回复，一半在 5.2 小时内。")
    assert len(say.feedback_tiles(fb)) == 6
    fb.update(complaints=0, complaints_answered=Estimate(NAN, n=0), response_hours_median=NAN)
    assert say.feedback(fb).en.endswith(" No complaints were filed.")


def test_employees():
    emp = {"share": Estimate(0.576, n=80), "mean": Estimate(3.876, n=80)}
    s = say.employees(emp, 0.81)
    assert s.en.startswith("58% of 80 employees are satisfied (mean 3.88 of 5), against 81% of customers. ")
    assert s.zh.startswith("80 名员工中 58% 表示满意（平均 3.88/5），客户满意度为 81%。")
    assert "nan" not in say.employees(emp, NAN).en


def test_columns():
    c = say.columns("by_group", Formatter("en"))
    assert c["formats"]["nps"](12.345) == "12" and c["labels"]["csat_n"] == ("n (CSAT)", "样本（CSAT）")
    k = say.columns("key_drivers", Formatter("zh"))
    assert k["formats"]["driver"]("delivery") == "物流速度" and k["formats"]["p_value"](0.01234) == "0.012"
