"""The instrument's reliable change settings: defaults, and every bad value named with its file
and key."""

from __future__ import annotations

import pytest
import yaml

from surveys.instrument import InstrumentError, load_instrument, load_instrument_file
from tests.surveys.test_instrument import REAL_FILE, write


@pytest.fixture
def document():
    return yaml.safe_load(REAL_FILE.read_text(encoding="utf-8"))


def test_the_real_instrument_states_the_defaults():
    instrument = load_instrument("soft-skills", "1")
    assert (instrument.score_sd, instrument.reliability) == (0.5, 0.80)


def test_without_the_settings_the_defaults_apply(tmp_path, document):
    del document["reliable_change"]
    instrument = load_instrument_file(write(tmp_path, document))
    assert (instrument.score_sd, instrument.reliability) == (0.5, 0.80)


def test_one_setting_alone_keeps_the_other_default(tmp_path, document):
    document["reliable_change"] = {"reliability": 0}
    instrument = load_instrument_file(write(tmp_path, document))
    assert (instrument.score_sd, instrument.reliability) == (0.5, 0.0)


@pytest.mark.parametrize(
    ("settings", "key", "reason"),
    [
        ({"score_sd": 0}, "reliable_change.score_sd", "must be greater than 0, got 0.0"),
        ({"score_sd": -0.5}, "reliable_change.score_sd", "must be greater than 0, got -0.5"),
        ({"score_sd": "wide"}, "reliable_change.score_sd", "must be a number, got 'wide'"),
        ({"score_sd": True}, "reliable_change.score_sd", "must be a number, got True"),
        ({"reliability": 1}, "reliable_change.reliability", "must be at least 0 and below 1"),
        ({"reliability": -0.1}, "reliable_change.reliability", "must be at least 0 and below 1"),
        ({"reliability": float("nan")}, "reliable_change.reliability", "must be a number"),
        ({"sd": 0.5}, "reliable_change.sd", "unknown key 'sd'"),
    ],
)
def test_a_bad_setting_is_named_with_its_file_and_key(tmp_path, document, settings, key, reason):
    document["reliable_change"] = settings
    file = write(tmp_path, document)
    with pytest.raises(InstrumentError) as raised:
        load_instrument_file(file)
    assert raised.value.file == str(file)
    assert raised.value.path == key
    assert reason in raised.value.reason
    assert str(file) in str(raised.value)


def test_the_settings_must_be_a_mapping(tmp_path, document):
    document["reliable_change"] = [0.5, 0.8]
    with pytest.raises(InstrumentError, match="reliable_change: must be a mapping"):
        load_instrument_file(write(tmp_path, document))
