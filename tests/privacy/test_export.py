"""The access export: one ZIP with person.json and a readable person.html, sv or en."""

import io
import json
import zipfile

import pytest

from privacy.models import PrivacyLogEntry
from privacy.services.export import export_person

from .conftest import EMAIL, NAME, OLD_EMAIL, PHONE_TYPED

pytestmark = pytest.mark.django_db


def unzip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["person.html", "person.json"]
        return json.loads(archive.read("person.json")), archive.read("person.html").decode()


def test_the_export_holds_everything_found(world):
    data, page = unzip(export_person(query=EMAIL, user=world.admin, language="en"))
    assert [c["id"] for c in data["contacts"]] == [world.greta.pk]
    fields = {f["field"]: f["value"] for f in data["contacts"][0]["fields"]}
    assert fields["email"] == EMAIL and fields["last_name"] == "Thunström"
    # The change history: her older address is in the first version.
    emails = [
        {f["field"]: f["value"] for f in row["fields"]}["email"] for row in data["contact_history"]
    ]
    assert emails == [OLD_EMAIL, EMAIL]
    assert [a["id"] for a in data["activity_participations"]] == [world.activity.pk]
    kinds = {m["kind"] for m in data["mentions"]}
    assert {"project note", "activity", "project"} <= kinds
    assert any(PHONE_TYPED in t["value"] for m in data["mentions"] for t in m["texts"])
    assert data["import_files"][0]["file_name"] == "kunder.csv"
    assert data["import_reports"][0]["rows"]
    assert data["export_files"][0]["id"] == world.export_job.pk
    assert NAME in page and EMAIL in page and OLD_EMAIL in page


@pytest.mark.parametrize(
    "language, heading, label",
    [
        ("sv", "Personuppgifter i Kundkort", "E-post"),
        ("en", "Personal data kept in Kundkort", "Email"),
    ],
)
def test_the_page_is_in_the_chosen_language(world, language, heading, label):
    data, page = unzip(export_person(query=EMAIL, user=world.admin, language=language))
    assert heading in page
    assert label in page
    assert data["language"] == language


def test_an_export_is_logged_with_counts_only(world):
    export_person(query=EMAIL, user=world.admin, language="sv", reference="Ärende 9")
    entry = PrivacyLogEntry.objects.get(action=PrivacyLogEntry.EXPORT)
    assert entry.reference == "Ärende 9" and entry.counts["contacts"] == 1
    assert EMAIL not in json.dumps(entry.counts)
