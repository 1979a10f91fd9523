"""The instrument in several languages: every text in every declared language, the loader's
refusals named with file and path, and in_language() keeping ids and order so answers pool."""

from __future__ import annotations

import pytest
import yaml

from surveys.instrument import (
    InstrumentError,
    available_instruments,
    load_instrument,
    load_instrument_file,
)
from surveys.questionnaire import questionnaire_for
from tests.surveys.test_instrument import REAL_FILE, assert_refused, write

LANGUAGES = ("en", "de", "fr", "es")
# Shorter texts (a scale label, "1 week", a skill name) may rightly read the same in two
# languages; a longer one equal to the English was not translated.
LONG_TEXT = 30


@pytest.fixture
def document():
    return yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def soft_skills():
    return load_instrument("soft-skills", "1")


def texts_of(instrument) -> dict[str, str]:
    """Every text of an instrument by its place, the same places in every language."""
    texts = {"name": instrument.name, "na_label": instrument.na_label}
    texts.update({f"scale.{i + 1}": label for i, label in enumerate(instrument.scale_labels)})
    for skill in instrument.skills:
        at = f"skills.{skill.id}"
        texts.update(
            {
                f"{at}.name": skill.name,
                f"{at}.description": skill.description,
                f"{at}.why_it_matters": skill.why_it_matters,
            }
        )
        for item in skill.items:
            texts[f"{at}.{item.id}.self"] = item.self_text
            texts[f"{at}.{item.id}.observer"] = item.observer_text
        for i, strategy in enumerate(skill.strategies):
            texts[f"{at}.strategies[{i}]"] = strategy
        for exercise in skill.exercises:
            texts[f"{at}.{exercise.id}.title"] = exercise.title
            texts[f"{at}.{exercise.id}.description"] = exercise.description
            texts[f"{at}.{exercise.id}.time_frame"] = exercise.time_frame
    for question in instrument.questions:
        texts[f"questions.{question.id}.self"] = question.self_text
        texts[f"questions.{question.id}.observer"] = question.observer_text
    return texts


def observer_wordings(instrument) -> list[str]:
    return [item.observer_text for item in instrument.items] + [
        question.observer_text for question in instrument.questions
    ]


def english_only(value):
    """The document as an English-only file of the older form: plain strings, no languages."""
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            return value["en"]
        return {key: english_only(inner) for key, inner in value.items() if key != "languages"}
    if isinstance(value, list):
        return [english_only(inner) for inner in value]
    return value


# ------------------------------------------------------------------ the shipped instruments


def test_the_soft_skills_instrument_speaks_four_languages(soft_skills):
    assert soft_skills.languages == LANGUAGES
    # The default (first) language is what load_instrument() returns.
    assert soft_skills.language == "en"
    assert [soft_skills.in_language(code).language for code in LANGUAGES] == list(LANGUAGES)


@pytest.mark.parametrize(("instrument_id", "version"), available_instruments())
def test_every_text_is_there_in_every_language(instrument_id, version):
    default = load_instrument(instrument_id, version)
    english = texts_of(default.in_language(default.languages[0]))
    for code in default.languages:
        translated = default.in_language(code)
        texts = texts_of(translated)
        assert texts.keys() == english.keys()
        for place, text in texts.items():
            assert text.strip(), f"{code}: {place} is empty"
            if code != default.languages[0] and len(english[place]) > LONG_TEXT:
                assert text != english[place], f"{code}: {place} is not translated"
        assert len(translated.scale_labels) == 5
        assert len(set(translated.scale_labels)) == 5, f"{code}: two scale labels read the same"
        for wording in observer_wordings(translated):
            assert "{name}" in wording, f"{code}: {wording!r}"
        for item in translated.items:
            assert "{name}" not in item.self_text, f"{code}: {item.id}"


def test_each_language_keeps_one_register(soft_skills):
    """Self statements in the first person; advice addressed one consistent way per language."""
    german = soft_skills.in_language("de")
    french = soft_skills.in_language("fr")
    spanish = soft_skills.in_language("es")
    assert all(item.self_text.startswith("Ich ") for item in german.items)
    assert all(item.self_text.startswith(("Je ", "J'")) for item in french.items)
    # German and French advise with "Sie" and "vous", Spanish with "tú".
    german_text = " ".join(texts_of(german).values())
    french_text = " ".join(texts_of(french).values())
    spanish_text = " ".join(texts_of(spanish).values())
    for informal in (" du ", " dich ", " dir ", " dein"):
        assert informal not in german_text
    assert " Sie " in german_text
    for informal in (" tu ", "-toi", " toi "):
        assert informal not in french_text
    assert " vous " in french_text
    assert "usted" not in spanish_text.lower()
    assert " tu " in spanish_text


# ------------------------------------------------------------------ in_language


def test_english_reads_exactly_as_before(soft_skills):
    english = soft_skills.in_language("en")
    assert english is soft_skills
    assert english.name == "Soft skills 360"
    assert english.scale_labels == (
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    )
    assert english.na_label == "Don't know / not observed"
    assert english.skills[0].name == "Emotional intelligence"
    assert english.skill_of("ei_3").items[2].observer_text == (
        "{name} takes responsibility when their mood has affected other people."
    )
    assert english.items[0].self_text == "I stay composed when a discussion becomes tense."
    # A folded text from the file: joined with single spaces, no trailing newline.
    assert english.skills[0].strategies[0] == (
        "Before an important meeting, take a short mindful pause: a few slow breaths and an "
        "honest check of how you are feeling right now."
    )
    assert english.skills[0].exercises[1].time_frame == "3 conversations over 2 weeks"


def test_the_german_instrument_has_german_words_and_the_same_ids_in_the_same_order(soft_skills):
    german = soft_skills.in_language("de")
    assert [skill.name for skill in german.skills] == [
        "Emotionale Intelligenz",
        "Anpassungsfähigkeit und Resilienz",
        "Kreative Problemlösung",
        "Empathie und Mitgefühl",
        "Ethische Entscheidungsfindung",
        "Führung und Inspiration",
        "Interkulturelle Kommunikation",
    ]
    assert german.scale_labels[0] == "Stimme überhaupt nicht zu"
    assert german.scale_labels[4] == "Stimme voll und ganz zu"
    assert german.items[0].text_for("peer", "Ana") == (
        "Ana bleibt gelassen, wenn eine Diskussion angespannt wird."
    )
    assert german.items[0].text_for("self", "Ana") == (
        "Ich bleibe gelassen, wenn eine Diskussion angespannt wird."
    )
    assert german.skill_of("cps_3").name == "Kreative Problemlösung"
    assert [skill.id for skill in german.skills] == [skill.id for skill in soft_skills.skills]
    assert german.item_ids == soft_skills.item_ids
    assert german.comment_keys == soft_skills.comment_keys
    assert [ex.id for s in german.skills for ex in s.exercises] == [
        ex.id for s in soft_skills.skills for ex in s.exercises
    ]
    assert [ex.kind for s in german.skills for ex in s.exercises] == [
        ex.kind for s in soft_skills.skills for ex in s.exercises
    ]
    assert (german.id, german.version) == (soft_skills.id, soft_skills.version)
    assert (german.score_sd, german.reliability) == (soft_skills.score_sd, soft_skills.reliability)
    assert german.languages == soft_skills.languages


@pytest.mark.parametrize("code", LANGUAGES)
def test_answers_pool_across_languages(soft_skills, code):
    """The same item, translated, is the same item: the ids a response is stored under."""
    assert soft_skills.in_language(code).item_ids == load_instrument("soft-skills").item_ids


def test_in_language_is_cached_and_goes_both_ways(soft_skills):
    french = soft_skills.in_language("fr")
    assert french is soft_skills.in_language("fr")
    assert french.in_language("en") is soft_skills
    assert french.in_language("es") is soft_skills.in_language("es")


@pytest.mark.parametrize("code", ["it", "DE", "", "english", None])
def test_an_unknown_language_is_refused_with_the_supported_ones(soft_skills, code):
    with pytest.raises(ValueError, match="supported: en, de, fr, es"):
        soft_skills.in_language(code)


def test_the_questionnaire_in_another_language(soft_skills):
    english = questionnaire_for(soft_skills, "peer", "Ana")
    spanish = questionnaire_for(soft_skills, "peer", "Ana", language="es")
    assert spanish["skills"][0]["name"] == "Inteligencia emocional"
    assert spanish["skills"][0]["items"][0]["text"] == (
        "Ana mantiene la calma cuando una discusión se pone tensa."
    )
    assert spanish["questions"][0]["text"] == "¿Qué hace bien Ana y debería seguir haciendo?"
    assert questionnaire_for(soft_skills, "self", "Ana", language="fr")["questions"][0]["text"] == (
        "Qu'est-ce que je fais bien et que je devrais continuer à faire\u00a0?"
    )

    def ids(questionnaire):
        return [
            [skill["id"], [item["id"] for item in skill["items"]]]
            for skill in questionnaire["skills"]
        ] + [question["id"] for question in questionnaire["questions"]]

    assert ids(spanish) == ids(english)
    assert english == questionnaire_for(soft_skills, "peer", "Ana", language="en")
    with pytest.raises(ValueError, match="supported"):
        questionnaire_for(soft_skills, "peer", "Ana", language="it")


# ------------------------------------------------------------------ files and their mistakes


def test_a_file_without_languages_is_english_only(tmp_path, document, soft_skills):
    legacy = load_instrument_file(write(tmp_path, english_only(document)))
    assert legacy.languages == ("en",)
    assert legacy.language == "en"
    assert legacy.in_language("en") is legacy
    assert texts_of(legacy) == texts_of(soft_skills)
    assert legacy.skills == soft_skills.skills
    with pytest.raises(ValueError, match=r"supported: en$"):
        legacy.in_language("de")


def test_the_first_declared_language_is_the_default(tmp_path, document, soft_skills):
    document["languages"] = ["de", "en", "fr", "es"]
    instrument = load_instrument_file(write(tmp_path, document))
    assert instrument.language == "de"
    assert instrument.skills[0].name == "Emotionale Intelligenz"
    assert instrument.in_language("en").skills == soft_skills.skills


def test_dropping_a_language_means_dropping_its_texts_too(tmp_path, document):
    document["languages"] = ["en", "de"]
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(write(tmp_path, document))
    assert (caught.value.path, caught.value.reason) == (
        "name.fr",
        "'fr' is not a declared language (en, de)",
    )


def missing_french_observer(doc):
    del doc["skills"][2]["items"][1]["observer"]["fr"]


def missing_spanish_strategy(doc):
    del doc["skills"][4]["strategies"][3]["es"]


def undeclared_italian_name(doc):
    doc["name"]["it"] = "Competenze trasversali 360"


def undeclared_language_in_a_time_frame(doc):
    doc["skills"][6]["exercises"][0]["time_frame"]["pt"] = "1 conversa em 2 semanas"


def unknown_language_code(doc):
    doc["languages"] = ["en", "de", "xx", "es"]


def language_name_instead_of_code(doc):
    doc["languages"] = ["en", "German"]


def upper_case_code(doc):
    doc["languages"] = ["EN", "de", "fr", "es"]


def number_as_a_language(doc):
    doc["languages"] = ["en", 7]


def language_declared_twice(doc):
    doc["languages"] = ["en", "de", "fr", "de"]


def no_languages_at_all(doc):
    doc["languages"] = []


def languages_not_a_list(doc):
    doc["languages"] = "en, de"


def plain_string_in_a_multilingual_file(doc):
    doc["na_label"] = "Don't know"


def blank_spanish_text(doc):
    doc["skills"][0]["strategies"][1]["es"] = "   "


def german_observer_without_name(doc):
    doc["questions"][1]["observer"]["de"] = "Was könnte anders laufen?"


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        (missing_french_observer, "skills[2].items[1].observer", "no 'fr'"),
        (missing_spanish_strategy, "skills[4].strategies[3]", "no 'es'"),
        (undeclared_italian_name, "name.it", "'it' is not a declared language (en, de, fr, es)"),
        (
            undeclared_language_in_a_time_frame,
            "skills[6].exercises[0].time_frame.pt",
            "'pt' is not a declared language",
        ),
        (unknown_language_code, "languages[2]", "'xx' is not a language code"),
        (language_name_instead_of_code, "languages[1]", "'German' is not a language code"),
        (upper_case_code, "languages[0]", "'EN' is not a language code"),
        (number_as_a_language, "languages[1]", "7 is not a language code"),
        (language_declared_twice, "languages[3]", "'de' is declared twice"),
        (no_languages_at_all, "languages", "needs at least 1 language, found 0"),
        (languages_not_a_list, "languages", "must be a list"),
        (plain_string_in_a_multilingual_file, "na_label", "must map each declared language"),
        (blank_spanish_text, "skills[0].strategies[1].es", "must be a non-empty string"),
        (german_observer_without_name, "questions[1].observer.de", "must contain {name}"),
    ],
)
def test_language_mistakes_name_file_path_and_reason(tmp_path, document, mutate, path, reason):
    mutate(document)
    assert_refused(write(tmp_path, document), path, reason)
