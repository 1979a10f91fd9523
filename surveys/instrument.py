"""Survey instruments: immutable dataclasses and the validating YAML loader.

An instrument file may declare `languages: [en, de, ...]` and then give every text as a
mapping with one entry per declared language; the first language is the default. A file
without `languages` is English only and gives every text as a plain string.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_INSTRUMENT = "soft-skills"
EXERCISE_KINDS = ("reflection", "practice")
SCALE_SCORES = (1, 2, 3, 4, 5)
MIN_STRATEGIES = 3
MIN_EXERCISES = 2
# The reliable change rule's defaults (docs/scoring.md, "Change since the last round"):
# the spread of skill scores between people, and the reliability of a skill score.
DEFAULT_SCORE_SD = 0.5
DEFAULT_RELIABILITY = 0.80
INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
# The language of a file that declares none; its texts are plain strings.
DEFAULT_LANGUAGE = "en"
# The two-letter ISO 639-1 codes: what `languages` may declare.
_ISO_639_1 = """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
    hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku
    kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn
    no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm
    sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
    vo wa wo xh yi yo za zh zu
"""
LANGUAGE_CODES = frozenset(_ISO_639_1.split())

# Instrument ids and versions become path components, so this pattern is also
# what keeps load_instrument() inside INSTRUMENTS_DIR.
_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Skill, item, exercise and question ids end up as answer and comment keys.
_KEY = re.compile(r"[a-z][a-z0-9_]*")


class _Worded:
    """Text worded twice: "I ..." for the self survey, "{name} ..." for other raters."""

    __slots__ = ()
    self_text: str
    observer_text: str

    def text_for(self, relationship: str, first_name: str) -> str:
        if relationship == "self":
            return self.self_text
        # str.replace rather than str.format: braces in a name must stay literal.
        return self.observer_text.replace("{name}", first_name)


@dataclass(frozen=True, slots=True)
class Item(_Worded):
    id: str
    self_text: str
    observer_text: str


@dataclass(frozen=True, slots=True)
class Question(_Worded):
    id: str
    self_text: str
    observer_text: str


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    title: str
    description: str
    time_frame: str
    kind: str


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    description: str
    why_it_matters: str
    items: tuple[Item, ...]
    strategies: tuple[str, ...]
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    version: str
    name: str
    skills: tuple[Skill, ...]
    questions: tuple[Question, ...]
    scale_labels: tuple[str, ...]  # index 0 labels score 1
    na_label: str
    # The reliable change rule's settings: SD of skill scores (> 0) and their reliability r.
    score_sd: float = DEFAULT_SCORE_SD
    reliability: float = DEFAULT_RELIABILITY
    # The language of this object's texts, and every language the file carries (default first).
    language: str = DEFAULT_LANGUAGE
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    _skills_by_id: dict[str, Skill] = field(init=False, repr=False, compare=False)
    _skills_by_item_id: dict[str, Skill] = field(init=False, repr=False, compare=False)
    # The same instrument in each of its languages, shared by all of them.
    _by_language: Mapping[str, Instrument] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen and slotted: the lookups are built once here, not on every call.
        object.__setattr__(self, "_skills_by_id", {skill.id: skill for skill in self.skills})
        object.__setattr__(
            self,
            "_skills_by_item_id",
            {item.id: skill for skill in self.skills for item in skill.items},
        )
        object.__setattr__(self, "_by_language", {self.language: self})

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for skill in self.skills for item in skill.items)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def comment_keys(self) -> tuple[str, ...]:
        """What a rater may comment on: every skill, then every open question."""
        return tuple(skill.id for skill in self.skills) + tuple(q.id for q in self.questions)

    def skill(self, skill_id: str) -> Skill:
        return self._skills_by_id[skill_id]

    def skill_of(self, item_id: str) -> Skill:
        return self._skills_by_item_id[item_id]

    def in_language(self, code: str) -> Instrument:
        """This instrument with every text in language `code`; ids and order stay the same.

        Answers given in any language share the item ids, so they pool as one instrument.
        """
        try:
            return self._by_language[code]
        except (KeyError, TypeError):
            raise ValueError(
                f"instrument {self.id!r} version {self.version!r} has no language {code!r}; "
                f"supported: {', '.join(self.languages)}"
            ) from None


class InstrumentError(ValueError):
    """An instrument file that cannot be used, with where in it and why."""

    def __init__(self, file: str, path: str, reason: str) -> None:
        super().__init__(f"{file}: {path}: {reason}")
        self.file = file
        self.path = path
        self.reason = reason


class UnknownInstrument(LookupError):
    """No instrument file exists for the requested id or version."""


def available_instruments() -> list[tuple[str, str]]:
    """Every (id, version) on disk, by id and then by version in natural order."""
    return [
        (instrument_id, version)
        for instrument_id in _instrument_ids()
        for version in _versions_of(instrument_id)
    ]


@functools.cache
def load_instrument(instrument_id: str, version: str | None = None) -> Instrument:
    """The instrument `instrument_id` at `version`, or at its highest version if None."""
    versions = _versions_of(instrument_id) if _FILE_NAME.fullmatch(instrument_id) else []
    if not versions:
        raise UnknownInstrument(
            f"unknown instrument {instrument_id!r}; "
            f"available: {', '.join(_instrument_ids()) or 'none'}"
        )
    if version is None:
        # Through the cache again, so both spellings share one Instrument object.
        return load_instrument(instrument_id, versions[-1])
    if version not in versions:
        raise UnknownInstrument(
            f"instrument {instrument_id!r} has no version {version!r}; "
            f"available: {', '.join(versions)}"
        )
    file = INSTRUMENTS_DIR / instrument_id / f"{version}.yaml"
    instrument = load_instrument_file(file)
    for key, expected in (("id", instrument_id), ("version", version)):
        if getattr(instrument, key) != expected:
            raise InstrumentError(
                str(file), key, f"must be {expected!r} to match the file's location"
            )
    return instrument


def load_instrument_file(path: str | os.PathLike[str]) -> Instrument:
    """Parse and validate one instrument file; the first problem found is raised."""
    file = str(path)
    try:
        # Bytes, so that PyYAML reports bad encodings as YAML errors; the loader is a SafeLoader.
        document = yaml.load(Path(path).read_bytes(), Loader=_UniqueKeyLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise InstrumentError(file, "<document>", _describe_yaml_error(exc)) from exc
    try:
        return _instruments(document)
    except _Invalid as exc:
        raise InstrumentError(file, exc.path, exc.reason) from None


def _instrument_ids() -> list[str]:
    return sorted(
        entry.name
        for entry in INSTRUMENTS_DIR.iterdir()
        if entry.is_dir() and _FILE_NAME.fullmatch(entry.name) and _versions_of(entry.name)
    )


def _versions_of(instrument_id: str) -> list[str]:
    directory = INSTRUMENTS_DIR / instrument_id
    if not directory.is_dir():
        return []
    versions = (file.stem for file in directory.glob("*.yaml"))
    return sorted((v for v in versions if _FILE_NAME.fullmatch(v)), key=_natural_order)


def _natural_order(version: str) -> tuple[tuple[int, int | str], ...]:
    # So that version "10" comes after version "9".
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", version)
    )


# libyaml's parser when PyYAML has it: several times faster on a file with four languages.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """A SafeLoader that rejects a key given twice instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            # The resolved tag keeps "1" (a string) apart from 1 (an integer).
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _describe_yaml_error(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem and exc.problem_mark:
        mark = exc.problem_mark
        return f"invalid YAML: {exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return f"invalid YAML: {exc}"


class _Invalid(Exception):
    """A validation failure at a path inside the document; the file is added by the caller."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason


class _Ids:
    """Ids seen so far of one kind, to report a duplicate with its first use."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.first_seen_at: dict[str, str] = {}

    def add(self, value: str, path: str) -> None:
        if value in self.first_seen_at:
            raise _Invalid(
                path,
                f"duplicate {self.what} id {value!r} (first used at {self.first_seen_at[value]})",
            )
        self.first_seen_at[value] = path


def _at(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _mapping(
    value: object, path: str, keys: tuple[Any, ...], optional: tuple[Any, ...] = ()
) -> dict[Any, Any]:
    """A mapping with `keys`, all required, and any of `optional`."""
    if not isinstance(value, dict):
        raise _Invalid(path or "<document>", "must be a mapping")
    for key in value:
        if key not in keys and key not in optional:
            expected = ", ".join(str(k) for k in (*keys, *optional))
            raise _Invalid(_at(path, key), f"unknown key {key!r} (expected one of: {expected})")
    for key in keys:
        if key not in value:
            raise _Invalid(_at(path, key), "missing required key")
    return value


def _list(value: object, path: str, minimum: int, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(path, "must be a list")
    if len(value) < minimum:
        raise _Invalid(path, f"needs at least {minimum} {what}, found {len(value)}")
    return value


def _text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(path, "must be a non-empty string")
    # Folded YAML scalars end in a newline; it means nothing to the text.
    return value.strip()


def _id(value: object, path: str, pattern: re.Pattern[str], ids: _Ids | None = None) -> str:
    text = _text(value, path)
    if not pattern.fullmatch(text):
        raise _Invalid(path, f"{text!r} is not a valid id: it must match {pattern.pattern}")
    if ids is not None:
        ids.add(text, path)
    return text


_INSTRUMENT_KEYS = ("id", "version", "name", "scale", "na_label", "skills", "questions")
_OPTIONAL_INSTRUMENT_KEYS = ("languages", "reliable_change")


class _Texts:
    """Reads the texts of a document in one of its languages.

    With declared languages, a text is a mapping with exactly one non-empty string per
    language; every language is checked whichever one is read, so the first pass over the
    document finds every problem in document order. Without, a text is a plain string.
    """

    def __init__(self, languages: tuple[str, ...] | None, language: str) -> None:
        self.languages = languages
        self.language = language

    def read(
        self, value: object, path: str, check: Callable[[str, str], str | None] | None = None
    ) -> str:
        """The text at `path` in this language; `check(language, text)` returns a problem."""
        if self.languages is None:
            text = _text(value, path)
            if check is not None and (problem := check(DEFAULT_LANGUAGE, text)):
                raise _Invalid(path, problem)
            return text
        declared = ", ".join(self.languages)
        if not isinstance(value, dict):
            raise _Invalid(path, f"must map each declared language ({declared}) to its text")
        for code in value:
            if code not in self.languages:
                raise _Invalid(_at(path, code), f"{code!r} is not a declared language ({declared})")
        texts = {}
        for code in self.languages:
            if code not in value:
                raise _Invalid(path, f"no {code!r} (declared languages: {declared})")
            texts[code] = _text(value[code], _at(path, code))
            if check is not None and (problem := check(code, texts[code])):
                raise _Invalid(_at(path, code), problem)
        return texts[self.language]


def _instruments(document: object) -> Instrument:
    """The instrument in its default language, holding its other languages."""
    data = _mapping(document, "", _INSTRUMENT_KEYS, optional=_OPTIONAL_INSTRUMENT_KEYS)
    declared = _languages(data["languages"]) if "languages" in data else None
    languages = declared or (DEFAULT_LANGUAGE,)
    # One read per language: the first validates the whole document, the others cannot fail.
    by_language = {code: _instrument(data, _Texts(declared, code), languages) for code in languages}
    for instrument in by_language.values():
        object.__setattr__(instrument, "_by_language", by_language)
    return by_language[languages[0]]


def _languages(value: object) -> tuple[str, ...]:
    codes = _list(value, "languages", 1, "language")
    for i, code in enumerate(codes):
        path = f"languages[{i}]"
        if not isinstance(code, str) or code not in LANGUAGE_CODES:
            raise _Invalid(
                path, f"{code!r} is not a language code (a two-letter ISO 639-1 code, e.g. en)"
            )
        if code in codes[:i]:
            raise _Invalid(path, f"{code!r} is declared twice")
    return tuple(codes)


def _instrument(data: dict[Any, Any], texts: _Texts, languages: tuple[str, ...]) -> Instrument:
    instrument_id = _id(data["id"], "id", _FILE_NAME)
    if not isinstance(data["version"], str):
        raise _Invalid("version", 'must be a string (quote it in YAML, e.g. version: "1")')
    version = _id(data["version"], "version", _FILE_NAME)
    name = texts.read(data["name"], "name")
    scale = _mapping(data["scale"], "scale", SCALE_SCORES)
    scale_labels = tuple(texts.read(scale[score], _at("scale", score)) for score in SCALE_SCORES)
    na_label = texts.read(data["na_label"], "na_label")

    skill_ids, item_ids, exercise_ids = _Ids("skill"), _Ids("item"), _Ids("exercise")
    skills = tuple(
        _skill(skill, f"skills[{i}]", texts, skill_ids, item_ids, exercise_ids)
        for i, skill in enumerate(_list(data["skills"], "skills", 1, "skill"))
    )
    question_ids = _Ids("question")
    questions = tuple(
        _question(question, f"questions[{i}]", texts, question_ids, skill_ids)
        for i, question in enumerate(_list(data["questions"], "questions", 0, "questions"))
    )
    return Instrument(
        id=instrument_id,
        version=version,
        name=name,
        skills=skills,
        questions=questions,
        scale_labels=scale_labels,
        na_label=na_label,
        language=texts.language,
        languages=languages,
        **_reliable_change(data.get("reliable_change", {})),
    )


def _reliable_change(value: object) -> dict[str, float]:
    """The optional `reliable_change` settings: score_sd > 0 and 0 <= reliability < 1."""
    path = "reliable_change"
    data = _mapping(value, path, (), optional=("score_sd", "reliability"))
    score_sd = _real(data.get("score_sd", DEFAULT_SCORE_SD), _at(path, "score_sd"))
    if not score_sd > 0:
        raise _Invalid(_at(path, "score_sd"), f"must be greater than 0, got {score_sd!r}")
    reliability = _real(data.get("reliability", DEFAULT_RELIABILITY), _at(path, "reliability"))
    if not 0 <= reliability < 1:
        raise _Invalid(
            _at(path, "reliability"), f"must be at least 0 and below 1, got {reliability!r}"
        )
    return {"score_sd": score_sd, "reliability": reliability}


def _real(value: object, path: str) -> float:
    # bool is an int in Python, but "true" is no number here; inf and nan are no setting either.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid(path, f"must be a number, got {value!r}")
    return float(value)


def _skill(
    value: object, path: str, texts: _Texts, skill_ids: _Ids, item_ids: _Ids, exercise_ids: _Ids
) -> Skill:
    keys = ("id", "name", "description", "why_it_matters", "items", "strategies", "exercises")
    data = _mapping(value, path, keys)
    skill_id = _id(data["id"], _at(path, "id"), _KEY, skill_ids)
    name = texts.read(data["name"], _at(path, "name"))
    description = texts.read(data["description"], _at(path, "description"))
    why_it_matters = texts.read(data["why_it_matters"], _at(path, "why_it_matters"))
    items_path = _at(path, "items")
    items = tuple(
        _item(item, f"{items_path}[{i}]", texts, item_ids)
        for i, item in enumerate(_list(data["items"], items_path, 1, "item"))
    )
    strategies_path = _at(path, "strategies")
    strategies = tuple(
        texts.read(strategy, f"{strategies_path}[{i}]")
        for i, strategy in enumerate(
            _list(data["strategies"], strategies_path, MIN_STRATEGIES, "strategies")
        )
    )
    exercises_path = _at(path, "exercises")
    exercises = tuple(
        _exercise(exercise, f"{exercises_path}[{i}]", texts, exercise_ids)
        for i, exercise in enumerate(
            _list(data["exercises"], exercises_path, MIN_EXERCISES, "exercises")
        )
    )
    # The development plan offers each skill one exercise of every kind.
    for kind in EXERCISE_KINDS:
        if all(exercise.kind != kind for exercise in exercises):
            raise _Invalid(exercises_path, f"needs at least one {kind!r} exercise")
    return Skill(
        id=skill_id,
        name=name,
        description=description,
        why_it_matters=why_it_matters,
        items=items,
        strategies=strategies,
        exercises=exercises,
    )


def _first_person(language: str, text: str) -> str | None:
    # Only English has one fixed opening; other languages word the first person their own way.
    if language == "en" and not text.startswith("I "):
        return 'self wording must start with "I "'
    return None


def _names_the_subject(language: str, text: str) -> str | None:
    return None if "{name}" in text else "observer wording must contain {name}"


def _item(value: object, path: str, texts: _Texts, item_ids: _Ids) -> Item:
    data = _mapping(value, path, ("id", "self", "observer"))
    item_id = _id(data["id"], _at(path, "id"), _KEY, item_ids)
    self_text = texts.read(data["self"], _at(path, "self"), _first_person)
    observer_text = texts.read(data["observer"], _at(path, "observer"), _names_the_subject)
    return Item(id=item_id, self_text=self_text, observer_text=observer_text)


def _question(
    value: object, path: str, texts: _Texts, question_ids: _Ids, skill_ids: _Ids
) -> Question:
    data = _mapping(value, path, ("id", "self", "observer"))
    question_id = _id(data["id"], _at(path, "id"), _KEY, question_ids)
    # Comments are keyed by skill id and question id alike, so the two must differ.
    if question_id in skill_ids.first_seen_at:
        where = skill_ids.first_seen_at[question_id]
        raise _Invalid(_at(path, "id"), f"{question_id!r} is already a skill id (at {where})")
    return Question(
        id=question_id,
        self_text=texts.read(data["self"], _at(path, "self")),
        observer_text=texts.read(data["observer"], _at(path, "observer"), _names_the_subject),
    )


def _exercise(value: object, path: str, texts: _Texts, exercise_ids: _Ids) -> Exercise:
    data = _mapping(value, path, ("id", "title", "description", "time_frame", "kind"))
    exercise_id = _id(data["id"], _at(path, "id"), _KEY, exercise_ids)
    title = texts.read(data["title"], _at(path, "title"))
    description = texts.read(data["description"], _at(path, "description"))
    time_frame = texts.read(data["time_frame"], _at(path, "time_frame"))
    # The kind is a key the plan page uses, not a text: one value in every language.
    kind = _text(data["kind"], _at(path, "kind"))
    if kind not in EXERCISE_KINDS:
        raise _Invalid(_at(path, "kind"), f"{kind!r} must be one of: {', '.join(EXERCISE_KINDS)}")
    return Exercise(
        id=exercise_id, title=title, description=description, time_frame=time_frame, kind=kind
    )
