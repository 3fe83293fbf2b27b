import re

import pytest

from f1_lakehouse.lib.session_keys import InvalidSessionKey, SeasonKey, SessionKey, session_code


def test_round_trip_and_hive_path():
    key = SessionKey.parse("2024-18-R")
    assert (key.season, key.round, key.code) == (2024, 18, "R")
    assert str(key) == "2024-18-R"
    assert key.hive_path == "season=2024/round=18/session=R"
    assert str(SessionKey(2023, 4, "SQ")) == "2023-04-SQ"


@pytest.mark.parametrize(
    "bad",
    [
        "2024-8-R",
        "2024-18-r",
        "2024-18-X",
        "2024-00-R",
        "1949-01-R",
        "2024-18-R/../../x",
        "2024-18-R|2023",
        "2024-18-R ",
        "",
        "2024/18/R",
        "2024-18-FP4",
        "2024-18-R...2024-19-R",
    ],
)
def test_malformed_keys_are_rejected_with_the_expected_form(bad):
    with pytest.raises(InvalidSessionKey) as excinfo:
        SessionKey.parse(bad)
    assert "expected {season}-{round:02d}-{code}, e.g. 2024-18-R" in str(excinfo.value)


@pytest.mark.parametrize(
    "key",
    [
        "\u0662\u0660\u0661\u0668-\u0660\u0664-R",  # Arabic-Indic digits: 2018-04-R
        "\u0968\u0966\u0968\u096a-18-R",  # Devanagari season
        "2024-\uff11\uff18-R",  # fullwidth round
    ],
)
def test_keys_take_ascii_digits_only(key):
    """int() reads other scripts' digits, so such a key would land under an ASCII key's folders."""
    assert re.fullmatch(r"\d{4}-\d{2}-R", key)  # what the old pattern let through
    with pytest.raises(InvalidSessionKey, match="malformed session partition key"):
        SessionKey.parse(key)


def test_error_names_the_expected_form():
    with pytest.raises(InvalidSessionKey, match=r"\{season\}-\{round:02d\}-\{code\}"):
        SessionKey.parse("18-R")


@pytest.mark.parametrize(
    ("season", "name", "code"),
    [
        (2018, "Practice 1", "FP1"),
        (2018, "Practice 2", "FP2"),
        (2018, "Practice 3", "FP3"),
        (2018, "Qualifying", "Q"),
        (2018, "Race", "R"),
        (2021, "Sprint Qualifying", "S"),  # 2021's "Sprint Qualifying" was the sprint race
        (2021, "Sprint", "S"),
        (2022, "Sprint", "S"),
        (2023, "Sprint Shootout", "SQ"),
        (2023, "Sprint", "S"),
        (2024, "Sprint Qualifying", "SQ"),
        (2025, "sprint  qualifying", "SQ"),
        (2024, "Day 1", None),
        (2024, None, None),
    ],
)
def test_session_names_normalise_by_season(season, name, code):
    assert session_code(season, name) == code


def test_season_key():
    assert SeasonKey(2023).hive_path == "season=2023"
    with pytest.raises(InvalidSessionKey):
        SeasonKey(1800)
