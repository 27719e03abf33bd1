"""Voice of the customer (客户之声): themes, keywords and sentiment in free text.

Survey comments (``surveys.comment``) and complaint reasons
(``tickets.complaint_reason``) are read in Chinese and English:

* **Text preparation**: Unicode NFKC normalisation (full-width to
  half-width), removal of phone numbers and e-mail addresses
  (:func:`redact_pii`), split into clauses at punctuation.
* **Tokens**: Chinese runs are segmented with ``jieba`` (its bundled
  dictionary, loaded quietly and offline, plus the lexicon words of this
  package); Latin runs are lower-cased words.  Stop words come from the
  package files ``data/stopwords_en.txt`` and ``data/stopwords_zh.txt``.
* **Themes** come from the bilingual theme lexicon ``data/themes.yaml``
  (extendable, see :func:`load_lexicon`); a comment may carry several.
* **Sentiment** uses the offline lexicon ``data/sentiment.yaml`` with
  negation (a negator among the previous three tokens of a clause flips a
  word's polarity).  A theme mention takes the polarity of the clauses that
  mention it, so "物流很快，但客服态度差" is positive on delivery and negative
  on service attitude (clause-level attribution, as in aspect-based
  sentiment analysis; Hu & Liu 2004, *Mining and summarizing customer
  reviews*).

Privacy: every function here returns counts, shares, keywords or themes
only, never comment text; keywords must occur in at least ``min_docs``
distinct comments.  :func:`verbatims` is the one exception: it returns
comment text only when called with ``mask_pii=False``, and redacts phone
numbers and e-mail addresses even then.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError
from scipy import stats

from crmkit.errors import ConfigError
from crmkit.indicators.satisfaction import nps_groups
from crmkit.yamlio import read_yaml
from crmkit import resources

__all__ = [
    "Theme",
    "Lexicon",
    "load_lexicon",
    "redact_pii",
    "tokenize",
    "detect_language",
    "sentiment",
    "analyse_comments",
    "survey_feedback",
    "theme_columns",
    "theme_summary",
    "theme_frequency",
    "keywords",
    "nps_group",
    "normalise_score",
    "benjamini_hochberg",
    "overrepresentation",
    "detractor_themes",
    "complaint_pareto",
    "needs_ranking",
    "verbatims",
]

DATA_DIR = resources.path("data")
THEME_PREFIX = "theme_"

# ----------------------------------------------------------------------------- lexicons


class _ThemeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label_en: str
    label_zh: str
    en: list[str] = []
    zh: list[str] = []


class _ReasonSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label_en: str
    label_zh: str


class _LexiconSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    themes: dict[str, _ThemeSpec] = {}
    complaint_reasons: dict[str, _ReasonSpec] = {}


_ASCII_WORD = "A-Za-z0-9"


def _en_pattern(keyword: str) -> str:
    kw = keyword.strip().lower()
    star = kw.endswith("*")
    kw = kw.rstrip("*")
    parts = [re.escape(p) for p in re.split(r"[\s_]+", kw) if p]
    body = r"[\s_\-]+".join(parts)
    if star:
        body += r"[a-z0-9'\-]*"
    return rf"(?<![{_ASCII_WORD}]){body}(?![{_ASCII_WORD}])"


@dataclass(frozen=True)
class Theme:
    """One theme of the lexicon: code, bilingual labels and keywords."""

    code: str
    label_en: str
    label_zh: str
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern:
        """Case-insensitive regex matching any keyword (English on word boundaries, Chinese as substrings)."""
        alts = [_en_pattern(k) for k in self.en if k.strip()]
        alts += [re.escape(k.strip()) for k in self.zh if k.strip()]
        return re.compile("|".join(alts) if alts else r"(?!x)x", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Theme lexicon plus complaint-reason labels (see ``data/themes.yaml``)."""

    themes: tuple[Theme, ...]
    complaint_reasons: Mapping[str, tuple[str, str]]

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.themes]

    def labels(self, code: str) -> tuple[str, str]:
        """(English, Chinese) label of a theme code (the code itself when unknown)."""
        for t in self.themes:
            if t.code == code:
                return t.label_en, t.label_zh
        return code, code

    def reason_labels(self, reason: str) -> tuple[str, str]:
        """(English, Chinese) label of a complaint-reason code; unknown codes shown as written."""
        if reason in self.complaint_reasons:
            return self.complaint_reasons[reason]
        text = str(reason).replace("_", " ").strip()
        text = text[:1].upper() + text[1:]
        return text, text

    def match(self, text: str) -> list[str]:
        """Theme codes whose keywords occur in *text* (lexicon order)."""
        return [t.code for t, p in zip(self.themes, _patterns(self)) if p.search(text)]


@lru_cache(maxsize=16)
def _patterns(lexicon: Lexicon) -> tuple[re.Pattern, ...]:
    return tuple(t.pattern for t in lexicon.themes)


def _read_yaml(path: Path, what: str) -> dict:
    return read_yaml(path, f"{what} file")


def _parse_lexicon(path: Path) -> _LexiconSpec:
    data = _read_yaml(path, "Theme lexicon")
    try:
        return _LexiconSpec(**data)
    except ValidationError as e:
        msgs = []
        for err in e.errors():
            loc = ".".join(str(x) for x in err["loc"])
            msgs.append(f"unknown key {loc!r}" if err["type"] == "extra_forbidden" else f"{loc}: {err['msg']}")
        raise ConfigError(
            f"{path}: invalid theme lexicon: " + "; ".join(msgs)
            + ". Each theme needs label_en, label_zh and lists en / zh of keywords."
        ) from None


@lru_cache(maxsize=8)
def _load_lexicon_cached(extra: str | None, replace: bool) -> Lexicon:
    specs = [] if (replace and extra) else [_parse_lexicon(DATA_DIR / "themes.yaml")]
    if extra:
        specs.append(_parse_lexicon(Path(extra)))
    themes: dict[str, _ThemeSpec] = {}
    reasons: dict[str, tuple[str, str]] = {}
    for spec in specs:
        for code, t in spec.themes.items():
            if code in themes:  # extending a theme: labels replaced, keywords added
                old = themes[code]
                t = _ThemeSpec(label_en=t.label_en, label_zh=t.label_zh,
                               en=list(dict.fromkeys(old.en + t.en)), zh=list(dict.fromkeys(old.zh + t.zh)))
            themes[code] = t
        reasons.update({k: (r.label_en, r.label_zh) for k, r in spec.complaint_reasons.items()})
    return Lexicon(
        tuple(Theme(c, t.label_en, t.label_zh, tuple(t.en), tuple(t.zh)) for c, t in themes.items()),
        reasons,
    )


def load_lexicon(path: str | Path | None = None, *, replace: bool = False) -> Lexicon:
    """The bundled bilingual theme lexicon, optionally extended by a user file.

    Parameters
    ----------
    path : path-like, optional
        A YAML file with the layout of ``crmkit/data/themes.yaml``
        (``themes: {code: {label_en, label_zh, en: [...], zh: [...]}}`` and
        optional ``complaint_reasons: {code: {label_en, label_zh}}``).  Its
        themes are added to the bundled ones; a code that exists already
        gets the new labels and the union of keywords.
    replace : bool
        Use only *path*, not the bundled lexicon.

    Raises
    ------
    ConfigError
        Missing file, invalid YAML or unknown keys.

    Examples
    --------
    >>> lx = load_lexicon()
    >>> lx.match("物流慢，等了一个多星期才到")
    ['delivery']
    >>> lx.match("The support agent was rude")
    ['service_attitude']
    """
    return _load_lexicon_cached(None if path is None else str(Path(path).resolve()), bool(replace))


@dataclass(frozen=True)
class _Sentiment:
    pos_en: frozenset[str]
    neg_en: frozenset[str]
    pos_zh: frozenset[str]
    neg_zh: frozenset[str]
    negators: frozenset[str]
    segment: tuple[str, ...]

    def polarity(self, token: str) -> int:
        if token in self.pos_en or token in self.pos_zh:
            return 1
        if token in self.neg_en or token in self.neg_zh:
            return -1
        return 0


@lru_cache(maxsize=1)
def _sentiment_lexicon() -> _Sentiment:
    d = _read_yaml(DATA_DIR / "sentiment.yaml", "Sentiment lexicon")
    low = lambda xs: frozenset(str(x).lower() for x in xs)  # noqa: E731
    return _Sentiment(
        low(d["positive"]["en"]), low(d["negative"]["en"]), frozenset(map(str, d["positive"]["zh"])),
        frozenset(map(str, d["negative"]["zh"])), low(d["negators"]["en"]) | frozenset(map(str, d["negators"]["zh"])),
        tuple(map(str, d.get("segment", []))),
    )


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    words: set[str] = set()
    for name in ("stopwords_en.txt", "stopwords_zh.txt"):
        for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.lower())
    return frozenset(words)


# ----------------------------------------------------------------------------- text


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# Seven or more digits, optionally with +, spaces, dots, dashes or brackets between them
# (mainland mobiles 1[3-9]xxxxxxxxx, landlines 0755-83412345, +86 138 0013 8000).
_PHONE = re.compile(r"(?<![0-9])\+?(?:\d[\s\-.()（）]{0,2}){6,}\d(?![0-9])")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_CLAUSE = re.compile(r"[,.;!?\n\r\t:()\[\]\"，。；！？、：（）【】…~～]+")
_NEGATION_WINDOW = 3


def redact_pii(text: Any, *, phone: str = "[phone]", email: str = "[email]") -> str:
    """Replace e-mail addresses and phone numbers in *text* with placeholders.

    Phone numbers are runs of seven or more digits, allowing ``+``, spaces,
    dots, dashes and brackets between digits (covers mainland mobiles,
    landlines with area codes and international forms).  Shorter numbers
    (amounts, order counts) are kept.

    Examples
    --------
    >>> redact_pii("物流慢，请联系 13812345678 或 wang.li@163.com")
    '物流慢，请联系 [phone] 或 [email]'
    >>> redact_pii("Call 0755-83412345, order 2 of 3")
    'Call [phone], order 2 of 3'
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    s = _EMAIL.sub(email, str(text))
    return _PHONE.sub(phone, s)


def _normalise(text: Any) -> str:
    s = unicodedata.normalize("NFKC", "" if text is None else str(text)).replace("’", "'").replace("‘", "'")
    return redact_pii(s, phone=" ", email=" ")


_SEG_LOCK = threading.Lock()
_SEGMENTER: Any = None


def _segmenter():
    """A private jieba tokenizer (bundled dictionary, no network), built once per process."""
    global _SEGMENTER
    if _SEGMENTER is None:
        with _SEG_LOCK:
            if _SEGMENTER is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                sent = _sentiment_lexicon()
                words = set(sent.segment) | {w for w in sent.pos_zh | sent.neg_zh if len(w) > 1}
                for w in sorted(words):
                    tk.add_word(w, freq=50_000)
                _SEGMENTER = tk
    return _SEGMENTER


def _clause_tokens(clause: str) -> list[str]:
    """All word tokens of one normalised clause (no stop-word filtering)."""
    out: list[str] = []
    pos = 0
    seg = None
    for m in _CJK_RUN.finditer(clause):
        out.extend(_LATIN_WORD.findall(clause[pos:m.start()].lower()))
        seg = seg or _segmenter()
        out.extend(w for w in seg.lcut(m.group(), HMM=True) if w.strip())
        pos = m.end()
    out.extend(_LATIN_WORD.findall(clause[pos:].lower()))
    return out


def _clauses(text: Any) -> list[str]:
    return [c.strip() for c in _CLAUSE.split(_normalise(text)) if c.strip()]


def _keep(token: str) -> bool:
    if token in _stopwords() or token.isdigit():
        return False
    if _CJK.search(token):
        sent = _sentiment_lexicon()
        return len(token) > 1 or token in sent.pos_zh or token in sent.neg_zh
    return len(token) > 1


def tokenize(text: Any, *, stopwords: bool = True) -> list[str]:
    """Word tokens of a Chinese and/or English text.

    Chinese runs are segmented with jieba, Latin runs split into lower-case
    words; phone numbers and e-mail addresses are removed first.  With
    *stopwords* (default) stop words, numbers, one-letter words and
    one-character Chinese words outside the sentiment lexicon are dropped.

    Examples
    --------
    >>> tokenize("客服态度差，问题没人管")
    ['客服', '态度', '差', '问题', '没人管']
    >>> tokenize("The app keeps crashing")
    ['app', 'crashing']
    """
    toks = [t for c in _clauses(text) for t in _clause_tokens(c)]
    return [t for t in toks if _keep(t)] if stopwords else toks


def detect_language(text: Any) -> str:
    """``"zh"`` when the text has Chinese characters, ``"en"`` when it has Latin letters, else ``"other"``."""
    s = "" if text is None else str(text)
    if _CJK.search(s):
        return "zh"
    if re.search(r"[A-Za-z]", s):
        return "en"
    return "other"


def _clause_polarity(tokens: Sequence[str]) -> tuple[int, int]:
    """(positive, negative) word counts of one clause, with negation flips."""
    sent = _sentiment_lexicon()
    pos = neg = 0
    since_negator = _NEGATION_WINDOW + 1
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        pair = f"{tok} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        i += 1
        if pair and sent.polarity(pair):
            tok = pair
            i += 1
        elif tok in sent.negators:
            since_negator = 0
            continue
        since_negator += 1
        p = sent.polarity(tok)
        if p and since_negator <= _NEGATION_WINDOW:
            p = -p
        pos += p > 0
        neg += p < 0
    return pos, neg


def _score(pos: int, neg: int) -> float:
    return 0.0 if pos + neg == 0 else (pos - neg) / (pos + neg)


def _label(score: float) -> str:
    return "positive" if score > 0 else ("negative" if score < 0 else "neutral")


def sentiment(text: Any) -> float:
    """Lexicon sentiment score of a text in [-1, 1].

    Formula: ``(P − N) / (P + N)`` with ``P`` and ``N`` the numbers of
    positive and negative lexicon words (``data/sentiment.yaml``); a word
    within three tokens after a negator in the same clause counts with the
    opposite polarity; 0 when no sentiment word occurs.

    Examples
    --------
    >>> sentiment("质量很好，和描述一致")
    1.0
    >>> sentiment("not good")
    -1.0
    >>> sentiment("No complaints")
    1.0
    """
    pos = neg = 0
    for c in _clauses(text):
        p, n = _clause_polarity(_clause_tokens(c))
        pos, neg = pos + p, neg + n
    return _score(pos, neg)


def _analyse_one(text: str, lexicon: Lexicon) -> dict[str, Any]:
    clauses = _clauses(text)
    theme_pol: dict[str, int] = {}
    pos = neg = n_tokens = 0
    for c in clauses:
        toks = _clause_tokens(c)
        n_tokens += sum(_keep(t) for t in toks)
        p, n = _clause_polarity(toks)
        pos, neg = pos + p, neg + n
        for code in lexicon.match(c):
            theme_pol[code] = theme_pol.get(code, 0) + (p - n)
    score = _score(pos, neg)
    overall = int(np.sign(score))
    row: dict[str, Any] = {
        "language": detect_language(text),
        "n_tokens": n_tokens,
        "sentiment_score": score,
        "sentiment": _label(score),
        "themes": "|".join(theme_pol),
    }
    for code in lexicon.codes:
        if code in theme_pol:
            v = int(np.sign(theme_pol[code])) or overall
            row[THEME_PREFIX + code] = float(v)
        else:
            row[THEME_PREFIX + code] = np.nan
    return row


def analyse_comments(comments: pd.Series | Iterable[Any], lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Themes and sentiment of each non-empty comment (no text in the result).

    Parameters
    ----------
    comments : Series or iterable of str
        Free text; empty and missing values are dropped (index kept).
    lexicon : Lexicon, optional
        Default :func:`load_lexicon`.

    Returns
    -------
    DataFrame
        Indexed like *comments*: ``language`` (zh / en / other),
        ``n_tokens`` (content words), ``sentiment_score`` in [-1, 1],
        ``sentiment`` (positive / neutral / negative), ``themes``
        (``|``-joined codes) and one column ``theme_<code>`` per theme:
        missing when the theme is absent, else the polarity of its mention
        (+1, 0, −1) = sign of the net sentiment of the clauses that mention
        it, or of the whole comment when those clauses carry none.

    Examples
    --------
    >>> a = analyse_comments(["物流很快，但是客服态度差"])
    >>> a.loc[0, ["theme_delivery", "theme_service_attitude"]].tolist()
    [1.0, -1.0]
    """
    lexicon = lexicon or load_lexicon()
    s = comments if isinstance(comments, pd.Series) else pd.Series(list(comments), dtype="object")
    s = s[s.notna()].astype(str)
    s = s[s.str.strip() != ""]
    cols = ["language", "n_tokens", "sentiment_score", "sentiment", "themes"] + [THEME_PREFIX + c for c in lexicon.codes]
    if s.empty:
        return pd.DataFrame(columns=cols, index=s.index)
    cache = {u: _analyse_one(u, lexicon) for u in pd.unique(s.to_numpy())}
    out = pd.DataFrame([cache[v] for v in s.to_numpy()], index=s.index, columns=cols)
    out["n_tokens"] = out["n_tokens"].astype("int64")
    return out


def theme_columns(frame: pd.DataFrame) -> list[str]:
    """The ``theme_<code>`` columns of an analysed frame, in order."""
    return [c for c in frame.columns if str(c).startswith(THEME_PREFIX)]


# ----------------------------------------------------------------------------- surveys


_SCALES = {"nps": (0.0, 10.0), "csat": (1.0, 5.0), "ces": (1.0, 7.0)}


def normalise_score(score: pd.Series, survey_type: pd.Series | None = None, scale_max: pd.Series | None = None) -> pd.Series:
    """Survey scores rescaled to [0, 1]: ``(score − low) / (high − low)``.

    The scale is taken from ``scale_max`` when known (low = 0 for an 0-10
    scale, else 1), otherwise from the survey type (NPS 0-10, CSAT 1-5,
    CES 1-7, others 1-5).  Higher is better for every type (CES is asked as
    "how easy", as in the demo data).

    Examples
    --------
    >>> normalise_score(pd.Series([10, 3]), pd.Series(["nps", "csat"])).tolist()
    [1.0, 0.5]
    """
    score = pd.to_numeric(score, errors="coerce").astype("float64")
    typ = (pd.Series("", index=score.index) if survey_type is None else survey_type.astype("object").fillna("")).astype(str)
    hi = typ.map(lambda t: _SCALES.get(t, (1.0, 5.0))[1]).astype("float64")
    lo = typ.map(lambda t: _SCALES.get(t, (1.0, 5.0))[0]).astype("float64")
    if scale_max is not None:
        sm = pd.to_numeric(scale_max, errors="coerce").astype("float64")
        known = sm.notna() & (sm > 1)
        hi = hi.where(~known, sm)
        lo = lo.where(~known, np.where(sm == 10, 0.0, 1.0))
    return ((score - lo) / (hi - lo)).clip(0, 1)


def nps_group(score: pd.Series | Iterable[float]) -> pd.Series:
    """NPS group of 0-10 scores: ``promoter`` 9-10, ``passive`` 7-8, ``detractor`` 0-6 (:func:`crmkit.indicators.satisfaction.nps_groups`).

    Examples
    --------
    >>> nps_group([10, 8, 3, None]).tolist()
    ['promoter', 'passive', 'detractor', None]
    """
    return nps_groups(pd.Series(score))


def survey_feedback(
    surveys: pd.DataFrame,
    start=None,
    end=None,
    *,
    lexicon: Lexicon | None = None,
    exclude_types: Sequence[str] = ("employee",),
) -> pd.DataFrame:
    """Analysed survey comments of a window, without the text or the customer.

    Parameters
    ----------
    surveys : DataFrame
        Canonical ``surveys`` (response_id, responded_at, survey_type,
        score[, scale_max, touchpoint, channel, comment]).
    start, end : date-like, optional
        Window on ``responded_at`` (``end`` inclusive, days).
    exclude_types : sequence of str
        Survey types left out (default employee surveys: not the customer's voice).

    Returns
    -------
    DataFrame
        One row per response with a non-empty comment: ``response_id,
        responded_at, survey_type, touchpoint, channel, score, scale_max,
        score_norm`` (see :func:`normalise_score`), ``nps_group`` (NPS
        surveys only) and the columns of :func:`analyse_comments`.
    """
    s = surveys
    if "comment" not in s.columns:
        s = s.assign(comment=pd.Series(None, index=s.index, dtype="object"))
    if start is not None or end is not None:
        t = s["responded_at"]
        if start is not None:
            s = s[t >= pd.Timestamp(start).normalize()]
            t = s["responded_at"]
        if end is not None:
            s = s[t < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)]
    if exclude_types:
        s = s[~s["survey_type"].isin(list(exclude_types))]
    for c in ("touchpoint", "channel", "scale_max"):
        if c not in s.columns:
            s = s.assign(**{c: None})
    analysed = analyse_comments(s["comment"], lexicon)
    base = s.loc[analysed.index, ["response_id", "responded_at", "survey_type", "touchpoint", "channel", "score", "scale_max"]].copy()
    base["touchpoint"] = base["touchpoint"].astype("object").fillna("unknown")
    base["channel"] = base["channel"].astype("object").fillna("unknown")
    base["score"] = pd.to_numeric(base["score"], errors="coerce").astype("float64")
    base["score_norm"] = normalise_score(base["score"], base["survey_type"], base["scale_max"])
    is_nps = base["survey_type"].astype(str).eq("nps")
    base["nps_group"] = nps_group(base["score"]).where(is_nps, None)
    return pd.concat([base, analysed], axis=1).reset_index(drop=True)


def theme_summary(frame: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Mentions and sentiment per theme.

    Columns: ``theme, label_en, label_zh, mentions`` (comments mentioning
    it), ``share`` (= mentions / comments), ``positive, neutral, negative``
    (mentions by polarity), ``negative_share`` (= negative / mentions) and
    ``net_sentiment`` (= (positive − negative) / mentions, in [−1, 1]).
    Sorted by mentions.
    """
    lexicon = lexicon or load_lexicon()
    n = len(frame)
    rows = []
    for col in theme_columns(frame):
        code = col[len(THEME_PREFIX):]
        v = pd.to_numeric(frame[col], errors="coerce").dropna()
        m = len(v)
        en, zh = lexicon.labels(code)
        pos, neu, neg = int((v > 0).sum()), int((v == 0).sum()), int((v < 0).sum())
        rows.append({
            "theme": code, "label_en": en, "label_zh": zh, "mentions": m, "share": m / n if n else np.nan,
            "positive": pos, "neutral": neu, "negative": neg,
            "negative_share": neg / m if m else np.nan, "net_sentiment": (pos - neg) / m if m else np.nan,
        })
    cols = ["theme", "label_en", "label_zh", "mentions", "share", "positive", "neutral", "negative", "negative_share", "net_sentiment"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("mentions", ascending=False, kind="stable").reset_index(drop=True)


def theme_frequency(frame: pd.DataFrame, by: str = "survey_type", lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Theme mentions per group (e.g. survey type or touchpoint), long format.

    Columns: ``<by>, theme, label_en, label_zh, comments`` (commented
    responses in the group), ``mentions``, ``share`` (= mentions /
    comments), ``negative_share`` (negative mentions / mentions).
    """
    lexicon = lexicon or load_lexicon()
    rows = []
    keys = frame[by].astype("object").fillna("unknown")
    for key, g in frame.groupby(keys, sort=True):
        for col in theme_columns(frame):
            code = col[len(THEME_PREFIX):]
            v = pd.to_numeric(g[col], errors="coerce").dropna()
            en, zh = lexicon.labels(code)
            rows.append({by: key, "theme": code, "label_en": en, "label_zh": zh, "comments": len(g), "mentions": len(v),
                         "share": len(v) / len(g) if len(g) else np.nan,
                         "negative_share": float((v < 0).mean()) if len(v) else np.nan})
    return pd.DataFrame(rows, columns=[by, "theme", "label_en", "label_zh", "comments", "mentions", "share", "negative_share"])


def keywords(
    comments: pd.Series | Iterable[Any],
    *,
    top: int = 20,
    min_docs: int = 3,
    language: str | None = None,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Top keywords of a set of comments by summed TF-IDF.

    Formula: for token ``t`` and comment ``d`` with ``|d|`` content tokens,
    ``tf(t, d) = count(t, d) / |d|``; ``idf(t) = ln((1 + N) / (1 + df(t))) + 1``
    (smoothed, as scikit-learn's ``TfidfVectorizer``), ``N`` comments and
    ``df(t)`` the comments containing ``t``; score ``= Σ_d tf(t, d) · idf(t)``.
    Stop words are removed (see :func:`tokenize`).

    Only keywords found in at least *min_docs* distinct comments are
    returned, so a rare word (a name, an address) cannot identify anyone.

    Returns
    -------
    DataFrame
        ``keyword, language, comments`` (df), ``share`` (df / N),
        ``tfidf``, ``theme`` (theme code whose keywords match, or "").
    """
    lexicon = lexicon or load_lexicon()
    s = comments if isinstance(comments, pd.Series) else pd.Series(list(comments), dtype="object")
    s = s[s.notna()].astype(str)
    s = s[s.str.strip() != ""]
    cols = ["keyword", "language", "comments", "share", "tfidf", "theme"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    cache = {u: tokenize(u) for u in pd.unique(s.to_numpy())}
    n_docs = len(s)
    df_count: dict[str, int] = {}
    tf_sum: dict[str, float] = {}
    for text in s.to_numpy():
        toks = cache[text]
        if not toks:
            continue
        counts = pd.Series(toks).value_counts()
        for tok, c in counts.items():
            df_count[tok] = df_count.get(tok, 0) + 1
            tf_sum[tok] = tf_sum.get(tok, 0.0) + c / len(toks)
    rows = []
    for tok, d in df_count.items():
        if d < min_docs:
            continue
        lang = detect_language(tok)
        if language is not None and lang != language:
            continue
        idf = math.log((1 + n_docs) / (1 + d)) + 1
        themes = lexicon.match(tok)
        rows.append({"keyword": tok, "language": lang, "comments": d, "share": d / n_docs, "tfidf": tf_sum[tok] * idf,
                     "theme": themes[0] if themes else ""})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["tfidf", "keyword"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)


# ----------------------------------------------------------------------------- tests


def benjamini_hochberg(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), NaN kept as NaN.

    Formula (Benjamini & Hochberg 1995): with the ``m`` p-values sorted
    ascending, ``q_(i) = min_{k ≥ i} min(1, m · p_(k) / k)``.  Rejecting
    ``q < α`` controls the false discovery rate at ``α``.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.2]
    """
    p = np.asarray(pvalues, dtype="float64")
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(ranked, 1.0)
    q[ok] = adj
    return q


def _odds_ratio(table: np.ndarray) -> float:
    if table.sum(axis=0).min() == 0 or table.sum(axis=1).min() == 0:
        return float("nan")
    return float(stats.contingency.odds_ratio(table, kind="conditional").statistic)


def overrepresentation(
    present: pd.DataFrame,
    group: pd.Series,
    *,
    case: str = "detractor",
    control: str = "promoter",
    method: str = "fisher",
    alpha: float = 0.05,
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Which features (themes) are over-represented in one group vs another.

    For each column of *present* (True / non-missing = the response has the
    theme) a 2×2 table ``[[case with, case without], [control with,
    control without]]`` is tested with Fisher's exact test (two-sided;
    ``method="fisher"``) or Pearson's chi-square with Yates' correction
    (``method="chi2"``; Fisher is used instead when an expected count is
    below 5).  p-values are adjusted for the number of themes with
    Benjamini–Hochberg (:func:`benjamini_hochberg`).

    Parameters
    ----------
    present : DataFrame
        Rows = responses, columns = themes; boolean, or numeric where
        non-missing means present (as the ``theme_*`` columns).
    group : Series
        Group label per response (aligned with *present*), e.g. from :func:`nps_group`.
    case, control : str
        Groups compared (default detractors vs promoters).

    Returns
    -------
    DataFrame
        ``feature, case_n, case_with, case_share, control_n, control_with,
        control_share, difference`` (case − control share), ``odds_ratio``
        (conditional maximum-likelihood estimate, the one that goes with
        Fisher's test; ``inf`` / 0 when a cell is empty, NaN when undefined),
        ``p_value, q_value, significant`` (q < alpha) and ``over_in``
        (``case`` / ``control`` when significant, else ``""``).
    """
    if method not in ("fisher", "chi2"):
        raise ValueError("method must be 'fisher' or 'chi2'")
    pres = present.apply(lambda c: c.astype("boolean").fillna(False).astype(bool) if c.dtype == bool or str(c.dtype) == "boolean" else c.notna())
    g = pd.Series(group, index=present.index).astype("object")
    in_case, in_ctrl = g.eq(case).to_numpy(), g.eq(control).to_numpy()
    n1, n2 = int(in_case.sum()), int(in_ctrl.sum())
    rows = []
    for col in pres.columns:
        x = pres[col].to_numpy()
        a, c = int(x[in_case].sum()), int(x[in_ctrl].sum())
        b, d = n1 - a, n2 - c
        table = np.array([[a, b], [c, d]])
        if n1 == 0 or n2 == 0 or a + c == 0 or b + d == 0:
            p = 1.0 if n1 and n2 else np.nan
        elif method == "chi2":
            expected = stats.contingency.expected_freq(table)
            p = (stats.fisher_exact(table)[1] if expected.min() < 5
                 else stats.chi2_contingency(table, correction=True)[1])
        else:
            p = stats.fisher_exact(table, alternative="two-sided")[1]
        rows.append({
            "feature": col, "case_n": n1, "case_with": a, "case_share": a / n1 if n1 else np.nan,
            "control_n": n2, "control_with": c, "control_share": c / n2 if n2 else np.nan,
            "odds_ratio": _odds_ratio(table), "p_value": float(p),
        })
    out = pd.DataFrame(rows, columns=["feature", "case_n", "case_with", "case_share", "control_n", "control_with",
                                      "control_share", "odds_ratio", "p_value"])
    out.insert(7, "difference", out["case_share"] - out["control_share"])
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy())
    out["significant"] = out["q_value"] < alpha
    out["over_in"] = np.where(out["significant"], np.where(out["difference"] > 0, "case", "control"), "")
    if labels:
        out.insert(1, "label_en", [labels.get(f, (f, f))[0] for f in out["feature"]])
        out.insert(2, "label_zh", [labels.get(f, (f, f))[1] for f in out["feature"]])
    return out


def detractor_themes(frame: pd.DataFrame, *, method: str = "fisher", alpha: float = 0.05,
                     lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Themes over-represented among NPS detractors vs promoters (:func:`overrepresentation`).

    *frame* is :func:`survey_feedback` output; only NPS responses with a
    comment count.  Adds ``theme, label_en, label_zh``; sorted by q-value.
    """
    lexicon = lexicon or load_lexicon()
    nps = frame[frame["nps_group"].isin(["detractor", "promoter"])]
    cols = theme_columns(frame)
    res = overrepresentation(nps[cols], nps["nps_group"], method=method, alpha=alpha)
    res.insert(0, "theme", [c[len(THEME_PREFIX):] for c in res["feature"]])
    res.insert(1, "label_en", [lexicon.labels(t)[0] for t in res["theme"]])
    res.insert(2, "label_zh", [lexicon.labels(t)[1] for t in res["theme"]])
    res = res.drop(columns="feature")
    return res.sort_values(["q_value", "p_value"], kind="stable").reset_index(drop=True)


def complaint_pareto(tickets: pd.DataFrame, start=None, end=None, *, lexicon: Lexicon | None = None,
                     vital_share: float = 0.8) -> pd.DataFrame:
    """Complaint reasons as a Pareto table.

    Complaints are tickets with ``is_complaint`` true or a complaint reason,
    opened in ``[start, end]``; a missing reason is ``unspecified``.

    Columns: ``reason, label_en, label_zh, theme`` (lexicon theme matched
    by the reason text), ``count, share`` (= count / complaints),
    ``cumulative_share`` and ``vital_few`` (True for the reasons that
    together first reach *vital_share* of complaints, Juran's 80/20 rule).
    Sorted by count, ties by reason.
    """
    lexicon = lexicon or load_lexicon()
    t = tickets
    if start is not None:
        t = t[t["opened_at"] >= pd.Timestamp(start).normalize()]
    if end is not None:
        t = t[t["opened_at"] < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)]
    reason = t["complaint_reason"] if "complaint_reason" in t.columns else pd.Series(None, index=t.index, dtype="object")
    flag = t["is_complaint"].astype("boolean").fillna(False).astype(bool) if "is_complaint" in t.columns else pd.Series(False, index=t.index)
    comp = reason[flag | reason.notna()].astype("object").fillna("unspecified").astype(str).str.strip()
    comp = comp.where(comp != "", "unspecified")
    cols = ["reason", "label_en", "label_zh", "theme", "count", "share", "cumulative_share", "vital_few"]
    if comp.empty:
        return pd.DataFrame(columns=cols)
    counts = comp.value_counts()
    out = pd.DataFrame({"reason": counts.index.astype(str), "count": counts.to_numpy().astype("int64")})
    out = out.sort_values(["count", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total = out["count"].sum()
    out["share"] = out["count"] / total
    out["cumulative_share"] = out["share"].cumsum()
    before = out["cumulative_share"] - out["share"]
    out["vital_few"] = before < vital_share - 1e-12
    labels = [lexicon.reason_labels(r) if r != "unspecified" else ("Unspecified", "未注明") for r in out["reason"]]
    out["label_en"] = [a for a, _ in labels]
    out["label_zh"] = [b for _, b in labels]
    out["theme"] = [(lexicon.match(r.replace("_", " ")) or [""])[0] for r in out["reason"]]
    return out[cols]


def needs_ranking(frame: pd.DataFrame, *, lexicon: Lexicon | None = None, min_mentions: int = 5) -> pd.DataFrame:
    """Customer needs (themes) ranked by frequency and by score impact.

    For each theme with at least *min_mentions* mentions: ``mentions``,
    ``share`` of commented responses, ``mean_with`` / ``mean_without`` =
    mean normalised score (``score_norm``, 0-1, see :func:`normalise_score`)
    of responses that mention / do not mention the theme, ``impact`` =
    ``mean_with − mean_without`` (negative: the theme goes with lower
    scores), ``p_value`` of Welch's t-test of the difference,
    ``negative_share`` of the mentions, ``frequency_rank`` (1 = most
    mentioned) and ``impact_rank`` (1 = most negative impact).  Sorted by
    impact rank.  This is association in survey data, not a causal effect.
    """
    lexicon = lexicon or load_lexicon()
    score = pd.to_numeric(frame["score_norm"], errors="coerce")
    n = int(score.notna().sum())
    rows = []
    for col in theme_columns(frame):
        code = col[len(THEME_PREFIX):]
        has = frame[col].notna() & score.notna()
        without = ~frame[col].notna() & score.notna()
        m = int(has.sum())
        if m < min_mentions:
            continue
        w, wo = score[has], score[without]
        p = float(stats.ttest_ind(w, wo, equal_var=False).pvalue) if len(w) > 1 and len(wo) > 1 else np.nan
        v = pd.to_numeric(frame.loc[has, col])
        en, zh = lexicon.labels(code)
        rows.append({"theme": code, "label_en": en, "label_zh": zh, "mentions": m, "share": m / n if n else np.nan,
                     "mean_with": float(w.mean()), "mean_without": float(wo.mean()) if len(wo) else np.nan,
                     "impact": float(w.mean() - wo.mean()) if len(wo) else np.nan, "p_value": p,
                     "negative_share": float((v < 0).mean())})
    cols = ["theme", "label_en", "label_zh", "mentions", "share", "mean_with", "mean_without", "impact", "p_value",
            "negative_share", "frequency_rank", "impact_rank"]
    out = pd.DataFrame(rows, columns=cols[:-2])
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["frequency_rank"] = out["mentions"].rank(ascending=False, method="min").astype("int64")
    out["impact_rank"] = out["impact"].rank(ascending=True, method="min").astype("Int64")
    return out.sort_values(["impact_rank", "frequency_rank"], kind="stable").reset_index(drop=True)


def _refuse_masked(mask_pii: bool) -> None:
    """Raise :class:`PermissionError` while *mask_pii* is true: comment text is personal data."""
    if mask_pii:
        raise PermissionError(
            "Verbatim comments are personal data: they are shown only when the report runs with mask_pii: false."
        )


def verbatims(
    surveys: pd.DataFrame,
    *,
    mask_pii: bool,
    start=None,
    end=None,
    theme: str | None = None,
    polarity: str | None = None,
    n: int = 5,
    seed: int = 0,
    lexicon: Lexicon | None = None,
    exclude_types: Sequence[str] = ("employee",),
) -> pd.DataFrame:
    """Example comments for the report, only when personal data may be shown.

    Comment text is personal data (people write their names and numbers in
    it), so this refuses to run while *mask_pii* is true.  Even with
    ``mask_pii=False`` phone numbers and e-mail addresses are redacted
    (:func:`redact_pii`).

    Parameters
    ----------
    theme : str, optional
        Only comments mentioning this theme code.
    polarity : {"positive", "neutral", "negative"}, optional
        Only comments whose theme mention (or, without *theme*, whose
        overall sentiment) has this polarity.
    n : int
        At most this many, sampled reproducibly with *seed*; duplicates removed.

    Returns
    -------
    DataFrame
        ``survey_type, touchpoint, score, sentiment, themes, verbatim``.

    Raises
    ------
    PermissionError
        When *mask_pii* is true.
    """
    _refuse_masked(mask_pii)
    fb = survey_feedback(surveys, start, end, lexicon=lexicon, exclude_types=exclude_types)
    s = surveys.set_index("response_id")["comment"]
    fb["verbatim"] = [redact_pii(s.get(r, "")) for r in fb["response_id"]]
    if theme is not None:
        col = THEME_PREFIX + theme
        fb = fb[fb[col].notna()] if col in fb.columns else fb.iloc[:0]
    if polarity is not None:
        want = {"positive": 1, "neutral": 0, "negative": -1}[polarity]
        if theme is not None:
            fb = fb[fb[THEME_PREFIX + theme] == want] if len(fb) else fb
        else:
            fb = fb[fb["sentiment"] == polarity]
    fb = fb.drop_duplicates("verbatim")
    if len(fb) > n:
        fb = fb.sample(n, random_state=seed)
    return fb[["survey_type", "touchpoint", "score", "sentiment", "themes", "verbatim"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- report read-outs


def _in_window(frame: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    if start is not None:
        frame = frame[frame[column] >= pd.Timestamp(start).normalize()]
    if end is not None:
        frame = frame[frame[column] < pd.Timestamp(end).normalize() + pd.Timedelta(days=1)]
    return frame


def comment_overview(frame: pd.DataFrame, summary: pd.DataFrame, surveys: pd.DataFrame, start=None, end=None, *,
                     min_n: int = 30, exclude_types: Sequence[str] = ("employee",)) -> dict[str, Any]:
    """Headline counts and shares of the analysed comments of a window.

    Parameters
    ----------
    frame : DataFrame
        :func:`survey_feedback` of the window (one row per commented response).
    summary : DataFrame
        :func:`theme_summary` of *frame*.
    surveys : DataFrame
        Canonical ``surveys``; the customer responses of ``[start, end]``
        (survey types in *exclude_types* left out) are the denominator.

    Returns
    -------
    dict
        ``comments`` (commented responses), ``responses`` (customer responses),
        ``commented`` = comments / responses, ``with_theme`` = share of
        comments with at least one theme, ``zh_share`` = share written in
        Chinese, ``mentions`` = Σ theme mentions, ``negative_mentions``,
        ``negative_theme_share`` = negative mentions / mentions,
        ``negative_comments`` = share of comments whose overall sentiment is
        negative (the three shares as Wilson-interval
        :class:`~crmkit.estimate.Estimate`, :func:`crmkit.estimate.proportion`)
        and ``top`` (the first row of *summary*, the most mentioned theme).

    Examples
    --------
    >>> fb = pd.DataFrame({"themes": ["delivery", ""], "language": ["zh", "en"], "sentiment": ["negative", "neutral"]})
    >>> sm = pd.DataFrame({"theme": ["delivery"], "mentions": [1], "negative": [1]})
    >>> sv = pd.DataFrame({"responded_at": pd.to_datetime(["2025-01-01"] * 4), "survey_type": ["nps"] * 4})
    >>> o = comment_overview(fb, sm, sv, min_n=1)
    >>> o["comments"], o["responses"], o["commented"].value, o["with_theme"], o["negative_theme_share"].value
    (2, 4, 0.5, 0.5, 1.0)
    """
    from crmkit.estimate import proportion

    sv = _in_window(surveys, "responded_at", start, end)
    sv = sv[~sv["survey_type"].astype(str).isin(list(exclude_types))]
    n = len(frame)
    mentions, negative = int(summary["mentions"].sum()), int(summary["negative"].sum())
    return {
        "comments": n, "responses": len(sv),
        "commented": proportion(n, len(sv), min_n=min_n),
        "with_theme": float((frame["themes"] != "").mean()) if n else float("nan"),
        "zh_share": float((frame["language"] == "zh").mean()) if n else float("nan"),
        "mentions": mentions, "negative_mentions": negative,
        "negative_theme_share": proportion(negative, mentions, min_n=min_n),
        "negative_comments": proportion(int((frame["sentiment"] == "negative").sum()), n, min_n=min_n),
        "top": summary.iloc[0] if len(summary) else None,
    }


def sentiment_extremes(summary: pd.DataFrame, *, min_mentions: int = 3) -> tuple[pd.Series, pd.Series] | None:
    """Themes with the lowest and the highest net sentiment among those with at least *min_mentions* mentions.

    Returns ``(worst, best)`` rows of :func:`theme_summary` (ties: the first
    listed), or None when no theme has enough mentions.

    Examples
    --------
    >>> sm = pd.DataFrame({"theme": list("abc"), "mentions": [5, 4, 1], "net_sentiment": [-0.5, 0.25, -1.0]})
    >>> w, b = sentiment_extremes(sm)
    >>> w["theme"], b["theme"]
    ('a', 'b')
    """
    ok = summary[summary["mentions"] >= min_mentions]
    if ok.empty:
        return None
    return ok.sort_values("net_sentiment").iloc[0], ok.sort_values("net_sentiment", ascending=False).iloc[0]


def group_themes(frame: pd.DataFrame, by: str, summary: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """:func:`theme_frequency` by *by*, restricted to the themes mentioned at least once in *summary*.

    Empty when no comment of any group mentions a theme.
    """
    freq = theme_frequency(frame, by, lexicon)
    if freq.empty or freq["mentions"].sum() == 0:
        return freq.iloc[0:0]
    return freq[freq["theme"].isin(summary.loc[summary["mentions"] > 0, "theme"])].reset_index(drop=True)


def top_theme_per_group(freq: pd.DataFrame, by: str) -> pd.DataFrame:
    """The most mentioned theme (largest ``share``) of each group of :func:`group_themes`, largest share first.

    Examples
    --------
    >>> f = pd.DataFrame({"g": ["x", "x", "y"], "theme": ["a", "b", "a"], "share": [0.1, 0.3, 0.2]})
    >>> top_theme_per_group(f, "g")[["g", "theme"]].values.tolist()
    [['x', 'b'], ['y', 'a']]
    """
    return freq.sort_values("share", ascending=False).groupby(by, sort=True).head(1).reset_index(drop=True)


def nps_comparison(frame: pd.DataFrame, *, lexicon: Lexicon | None = None, alpha: float = 0.05) -> dict[str, Any]:
    """Themes of commented NPS detractors against promoters (:func:`detractor_themes`).

    Returns
    -------
    dict
        ``detractors``, ``promoters`` (commented responses of each group),
        ``table`` (:func:`detractor_themes` without themes neither group
        mentions; None unless both groups have comments), ``significant``
        (number of themes with q < alpha) and ``lead`` (the row with the
        largest detractor − promoter difference, or None).
    """
    g = frame["nps_group"] if "nps_group" in frame.columns else pd.Series(dtype="object")
    n_det, n_pro = int((g == "detractor").sum()), int((g == "promoter").sum())
    out: dict[str, Any] = {"detractors": n_det, "promoters": n_pro, "table": None, "significant": 0, "lead": None}
    if n_det == 0 or n_pro == 0:
        return out
    over = detractor_themes(frame, lexicon=lexicon, alpha=alpha)
    over = over[(over["case_with"] + over["control_with"]) > 0].reset_index(drop=True)
    out.update(table=over, significant=int(over["significant"].sum()),
               lead=over.sort_values("difference", ascending=False).iloc[0] if len(over) else None)
    return out


def top_reason_share(pareto: pd.DataFrame, *, min_n: int = 30):
    """Share of complaints with the largest reason of :func:`complaint_pareto` (Wilson interval).

    Examples
    --------
    >>> p = pd.DataFrame({"count": [6, 3, 1]})
    >>> top_reason_share(p, min_n=1).value
    0.6
    """
    from crmkit.estimate import proportion

    if pareto.empty:
        return proportion(0, 0, min_n=min_n)
    return proportion(int(pareto["count"].iloc[0]), int(pareto["count"].sum()), min_n=min_n)


def needs_leaders(needs: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The need with the most negative score impact and the most frequent need of :func:`needs_ranking`.

    *needs* is sorted by impact rank, so its first row has the largest
    negative impact.  Returns ``(largest negative impact, most mentioned)``
    or None when *needs* is empty.
    """
    if needs.empty:
        return None
    return needs.iloc[0], needs.sort_values("frequency_rank").iloc[0]


def example_comments(surveys: pd.DataFrame, summary: pd.DataFrame, *, mask_pii: bool, start=None, end=None,
                     themes: int = 3, n: int = 3, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Example negative comments for the (at most *themes*) most mentioned themes with negative mentions.

    Each theme gets up to *n* comments from :func:`verbatims`, which refuses
    while *mask_pii* is true (comment text is personal data) and redacts
    phone numbers and e-mail addresses otherwise.

    Returns
    -------
    DataFrame
        ``theme, label_en, label_zh, survey_type, touchpoint, score, sentiment, themes, verbatim``.

    Raises
    ------
    PermissionError
        When *mask_pii* is true.
    """
    _refuse_masked(mask_pii)
    parts = []
    for _, r in summary[summary["negative"] > 0].head(themes).iterrows():
        ex = verbatims(surveys, mask_pii=mask_pii, start=start, end=end, theme=r["theme"], polarity="negative", n=n,
                       lexicon=lexicon)
        if len(ex):
            parts.append(ex.assign(theme=r["theme"], label_en=r["label_en"], label_zh=r["label_zh"]))
    cols = ["theme", "label_en", "label_zh", "survey_type", "touchpoint", "score", "sentiment", "themes", "verbatim"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


__all__ += ["comment_overview", "sentiment_extremes", "group_themes", "top_theme_per_group", "nps_comparison",
            "top_reason_share", "needs_leaders", "example_comments"]
