"""Right of access (GDPR article 15): everything found about a person, in one ZIP file.

``person.json`` is for machines (stable English keys, ISO dates); ``person.html`` is the same
content as a page people read and print, in the language the administrator chose. Both come
from one dictionary (``export_data``), so they cannot say different things.
"""

import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import PrivacyLogEntry
from ..selectors import find_person, report_data
from ..terms import mentions
from .log import log_use

LANGUAGES = ("sv", "en")

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "email",
    "phone",
    "mobile",
    "language",
    "is_active",
    "email_allowed",
    "notes",
    "created_at",
    "updated_at",
)
USER_FIELDS = ("username", "first_name", "last_name", "email", "date_joined", "last_login")


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _fields(obj, names):
    """[{"field", "label", "value"}]: the key for machines, the label for people."""
    model = type(obj)
    return [
        {"field": name, "label": _label(model, name), "value": _value(getattr(obj, name))}
        for name in names
    ]


def export_data(found):
    """The export as one JSON-ready dictionary; labels in the active language."""
    contacts = []
    for contact in found.contacts:
        contacts.append(
            {
                "id": contact.pk,
                "customer": {"number": contact.customer.number, "name": contact.customer.name},
                "address": str(contact.address) if contact.address_id else None,
                "role": contact.role.name if contact.role_id else None,
                "fields": _fields(contact, CONTACT_FIELDS),
            }
        )
    history = [
        {
            "contact_id": row.id,
            "date": _value(row.history_date),
            "type": row.get_history_type_display(),
            "by": row.history_user.get_username() if row.history_user_id else None,
            "source": row.history_change_reason or "",
            "fields": _fields(row, CONTACT_FIELDS[:-2]),
        }
        for row in found.contact_history
    ]
    participations = [
        {
            "id": activity.pk,
            "subject": activity.subject,
            "type": activity.type.name,
            "starts_at": _value(activity.starts_at),
            "customer": activity.customer.name if activity.customer_id else None,
        }
        for activity in found.participations
    ]
    projects = [
        {"id": project.pk, "name": project.name, "customer": project.customer.name}
        for project in found.projects
    ]
    mentions = [
        {
            "kind": str(mention.model_name),
            "id": mention.obj.pk,
            "history": mention.is_history,
            "date": _value(getattr(mention.obj, "history_date", None)),
            "texts": [
                {"field": name, "label": _label(type(mention.obj), name), "value": text}
                for name, text in mention.texts.items()
            ],
        }
        for mention in found.mentions
    ]
    uploads = [
        {"file_name": u.file_name, "uploaded_at": _value(u.created_at), "size": u.size}
        for u in found.uploads
    ]
    runs = []
    for run in found.import_runs:
        data = report_data(run) or {}
        runs.append(
            {
                "id": run.pk,
                "file_name": run.file_name,
                "created_at": _value(run.created_at),
                "rows": [row for row in data.get("rows", []) if _mentioned(row, found)],
                "errors": [error for error in data.get("errors", []) if _mentioned(error, found)],
            }
        )
    exports = [
        {"id": job.pk, "file_name": job.file_name, "created_at": _value(job.created_at)}
        for job in found.export_files
    ]
    users = [{"id": user.pk, "fields": _fields(user, USER_FIELDS)} for user in found.users]
    return {
        "generated_at": _value(timezone.now()),
        "language": translation.get_language(),
        "searched_for": found.query,
        "identifiers": [{"kind": term.kind, "value": term.value} for term in found.terms],
        "contacts": contacts,
        "contact_history": history,
        "activity_participations": participations,
        "projects_as_contact": projects,
        "mentions": mentions,
        "import_files": uploads,
        "import_reports": runs,
        "export_files": exports,
        "users": users,
    }


def _mentioned(value, found):
    return mentions(json.dumps(value, ensure_ascii=False), found.terms)


def export_person(*, query, user, language, reference=""):
    """The ZIP (bytes) with person.json and person.html for ``query``; the use is logged."""
    language = language if language in LANGUAGES else LANGUAGES[0]
    found = find_person(query)
    with translation.override(language):
        data = export_data(found)
        page = render_to_string("privacy/export_person.html", {"data": data, "found": found})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("person.html", page)
    log_use(action=PrivacyLogEntry.EXPORT, user=user, reference=reference, counts=found.counts)
    return buffer.getvalue()
