"""Erasure (GDPR article 17): anonymise a person everywhere Kundkort keeps them, at once.

``erase_person`` finds the person again inside one transaction (what the administrator saw
may have changed since), refuses while they are also a user, and then:

- anonymises their contact rows (``ERASED`` and the row's number as the name, every other
  personal field emptied, inactive) and every history row of them, so the card, its counts
  and the History tab stay whole: the customer still had a contact, nobody can tell who;
- replaces every mention of their e-mail address, names and phone numbers in free text
  (project notes and descriptions, activities, other contacts' notes, customer descriptions,
  the admin log) and in the history copies of that text with ``ERASED``;
- deletes the stored import and export files that contain them, noting it on the import
  history, and replaces their values in the import reports;
- records the erasure (who, when, which request, how many rows), never what was erased.

Activity participations keep pointing at the anonymised contact: the activity keeps its
date, type and number of participants.
"""

import json
import zlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import change_source
from customers.models import Contact, ImportRun, ImportUpload, ReportJob

from .. import terms as t
from ..models import PrivacyLogEntry
from ..selectors import find_person, report_data
from .log import log_use

SOURCE_ERASURE = "erasure"

CONTACT_ERASED_FIELDS = {
    "title": "",
    "role": None,
    "email": "",
    "phone": "",
    "mobile": "",
    "notes": "",
    "email_allowed": False,
    "is_active": False,
}


class ErasureRefused(ValidationError):
    """The person cannot be erased here (they are a user); the message says why."""


def erased_name(contact_id):
    """The anonymised contact's (first name, last name): the marker and the row's number, so
    two erased contacts on one card can be told apart without saying who they were."""
    return t.ERASED, f"#{contact_id}"


def anonymise_contacts(contact_ids, *, user):
    """Anonymise the contacts and all their history rows; (contacts, history rows) changed."""
    contacts = list(Contact.objects.select_for_update().filter(pk__in=contact_ids).order_by("pk"))
    for contact in contacts:
        contact.first_name, contact.last_name = erased_name(contact.pk)
        for name, value in CONTACT_ERASED_FIELDS.items():
            setattr(contact, name, value)
        contact.version += 1
        contact.updated_by = user if getattr(user, "pk", None) else None
        # save() writes one more history row, the erasure itself, on the History tab.
        contact.save()
    history = Contact.history.model.objects.filter(id__in=contact_ids)
    history_rows = 0
    for contact in contacts:
        first, last = erased_name(contact.pk)
        history_rows += history.filter(id=contact.pk).update(
            first_name=first, last_name=last, **CONTACT_ERASED_FIELDS
        )
    return len(contacts), history_rows


def scrub_mentions(mentions, terms):
    """Replace the person in each mentioning row's fields; (live rows, history rows) changed.

    Live rows are changed without a new history row (their history copies are scrubbed the
    same way) and one version newer, so a form opened before cannot write the text back.
    """
    live = history = 0
    for mention in mentions:
        model = type(mention.obj)
        # Read again under a lock: a change saved since the find is kept, only the person goes.
        row = model.objects.filter(pk=mention.obj.pk)
        values = row.select_for_update().values(*mention.fields).first()
        if values is None:
            continue
        changes = {name: t.replace(value, terms) for name, value in values.items()}
        if not mention.is_history and any(f.name == "version" for f in model._meta.fields):
            changes["version"] = F("version") + 1
        row.update(**changes)
        if mention.is_history:
            history += 1
        else:
            live += 1
    return live, history


def set_report(run, data):
    ImportRun.objects.filter(pk=run.pk).update(
        report=zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)
    )


def remove_files(*, uploads, runs, exports, terms):
    """Delete the import and export files holding the person and scrub the import reports;
    returns (uploads deleted, reports changed, exports deleted)."""
    erased_at = timezone.now().isoformat()
    noted = set()
    for upload in uploads:
        for run in ImportRun.objects.filter(upload=upload):
            data = report_data(run) or {"rows": [], "errors": [], "values_created": [], "meta": {}}
            data.setdefault("meta", {})["file_erased_at"] = erased_at
            set_report(run, t.replace_in_json(data, terms))
            noted.add(run.pk)
    ImportUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()
    changed = len(noted)
    for run in runs:
        if run.pk in noted:
            continue
        set_report(run, t.replace_in_json(report_data(run), terms))
        changed += 1
    ReportJob.objects.filter(pk__in=[job.pk for job in exports]).update(content=None)
    return len(uploads), changed, len(exports)


def refusal_reason(found):
    """Why ``found`` may not be erased, or None."""
    if found.kind == "name" and len(t.name_tokens(found.query)) < 2:
        # One word names every Greta on every customer: too wide to erase at one click.
        return _(
            "One word may name several people. Search by e-mail address, phone number or "
            "full name to erase a person."
        )
    if not found.users:
        return None
    return _(
        "This person is also a user of Kundkort (%(users)s). Their account, and the history "
        "rows that name them as the user who made a change, are not erased here: an "
        "administrator must delete or rename the user account in the admin first."
    ) % {"users": ", ".join(user.get_username() for user in found.users)}


def erase_found(found, *, user):
    """Erase what ``found`` lists (inside the caller's transaction); the counts per kind."""
    contact_ids = [c.pk for c in found.contacts]
    contacts, contact_history = anonymise_contacts(contact_ids, user=user)
    mentions, history_mentions = scrub_mentions(found.mentions, found.terms)
    uploads, import_runs, exports = remove_files(
        uploads=found.uploads, runs=found.import_runs, exports=found.export_files, terms=found.terms
    )
    return {
        "contacts": contacts,
        "contact_history": contact_history,
        "participations": len(found.participations),
        "mentions": mentions,
        "history_mentions": history_mentions,
        "uploads": uploads,
        "import_runs": import_runs,
        "export_files": exports,
    }


def erase_person(*, query, user, reference):
    """Erase the person ``query`` names; raises ``ErasureRefused`` (logged) when they are a
    user, ``ValidationError`` when nothing is found. Returns the counts."""
    with transaction.atomic():
        found = find_person(query)
        reason = refusal_reason(found)
        if reason is None:
            if found.is_empty:
                raise ValidationError(_("Nothing was found to erase."), code="nothing")
            with change_source(SOURCE_ERASURE, reference[:60]):
                counts = erase_found(found, user=user)
            log_use(action=PrivacyLogEntry.ERASE, user=user, reference=reference, counts=counts)
            return counts
    # The refusal is a use of the tool too: recorded, with nothing erased.
    log_use(
        action=PrivacyLogEntry.ERASE_REFUSED,
        user=user,
        reference=reference,
        counts={"users": len(found.users)},
    )
    raise ErasureRefused(reason, code="refused")
