"""Tests for the soft-skills instrument file and the validating instrument loader."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from surveys import instrument as instrument_module
from surveys.instrument import (
    DEFAULT_INSTRUMENT,
    EXERCISE_KINDS,
    InstrumentError,
    UnknownInstrument,
    available_instruments,
    load_instrument,
    load_instrument_file,
)

REAL_FILE = instrument_module.INSTRUMENTS_DIR / "soft-skills" / "1.yaml"
SKILL_IDS = (
    "emotional_intelligence",
    "adaptability",
    "creative_problem_solving",
    "empathy",
    "ethical_decision_making",
    "leadership",
    "cross_cultural_communication",
)
ITEM_PREFIXES = ("ei", "ad", "cps", "em", "eth", "ld", "ccc")


@pytest.fixture
def soft_skills():
    return load_instrument(DEFAULT_INSTRUMENT)


@pytest.fixture
def document():
    """A fresh, mutable copy of the real instrument as plain YAML data."""
    return yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))


def write(directory: Path, document: object) -> Path:
    file = directory / "instrument.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return file


def test_the_real_instrument_has_the_seven_skills_in_order(soft_skills):
    assert soft_skills.id == "soft-skills"
    assert soft_skills.version == "1"
    assert soft_skills.name == "Soft skills 360"
    assert tuple(skill.id for skill in soft_skills.skills) == SKILL_IDS


def test_every_skill_has_five_items_with_prefixed_unique_ids(soft_skills):
    for skill, prefix in zip(soft_skills.skills, ITEM_PREFIXES, strict=True):
        assert [item.id for item in skill.items] == [f"{prefix}_{n}" for n in range(1, 6)]
    assert len(set(soft_skills.item_ids)) == len(soft_skills.item_ids) == 35


def test_item_wording_suits_self_and_observer_raters(soft_skills):
    for item in soft_skills.items:
        assert item.self_text.startswith("I ")
        assert "{name}" in item.observer_text
        assert "{name}" not in item.self_text
        worded = item.text_for("peer", "Ana")
        assert "Ana" in worded
        assert "{name}" not in worded
        assert item.text_for("self", "Ana") == item.self_text


def test_text_for_leaves_braces_in_a_name_alone(soft_skills):
    item = soft_skills.items[0]
    assert item.text_for("manager", "{0}{name}").startswith("{0}{name} ")


def test_every_skill_has_copy_strategies_and_both_kinds_of_exercise(soft_skills):
    exercise_ids = [ex.id for skill in soft_skills.skills for ex in skill.exercises]
    assert len(set(exercise_ids)) == len(exercise_ids)
    for skill in soft_skills.skills:
        assert skill.name
        assert skill.description
        assert skill.why_it_matters
        assert len(skill.strategies) >= 3
        assert len(skill.exercises) >= 2
        for exercise in skill.exercises:
            assert exercise.title
            assert exercise.description
            assert exercise.time_frame
        assert {exercise.kind for exercise in skill.exercises} == set(EXERCISE_KINDS)


def test_the_open_questions_and_the_comment_keys(soft_skills):
    assert [q.id for q in soft_skills.questions] == ["keep_doing", "do_differently"]
    for question in soft_skills.questions:
        assert "{name}" in question.observer_text
        assert "Ana" in question.text_for("direct_report", "Ana")
        assert question.text_for("self", "Ana") == question.self_text
    assert soft_skills.comment_keys == (*SKILL_IDS, "keep_doing", "do_differently")


def test_the_scale(soft_skills):
    assert soft_skills.scale_labels[0] == "Strongly disagree"
    assert soft_skills.scale_labels[4] == "Strongly agree"
    assert len(soft_skills.scale_labels) == 5
    assert soft_skills.na_label == "Don't know / not observed"


def test_lookups_by_item_and_skill(soft_skills):
    assert soft_skills.skill_of("cps_3").id == "creative_problem_solving"
    assert soft_skills.skill("empathy").items[0].id == "em_1"
    with pytest.raises(KeyError):
        soft_skills.skill_of("nope_1")
    with pytest.raises(KeyError):
        soft_skills.skill("nope")


def test_the_latest_version_is_the_default_and_is_cached():
    assert load_instrument("soft-skills") is load_instrument("soft-skills", "1")
    assert load_instrument("soft-skills") == load_instrument_file(REAL_FILE)


def test_available_instruments_lists_the_real_file():
    assert ("soft-skills", "1") in available_instruments()


@pytest.mark.parametrize(
    ("instrument_id", "version", "message"),
    [
        ("no-such-instrument", None, "available: soft-skills"),
        ("soft-skills", "99", "available: 1"),
        ("../etc", None, "unknown instrument"),
        ("soft-skills", "../1", "has no version"),
        ("Soft-Skills", None, "unknown instrument"),
    ],
)
def test_unknown_instruments_are_refused(instrument_id, version, message):
    with pytest.raises(UnknownInstrument, match=message):
        load_instrument(instrument_id, version)


@pytest.fixture
def instruments_dir(tmp_path, monkeypatch):
    """An empty instruments directory in place of the real one, with a clean cache."""
    monkeypatch.setattr(instrument_module, "INSTRUMENTS_DIR", tmp_path)
    load_instrument.cache_clear()
    yield tmp_path
    load_instrument.cache_clear()


def test_versions_are_ordered_naturally(instruments_dir, document):
    (instruments_dir / "soft-skills").mkdir()
    for version in ("2", "9", "10"):
        document["version"] = version
        path = instruments_dir / "soft-skills" / f"{version}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    assert available_instruments() == [("soft-skills", v) for v in ("2", "9", "10")]
    assert load_instrument("soft-skills").version == "10"


def test_a_file_must_match_its_location(instruments_dir, document):
    (instruments_dir / "soft-skills").mkdir()
    file = instruments_dir / "soft-skills" / "2.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(InstrumentError) as caught:
        load_instrument("soft-skills", "2")
    assert (caught.value.file, caught.value.path) == (str(file), "version")


def duplicate_skill_id(doc):
    doc["skills"][3]["id"] = "adaptability"


def duplicate_item_id_across_skills(doc):
    doc["skills"][2]["items"][1]["id"] = "ei_4"


def duplicate_exercise_id(doc):
    doc["skills"][6]["exercises"][2]["id"] = "ei_emotion_journal"


def duplicate_question_id(doc):
    doc["questions"][1]["id"] = "keep_doing"


def question_id_is_a_skill_id(doc):
    doc["questions"][0]["id"] = "empathy"


def missing_observer_wording(doc):
    del doc["skills"][2]["items"][4]["observer"]


def observer_wording_without_name(doc):
    doc["skills"][5]["items"][2]["observer"]["fr"] = "Prend les devants."


def self_wording_not_in_first_person(doc):
    doc["skills"][1]["items"][0]["self"]["en"] = "Adapts plans quickly."


def empty_skill(doc):
    doc["skills"][1]["items"] = []


def too_few_strategies(doc):
    del doc["skills"][4]["strategies"][2:]


def too_few_exercises(doc):
    del doc["skills"][0]["exercises"][1:]


def unknown_exercise_kind(doc):
    doc["skills"][3]["exercises"][1]["kind"] = "homework"


def no_practice_exercise(doc):
    for exercise in doc["skills"][0]["exercises"]:
        exercise["kind"] = "reflection"


def unknown_key(doc):
    doc["skills"][0]["colour"] = "blue"


def version_as_a_number(doc):
    doc["version"] = 1


def missing_scale_label(doc):
    del doc["scale"][3]


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (duplicate_skill_id, "skills[3].id", "duplicate skill id 'adaptability'"),
        (duplicate_item_id_across_skills, "skills[2].items[1].id", "duplicate item id 'ei_4'"),
        (duplicate_exercise_id, "skills[6].exercises[2].id", "duplicate exercise id"),
        (duplicate_question_id, "questions[1].id", "duplicate question id 'keep_doing'"),
        (question_id_is_a_skill_id, "questions[0].id", "already a skill id"),
        (missing_observer_wording, "skills[2].items[4].observer", "missing required key"),
        (observer_wording_without_name, "skills[5].items[2].observer.fr", "{name}"),
        (self_wording_not_in_first_person, "skills[1].items[0].self.en", 'start with "I "'),
        (empty_skill, "skills[1].items", "at least 1 item"),
        (too_few_strategies, "skills[4].strategies", "at least 3 strategies, found 2"),
        (too_few_exercises, "skills[0].exercises", "at least 2 exercises, found 1"),
        (unknown_exercise_kind, "skills[3].exercises[1].kind", "reflection, practice"),
        (no_practice_exercise, "skills[0].exercises", "at least one 'practice' exercise"),
        (unknown_key, "skills[0].colour", "unknown key 'colour'"),
        (version_as_a_number, "version", "must be a string"),
        (missing_scale_label, "scale.3", "missing required key"),
    ],
)
def test_broken_instruments_name_file_path_and_reason(tmp_path, document, mutate, path, reason):
    mutate(document)
    assert_refused(write(tmp_path, document), path, reason)


def assert_refused(file: Path, path: str, reason: str) -> None:
    """Loading `file` fails at `path`, with `reason` in the message after file and path."""
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(file)
    error = caught.value
    assert (error.file, error.path) == (str(file), path)
    assert reason in error.reason
    assert str(error) == f"{file}: {path}: {error.reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("id: soft-skills\nversion: [1\n", "invalid YAML"),
        ("id: soft-skills\nid: other\n", "duplicate key 'id' (line 2, column 1)"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_unreadable_documents_are_reported_as_a_whole(tmp_path, text, reason):
    file = tmp_path / "broken.yaml"
    file.write_text(text)
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(file)
    assert (caught.value.file, caught.value.path) == (str(file), "<document>")
    assert reason in caught.value.reason


def test_the_first_error_in_document_order_is_reported(tmp_path, document):
    unknown_key(document)
    missing_observer_wording(document)
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(write(tmp_path, document))
    assert caught.value.path == "skills[0].colour"


def test_surveys_stays_free_of_web_database_and_dataframe_libraries():
    code = (
        "import sys, surveys; surveys.load_instrument('soft-skills'); "
        "print(sorted({'flask', 'sqlalchemy', 'pandas'} & set(sys.modules)))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
