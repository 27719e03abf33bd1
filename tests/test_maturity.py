"""Management maturity questionnaire and scoring (crmkit.indicators.maturity)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from crmkit import maturity
from crmkit.errors import ConfigError, DataError

CODES = [
    "team", "technology", "process", "data", "culture", "strategy", "compliance",
    "security", "csr", "cross_cultural", "crisis", "innovation", "improvement",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT = ["question_en", "question_zh", "level_1_en", "level_1_zh", "level_3_en", "level_3_zh", "level_5_en", "level_5_zh"]


def test_questionnaire_structure_and_languages():
    q = maturity.questionnaire()
    assert list(maturity.DIMENSIONS) == CODES
    assert list(dict.fromkeys(q["dimension"])) == CODES
    assert len(q) == 52
    assert q.groupby("dimension").size().eq(4).all()
    assert q["item"].tolist() == [f"{d}_{k}" for d in CODES for k in range(1, 5)]
    for column in TEXT + ["dimension_en", "dimension_zh"]:
        assert q[column].map(lambda s: isinstance(s, str) and s.strip() != "").all(), column
    for column in [c for c in TEXT if c.endswith("_zh")] + ["dimension_zh"]:
        assert q[column].map(lambda s: bool(CJK.search(s))).all(), column
    for column in [c for c in TEXT if c.endswith("_en")]:
        assert not q[column].map(lambda s: bool(CJK.search(s))).any(), column
    # anchors differ from each other within an item
    assert (q["level_1_en"] != q["level_5_en"]).all() and (q["level_1_zh"] != q["level_5_zh"]).all()
    assert not q["question_en"].duplicated().any()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_round_trip(tmp_path, suffix):
    path = maturity.write_template(tmp_path / f"assessment{suffix}", assessor="Li Wei", assessed_at="2025-12-01")
    if suffix == ".csv":
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM so Excel reads the Chinese text
        raw = pd.read_csv(path, encoding="utf-8-sig")
    else:
        raw = pd.read_excel(path, sheet_name="assessment")
        assert len(pd.read_excel(path, sheet_name="levels")) == 5
    assert list(raw.columns[:7]) == list(maturity.ASSESSMENT_COLUMNS)
    q = maturity.questionnaire()
    assert raw["item"].tolist() == q["item"].tolist()
    assert raw["question_zh"].tolist() == q["question_zh"].tolist()
    assert raw["level_5_en"].tolist() == q["level_5_en"].tolist()
    assert raw["score"].isna().all() and (raw["weight"] == 1).all()
    back = maturity.read_assessment(path)
    assert list(back.columns) == list(maturity.ASSESSMENT_COLUMNS)
    assert back.groupby("dimension").size().to_dict() == {d: 4 for d in CODES}
    assert (back["assessor"] == "Li Wei").all()
    assert (back["assessed_at"] == pd.Timestamp("2025-12-01")).all()
    assert not list(tmp_path.glob(".tmp-*"))


def test_template_refuses_unknown_suffix(tmp_path):
    with pytest.raises(ConfigError, match=r"\.csv or \.xlsx"):
        maturity.write_template(tmp_path / "a.json")


ASSESSMENT = pd.DataFrame(
    {
        "dimension": ["team", "team", "team", "team", "team", "data"],
        "item": ["team_1", "team_1", "team_2", "team_3", "team_4", "data_1"],
        "score": [3, 4, 5, 2, None, 1],
        "weight": [1, 1, 3, None, 1, 1],
        "evidence": ["org chart", "new org chart 2025", "training records", None, "", "none"],
        "assessor": ["a", "a", "a", "a", "a", "b"],
        "assessed_at": pd.to_datetime(
            ["2025-01-01", "2025-06-01", "2025-01-01", "2025-01-01", "2025-06-01", "2025-01-01"]
        ),
    }
)


def test_dimension_scores_by_hand():
    out = maturity.dimension_scores(ASSESSMENT, targets={"team": 85, "data": 50})
    assert list(out.index) == CODES
    team = out.loc["team"]
    # latest team_1 = 4 (June), team_2 = 5 (weight 3), team_3 = 2 (weight missing -> 1),
    # team_4 unanswered. mean = (4 + 3*5 + 2)/5 = 4.2 -> (4.2 - 1)/4 * 100 = 80; gap 85 - 80 = 5
    assert team["mean"] == pytest.approx(4.2)
    assert team["score"] == pytest.approx(80.0)
    assert team["gap"] == pytest.approx(5.0)
    assert team["n_items"] == 3
    assert team["evidence"] == ["new org chart 2025", "training records"]
    assert team["label_zh"] == "团队建设"
    # data_1 = 1 -> 0 points, 50 short of its target
    assert out.loc["data", "score"] == 0.0 and out.loc["data", "gap"] == 50.0
    assert out.loc["culture", "n_items"] == 0 and math.isnan(out.loc["culture", "score"])


def test_dimension_scores_as_of_uses_earlier_answer():
    out = maturity.dimension_scores(ASSESSMENT, targets=70, as_of="2025-03-01")
    # team_1 = 3 (January): mean = (3 + 15 + 2)/5 = 4.0 -> 75, gap 70 - 75 = -5
    assert out.loc["team", "score"] == pytest.approx(75.0)
    assert out.loc["team", "gap"] == pytest.approx(-5.0)
    assert out.loc["team", "evidence"] == ["org chart", "training records"]


def test_scores_outside_scale_are_refused():
    bad = ASSESSMENT.assign(score=[3, 4, 6, 2, None, 1])
    with pytest.raises(DataError, match="outside 1-5") as info:
        maturity.dimension_scores(bad)
    assert info.value.failure_cases["item"].tolist() == ["team_2"]


def test_fuzzy_dimension_evaluation_by_hand():
    out = maturity.fuzzy_dimension_evaluation(ASSESSMENT)
    assert list(out.index) == ["team", "data"]
    # team: weights 1, 3, 1 -> .2, .6, .2 over memberships one-hot at levels 4, 5, 2:
    # B = (0, .2, 0, .2, .6) -> grade 5; score = .2*25 + .2*75 + .6*100 = 80,
    # equal to the weighted-mean score because M(·,+) with linear grade values is linear.
    team = out.loc["team"]
    assert [team[f"level_{k}"] for k in range(1, 6)] == pytest.approx([0, 0.2, 0, 0.2, 0.6])
    assert team["grade"] == 5
    assert team["score"] == pytest.approx(80.0)
    assert out.loc["data", "grade"] == 1 and out.loc["data", "score"] == 0.0
