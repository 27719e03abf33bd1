"""Management maturity questionnaire (管理成熟度) and its scoring.

The questionnaire is data: 13 dimensions × 4 items, each with an English
and a Simplified Chinese question and anchored descriptions of levels 1, 3
and 5 on a 1-5 maturity scale (levels 2 and 4 lie between the anchors).
Answers live in the canonical ``assessment`` table (``dimension, item,
score, weight, evidence, assessor, assessed_at``); :func:`write_template`
writes a fillable template, :func:`dimension_scores` turns answers into
0-100 dimension scores with gaps to target, and
:func:`fuzzy_dimension_evaluation` gives a fuzzy comprehensive evaluation
(模糊综合评价) per dimension.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit.errors import ConfigError, DataError
from crmkit.scoring.fuzzy import fuzzy_evaluation, membership_matrix

__all__ = [
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "LEVELS",
    "ASSESSMENT_COLUMNS",
    "questionnaire",
    "write_template",
    "read_assessment",
    "latest_assessment",
    "dimension_scores",
    "fuzzy_dimension_evaluation",
    "round_comparison",
    "overall_score",
]

DIMENSIONS: tuple[str, ...] = (
    "team",
    "technology",
    "process",
    "data",
    "culture",
    "strategy",
    "compliance",
    "security",
    "csr",
    "cross_cultural",
    "crisis",
    "innovation",
    "improvement",
)
"""Dimension codes in report order."""

DIMENSION_LABELS: dict[str, dict[str, str]] = {
    "team": {"en": "Team", "zh": "团队建设"},
    "technology": {"en": "Technology and CRM system", "zh": "技术与CRM系统"},
    "process": {"en": "Process", "zh": "流程管理"},
    "data": {"en": "Data management and analysis capability", "zh": "数据管理与分析能力"},
    "culture": {"en": "Culture", "zh": "企业文化"},
    "strategy": {"en": "Strategy", "zh": "战略"},
    "compliance": {"en": "Compliance and privacy", "zh": "合规与隐私保护"},
    "security": {"en": "Information security", "zh": "信息安全"},
    "csr": {"en": "Corporate social responsibility", "zh": "企业社会责任"},
    "cross_cultural": {"en": "Cross-cultural management", "zh": "跨文化管理"},
    "crisis": {"en": "Crisis management", "zh": "危机管理"},
    "innovation": {"en": "Innovation", "zh": "创新"},
    "improvement": {"en": "Continuous improvement", "zh": "持续改进"},
}
"""Dimension code → {"en": label, "zh": label}."""

LEVELS: dict[int, dict[str, str]] = {
    1: {"en": "Initial: ad hoc, person-dependent", "zh": "初始级：临时、依赖个人"},
    2: {"en": "Developing: partly repeatable", "zh": "发展级：部分可重复"},
    3: {"en": "Defined: documented and applied in main areas", "zh": "规范级：已成文并在主要领域执行"},
    4: {"en": "Managed: measured and controlled", "zh": "管理级：可衡量、受控"},
    5: {"en": "Optimising: continuously improved, best practice", "zh": "优化级：持续改进、业内最佳实践"},
}
"""Generic meaning of the five maturity levels (items give specific anchors)."""

ASSESSMENT_COLUMNS: tuple[str, ...] = ("dimension", "item", "score", "weight", "evidence", "assessor", "assessed_at")
"""Columns of the canonical ``assessment`` table."""

# Per item: question (en, zh), then anchors for levels 1, 3 and 5 (en, zh).
_ITEMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "team": (
        ("Are customer-facing roles, responsibilities and staffing clearly defined and adequate for the customer base?",
         "面向客户的岗位职责与人员配置是否清晰，并与客户规模相匹配？",
         "Roles undefined; customer work is done ad hoc by whoever is available.",
         "岗位职责不明确，客户工作由临时人员随意处理。",
         "Roles defined for the main functions; staffing gaps at peaks.",
         "主要岗位已定义职责，但高峰期人手不足。",
         "Roles, capacity plans and backups defined and reviewed against demand.",
         "岗位、产能规划与备岗机制完善，并按需求定期评估。"),
        ("How systematic is staff training in products, service skills and the CRM system?",
         "员工在产品知识、服务技能和CRM系统方面的培训是否系统？",
         "No structured training; learning on the job only.",
         "无系统培训，仅靠在岗摸索。",
         "Onboarding training exists; refresher training is irregular.",
         "有入职培训，但复训不定期。",
         "Role-based curriculum with certification, refreshed yearly and evaluated for effect.",
         "按岗位设置课程与认证，每年更新并评估培训效果。"),
        ("Are goals and incentives of customer-facing staff linked to customer outcomes (satisfaction, retention), not only volume?",
         "一线员工的目标与激励是否与客户结果（满意度、留存）挂钩，而不仅是业务量？",
         "Incentives depend on sales volume only.",
         "激励仅与销售量挂钩。",
         "Some customer metrics are in the targets, with a small weight.",
         "考核中包含部分客户指标，但权重较低。",
         "Balanced scorecard in which customer outcomes weigh substantially, reviewed regularly.",
         "采用平衡计分卡，客户结果占较大权重并定期复核。"),
        ("Can frontline staff resolve customer issues without escalation, and do departments collaborate?",
         "一线员工是否有权直接解决客户问题，各部门之间能否协同配合？",
         "Most issues are escalated; departments work in silos.",
         "多数问题需上报，部门各自为政。",
         "Defined authority limits; cross-team handoffs work but are slow.",
         "有明确授权额度，跨部门交接可行但较慢。",
         "Empowered frontline with clear limits; cross-functional teams own customer journeys.",
         "一线充分授权且边界清晰，跨职能团队对客户旅程全程负责。"),
    ),
    "technology": (
        ("Is there a central CRM system giving all customer-facing teams a single customer view?",
         "是否有统一的CRM系统，为所有面向客户的团队提供统一客户视图？",
         "Customer data sits in spreadsheets and personal files.",
         "客户数据分散在表格和个人文件中。",
         "A CRM is used by sales or service but not shared by all teams.",
         "销售或服务部门使用CRM，但未在全部门共享。",
         "One CRM with a single customer view used by all teams and channels.",
         "全渠道、全部门使用统一CRM和客户360度视图。"),
        ("How well is the CRM integrated with order, service, marketing and finance systems?",
         "CRM与订单、客服、营销和财务系统的集成程度如何？",
         "No integration; data is re-keyed by hand.",
         "无集成，数据靠人工重复录入。",
         "Key systems are linked by batch exports and imports.",
         "主要系统通过批量导出导入实现对接。",
         "Real-time integration through maintained, monitored interfaces.",
         "通过受监控、有维护的接口实现实时集成。"),
        ("How fully do staff use the CRM system (logging interactions, updating records)?",
         "员工对CRM系统的使用是否充分（记录互动、更新资料）？",
         "The system is rarely used; records are incomplete.",
         "系统很少使用，记录不完整。",
         "Most staff use it for core tasks; usage is not monitored.",
         "多数员工在核心工作中使用，但未监控使用情况。",
         "Used consistently by everyone; adoption is measured and acted upon.",
         "全员规范使用，使用率有监测并持续改进。"),
        ("Are routine tasks automated and self-service channels (app, portal, chatbot) available?",
         "常规工作是否实现自动化，是否提供自助服务渠道（App、门户、智能客服）？",
         "Everything is manual; no self-service.",
         "全部人工处理，无自助服务。",
         "Some workflows automated; basic self-service.",
         "部分流程自动化，提供基础自助服务。",
         "Workflows, routing and reminders automated; self-service resolves most routine requests.",
         "流程、分派与提醒全面自动化，自助服务可解决大部分常规需求。"),
    ),
    "process": (
        ("Are the key customer processes (onboarding, ordering, service, complaints) documented and standardised?",
         "关键客户流程（开户、下单、服务、投诉）是否有文档并实现标准化？",
         "Processes are undocumented and vary by person.",
         "流程无文档，因人而异。",
         "Main processes documented; adherence is uneven.",
         "主要流程已成文，但执行不一致。",
         "All key processes documented, standardised, owned and audited.",
         "所有关键流程成文、标准化、有负责人并定期审计。"),
        ("Are service levels (response and resolution times) defined, measured and met?",
         "是否定义、衡量并达成服务水平（响应和解决时限）？",
         "No service levels are defined.",
         "未定义服务水平。",
         "Service levels defined and measured for some channels.",
         "部分渠道定义并衡量了服务水平。",
         "Service levels for all channels, monitored in real time, escalated when at risk.",
         "全渠道服务水平实时监控，临近超时自动升级。"),
        ("Is there a closed-loop complaint handling process with root-cause analysis?",
         "是否有闭环的投诉处理流程并进行根因分析？",
         "Complaints are handled case by case and not recorded.",
         "投诉逐件处理，无记录。",
         "Complaints are logged and tracked to closure.",
         "投诉有登记并跟踪至关闭。",
         "Closed loop with customer follow-up, root-cause analysis and tracked fixes.",
         "闭环管理，包括回访、根因分析和整改跟踪。"),
        ("Are customer journeys mapped across touchpoints, with the handoffs between them managed?",
         "是否梳理了跨触点的客户旅程，并管理各环节之间的衔接？",
         "No journey view; each department sees only its own step.",
         "没有旅程视角，各部门只关注自身环节。",
         "Main journeys mapped; pain points partly addressed.",
         "主要旅程已梳理，部分痛点已处理。",
         "Journeys have owners and metrics per stage and are redesigned from customer feedback.",
         "旅程各阶段有负责人与指标，并依据客户反馈持续优化。"),
    ),
    "data": (
        ("Is customer data complete, accurate, de-duplicated and governed (owners, definitions)?",
         "客户数据是否完整、准确、去重，并有治理机制（数据负责人、口径定义）？",
         "Many duplicates and gaps; nobody owns the data.",
         "重复与缺失严重，无数据负责人。",
         "Periodic clean-ups; key fields are defined.",
         "定期清洗，关键字段有定义。",
         "Data owners and a data dictionary; quality rules monitored continuously.",
         "有数据负责人和数据字典，数据质量规则持续监控。"),
        ("Are customer KPIs (satisfaction, retention, value) reported regularly from trusted data?",
         "是否基于可信数据定期报告客户关键指标（满意度、留存、价值）？",
         "No regular reporting.",
         "没有定期报告。",
         "Monthly reports, partly manual; definitions vary.",
         "有月度报告，部分依赖人工，口径不统一。",
         "Automated dashboards with agreed definitions, used in management meetings.",
         "自动化看板、口径统一，并用于管理例会决策。"),
        ("Does the company use segmentation and predictive analytics (e.g. churn, CLV) in decisions?",
         "公司是否在决策中使用客户细分与预测分析（如流失预警、客户终身价值）？",
         "No analysis beyond totals.",
         "除汇总数据外无分析。",
         "Descriptive segmentation is used in marketing.",
         "营销中使用描述性客户细分。",
         "Predictive models run in production, are validated and drive actions.",
         "预测模型上线运行、经过验证并驱动业务行动。"),
        ("Is customer feedback (surveys, complaints, reviews) collected systematically and linked to customer records?",
         "是否系统收集客户反馈（调查、投诉、评价）并与客户档案关联？",
         "Feedback is not collected or not kept.",
         "不收集或不保存客户反馈。",
         "Regular surveys; results are not linked to customers.",
         "定期调查，但结果未与客户关联。",
         "Feedback from all channels linked to customer records and analysed for drivers.",
         "全渠道反馈与客户档案关联，并进行驱动因素分析。"),
    ),
    "culture": (
        ("Is customer orientation part of the company's stated values and visible in daily behaviour?",
         "以客户为中心是否写入公司价值观并体现在日常行为中？",
         "Not mentioned; internal priorities dominate.",
         "未提及，内部事务优先。",
         "Stated in the values; practice is inconsistent.",
         "价值观中有表述，但实践不一致。",
         "A lived value: decisions routinely weigh customer impact, reinforced by leaders.",
         "成为真实的价值观：决策常规考虑客户影响，并由管理层示范强化。"),
        ("Do employees at all levels hear the voice of the customer (feedback, visits, listening sessions)?",
         "各层级员工是否能听到客户声音（反馈分享、客户走访、倾听会）？",
         "Customer feedback stays with frontline staff.",
         "客户反馈只停留在一线。",
         "Feedback summaries are shared with managers.",
         "反馈摘要会分享给管理者。",
         "Regular customer listening at all levels, executives included.",
         "包括高管在内的各层级定期倾听客户。"),
        ("Is good customer service recognised and rewarded?",
         "优质客户服务是否得到认可和奖励？",
         "No recognition.",
         "没有认可机制。",
         "Occasional recognition by managers.",
         "管理者偶尔表彰。",
         "Formal recognition programme based on customer feedback.",
         "有基于客户反馈的正式表彰制度。"),
        ("Is employee satisfaction measured and acted upon, recognising its link to customer experience?",
         "是否衡量员工满意度并据此改进，认识到其与客户体验的关联？",
         "Not measured.",
         "未衡量。",
         "Measured yearly; few actions follow.",
         "每年衡量，但后续行动少。",
         "Measured regularly, linked to customer results, with tracked action plans.",
         "定期衡量并与客户结果关联，有跟踪落实的改进计划。"),
    ),
    "strategy": (
        ("Is there a written customer strategy (target segments, value proposition, relationship goals) aligned with the business strategy?",
         "是否有书面的客户战略（目标客群、价值主张、关系目标），并与企业战略一致？",
         "No customer strategy.",
         "没有客户战略。",
         "A strategy exists but is general or not linked to targets.",
         "有战略但较笼统，未与目标挂钩。",
         "Explicit segments, value proposition and measurable targets, reviewed yearly.",
         "战略明确包含客群、价值主张和可衡量目标，并每年复核。"),
        ("Does senior management sponsor customer relationship management with clear accountability and regular review?",
         "高层是否支持客户关系管理工作，有明确责任人并定期审视？",
         "No executive owner.",
         "无高层负责人。",
         "An executive sponsor is named; reviews are irregular.",
         "指定了高层负责人，但审视不定期。",
         "Executive owner; customer metrics reviewed by top management or the board every quarter.",
         "有高层负责人，客户指标每季度由最高管理层或董事会审议。"),
        ("Are budgets allocated by customer value (retention vs acquisition, high-value segments)?",
         "预算是否按客户价值配置（留存与获客、高价值客群）？",
         "Budgets follow habit; customer value is not considered.",
         "预算按惯例分配，不考虑客户价值。",
         "Some allocation by segment.",
         "部分预算按客群分配。",
         "Budgets follow expected customer value and return, and are reviewed against results.",
         "依据预期客户价值和投资回报分配预算，并按结果复核。"),
        ("Are service levels and offers differentiated by customer segment and value?",
         "是否按客户细分和价值提供差异化的服务与方案？",
         "All customers are treated the same.",
         "所有客户同等对待。",
         "Key accounts get special treatment informally.",
         "大客户有非正式的特殊待遇。",
         "Formal segment-based service model with defined offers, reviewed regularly.",
         "有正式的分层服务模式，方案明确并定期评估。"),
    ),
    "compliance": (
        ("Is customer consent to data collection and marketing obtained, recorded and honoured (e.g. PIPL, GDPR)?",
         "是否获取、记录并遵守客户对数据收集与营销的同意（如《个人信息保护法》、GDPR）？",
         "Consent is not recorded.",
         "未记录客户同意。",
         "Consent recorded at sign-up; withdrawals handled by hand.",
         "注册时记录同意，撤回需人工处理。",
         "Consent managed per purpose and channel; withdrawals applied automatically and audited.",
         "按用途和渠道管理同意，撤回自动生效并可审计。"),
        ("Are customer requests (access, correction, deletion) and data retention periods handled under a defined procedure?",
         "客户的查阅、更正、删除请求及数据保存期限是否按既定程序处理？",
         "No procedure; data kept indefinitely.",
         "无处理程序，数据无限期保存。",
         "A procedure exists; retention applied in some systems.",
         "有处理程序，部分系统执行保存期限。",
         "Requests handled within deadlines and logged; retention enforced in every system.",
         "请求按时处理并留痕，所有系统执行保存期限。"),
        ("Do sales, marketing and service practices comply with consumer-protection and advertising rules, with checks?",
         "销售、营销与服务行为是否符合消费者权益保护和广告法规，并有检查机制？",
         "No checks.",
         "无检查。",
         "Legal review of major campaigns.",
         "重大营销活动有法务审核。",
         "Compliance checks built into processes, with training and periodic audits.",
         "合规检查嵌入流程，并配合培训和定期审计。"),
        ("Are third parties that handle customer data (vendors, partners) bound by contracts and assessed?",
         "处理客户数据的第三方（供应商、合作伙伴）是否签订协议并接受评估？",
         "No agreements.",
         "无协议。",
         "Data processing agreements with the main vendors.",
         "与主要供应商签订了数据处理协议。",
         "Every processor under agreement, assessed before onboarding and periodically.",
         "所有处理方均签协议，准入前及定期接受评估。"),
    ),
    "security": (
        ("Is access to customer data restricted by role, with regular access reviews?",
         "客户数据访问是否按角色限制，并定期复核权限？",
         "Shared accounts; everyone sees everything.",
         "共用账号，人人可见全部数据。",
         "Role-based access; reviews are rare.",
         "按角色授权，但很少复核。",
         "Least privilege, multi-factor authentication and quarterly access reviews.",
         "最小权限、多因素认证，每季度复核权限。"),
        ("Is customer data encrypted, backed up and protected against loss and leakage?",
         "客户数据是否加密、备份，并防范丢失与泄露？",
         "No encryption and no tested backups.",
         "无加密，备份未经测试。",
         "Backups and encryption for the main systems.",
         "主要系统有备份与加密。",
         "Encryption in transit and at rest, restore-tested backups and leakage monitoring.",
         "传输与存储均加密，备份经过恢复测试，并有泄露监测。"),
        ("Is there a security incident response plan, including notice to customers and regulators?",
         "是否有信息安全事件响应预案，包括通知客户与监管机构？",
         "No plan.",
         "无预案。",
         "A written plan that has not been exercised.",
         "有书面预案但未演练。",
         "Plan exercised regularly; incidents logged, reported within deadlines and reviewed.",
         "定期演练；事件留档、按时报告并复盘。"),
        ("Are staff trained in information security (phishing, handling customer data), and is it tested?",
         "员工是否接受信息安全培训（防钓鱼、客户数据处理），并经过测试？",
         "No training.",
         "无培训。",
         "Yearly awareness training.",
         "每年一次安全意识培训。",
         "Regular training with simulated phishing tests and tracked results.",
         "定期培训，进行模拟钓鱼演练并跟踪结果。"),
    ),
    "csr": (
        ("Does the company have social responsibility commitments relevant to customers (product safety, fair pricing, accessibility)?",
         "公司是否有与客户相关的社会责任承诺（产品安全、公平定价、无障碍服务）？",
         "No commitments.",
         "无相关承诺。",
         "Commitments stated but not measured.",
         "有声明但未衡量。",
         "Commitments with targets, measured and published.",
         "承诺有目标、可衡量并公开发布。"),
        ("Are vulnerable customers (elderly, disabled, minors) identified and served with suitable safeguards?",
         "是否识别弱势客户（老年人、残障人士、未成年人）并提供适当保护？",
         "Not considered.",
         "未考虑。",
         "Some accommodations on request.",
         "应要求提供部分便利。",
         "Defined policy, trained staff and accessible channels, monitored.",
         "有明确政策、员工培训和无障碍渠道，并持续监测。"),
        ("Are the environmental and sustainability aspects of products and services communicated honestly to customers?",
         "是否向客户如实传达产品与服务的环保和可持续信息？",
         "Not addressed.",
         "未涉及。",
         "Some information is provided.",
         "提供部分信息。",
         "Verified sustainability information and programmes involving customers (e.g. take-back, recycling).",
         "提供经核实的可持续信息，并开展客户参与的项目（如回收）。"),
        ("Does the company report on its social responsibility and engage with communities and stakeholders?",
         "公司是否发布社会责任报告，并与社区和利益相关方互动？",
         "No reporting.",
         "无报告。",
         "Occasional activities and informal reporting.",
         "偶有活动，非正式报告。",
         "Regular CSR/ESG report against a recognised standard, with stakeholder dialogue.",
         "按公认标准定期发布CSR/ESG报告，并开展利益相关方对话。"),
    ),
    "cross_cultural": (
        ("Can customers be served in their preferred language in every channel?",
         "能否在各渠道以客户偏好的语言提供服务？",
         "One language only.",
         "仅支持一种语言。",
         "Main languages supported in some channels.",
         "部分渠道支持主要语言。",
         "All relevant languages in all channels, with quality checks.",
         "全渠道支持所有相关语言，并进行质量检查。"),
        ("Are products, communication and service adapted to the cultural norms of each market or customer group?",
         "产品、沟通与服务是否根据各市场或客户群体的文化习惯进行调整？",
         "One approach for all markets.",
         "所有市场采用同一做法。",
         "Adapted for the largest markets.",
         "对最大的市场进行了调整。",
         "Systematic localisation informed by local research and feedback.",
         "基于本地调研和反馈进行系统的本地化。"),
        ("Are staff trained in intercultural communication with customers and colleagues of different backgrounds?",
         "员工是否接受跨文化沟通培训，以服务不同背景的客户并与同事协作？",
         "No training.",
         "无培训。",
         "Training for staff in international roles.",
         "面向国际业务的员工接受培训。",
         "Regular training for all relevant staff, and diverse teams.",
         "相关员工定期培训，团队构成多元。"),
        ("Are customer standards consistent across regions while allowing local flexibility?",
         "各地区的客户服务标准是否统一，同时保留本地灵活性？",
         "Each region does its own thing.",
         "各地区各自为政。",
         "Common standards for some processes.",
         "部分流程有统一标准。",
         "Global standards with defined local adaptations, compared across regions.",
         "有全球统一标准和明确的本地化调整，并进行跨地区对比。"),
    ),
    "crisis": (
        ("Is there a crisis management plan for customer-facing crises (recalls, outages, public complaints)?",
         "是否有针对面向客户危机（召回、服务中断、公众投诉）的危机管理预案？",
         "No plan.",
         "无预案。",
         "Plans exist for some scenarios.",
         "部分情景有预案。",
         "Plans for the main scenarios with assigned roles, exercised at least yearly.",
         "主要情景均有预案、分工明确，至少每年演练一次。"),
        ("Are early signals (complaint spikes, social media sentiment) monitored to detect crises?",
         "是否监测早期信号（投诉激增、社交媒体舆情）以及时发现危机？",
         "Not monitored.",
         "不监测。",
         "Monitored by hand, irregularly.",
         "人工不定期监测。",
         "Automated monitoring with thresholds and alerts to owners.",
         "自动监测，设置阈值并向负责人告警。"),
        ("Can the company communicate quickly and consistently with affected customers during a crisis?",
         "危机中公司能否迅速、一致地与受影响客户沟通？",
         "No prepared channels or messages.",
         "无预设渠道和话术。",
         "A spokesperson and message templates exist.",
         "有指定发言人和沟通模板。",
         "Pre-approved messages, lists of affected customers and multi-channel reach within hours.",
         "有预审话术和受影响客户名单，数小时内多渠道触达。"),
        ("After a crisis, are customers compensated fairly and are lessons learned applied?",
         "危机过后，是否公平补偿客户并落实经验教训？",
         "No follow-up.",
         "无后续处理。",
         "Compensation case by case; informal review.",
         "逐案补偿，非正式复盘。",
         "Compensation policy, formal post-incident review and tracked improvements.",
         "有补偿政策、正式复盘和跟踪落实的改进。"),
    ),
    "innovation": (
        ("Are customer insights used to develop new products, services or experiences?",
         "是否利用客户洞察开发新产品、新服务或新体验？",
         "Never.",
         "从不。",
         "Sometimes, informally.",
         "有时，以非正式方式。",
         "A systematic innovation process fed by customer insight, including co-creation.",
         "有以客户洞察驱动、包括客户共创的系统化创新流程。"),
        ("Does the company try new channels and technologies (e.g. AI assistants, social commerce)?",
         "公司是否尝试新渠道和新技术（如AI助手、社交电商）？",
         "No experimentation.",
         "不做尝试。",
         "Occasional pilots.",
         "偶尔试点。",
         "A portfolio of pilots with success criteria; successful ones are scaled up.",
         "有试点组合和成功标准，成功项目得到推广。"),
        ("Are controlled experiments (A/B tests) used to evaluate customer initiatives?",
         "是否使用对照实验（A/B测试）评估客户举措？",
         "No.",
         "否。",
         "Some campaigns are tested.",
         "部分活动进行测试。",
         "Testing is standard practice, with documented results.",
         "测试为标准做法，结果有记录。"),
        ("Are employees encouraged, and given time and resources, to propose customer-related innovations?",
         "是否鼓励员工提出与客户相关的创新，并给予时间和资源？",
         "Ideas are not collected.",
         "不收集建议。",
         "A suggestion scheme exists.",
         "有合理化建议制度。",
         "Ideas are collected, evaluated transparently, funded and implemented.",
         "建议被收集、透明评估、获得资源并落地。"),
    ),
    "improvement": (
        ("Are customer KPIs reviewed against targets and followed by improvement actions?",
         "是否对照目标审视客户关键指标，并跟进改进行动？",
         "No targets or reviews.",
         "无目标、无审视。",
         "Reviewed, but actions are not tracked.",
         "有审视，但行动未跟踪。",
         "A regular plan-do-check-act cycle with owners, deadlines and checked effects.",
         "定期开展PDCA循环，有负责人、期限并检验效果。"),
        ("Are the root causes of recurring problems identified and removed?",
         "是否识别并消除反复出现问题的根本原因？",
         "The same problems keep recurring.",
         "同样问题反复出现。",
         "Root causes analysed for major issues.",
         "重大问题进行根因分析。",
         "Structured methods (e.g. 5 Whys, Six Sigma) applied and recurrence monitored.",
         "运用结构化方法（如5个为什么、六西格玛）并监测复发。"),
        ("Does the company benchmark its customer management against peers or standards (e.g. ISO 10002, ISO 9001)?",
         "公司是否对标同行或标准（如ISO 10002、ISO 9001）评估客户管理？",
         "No benchmarking.",
         "不对标。",
         "Occasional comparison.",
         "偶尔比较。",
         "Regular benchmarking or certification with plans to close the gaps.",
         "定期对标或认证，并制定差距改进计划。"),
        ("Is this maturity assessment repeated regularly, and are gaps closed over time?",
         "本成熟度评估是否定期开展，差距是否逐步缩小？",
         "First assessment, or never repeated.",
         "首次评估或从未重复开展。",
         "Repeated occasionally; some gaps addressed.",
         "偶尔重复，部分差距得到处理。",
         "Repeated at least yearly with evidence; gaps tracked to closure.",
         "至少每年开展并留存证据，差距跟踪至关闭。"),
    ),
}

_TEXT_COLUMNS: tuple[str, ...] = (
    "question_en", "question_zh", "level_1_en", "level_1_zh", "level_3_en", "level_3_zh", "level_5_en", "level_5_zh",
)


def questionnaire() -> pd.DataFrame:
    """The maturity questionnaire, one row per item.

    Returns
    -------
    pandas.DataFrame
        52 rows (13 dimensions × 4 items, in :data:`DIMENSIONS` order) with
        columns ``dimension, dimension_en, dimension_zh, item, question_en,
        question_zh, level_1_en, level_1_zh, level_3_en, level_3_zh,
        level_5_en, level_5_zh``. Item codes are ``<dimension>_1`` …
        ``<dimension>_4``.

    Examples
    --------
    >>> q = questionnaire()
    >>> q.shape[0], q.loc[0, "item"], q.loc[0, "dimension_zh"]
    (52, 'team_1', '团队建设')
    """
    rows = []
    for dimension in DIMENSIONS:
        for k, texts in enumerate(_ITEMS[dimension], start=1):
            rows.append(
                {
                    "dimension": dimension,
                    "dimension_en": DIMENSION_LABELS[dimension]["en"],
                    "dimension_zh": DIMENSION_LABELS[dimension]["zh"],
                    "item": f"{dimension}_{k}",
                    **dict(zip(_TEXT_COLUMNS, texts, strict=True)),
                }
            )
    return pd.DataFrame(rows)


def write_template(
    path: str | os.PathLike[str],
    *,
    assessor: str | None = None,
    assessed_at: Any = None,
) -> Path:
    """Write a fillable assessment template (CSV or Excel by suffix).

    Columns: the canonical ``assessment`` table (:data:`ASSESSMENT_COLUMNS`,
    ``score`` left empty, ``weight`` 1) followed by the dimension labels,
    questions and level anchors in English and Chinese. ``.csv`` is written
    as UTF-8 with a byte-order mark so that Excel shows the Chinese text;
    ``.xlsx`` gets an ``assessment`` sheet and a ``levels`` sheet with the
    generic level descriptions. The file is written to a temporary name
    and renamed, so a partial template never appears.

    Parameters
    ----------
    path : path-like
        Target file ending in ``.csv`` or ``.xlsx``.
    assessor : str, optional
        Pre-filled assessor.
    assessed_at : date-like, optional
        Pre-filled assessment date.

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ConfigError(f"template {target} must end in .csv or .xlsx, not {target.suffix!r}.")
    q = questionnaire()
    frame = pd.DataFrame(
        {
            "dimension": q["dimension"],
            "item": q["item"],
            "score": pd.Series([np.nan] * len(q), dtype="float64"),
            "weight": 1.0,
            "evidence": "",
            "assessor": assessor or "",
            "assessed_at": "" if assessed_at is None else pd.Timestamp(assessed_at).date().isoformat(),
        }
    )
    frame = pd.concat([frame, q.drop(columns=["dimension", "item"])], axis=1)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
    os.close(fd)
    try:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            levels = pd.DataFrame(
                [{"level": k, "level_en": v["en"], "level_zh": v["zh"]} for k, v in LEVELS.items()]
            )
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                frame.to_excel(writer, sheet_name="assessment", index=False)
                levels.to_excel(writer, sheet_name="levels", index=False)
                sheet = writer.sheets["assessment"]
                sheet.freeze_panes = "C2"
                for letter, width in (("A", 16), ("B", 18), ("E", 30)):
                    sheet.column_dimensions[letter].width = width
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def read_assessment(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a filled template (CSV or ``.xlsx``) into the ``assessment`` layout.

    Parameters
    ----------
    path : path-like
        A file written by :func:`write_template` and filled in (extra text
        columns are ignored; CSV with or without a byte-order mark).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ASSESSMENT_COLUMNS`; ``score`` and ``weight`` numeric,
        ``assessed_at`` datetime. Unanswered rows are kept with NaN score.
    """
    source = Path(path)
    suffix = source.suffix.lower()
    try:
        if suffix == ".csv":
            raw = pd.read_csv(source, encoding="utf-8-sig", dtype={"evidence": str, "assessor": str})
        elif suffix in (".xlsx", ".xlsm"):
            raw = pd.read_excel(source, sheet_name="assessment", engine="openpyxl")
        else:
            raise ConfigError(f"assessment file {source} must end in .csv or .xlsx.")
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read assessment file {source}: {exc}") from exc
    missing = [c for c in ("dimension", "item", "score") if c not in raw.columns]
    if missing:
        raise DataError(f"assessment file {source} lacks column(s) {', '.join(missing)}; start from write_template().")
    out = raw.reindex(columns=list(ASSESSMENT_COLUMNS)).copy()
    out["score"] = pd.to_numeric(out["score"], errors="coerce").astype("float64")
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce").astype("float64")
    out["assessed_at"] = pd.to_datetime(out["assessed_at"], errors="coerce")
    for column in ("dimension", "item", "evidence", "assessor"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def latest_assessment(assessment: pd.DataFrame, as_of: Any = None) -> pd.DataFrame:
    """Latest answered assessment of every item, up to ``as_of``.

    Rows without a score are ignored (unanswered). For each item the rows
    with its latest ``assessed_at`` on or before ``as_of`` are kept (several
    rows at that time, e.g. several assessors, are all kept); undated rows
    count only when the item has no dated row.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    as_of : date-like, optional
        Ignore assessments after this time (default: none ignored).

    Returns
    -------
    pandas.DataFrame
    """
    if not isinstance(assessment, pd.DataFrame):
        raise DataError("assessment must be a DataFrame with dimension, item and score columns.")
    missing = [c for c in ("dimension", "item", "score") if c not in assessment.columns]
    if missing:
        raise DataError(f"assessment table lacks column(s) {', '.join(missing)}.")
    frame = assessment.copy()
    for column in ASSESSMENT_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    frame["weight"] = pd.to_numeric(frame["weight"], errors="coerce").astype("float64")
    frame["assessed_at"] = pd.to_datetime(frame["assessed_at"], errors="coerce")
    frame = frame[frame["score"].notna()]
    bad = frame[(frame["score"] < 1) | (frame["score"] > 5)]
    if len(bad):
        raise DataError(
            f"assessment: {len(bad)} score(s) outside 1-5 (items {', '.join(map(str, bad['item'].head(5)))}); "
            "use the 1-5 maturity scale.",
            failure_cases=bad,
        )
    negative = frame[frame["weight"] < 0]
    if len(negative):
        raise DataError("assessment: weights must not be negative.", failure_cases=negative)
    if as_of is not None:
        cutoff = pd.Timestamp(as_of)
        frame = frame[frame["assessed_at"].isna() | (frame["assessed_at"] <= cutoff)]
    frame = frame.assign(_order=np.arange(len(frame)))
    dated = frame[frame["assessed_at"].notna()]
    latest = dated.groupby("item")["assessed_at"].transform("max")
    keep_dated = dated[dated["assessed_at"] == latest]
    undated = frame[frame["assessed_at"].isna() & ~frame["item"].isin(dated["item"])]
    out = pd.concat([keep_dated, undated]).sort_values("_order").drop(columns="_order")
    return out.reset_index(drop=True)


def _dimension_order(dimensions: pd.Series) -> list[str]:
    extra = [d for d in dict.fromkeys(dimensions) if d not in DIMENSIONS]
    return [*DIMENSIONS, *extra]


def dimension_scores(
    assessment: pd.DataFrame,
    targets: float | Mapping[str, float] | None = None,
    *,
    as_of: Any = None,
) -> pd.DataFrame:
    """Maturity score per dimension: weighted mean 1-5 → 0-100, gap to target.

    .. math::

        \\bar s_d = \\frac{\\sum_i w_i s_i}{\\sum_i w_i}, \\qquad
        \\text{score}_d = 100 \\cdot \\frac{\\bar s_d - 1}{4}, \\qquad
        \\text{gap}_d = \\text{target}_d - \\text{score}_d

    over the latest answer of each item of dimension *d* (see
    :func:`latest_assessment`; several answers of one item at its latest
    time are averaged first), with item weights :math:`w_i` (missing
    weight = 1; items of weight 0 are left out). A positive gap is the
    shortfall in points; negative means the target is exceeded.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    targets : float or mapping, optional
        Target on the 0-100 scale, for all dimensions or per dimension.
    as_of : date-like, optional
        Use only assessments on or before this time.

    Returns
    -------
    pandas.DataFrame
        Indexed by dimension (the 13 of :data:`DIMENSIONS` first, then any
        other dimension found): ``label_en, label_zh, mean, score, n_items,
        target, gap, evidence`` (list of evidence texts), ``assessed_at``
        (latest date used). Dimensions without answers have NaN scores.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"dimension": ["team", "team"], "item": ["team_1", "team_2"],
    ...                   "score": [3, 5], "weight": [1, 3]})
    >>> dimension_scores(a, targets=80).loc["team", ["mean", "score", "gap"]].tolist()
    [4.5, 87.5, -7.5]
    """
    latest = latest_assessment(assessment, as_of)
    latest = latest.assign(weight=latest["weight"].fillna(1.0))
    per_item = latest.groupby(["dimension", "item"], sort=False).agg(
        score=("score", "mean"),
        weight=("weight", "mean"),
        assessed_at=("assessed_at", "max"),
    ).reset_index()
    rows = []
    for dimension in _dimension_order(latest["dimension"]):
        items = per_item[(per_item["dimension"] == dimension) & (per_item["weight"] > 0)]
        if len(items):
            mean = float(np.average(items["score"], weights=items["weight"]))
        else:
            mean = float("nan")
        score = 100.0 * (mean - 1.0) / 4.0
        if targets is None:
            target = float("nan")
        elif isinstance(targets, Mapping):
            target = float(targets.get(dimension, np.nan))
        else:
            target = float(targets)
        evidence = [
            str(e).strip()
            for e in latest.loc[latest["dimension"] == dimension, "evidence"]
            if e is not None and not (isinstance(e, float) and np.isnan(e)) and str(e).strip()
        ]
        labels = DIMENSION_LABELS.get(dimension, {"en": dimension, "zh": dimension})
        rows.append(
            {
                "dimension": dimension,
                "label_en": labels["en"],
                "label_zh": labels["zh"],
                "mean": mean,
                "score": score,
                "n_items": int(len(items)),
                "target": target,
                "gap": target - score,
                "evidence": evidence,
                "assessed_at": items["assessed_at"].max() if len(items) else pd.NaT,
            }
        )
    return pd.DataFrame(rows).set_index("dimension")


def fuzzy_dimension_evaluation(
    assessment: pd.DataFrame,
    *,
    as_of: Any = None,
    operator: str = "M(·,+)",
) -> pd.DataFrame:
    """Fuzzy comprehensive evaluation of each maturity dimension.

    For each dimension the factors are its items, the grades the five
    maturity levels; the membership of an item is the share of its latest
    answers at each level (a fractional score is split between the two
    neighbouring levels), the item weights are the ``weight`` column, and
    B = W ∘ R (see :func:`crmkit.scoring.fuzzy_evaluation`, default
    weighted-average operator M(·,+)).

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    as_of : date-like, optional
        Use only assessments on or before this time.
    operator : str
        Fuzzy composition operator.

    Returns
    -------
    pandas.DataFrame
        Indexed by the assessed dimensions (in :data:`DIMENSIONS` order):
        ``level_1`` … ``level_5`` (membership vector B), ``grade`` (level
        of maximum membership), ``score`` (Σ b_k · (k − 1)/4 · 100, on the
        same 0-100 scale as :func:`dimension_scores`), ``n_items``.
    """
    latest = latest_assessment(assessment, as_of)
    latest = latest.assign(weight=latest["weight"].fillna(1.0))
    rows = []
    for dimension in _dimension_order(latest["dimension"]):
        part = latest[(latest["dimension"] == dimension) & (latest["weight"] > 0)]
        if part.empty:
            continue
        R = membership_matrix(part, levels=5, item="item", score="score")
        weights = part.groupby("item", sort=False)["weight"].mean()
        result = fuzzy_evaluation(R, weights, operator=operator)
        rows.append(
            {
                "dimension": dimension,
                **{f"level_{k}": float(result.vector[k]) for k in range(1, 6)},
                "grade": int(result.grade),
                "score": result.score,
                "n_items": int(R.shape[0]),
            }
        )
    columns = ["level_1", "level_2", "level_3", "level_4", "level_5", "grade", "score", "n_items"]
    if not rows:
        return pd.DataFrame(columns=columns).rename_axis("dimension")
    return pd.DataFrame(rows).set_index("dimension")[columns]


def round_comparison(
    assessment: pd.DataFrame,
    targets: float | Mapping[str, float] | None = None,
    *,
    as_of: Any = None,
) -> pd.DataFrame:
    """Dimension scores of the latest assessment round vs the round before.

    The current round is the latest answer of every item up to ``as_of``
    (see :func:`dimension_scores`); it starts at the earliest date among
    those answers. The previous round is the state of the questionnaire
    the day before that start, i.e. the latest earlier answer of each item.

    Parameters
    ----------
    assessment : pandas.DataFrame
        The ``assessment`` table.
    targets : float or mapping, optional
        Target on the 0-100 scale, for all dimensions or per dimension.
    as_of : date-like, optional
        Use only assessments on or before this time (e.g. the window end).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`dimension_scores` plus ``previous`` (score of
        the previous round, NaN when none), ``change`` (score − previous)
        and ``previous_assessed_at``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"dimension": ["team"] * 2, "item": ["team_1"] * 2, "score": [2, 4],
    ...                   "assessed_at": ["2024-06-30", "2025-06-30"]})
    >>> round_comparison(a).loc["team", ["previous", "score", "change"]].tolist()
    [25.0, 75.0, 50.0]
    """
    current = dimension_scores(assessment, targets, as_of=as_of)
    latest = latest_assessment(assessment, as_of)
    dated = latest["assessed_at"].dropna()
    previous = pd.Series(np.nan, index=current.index)
    previous_at = pd.Series(pd.NaT, index=current.index, dtype="datetime64[ns]")
    if len(dated):
        cutoff = dated.min() - pd.Timedelta(days=1)
        earlier = latest_assessment(assessment, cutoff)
        if len(earlier):
            before = dimension_scores(earlier, targets)
            previous = before["score"].reindex(current.index)
            previous_at = pd.to_datetime(before["assessed_at"]).reindex(current.index)
    out = current.copy()
    out["previous"] = previous.astype("float64")
    out["change"] = out["score"] - out["previous"]
    out["previous_assessed_at"] = previous_at
    return out


def overall_score(scores: pd.DataFrame | pd.Series, weights: Mapping[str, float] | None = None) -> float:
    """Overall maturity index 0-100: weighted mean of the assessed dimension scores.

    Parameters
    ----------
    scores : pandas.DataFrame or pandas.Series
        Output of :func:`dimension_scores` (its ``score`` column) or a
        Series dimension → score; NaN (unassessed) dimensions are left out.
    weights : mapping, optional
        Dimension → weight; default equal.

    Returns
    -------
    float
        NaN when no dimension was assessed.

    Examples
    --------
    >>> import pandas as pd
    >>> overall_score(pd.Series({"team": 50.0, "data": 100.0, "csr": float("nan")}))
    75.0
    """
    s = scores["score"] if isinstance(scores, pd.DataFrame) else scores
    s = s.astype("float64").dropna()
    if s.empty:
        return float("nan")
    w = pd.Series(1.0, index=s.index) if weights is None else pd.Series(weights, dtype="float64").reindex(s.index).fillna(0.0)
    if w.sum() <= 0:
        return float("nan")
    return float((s * w).sum() / w.sum())
