"""Finding a person by e-mail address, phone number or name lists every place they appear."""

import pytest

from privacy.selectors import find_person, query_kind
from privacy.terms import email_term, mentions, name_term, phone_term, replace
from tests.factories import ContactFactory, UserFactory

from .conftest import EMAIL, MOBILE_TYPED, NAME, OLD_EMAIL, PHONE_TYPED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, kind",
    [(EMAIL, "email"), (PHONE_TYPED, "phone"), ("+46 70 123 45 67", "phone"), (NAME, "name")],
)
def test_the_query_says_what_it_is(text, kind):
    assert query_kind(text) == kind


@pytest.mark.parametrize(
    "query", [EMAIL, OLD_EMAIL, NAME, "greta THUNSTRÖM", PHONE_TYPED, MOBILE_TYPED]
)
def test_every_way_of_naming_her_finds_everything(world, query):
    found = find_person(query)
    assert [c.pk for c in found.contacts] == [world.greta.pk]
    assert len(found.contact_history) == 2
    assert [a.pk for a in found.participations] == [world.activity.pk]
    assert [p.pk for p in found.projects] == [world.project.pk]
    where = {(type(m.obj).__name__, m.is_history) for m in found.mentions}
    assert {
        ("Project", False),
        ("HistoricalProject", True),
        ("ProjectNote", False),
        ("Activity", False),
        ("HistoricalActivity", True),
        ("Contact", False),
        ("HistoricalContact", True),
        ("Customer", False),
        ("HistoricalCustomer", True),
        ("LogEntry", False),
    } <= where
    # Her own contact rows are listed as contacts, not again as mentions.
    assert world.greta.pk not in [
        m.obj.pk for m in found.mentions if type(m.obj).__name__ == "Contact"
    ]
    assert [u.pk for u in found.uploads] == [world.upload.pk]
    assert [r.pk for r in found.import_runs] == [world.run.pk]
    assert [j.pk for j in found.export_files] == [world.export_job.pk]
    assert found.users == []


def test_a_stranger_is_not_found(world):
    found = find_person("someone.else@exempel.se")
    assert found.is_empty


def test_a_user_with_her_address_is_listed(world):
    user = UserFactory(username="gt", email=EMAIL.upper())
    assert [u.pk for u in find_person(NAME).users] == [user.pk]


def test_one_word_finds_contacts_by_first_or_last_name_only(world):
    ContactFactory(customer=world.customer, first_name="Thunströmsson", last_name="X")
    found = find_person("thunström")
    assert [c.pk for c in found.contacts] == [world.greta.pk]


def test_a_phone_number_is_recognised_however_it_was_typed():
    term = phone_term("+46701234567")
    for text in ["ring 070-123 45 67", "+46 (0)70 123 45 67", "0046701234567", "0701234567"]:
        assert mentions(text, [term]), text
    assert not mentions("ring 070-123 45 678", [term])
    assert replace("tel 070-123 45 67.", [term]) == "tel [borttagen person]."


def test_an_address_inside_another_is_not_hers():
    term = email_term("anna@x.se")
    assert mentions("skriv till anna@x.se.", [term])
    assert not mentions("skriv till hanna@x.se", [term])
    assert not mentions("anna@x.sek", [term])


def test_a_name_is_matched_as_whole_words():
    term = name_term("Eva Ek")
    assert mentions("Möte med eva  ek i dag", [term])
    assert not mentions("Eva Ekström", [term])
    assert name_term("Eva") is None
