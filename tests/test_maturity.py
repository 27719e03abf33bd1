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


# -- the questionnaire text lives in crmkit/resources/maturity_questionnaire.yaml --------------------

# SHA-256 of the templates written before the text moved out of the module: the CSV file, and every part
# of the .xlsx package except docProps/core.xml (which holds the time of writing).
TEMPLATE_CSV_SHA256 = "5ac707e56cdede360454712ec2e76c41fb885a1ab97ad74bff0169117fdac427"
TEMPLATE_XLSX_PART_SHA256 = {
    "[Content_Types].xml": "8b17c67fc07ed1bc8cddabf0c66e4fb2195cfdb89689998adc2dccbaca1fb71b",
    "_rels/.rels": "ec869ae44fc833c25e58afa6ae766147aa72a99147522f6070e511475222827d",
    "docProps/app.xml": "209fca6b00afe72a5029754b94be5953d8f16d96f67130325566b9366ad4ccc5",
    "xl/_rels/workbook.xml.rels": "15586b8b5fa62b6cbe80c791dc12827c15c2c511f84901daf48e025d77259225",
    "xl/styles.xml": "c7b12b9e3bb2ee4e41fde2c6b76e18c100aa411d8d8cdcba5ca7b75735cb3717",
    "xl/theme/theme1.xml": "d15e8ebf78ef7b9720839d7ae8fdc81a7df5bc24706d8e137df61a5683c358d9",
    "xl/workbook.xml": "4717023b6b33a30b65109b46548f92c63e71311d0ad36cf23000768b74f16e27",
    "xl/worksheets/sheet1.xml": "0f79089ac3f9956928561a034a0c26a37912669697b7e5e1a6797a31d17a8c47",
    "xl/worksheets/sheet2.xml": "3c17e4fc60199da7865f95fbb1d7dfe05773d1e01442fa526b31351e7c9f034f",
}


def test_template_command_output_is_unchanged(tmp_path):
    import hashlib
    import zipfile

    from click.testing import CliRunner

    from crmkit.cli import cli

    runner = CliRunner()
    for name in ("a.csv", "a.xlsx"):
        result = runner.invoke(cli, ["template", "assessment", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert hashlib.sha256((tmp_path / "a.csv").read_bytes()).hexdigest() == TEMPLATE_CSV_SHA256
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        parts = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n != "docProps/core.xml"}
    assert parts == TEMPLATE_XLSX_PART_SHA256


def test_questionnaire_text_comes_from_the_resource_file():
    from crmkit import resources
    from crmkit.yamlio import read_yaml

    doc = read_yaml(resources.path(maturity.QUESTIONNAIRE_FILE))["dimensions"]
    q = maturity.questionnaire().set_index("item")
    assert list(doc) == CODES
    assert q.loc["team_1", "question_en"] == doc["team"][0]["question"]["en"]
    assert q.loc["improvement_4", "level_5_zh"] == doc["improvement"][3]["level_5"]["zh"]
    assert q.loc["crisis_3", "level_3_en"] == "A spokesperson and message templates exist."
    assert q.loc["innovation_3", "question_zh"] == "是否使用对照实验（A/B测试）评估客户举措？"


def _write_questionnaire(tmp_path, edit):
    import yaml

    from crmkit import resources

    doc = yaml.safe_load(resources.path(maturity.QUESTIONNAIRE_FILE).read_text(encoding="utf-8"))
    edit(doc["dimensions"])
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_questionnaire_from_an_edited_copy(tmp_path):
    def reword(d):
        d["team"][0]["question"]["en"] = "Reworded?"

    q = maturity.questionnaire(_write_questionnaire(tmp_path, reword))
    assert q.loc[0, "question_en"] == "Reworded?"
    assert q.loc[1, "question_en"] == maturity.questionnaire().loc[1, "question_en"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("csr"), "'dimensions' must list"),
        (lambda d: d.update(extra=d.pop("team")), "'dimensions' must list"),
        (lambda d: d["team"].pop(), "must have 4 items"),
        (lambda d: d["data"][2].pop("level_3"), "item data_3 must have exactly the keys"),
        (lambda d: d["culture"][1]["level_5"].update(zh="  "), "item culture_2: level_5.zh must be a non-empty text"),
        (lambda d: d["crisis"][0].update(question="only one language"), "item crisis_1: question.en"),
    ],
)
def test_questionnaire_file_is_checked(tmp_path, edit, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        maturity.questionnaire(_write_questionnaire(tmp_path, edit))
