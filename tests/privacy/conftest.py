"""A person spread over everything Kundkort keeps: Greta Thunström, a contact at Kund AB.

She has two versions of her contact row (an older e-mail address), takes part in an
activity, is the contact of a project, and is mentioned by name, e-mail address and phone
number (typed as people type it) in a project's description and note, an activity's notes
(and their history), a colleague's notes, the customer's description, the admin log, an
import file, an import report and an export file.
"""

import json
import zlib
from dataclasses import dataclass

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from customers.models import Contact, ImportRun, ImportUpload, ReportJob
from privacy.apps import ROLE
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
    ProjectNoteFactory,
    UserFactory,
)

EMAIL = "greta.thunstrom@exempel.se"
OLD_EMAIL = "greta@gammal.se"
NAME = "Greta Thunström"
LAST_NAME = "Thunström"
PHONE = "+46701234567"
PHONE_TYPED = "070-123 45 67"
MOBILE = "+46731112233"
MOBILE_TYPED = "073 111 22 33"

# Everything that must be gone after the erasure, as stored and as typed.
IDENTIFIERS = [EMAIL, OLD_EMAIL, NAME, LAST_NAME, PHONE, PHONE_TYPED, MOBILE, MOBILE_TYPED]


@dataclass
class World:
    admin: object
    customer: object
    head_office: object
    greta: object
    colleague: object
    project: object
    note: object
    activity: object
    upload: object
    run: object
    export_job: object
    other_upload: object


def _report(rows, errors=()):
    data = {"rows": rows, "errors": list(errors), "values_created": [], "meta": {}}
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode())


@pytest.fixture
def privacy_admin(db):
    return UserFactory(username="dpo", first_name="Dora", last_name="Dataskydd", roles=[ROLE])


@pytest.fixture
def world(db, privacy_admin):
    admin = privacy_admin
    customer = CustomerFactory(name="Kund AB", description=f"Ansvarig hos kunden: {NAME}.")
    head_office = AddressFactory(customer=customer, is_head_office=True)
    greta = ContactFactory(
        customer=customer,
        address=head_office,
        first_name="Greta",
        last_name=LAST_NAME,
        title="Inköpschef",
        email=OLD_EMAIL,
        phone=PHONE,
        mobile=MOBILE,
        notes="Föredrar möten på förmiddagen.",
        email_allowed=True,
    )
    greta.email = EMAIL
    greta.version += 1
    greta.save()
    colleague = ContactFactory(
        customer=customer,
        address=head_office,
        first_name="Olle",
        last_name="Kollega",
        notes=f"Ersätter {NAME} under semestern.",
    )
    project = ProjectFactory(
        customer=customer,
        contact=greta,
        description=f"Kontakt: {EMAIL}, tel {PHONE_TYPED}.",
    )
    note = ProjectNoteFactory(
        project=project, author=admin, text=f"Ringde {NAME} på {MOBILE_TYPED}; hon återkommer."
    )
    activity = ActivityFactory(customer=customer, subject="Uppföljning", notes="Första utkast")
    activity.notes = f"Möte med {NAME} ({EMAIL}) om avtalet."
    activity.save()
    activity.participant_contacts.add(greta, colleague)
    LogEntry.objects.create(
        user_id=admin.pk,
        content_type=ContentType.objects.get_for_model(Contact),
        object_id=str(greta.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=f"Ändrade e-post till {EMAIL}",
    )
    csv = f"Kundnamn;Förnamn;Efternamn;E-post\nKund AB;Greta;{LAST_NAME};{EMAIL}\n"
    upload = ImportUpload.objects.create(
        name="a" * 32, file_name="kunder.csv", content=csv.encode("utf-8-sig"), size=len(csv)
    )
    run = ImportRun.objects.create(
        file_name="kunder.csv",
        upload=upload,
        created_by=admin,
        status=ImportRun.DONE,
        report=_report([[2, "update", "Kund AB", [["Kontakt", "", f"{NAME} <{EMAIL}>"]]]]),
    )
    other_upload = ImportUpload.objects.create(
        name="b" * 32, file_name="andra.csv", content=b"Kundnamn\nAnnan AB\n", size=18
    )
    export_job = ReportJob.objects.create(
        kind=ReportJob.EXPORT,
        created_by=admin,
        status=ReportJob.DONE,
        file_name="customers.csv",
        content_type="text/csv",
        content=f"Kund AB;{NAME};{EMAIL}\n".encode(),
    )
    return World(
        admin=admin,
        customer=customer,
        head_office=head_office,
        greta=greta,
        colleague=colleague,
        project=project,
        note=note,
        activity=activity,
        upload=upload,
        run=run,
        export_job=export_job,
        other_upload=other_upload,
    )
