"""Write the demo data as raw company exports plus column-mapping YAML files.

The files look like what companies hand over: Chinese headers and Chinese
category labels, a GBK-encoded CSV with ``￥1,234.50`` amounts, a UTF-8-with-BOM
CSV, an Excel workbook with several sheets, Parquet files from SaaS tools,
plain UTF-8 CSVs with English headers, amounts in cents, dates such as
``2025/1/3``, ``2025-01-03 14:05`` and ``2025年1月3日``, booleans ``是/否`` and
``Y/N``.  Each file has a mapping YAML in the docs/data-contract.md format, so ingesting
the exports through :mod:`crmkit`'s normal code path reproduces the frames of
:func:`crmkit.demo.generate` (minus the deliberately dirty rows, see
:data:`DIRTY_ROWS`).

Layout written under ``outdir``::

    manifest.yaml
    <company>/<export files>
    <company>/mappings/<table>.yaml

``manifest.yaml`` holds ``exports`` (a list of ``{company, table, source,
mapping}`` with paths relative to the manifest, customers before orders
before everything else) and ``dirty_rows`` (a copy of :data:`DIRTY_ROWS`).
"""

from __future__ import annotations

import os
import pathlib
import tempfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import yaml

from crmkit.demo._assessment_text import DIMENSION_ZH

__all__ = ["write_exports", "DIRTY_ROWS", "EXPORT_FILES", "ZH_LABELS"]

# Chinese label of every canonical code that appears in a translated column.
ZH_LABELS: dict[str, dict[str, str]] = {
    "channel": {
        "online": "线上", "store": "门店", "phone": "电话", "app": "应用", "partner": "合作伙伴",
        "email": "邮件", "social": "社交媒体", "chat": "在线客服", "sms": "短信",
        "app_push": "APP推送", "wechat": "微信", "event": "线下活动", "web": "网站",
        "online_ads": "网络广告", "search": "搜索引擎", "app_store": "应用商店",
        "referral": "老客推荐", "sales": "销售拓展",
    },
    "customer_type": {"individual": "个人", "sme": "中小企业", "enterprise": "大型企业"},
    "gender": {"female": "女", "male": "男"},
    "occupation": {
        "office_worker": "公司职员", "professional": "专业人士", "student": "学生",
        "self_employed": "个体经营", "civil_servant": "公务员", "worker": "工人",
        "retired": "退休", "other": "其他"},
    "income_band": {"low": "低", "lower_middle": "中低", "middle": "中等",
                    "upper_middle": "中高", "high": "高"},
    "region": {"east": "华东", "south": "华南", "north": "华北", "central": "华中",
               "southwest": "西南", "northwest": "西北", "northeast": "东北"},
    "country": {"CN": "中国", "HK": "中国香港", "SG": "新加坡", "MY": "马来西亚", "DE": "德国"},
    "loyalty_tier": {"basic": "普通会员", "silver": "银卡", "gold": "金卡", "platinum": "白金卡"},
    "category": {
        "apparel": "服饰", "beauty": "美妆", "food": "食品", "home": "家居", "electronics": "数码",
        "industrial_parts": "工业配件", "electrical": "电气", "tools": "工具",
        "safety_equipment": "安防劳保", "packaging": "包装材料", "plan_basic": "基础版",
        "plan_plus": "进阶版", "plan_pro": "专业版", "addon": "增值包",
        # ticket categories
        "delivery": "物流配送", "product_quality": "产品质量", "service": "服务",
        "returns": "退换货", "billing": "账单", "technical": "技术问题",
        "order_status": "订单查询", "product_question": "产品咨询", "account": "账户",
    },
    "complaint_reason": {
        "delivery_slow": "物流慢", "quality_problem": "质量问题", "rude_staff": "客服态度差",
        "refund_delay": "退款慢", "price_too_high": "价格贵", "billing_error": "账单错误",
        "technical_issue": "技术故障"},
    "survey_type": {"csat": "满意度", "nps": "推荐意愿", "ces": "费力度", "employee": "员工满意度"},
    "touchpoint": {"purchase": "购买", "account_management": "客户经理", "subscription": "订阅",
                   "service": "客服", "workplace": "内部"},
    "cost_category": {
        "service": "客服", "marketing": "营销", "acquisition": "获客", "loyalty_rewards": "会员权益",
        "crm_tools": "CRM系统", "staff": "人员", "complaint_handling": "投诉处理", "other": "其他"},
    "reward_type": {"join_bonus": "入会礼", "purchase": "消费积分", "order_deduction": "积分抵现"},
    "reason": {
        "too_expensive": "价格太贵", "switched_competitor": "转用竞品", "not_using": "不再使用",
        "content_quality": "内容质量", "technical_problems": "技术问题", "poor_service": "服务差",
        "billing_problems": "扣费问题", "other": "其他"},
    "dimension": dict(DIMENSION_ZH),
}
# Which label dictionary a canonical column uses.
_LABEL_SET = {"acquisition_channel": "channel", "category": "category"}

_MONEY = {
    "customers": ["acquisition_cost"], "orders": ["amount", "discount", "gross_margin"],
    "tickets": ["cost"], "campaigns": ["cost"], "costs": ["amount"],
}

_DATE_STYLES = {
    # style: (mapping date_format, formatter)
    "slash_date": "%Y/%m/%d",
    "slash_minute": "%Y/%m/%d %H:%M",
    "iso_minute": "%Y-%m-%d %H:%M",
    "iso_seconds": "%Y-%m-%dT%H:%M:%S",
    "iso_date": "%Y-%m-%d",
    "cn_date": "%Y年%m月%d日",
    "month": "%Y-%m",
}


@dataclass
class _Spec:
    company: str
    table: str
    path: str
    fmt: str  # csv | xlsx | parquet
    headers: dict[str, str]
    encoding: str = "utf-8"
    sheet: str | None = None
    translate: tuple[str, ...] = ()
    date_style: str | None = None
    money: str = "plain"  # plain | yen | cents
    bools: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)


def _identity(cols: list[str]) -> dict[str, str]:
    return {c: c for c in cols}


def _specs() -> list[_Spec]:
    """Export layout of every demo company and table."""
    s: list[_Spec] = []
    # ------------------------------------------------------------------ huamei
    s.append(_Spec(
        "huamei", "customers", "huamei/会员资料.csv", "csv", encoding="utf-8-sig",
        headers={"customer_id": "会员编号", "signup_date": "注册日期", "customer_type": "客户类型",
                 "gender": "性别", "birth_year": "出生年份", "occupation": "职业",
                 "income_band": "收入水平", "region": "所在大区", "country": "国家",
                 "acquisition_channel": "获客渠道", "acquisition_cost": "获客成本",
                 "referred_by": "推荐人编号", "loyalty_tier": "会员等级",
                 "loyalty_joined_at": "入会日期", "name": "姓名", "email": "邮箱",
                 "phone": "手机号"},
        translate=("customer_type", "gender", "occupation", "income_band", "region", "country",
                   "acquisition_channel", "loyalty_tier"),
        date_style="slash_date"))
    s.append(_Spec(
        "huamei", "orders", "huamei/订单明细.csv", "csv", encoding="gbk",
        headers={"order_id": "订单编号", "customer_id": "客户ID", "order_date": "下单时间",
                 "amount": "实付金额", "quantity": "数量", "product_id": "商品编号",
                 "category": "品类", "channel": "渠道", "discount": "优惠金额",
                 "coupon_code": "优惠券码", "points_redeemed": "积分抵扣", "campaign_id": "活动编号",
                 "is_return": "是否退货", "gross_margin": "毛利"},
        translate=("category", "channel"), date_style="iso_minute", money="yen",
        bools=("是", "否")))
    s.append(_Spec(
        "huamei", "surveys", "huamei/survey_responses.parquet", "parquet",
        headers={"response_id": "ResponseID", "responded_at": "SubmittedAt",
                 "survey_type": "SurveyType", "score": "Score", "scale_max": "ScaleMax",
                 "customer_id": "MemberID", "touchpoint": "Touchpoint", "channel": "Channel",
                 "driver_quality": "Q_Quality", "driver_service_attitude": "Q_ServiceAttitude",
                 "driver_price": "Q_Price", "driver_delivery": "Q_Delivery",
                 "driver_after_sales": "Q_AfterSales", "comment": "Comment"}))
    s.append(_Spec(
        "huamei", "tickets", "huamei/客服工单.csv", "csv",
        headers={"ticket_id": "工单编号", "opened_at": "创建时间", "channel": "渠道",
                 "customer_id": "会员编号", "category": "问题类别", "is_complaint": "是否投诉",
                 "complaint_reason": "投诉原因", "first_response_at": "首次响应时间",
                 "resolved_at": "解决时间", "first_contact_resolution": "一次解决",
                 "reopened": "是否重开", "satisfaction": "满意度评分", "agent_id": "客服工号",
                 "handling_minutes": "处理时长(分钟)", "cost": "处理成本"},
        translate=("channel", "category", "complaint_reason"), date_style="iso_minute",
        bools=("是", "否")))
    s.append(_Spec(
        "huamei", "interactions", "huamei/marketing_events.parquet", "parquet",
        headers={"interaction_id": "event_id", "occurred_at": "event_time", "channel": "channel",
                 "customer_id": "member_id", "direction": "direction", "type": "event_type",
                 "campaign_id": "campaign", "converted": "converted"}))
    s.append(_Spec(
        "huamei", "campaigns", "huamei/营销活动.csv", "csv",
        headers={"campaign_id": "活动编号", "cost": "活动费用", "name": "活动名称",
                 "channel": "投放渠道", "start_date": "开始日期", "end_date": "结束日期",
                 "target_count": "目标人数"},
        translate=("channel",), date_style="cn_date"))
    s.append(_Spec(
        "huamei", "costs", "huamei/费用明细_分.csv", "csv",
        headers={"period_start": "月份", "category": "费用类别", "amount": "金额(分)",
                 "channel": "渠道"},
        translate=("category", "channel"), date_style="month", money="cents"))
    s.append(_Spec(
        "huamei", "loyalty_ledger", "huamei/积分流水.csv", "csv",
        headers={"customer_id": "会员编号", "occurred_at": "发生时间", "points_earned": "获得积分",
                 "points_redeemed": "消耗积分", "reward_type": "类型"},
        translate=("reward_type",), date_style="iso_minute"))
    s.append(_Spec(
        "huamei", "assessment", "huamei/assessment.csv", "csv",
        headers=_identity(["dimension", "item", "score", "weight", "evidence", "assessor",
                           "assessed_at"]),
        date_style="iso_date"))
    # ---------------------------------------------------------------- jinghong
    book = "jinghong/客户订单工单.xlsx"
    s.append(_Spec(
        "jinghong", "customers", book, "xlsx", sheet="客户",
        headers={"customer_id": "客户编号", "signup_date": "签约日期", "customer_type": "客户类型",
                 "name": "公司名称", "email": "联系邮箱", "phone": "联系电话", "region": "所在大区",
                 "country": "国家/地区", "acquisition_channel": "获客渠道",
                 "acquisition_cost": "获客成本", "referred_by": "推荐客户",
                 "loyalty_tier": "返利等级", "loyalty_joined_at": "加入返利计划日期"},
        translate=("customer_type", "region", "country", "acquisition_channel", "loyalty_tier"),
        date_style="cn_date"))
    s.append(_Spec(
        "jinghong", "orders", book, "xlsx", sheet="订单",
        headers={"order_id": "订单号", "customer_id": "客户编号", "order_date": "下单日期",
                 "amount": "订单金额", "quantity": "数量", "product_id": "物料编码",
                 "category": "产品线", "channel": "渠道", "discount": "折扣金额",
                 "coupon_code": "优惠码", "points_redeemed": "抵扣积分", "campaign_id": "活动编号",
                 "is_return": "退货", "gross_margin": "毛利额"},
        translate=("category", "channel"), bools=("Y", "N")))
    s.append(_Spec(
        "jinghong", "tickets", book, "xlsx", sheet="工单",
        headers={"ticket_id": "工单号", "opened_at": "受理时间", "channel": "受理渠道",
                 "customer_id": "客户编号", "category": "问题分类", "is_complaint": "投诉",
                 "complaint_reason": "投诉原因", "first_response_at": "首次响应时间",
                 "resolved_at": "关闭时间", "first_contact_resolution": "首次解决",
                 "reopened": "重开", "satisfaction": "满意度", "agent_id": "处理人",
                 "handling_minutes": "处理分钟数", "cost": "处理成本"},
        translate=("channel", "category", "complaint_reason"), bools=("Y", "N")))
    s.append(_Spec(
        "jinghong", "surveys", "jinghong/满意度调查.csv", "csv",
        headers={"response_id": "问卷编号", "responded_at": "提交时间", "survey_type": "问卷类型",
                 "score": "得分", "scale_max": "满分", "customer_id": "客户编号",
                 "touchpoint": "接触点", "channel": "渠道", "driver_quality": "产品质量",
                 "driver_service_attitude": "服务态度", "driver_price": "价格",
                 "driver_delivery": "交付", "driver_after_sales": "售后", "comment": "意见建议"},
        translate=("survey_type", "touchpoint", "channel"), date_style="slash_minute"))
    s.append(_Spec(
        "jinghong", "interactions", "jinghong/interactions.parquet", "parquet",
        headers=_identity(["interaction_id", "occurred_at", "channel", "customer_id",
                           "direction", "type", "campaign_id", "converted"])))
    s.append(_Spec(
        "jinghong", "campaigns", "jinghong/campaigns.csv", "csv",
        headers=_identity(["campaign_id", "cost", "name", "channel", "start_date", "end_date",
                           "target_count"]),
        date_style="iso_date"))
    s.append(_Spec(
        "jinghong", "costs", "jinghong/费用.csv", "csv",
        headers={"period_start": "期间", "category": "费用类型", "amount": "金额", "channel": "渠道"},
        translate=("category", "channel"), date_style="slash_date"))
    s.append(_Spec(
        "jinghong", "loyalty_ledger", "jinghong/返利积分.csv", "csv",
        headers={"customer_id": "客户编号", "occurred_at": "时间", "points_earned": "获得积分",
                 "points_redeemed": "使用积分", "reward_type": "类型"},
        translate=("reward_type",), date_style="slash_minute"))
    s.append(_Spec(
        "jinghong", "assessment", "jinghong/成熟度评估.csv", "csv", encoding="utf-8-sig",
        headers={"dimension": "维度", "item": "题项编号", "score": "得分", "weight": "权重",
                 "evidence": "佐证材料", "assessor": "评估人", "assessed_at": "评估日期"},
        translate=("dimension",), date_style="cn_date"))
    # ----------------------------------------------------------------- yunting
    s.append(_Spec(
        "yunting", "customers", "yunting/users.parquet", "parquet",
        headers={"customer_id": "user_id", "signup_date": "registered_at",
                 "customer_type": "account_type", "gender": "gender", "birth_year": "birth_year",
                 "occupation": "occupation", "income_band": "income_band", "region": "region",
                 "country": "country", "acquisition_channel": "source",
                 "acquisition_cost": "acquisition_cost", "referred_by": "invited_by",
                 "loyalty_tier": "member_level", "loyalty_joined_at": "member_since",
                 "name": "display_name", "email": "email", "phone": "mobile"}))
    s.append(_Spec(
        "yunting", "orders", "yunting/billing.csv", "csv",
        headers={"order_id": "invoice_no", "customer_id": "user_id", "order_date": "billed_at",
                 "amount": "amount_paid", "quantity": "qty", "product_id": "sku",
                 "category": "plan", "channel": "platform", "discount": "discount",
                 "coupon_code": "promo_code", "points_redeemed": "points_used",
                 "campaign_id": "campaign", "is_return": "refund", "gross_margin": "margin"},
        date_style="iso_seconds", bools=("Y", "N")))
    s.append(_Spec(
        "yunting", "churn_events", "yunting/退订记录.csv", "csv",
        headers={"customer_id": "用户ID", "churned_at": "退订时间", "reason": "退订原因"},
        translate=("reason",), date_style="slash_minute"))
    s.append(_Spec(
        "yunting", "surveys", "yunting/问卷反馈.csv", "csv", encoding="utf-8-sig",
        headers={"response_id": "反馈编号", "responded_at": "提交时间", "survey_type": "问卷类型",
                 "score": "评分", "scale_max": "满分", "customer_id": "用户ID",
                 "touchpoint": "场景", "channel": "渠道", "driver_quality": "内容质量",
                 "driver_service_attitude": "客服态度", "driver_price": "价格",
                 "driver_delivery": "播放体验", "driver_after_sales": "售后",
                 "comment": "留言"},
        translate=("survey_type", "touchpoint", "channel"), date_style="iso_minute"))
    s.append(_Spec(
        "yunting", "tickets", "yunting/tickets.parquet", "parquet",
        headers=_identity(["ticket_id", "opened_at", "channel", "customer_id", "category",
                           "is_complaint", "complaint_reason", "first_response_at",
                           "resolved_at", "first_contact_resolution", "reopened",
                           "satisfaction", "agent_id", "handling_minutes", "cost"])))
    s.append(_Spec(
        "yunting", "interactions", "yunting/app_events.parquet", "parquet",
        headers=_identity(["interaction_id", "occurred_at", "channel", "customer_id",
                           "direction", "type", "campaign_id", "converted"])))
    s.append(_Spec(
        "yunting", "campaigns", "yunting/campaigns.csv", "csv",
        headers=_identity(["campaign_id", "cost", "name", "channel", "start_date", "end_date",
                           "target_count"]),
        date_style="iso_date"))
    s.append(_Spec(
        "yunting", "costs", "yunting/costs.csv", "csv",
        headers=_identity(["period_start", "category", "amount", "channel"]),
        date_style="iso_date"))
    s.append(_Spec(
        "yunting", "loyalty_ledger", "yunting/points.parquet", "parquet",
        headers=_identity(["customer_id", "occurred_at", "points_earned", "points_redeemed",
                           "reward_type"])))
    s.append(_Spec(
        "yunting", "assessment", "yunting/assessment.csv", "csv",
        headers=_identity(["dimension", "item", "score", "weight", "evidence", "assessor",
                           "assessed_at"]),
        date_style="iso_date"))
    return s


#: Every export file, as ``(company, table, relative path, format, encoding)``.
EXPORT_FILES: list[tuple[str, str, str, str, str]] = [
    (x.company, x.table, x.path, x.fmt, x.encoding) for x in _specs()]

#: Deliberately dirty rows planted in the exports.  Each entry names the file,
#: the source column, the row identifiers and what a validating ingest should
#: do.  Rows with new identifiers are extra rows; dropping them (and the exact
#: duplicates) leaves exactly the frames of :func:`crmkit.demo.generate`.
DIRTY_ROWS: list[dict[str, Any]] = [
    {"company": "huamei", "table": "orders", "file": "huamei/订单明细.csv", "column": "下单时间",
     "kind": "unparseable_date", "count": 2, "ids": ["HMOX000001", "HMOX000002"],
     "values": ["2025-02-30 10:15", "未知"],
     "description": "order date that is not a date (30 February; the word 'unknown')"},
    {"company": "huamei", "table": "orders", "file": "huamei/订单明细.csv", "column": "订单编号",
     "kind": "duplicate_id", "count": 2, "ids": None,
     "description": "two orders exported twice: exact copies of existing rows (same 订单编号)"},
    {"company": "huamei", "table": "orders", "file": "huamei/订单明细.csv", "column": "实付金额",
     "kind": "negative_amount", "count": 1, "ids": ["HMOX000003"], "values": ["-￥88.00"],
     "description": "negative amount on an order that is not a return (是否退货 = 否)"},
    {"company": "huamei", "table": "orders", "file": "huamei/订单明细.csv", "column": "客户ID",
     "kind": "unknown_customer", "count": 2, "ids": ["HMOX000004", "HMOX000005"],
     "values": ["HM900001", "HM900002"],
     "description": "orders of customers that are not in the customer export"},
    {"company": "huamei", "table": "surveys", "file": "huamei/survey_responses.parquet",
     "column": "Score", "kind": "score_out_of_range", "count": 1, "ids": ["HMSX000001"],
     "values": [7], "description": "CSAT score 7 on a 1-5 scale (ScaleMax = 5)"},
    {"company": "huamei", "table": "tickets", "file": "huamei/客服工单.csv", "column": "解决时间",
     "kind": "timestamps_unordered", "count": 1, "ids": ["HMTX000001"],
     "description": "ticket resolved two days before it was opened"},
]


# --------------------------------------------------------------------------- rendering


def _fmt_dates(s: pd.Series, style: str) -> pd.Series:
    """Render timestamps as the strings a given export style uses (NaT -> '')."""
    ok = s.notna()
    y = s.dt.year.astype("Int64").astype(str)
    mo = s.dt.month.astype("Int64").astype(str)
    d = s.dt.day.astype("Int64").astype(str)
    if style == "slash_date":
        out = y + "/" + mo + "/" + d
    elif style == "slash_minute":
        out = y + "/" + mo + "/" + d + " " + s.dt.strftime("%H:%M")
    elif style == "cn_date":
        out = y + "年" + mo + "月" + d + "日"
    else:
        out = s.dt.strftime(_DATE_STYLES[style])
    return out.where(ok, "")


def _yen(x: pd.Series) -> pd.Series:
    v = x.to_numpy(dtype=float)
    return pd.Series([("-" if a < 0 else "") + f"￥{abs(a):,.2f}" for a in v], index=x.index)


def _labels(col: str) -> dict[str, str]:
    if col in ZH_LABELS:
        return ZH_LABELS[col]
    return ZH_LABELS[_LABEL_SET.get(col, "channel" if col.endswith("channel") else col)]


def _render(df: pd.DataFrame, spec: _Spec) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Source-form frame and its mapping dictionary."""
    out: dict[str, pd.Series] = {}
    values: dict[str, dict[Any, Any]] = {}
    lab_key = {"category": "cost_category"} if spec.table == "costs" else {}
    for canon, header in spec.headers.items():
        s = df[canon]
        if canon in spec.translate:
            labels = ZH_LABELS[lab_key[canon]] if canon in lab_key else _labels(canon)
            present = sorted(set(s.dropna().astype(str)))
            missing = [v for v in present if v not in labels]
            if missing:
                raise KeyError(f"no Chinese label for {canon} values {missing}")
            values[canon] = {labels[v]: v for v in present}
            s = s.map(lambda v, lab=labels: lab[v] if isinstance(v, str) else None)
        elif pd.api.types.is_bool_dtype(s) and spec.bools:
            yes, no = spec.bools
            values[canon] = {yes: True, no: False}
            s = pd.Series(np.where(s.to_numpy(bool), yes, no), index=s.index)
        elif pd.api.types.is_datetime64_any_dtype(s) and spec.date_style and spec.fmt != "parquet":
            s = _fmt_dates(s, spec.date_style)
        elif canon in _MONEY.get(spec.table, ()) and spec.money == "yen":
            s = _yen(s)
        elif canon in _MONEY.get(spec.table, ()) and spec.money == "cents":
            s = (s * 100).round().astype("Int64")
        out[header] = s
    mapping: dict[str, Any] = {"table": spec.table, "encoding": spec.encoding}
    if spec.fmt == "xlsx":
        mapping["sheet"] = spec.sheet
    mapping["columns"] = dict(spec.headers)
    if values:
        mapping["values"] = values
    mapping["amount_scale"] = 0.01 if spec.money == "cents" else 1
    if spec.date_style and spec.fmt != "parquet":
        mapping["date_format"] = _DATE_STYLES[spec.date_style]
    return pd.DataFrame(out), mapping


def _insert(rendered: pd.DataFrame, extra: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Insert ``extra`` rows at random positions of ``rendered``."""
    n = len(rendered)
    pos = np.sort(rng.integers(1, max(n, 2), len(extra)))
    pieces, last = [], 0
    for i, p in enumerate(pos):
        pieces.append(rendered.iloc[last:p])
        pieces.append(extra.iloc[[i]])
        last = p
    pieces.append(rendered.iloc[last:])
    return pd.concat(pieces, ignore_index=True)


def _plant_dirty(spec: _Spec, rendered: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    h = spec.headers
    if spec.company == "huamei" and spec.table == "orders" and len(rendered) > 10:
        ok = rendered[rendered[h["is_return"]] == "否"]
        base = ok.iloc[rng.choice(len(ok), 5, replace=False)].copy()
        base[h["order_id"]] = [f"HMOX{i:06d}" for i in range(1, 6)]
        base.iloc[0, base.columns.get_loc(h["order_date"])] = "2025-02-30 10:15"
        base.iloc[1, base.columns.get_loc(h["order_date"])] = "未知"
        base.iloc[2, base.columns.get_loc(h["amount"])] = "-￥88.00"
        base.iloc[3, base.columns.get_loc(h["customer_id"])] = "HM900001"
        base.iloc[4, base.columns.get_loc(h["customer_id"])] = "HM900002"
        dup = rendered[rendered[h["is_return"]] == "否"].iloc[
            rng.choice(len(ok), 2, replace=False)].copy()
        extra = pd.concat([base, dup], ignore_index=True)
        return _insert(rendered, extra.iloc[rng.permutation(len(extra))], rng)
    if spec.company == "huamei" and spec.table == "surveys" and len(rendered):
        cs = rendered[rendered[h["survey_type"]] == "csat"]
        row = cs.iloc[[int(rng.integers(0, len(cs)))]].copy()
        row[h["response_id"]] = "HMSX000001"
        row[h["score"]] = 7
        return _insert(rendered, row, rng)
    if spec.company == "huamei" and spec.table == "tickets" and len(rendered):
        closed = rendered[rendered[h["resolved_at"]] != ""]
        row = closed.iloc[[int(rng.integers(0, len(closed)))]].copy()
        opened = pd.Timestamp(row[h["opened_at"]].iloc[0])
        row[h["ticket_id"]] = "HMTX000001"
        row[h["first_response_at"]] = ""
        row[h["resolved_at"]] = (opened - pd.Timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
        return _insert(rendered, row, rng)
    return rendered


def _atomic_write(path: pathlib.Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(pathlib.Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def write_exports(frames: dict[str, dict[str, pd.DataFrame]],
                  outdir: str | os.PathLike[str]) -> pathlib.Path:
    """Write raw exports, mapping YAMLs and ``manifest.yaml``.

    Parameters
    ----------
    frames : dict
        Output of :func:`crmkit.demo.generate` (any subset of the demo
        companies).
    outdir : path-like
        Directory to write into (created if needed).  Existing files of the
        same names are replaced.

    Returns
    -------
    pathlib.Path
        Path of ``manifest.yaml``.

    Notes
    -----
    Dirty rows (:data:`DIRTY_ROWS`) are planted in huamei's files only, and
    only when huamei is in ``frames``.  Positions of planted rows are fixed
    (seeded), so the same frames always give byte-identical files.
    """
    out = pathlib.Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20250101)
    order = {"customers": 0, "orders": 1}
    entries: list[dict[str, str]] = []
    sheets: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for spec in _specs():
        if spec.company not in frames or spec.table not in frames[spec.company]:
            continue
        rendered, mapping = _render(frames[spec.company][spec.table], spec)
        rendered = _plant_dirty(spec, rendered, rng)
        map_rel = f"{spec.company}/mappings/{spec.table}.yaml"
        text = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)
        _atomic_write(out / map_rel, lambda p, t=text: p.write_text(t, encoding="utf-8"))
        if spec.fmt == "csv":
            _atomic_write(out / spec.path, lambda p, r=rendered, e=spec.encoding: r.to_csv(
                p, index=False, encoding=e))
        elif spec.fmt == "parquet":
            _atomic_write(out / spec.path, lambda p, r=rendered: r.to_parquet(p, index=False))
        else:
            sheets.setdefault(spec.path, []).append((str(spec.sheet), rendered))
        entries.append({"company": spec.company, "table": spec.table, "source": spec.path,
                        "mapping": map_rel})
    for path, parts in sheets.items():
        def write_book(p: pathlib.Path, parts=parts) -> None:
            with pd.ExcelWriter(p, engine="openpyxl") as xw:
                for name, df in parts:
                    df.to_excel(xw, sheet_name=name, index=False)
        _atomic_write(out / path, write_book)
    companies = list(dict.fromkeys(e["company"] for e in entries))
    entries.sort(key=lambda e: (companies.index(e["company"]), order.get(e["table"], 2)))
    dirty = [d for d in DIRTY_ROWS if d["company"] in frames]
    manifest = {
        "description": "crmkit demo exports; paths are relative to this file",
        "exports": entries,
        "dirty_rows": dirty,
    }
    mpath = out / "manifest.yaml"
    text = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False)
    _atomic_write(mpath, lambda p: p.write_text(text, encoding="utf-8"))
    return mpath
