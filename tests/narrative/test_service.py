"""Readings of the service report (crmkit.narrative.service) on hand-made figures."""

from __future__ import annotations

import pandas as pd

from crmkit.estimate import Estimate
from crmkit.narrative import service as say

from ..helpers import assert_clean


def _h(**over):
    h = {"tickets": 462, "first_response_median": Estimate(2.88, n=461), "first_response_p90": Estimate(9.8, n=461),
         "resolution_median": Estimate(9.7, n=440), "resolution_p90": Estimate(65.8, n=440),
         "sla": Estimate(0.664, n=461), "undecided": 1, "fcr": Estimate(0.561, n=462), "reopen": Estimate(0.048, n=440),
         "backlog": 20, "csat": Estimate(0.8, n=300)}
    return {**h, **over}


def test_overview_both_languages():
    en, zh = say.overview(_h(), 24.0)
    assert en == ("462 tickets were opened in the window. Half received a first answer within 2.9 h (90% within 9.8 h) and "
                  "half of the resolved ones were closed within 9.7 h (90% within 65.8 h). 66.4% met the 24-hour resolution "
                  "target; tickets still open past the target count as misses, and 1 recent open tickets are not yet decided. "
                  "56.1% were solved at the first contact, 4.8% were reopened, and 20 remained open at the end of the period.")
    assert zh == ("评估期内共开立 462 张工单。一半在 2.9 小时内得到首次回复（90% 在 9.8 小时内），已解决工单中一半在 9.7 小时内关闭"
                  "（90% 在 65.8 小时内）。66.4% 达到 24 小时解决目标；超过目标仍未解决的工单计为未达标，另有 1 张近期未结工单尚无定论。"
                  "首次接触解决率 56.1%，重开率 4.8%，期末仍有 20 张工单未结。")


def test_overview_missing_figures_are_left_out():
    nan = Estimate(float("nan"), n=0)
    b = say.overview(_h(first_response_median=nan, first_response_p90=nan, resolution_median=nan, resolution_p90=nan,
                        sla=nan, fcr=nan, reopen=nan), 8)
    assert_clean(b)
    assert "No ticket has a first response or resolution time yet." in b.en
    assert "No ticket's 8-hour resolution target is decided yet." in b.en
    assert b.en.endswith("20 remained open at the end of the period.")
    assert "期末仍有 20 张工单未结。" in b.zh
    assert say.overview(_h(tickets=0), 24) == ("No tickets were opened in the window.", "评估期内没有开立工单。")


def test_waiting_and_single_channel_and_nothing_resolved():
    med = pd.Series({"store": 5.5, "web": 7.0, "phone": 12.4})
    en, zh = say.waiting(0.332, med, 24)
    assert en == ("33.2% of resolved tickets took longer than the 24-hour target. By median resolution time the fastest "
                  "channel is store (5.5 h) and the slowest phone (12.4 h).")
    assert zh == "已解决工单中有 33.2% 超过 24 小时目标。按解决时长中位数，最快的渠道是 store（5.5 小时），最慢的是 phone（12.4 小时）。"
    assert "All of them came through web (median 7.0 h)." in say.waiting(0.0, med[["web"]], 24).en
    assert_clean(say.waiting(float("nan"), med.iloc[:0], 24))


def test_sla_by_category_range_and_edges():
    cat = pd.DataFrame({"category": ["a", "billing", "order_status"], "tickets": [5, 21, 40],
                        "sla_attainment": [float("nan"), 0.381, 0.76]})
    en, zh = say.sla_by_category(cat)
    assert en.startswith("SLA attainment ranges from 38.1% for 'billing' (21 tickets) to 76.0% for 'order_status'.")
    assert zh.startswith("时限达成率从“billing”的 38.1%（21 张工单）到“order_status”的 76.0% 不等。")
    assert "the only category" in say.sla_by_category(cat.iloc[:2]).en
    assert_clean(say.sla_by_category(cat.iloc[:1]))


def test_complaints_reading_and_none():
    reasons = pd.DataFrame({"reason": ["delivery_slow", "price"], "complaints": [39, 72 - 39], "share": [0.3514, 0.6486]})
    c = {"complaints": 111, "per_1000_customers": Estimate(64.7, n=1716), "per_1000_orders": Estimate(24.9, n=4458),
         "handling_hours": Estimate(26.8, n=100), "resolution_rate": Estimate(0.982, n=111), "reasons": reasons}
    en, zh = say.complaints(c)
    assert en == ("111 complaints were opened: 64.7 per 1,000 ordering customers and 24.9 per 1,000 orders. The most common "
                  "reason is 'delivery_slow' (35% of complaints). Half of the resolved complaints were handled within 26.8 h, "
                  "and 98.2% were resolved by the end of the period.")
    assert zh == ("共收到 111 起投诉：每千位下单客户 64.7 起，每千笔订单 24.9 起。最常见原因是“delivery_slow”（占 35%）。"
                  "已解决投诉中一半在 26.8 小时内处理完毕，期末已解决 98.2%。")
    none = {**c, "complaints": 0, "reasons": reasons.iloc[:0]}
    assert say.complaints(none) == ("No complaints were recorded in the window.", "评估期内没有投诉记录。")
    assert_clean(say.complaints({**c, "handling_hours": Estimate(float("nan"), n=0), "per_1000_orders": Estimate(float("nan"), n=0)}))


def test_trend_improvement_decline_no_change():
    months = pd.to_datetime(["2025-01-01", "2025-06-01", "2025-12-01"])
    t = pd.DataFrame({"month": months, "tickets": [73, 181, 100], "sla_attainment": [0.597, 0.5, 0.703]})
    en, zh = say.trend(t)
    assert en == ("Over the last 3 months SLA attainment moved from 59.7% (2025-01) to 70.3% (2025-12), an improvement of "
                  "10.6 percentage points; monthly ticket volume ranged from 73 to 181.")
    assert zh == "近 3 个月时限达成率从 59.7%（2025-01）变为 70.3%（2025-12），提高 10.6 个百分点；每月工单量在 73 到 181 之间。"
    down = t.assign(sla_attainment=[0.7, 0.5, 0.6])
    assert "a decline of 10.0 percentage points" in say.trend(down).en and "下降 10.0 个百分点" in say.trend(down).zh
    flat = t.assign(sla_attainment=[0.6, 0.5, 0.6])
    assert "no change of 0.0 percentage points" in say.trend(flat).en
    assert_clean(say.trend(t.assign(sla_attainment=[float("nan"), 0.5, 0.6])))
    assert_clean(say.trend(t.iloc[:1]))
