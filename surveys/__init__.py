"""What is asked: versioned survey instruments and the pure rules of a questionnaire."""

from surveys.instrument import (
    DEFAULT_INSTRUMENT,
    DEFAULT_LANGUAGE,
    EXERCISE_KINDS,
    LANGUAGE_CODES,
    Exercise,
    Instrument,
    InstrumentError,
    Item,
    Question,
    Skill,
    UnknownInstrument,
    available_instruments,
    load_instrument,
    load_instrument_file,
)

__all__ = [
    "DEFAULT_INSTRUMENT",
    "DEFAULT_LANGUAGE",
    "EXERCISE_KINDS",
    "LANGUAGE_CODES",
    "Exercise",
    "Instrument",
    "InstrumentError",
    "Item",
    "Question",
    "Skill",
    "UnknownInstrument",
    "available_instruments",
    "load_instrument",
    "load_instrument_file",
]
