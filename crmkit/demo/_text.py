"""Vectorised fake personal data and survey comment text for the demo.

Everything here draws from a :class:`numpy.random.Generator` passed in, so the
output is fully determined by the caller's seed.  Names, e-mails and phone
numbers are invented; any resemblance to a real person is coincidental.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "person_names",
    "company_names",
    "emails",
    "mobile_phones",
    "landline_phones",
    "comments",
    "THEMES",
]

# (surname, pinyin), roughly ordered by frequency.
_SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
]
_SURNAME_P = np.linspace(3.0, 1.0, len(_SURNAMES))
_SURNAME_P = _SURNAME_P / _SURNAME_P.sum()

_GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("华", "hua"), ("建", "jian"), ("国", "guo"),
    ("文", "wen"), ("晨", "chen"), ("宇", "yu"), ("婷", "ting"), ("欣", "xin"),
    ("浩", "hao"), ("雪", "xue"), ("佳", "jia"), ("思", "si"), ("子", "zi"),
    ("梓", "zi"), ("涵", "han"), ("博", "bo"), ("怡", "yi"), ("轩", "xuan"),
]

_CITIES = ["深圳", "广州", "上海", "苏州", "杭州", "宁波", "东莞", "佛山", "天津",
           "北京", "成都", "武汉", "青岛", "厦门", "无锡", "重庆"]
_BRANDS = [
    ("华锐", "huarui"), ("恒通", "hengtong"), ("鑫达", "xinda"), ("宏远", "hongyuan"),
    ("中联", "zhonglian"), ("瑞丰", "ruifeng"), ("金石", "jinshi"), ("天成", "tiancheng"),
    ("永安", "yongan"), ("德信", "dexin"), ("博实", "boshi"), ("凯源", "kaiyuan"),
    ("振华", "zhenhua"), ("立新", "lixin"), ("安泰", "antai"), ("合盛", "hesheng"),
    ("远航", "yuanhang"), ("精工", "jinggong"), ("海川", "haichuan"), ("东升", "dongsheng"),
]
_INDUSTRIES = ["机电设备", "电气", "五金", "自动化科技", "精密制造", "工业材料",
               "物流设备", "电子科技"]
_MAIL_DOMAINS = np.array(["qq.com", "163.com", "126.com", "sina.com", "gmail.com",
                          "outlook.com", "foxmail.com"])
_MAIL_P = np.array([0.34, 0.24, 0.10, 0.06, 0.10, 0.08, 0.08])
_MOBILE_PREFIX = np.array(["130", "131", "132", "133", "135", "136", "137", "138",
                           "139", "150", "151", "152", "155", "156", "158", "159",
                           "166", "176", "177", "180", "181", "183", "185", "186",
                           "187", "188", "189", "199"])
_AREA_CODES = np.array(["010", "021", "020", "0755", "0512", "0571", "0574", "022",
                        "028", "027", "0532", "0592", "023"])


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """Zero-padded random digit strings of a fixed width."""
    nums = rng.integers(0, 10**width, size=n)
    return np.char.zfill(nums.astype(str), width)


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Chinese personal names and a pinyin handle for each.

    Returns
    -------
    names, pinyin : numpy.ndarray of str
        ``names`` like ``"王思涵"``, ``pinyin`` like ``"sihanwang"``.
    """
    s_idx = rng.choice(len(_SURNAMES), size=n, p=_SURNAME_P)
    g1 = rng.integers(0, len(_GIVEN), size=n)
    g2 = rng.integers(0, len(_GIVEN), size=n)
    two = rng.random(n) < 0.7
    sur = np.array([s for s, _ in _SURNAMES])
    sur_py = np.array([p for _, p in _SURNAMES])
    giv = np.array([g for g, _ in _GIVEN])
    giv_py = np.array([p for _, p in _GIVEN])
    given = np.where(two, np.char.add(giv[g1], giv[g2]), giv[g1])
    given_py = np.where(two, np.char.add(giv_py[g1], giv_py[g2]), giv_py[g1])
    return np.char.add(sur[s_idx], given), np.char.add(given_py, sur_py[s_idx])


def company_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Chinese company names (``深圳市华锐机电设备有限公司``) and a pinyin brand."""
    city = np.array(_CITIES)[rng.integers(0, len(_CITIES), size=n)]
    b = rng.integers(0, len(_BRANDS), size=n)
    brand = np.array([x for x, _ in _BRANDS])[b]
    brand_py = np.array([p for _, p in _BRANDS])[b]
    ind = np.array(_INDUSTRIES)[rng.integers(0, len(_INDUSTRIES), size=n)]
    city_suffix = np.where(np.isin(city, ["北京", "上海", "天津", "重庆"]), "", "市")
    name = np.char.add(np.char.add(np.char.add(city, city_suffix), brand),
                       np.char.add(ind, "有限公司"))
    return name, brand_py


def emails(rng: np.random.Generator, handles: np.ndarray, business: bool = False) -> np.ndarray:
    """E-mail addresses built from pinyin handles (QQ mail often numeric)."""
    n = len(handles)
    if business:
        box = np.array(["purchase", "caigou", "info", "sales", "admin"])[
            rng.integers(0, 5, size=n)]
        return np.char.add(np.char.add(box, "@"), np.char.add(handles, ".com.cn"))
    dom = rng.choice(_MAIL_DOMAINS, size=n, p=_MAIL_P)
    suffix = rng.integers(1, 999, size=n).astype(str)
    local = np.char.add(handles, np.where(rng.random(n) < 0.6, suffix, ""))
    qq_numeric = (dom == "qq.com") & (rng.random(n) < 0.7)
    qq = rng.integers(10_000_000, 3_999_999_999, size=n).astype(str)
    local = np.where(qq_numeric, qq, local)
    return np.char.add(np.char.add(local, "@"), dom)


def mobile_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """11-digit mainland mobile numbers."""
    return np.char.add(rng.choice(_MOBILE_PREFIX, size=n), _digits(rng, n, 8))


def landline_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Landline numbers such as ``0755-83412345``."""
    return np.char.add(np.char.add(rng.choice(_AREA_CODES, size=n), "-"),
                       np.char.add("8", _digits(rng, n, 7)))


# Recurring comment themes: code -> (Chinese variants, English variants).
THEMES: dict[str, tuple[list[str], list[str]]] = {
    "delivery_slow": (
        ["物流慢，等了一个多星期才到", "快递太慢了，催了好几次", "物流慢，配送速度需要改进",
         "发货太慢，物流信息也不更新"],
        ["Delivery was slow, took over a week", "Shipping too slow",
         "Slow delivery, tracking never updated"],
    ),
    "delivery_fast": (
        ["物流很快，第二天就到了", "发货速度快，包装完好"],
        ["Fast delivery, arrived the next day", "Quick shipping, well packed"],
    ),
    "service_rude": (
        ["客服态度差，问题没人管", "客服态度不好，回复很敷衍", "客服态度恶劣，再也不买了"],
        ["Customer service was rude", "The support agent was rude and unhelpful"],
    ),
    "service_helpful": (
        ["客服态度很好，耐心解答", "客服态度热情，问题很快解决了"],
        ["Helpful and friendly service", "Support was patient and helpful"],
    ),
    "price_high": (
        ["价格贵，性价比不高", "价格太贵了，比别家贵不少", "价格贵，希望多一些优惠"],
        ["Price too high", "Too expensive for what you get"],
    ),
    "quality_problem": (
        ["质量问题，用了两次就坏了", "产品有质量问题，做工粗糙", "质量问题太多，很失望"],
        ["Quality problems, it broke after a week", "Poor quality, not as described"],
    ),
    "quality_good": (
        ["质量很好，和描述一致", "东西质量不错，值得购买"],
        ["Great quality", "Good quality, exactly as described"],
    ),
    "after_sales_good": (
        ["售后好，退换货很方便", "售后服务好，处理及时", "售后好，工程师上门很快"],
        ["Good after-sales, easy returns", "After-sales service was quick and fair"],
    ),
    "after_sales_bad": (
        ["售后处理太慢，拖了很久", "售后没人跟进"],
        ["After-sales took forever", "Nobody followed up on my after-sales request"],
    ),
    "app_slow": (
        ["APP加载慢，经常卡顿", "播放总是缓冲，体验差", "APP经常闪退"],
        ["The app is slow and keeps buffering", "The app keeps crashing"],
    ),
    "app_good": (
        ["APP很好用，内容丰富", "播放流畅，界面简洁"],
        ["Great app, lots of content", "Smooth playback"],
    ),
    "neutral": (
        ["还可以", "一般般", "整体满意", "没什么意见"],
        ["OK", "Fine overall", "No complaints"],
    ),
}
THEME_CODES = list(THEMES)

_PII_ZH = ["请尽快联系我，电话{}", "有问题打我电话 {}", "联系方式：{}"]
_PII_EN = ["Please call me back at {}", "Contact me: {}"]


def comments(
    rng: np.random.Generator,
    themes: np.ndarray,
    english_share: float,
    contact: np.ndarray,
    pii_share: float = 0.02,
) -> np.ndarray:
    """Free-text comments for the given theme codes.

    Parameters
    ----------
    rng : numpy.random.Generator
    themes : numpy.ndarray of str
        One theme code from :data:`THEMES` per comment.
    english_share : float
        Probability that a comment is written in English.
    contact : numpy.ndarray of str
        The respondent's phone or e-mail; a ``pii_share`` fraction of comments
        quote it, as real free text sometimes does.
    pii_share : float, default 0.02

    Returns
    -------
    numpy.ndarray of object
    """
    n = len(themes)
    out = np.empty(n, dtype=object)
    english = rng.random(n) < english_share
    pick = rng.random(n)
    for code in np.unique(themes):
        zh, en = THEMES[str(code)]
        m = themes == code
        mz = m & ~english
        me = m & english
        out[mz] = np.array(zh, dtype=object)[(pick[mz] * len(zh)).astype(int)]
        out[me] = np.array(en, dtype=object)[(pick[me] * len(en)).astype(int)]
    pii = (rng.random(n) < pii_share) & (contact.astype(str) != "")
    if pii.any():
        k = rng.random(n)
        for i in np.flatnonzero(pii):
            pool = _PII_EN if english[i] else _PII_ZH
            sep = ". " if english[i] else "，"
            out[i] = f"{out[i]}{sep}{pool[int(k[i] * len(pool))].format(contact[i])}"
    return out
