"""Organisation and VAT numbers per country: valid ones are normalised, invalid ones refused
with a message that names the number and says why."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from customers.validators import normalise_organisation_number, normalise_vat_number


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "country", "stored"),
    [
        ("556036-0793", "SE", "556036-0793"),
        ("5560360793", "SE", "556036-0793"),
        (" 556036 0793 ", "SE", "556036-0793"),
        ("2077474-0", "FI", "2077474-0"),
        ("20774740", "FI", "2077474-0"),
        ("988077917", "NO", "988 077 917"),
        ("988 077 917", "NO", "988 077 917"),
        ("13585628", "DK", "13585628"),
        ("13 58 56 28", "DK", "13585628"),
    ],
)
def test_valid_organisation_number_is_stored_in_standard_form(value, country, stored):
    assert normalise_organisation_number(value, country) == stored


@pytest.mark.parametrize(
    ("value", "country", "why"),
    [
        ("556036-0794", "SE", "check digit"),
        ("556036-079", "SE", "number of digits"),
        ("2077474-1", "FI", "check digit"),
        ("988077918", "NO", "check digit"),
        ("13585627", "DK", "check digit"),
        ("ABC-123", "SE", "not allowed"),
    ],
)
def test_invalid_organisation_number_is_refused_naming_number_and_reason(value, country, why):
    with pytest.raises(ValidationError) as exc_info:
        normalise_organisation_number(value, country)
    message = exc_info.value.messages[0]
    assert value in message
    assert why in message
    assert "Organisation number" in message


def test_organisation_number_message_names_the_country():
    with pytest.raises(ValidationError) as exc_info:
        normalise_organisation_number("556036-0794", "SE")
    assert "Sweden" in exc_info.value.messages[0]


def test_organisation_number_of_other_country_is_kept_as_given():
    assert normalise_organisation_number("  HRB 12345 ", "DE") == "HRB 12345"


def test_empty_numbers_are_allowed():
    assert normalise_organisation_number("", "SE") == ""
    assert normalise_vat_number("  ", "SE") == ""


@pytest.mark.parametrize(
    ("value", "country", "stored"),
    [
        ("SE556036079301", "SE", "SE556036079301"),
        ("se 5560360793 01", "", "SE556036079301"),
        ("556036079301", "SE", "SE556036079301"),
        ("FI20774740", "FI", "FI20774740"),
        ("20774740", "FI", "FI20774740"),
        ("DK13585628", "DK", "DK13585628"),
        ("DK 13 58 56 28", "", "DK13585628"),
        ("988077917", "NO", "NO988077917MVA"),
        ("NO 988 077 917 MVA", "SE", "NO988077917MVA"),
        ("DE136695976", "SE", "DE136695976"),
        ("FR40303265045", "FR", "FR40303265045"),
        ("NL004495445B01", "NL", "NL004495445B01"),
    ],
)
def test_valid_vat_number_is_stored_compact_with_country_prefix(value, country, stored):
    assert normalise_vat_number(value, country) == stored


@pytest.mark.parametrize(
    ("value", "country", "why"),
    [
        ("SE556036079401", "", "check digit"),
        ("SE556036079302", "", "10-digit organisation number and 01"),
        ("5560360793", "SE", "10-digit organisation number and 01"),
        ("FI20774741", "", "check digit"),
        ("DK13585627", "", "check digit"),
        ("988077918", "NO", "check digit"),
        ("DE136695978", "", "check digit"),
        ("XX123456789", "", "not allowed"),
    ],
)
def test_invalid_vat_number_is_refused_naming_number_and_reason(value, country, why):
    with pytest.raises(ValidationError) as exc_info:
        normalise_vat_number(value, country)
    message = exc_info.value.messages[0]
    assert value in message
    assert why in message
    assert "VAT number" in message
