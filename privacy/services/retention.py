"""Retention: what has been kept longer than its time is anonymised or deleted.

Three periods, in days, from the settings (0 turns one off; docs/privacy.md):

- ``KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS``: an inactive contact not changed for that long
  is erased as an erasure would (its rows, history and mentions), unless it is also a user;
- ``KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS``: a finished activity's notes, done that long ago,
  are emptied in the row and its history (the activity, its date and type stay);
- ``KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS``: import files and export files are deleted and
  the import reports' rows and errors emptied (the counts stay in the import history).

``retention_report`` is the dry run (counts, writes nothing); ``retention_apply`` does it, the
same selection, in one transaction per kind. The management command ``retention`` and the job
``retention_job`` both call them.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from activities.models import Activity
from core.history import change_source
from customers.background.models import TrackedJob
from customers.models import Contact, ImportRun, ImportUpload, ReportJob

from .. import terms as t
from ..models import PrivacyLogEntry
from ..selectors import PersonFound, find_mentions, find_users, person_terms, report_data
from .erase import SOURCE_ERASURE, anonymise_contacts, scrub_mentions, set_report
from .log import log_use

# Contacts erased together share one scan of the text tables.
CONTACT_BATCH = 100


@dataclass(frozen=True)
class Cutoffs:
    contacts: datetime.datetime | None
    activities: datetime.datetime | None
    uploads: datetime.datetime | None


def _before(now, days):
    return now - datetime.timedelta(days=days) if days and days > 0 else None


def cutoffs(now=None):
    now = now or timezone.now()
    return Cutoffs(
        contacts=_before(now, settings.KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS),
        activities=_before(now, settings.KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS),
        uploads=_before(now, settings.KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS),
    )


def expired_contacts(cut):
    """Inactive contacts unchanged since ``cut``, not erased already, not also a user."""
    if cut is None:
        return Contact.objects.none()
    users = get_user_model().objects.exclude(email="").filter(email__iexact=OuterRef("email"))
    return (
        Contact.objects.filter(is_active=False, updated_at__lt=cut)
        .exclude(first_name=t.ERASED)
        .exclude(Exists(users))
        .order_by("pk")
    )


def expired_activities(cut):
    if cut is None:
        return Activity.objects.none()
    done_before = Q(done_at__lt=cut) | Q(done_at__isnull=True, starts_at__lt=cut)
    return Activity.objects.filter(done_before, is_done=True).exclude(notes="").order_by("pk")


def expired_activity_history(cut):
    """History rows still holding the notes of a finished activity past its time."""
    if cut is None:
        return Activity.history.model.objects.none()
    done_before = Q(done_at__lt=cut) | Q(done_at__isnull=True, starts_at__lt=cut)
    expired_ids = Activity.objects.filter(done_before, is_done=True).values("pk")
    return Activity.history.model.objects.filter(id__in=expired_ids).exclude(notes="")


def expired_uploads(cut):
    if cut is None:
        return ImportUpload.objects.none()
    return ImportUpload.objects.filter(created_at__lt=cut).exclude(
        runs__status__in=TrackedJob.ACTIVE
    )


def expired_reports(cut):
    if cut is None:
        return ImportRun.objects.none()
    return (
        ImportRun.objects.filter(created_at__lt=cut)
        .exclude(status__in=TrackedJob.ACTIVE)
        .exclude(report=b"")
    )


def expired_exports(cut):
    if cut is None:
        return ReportJob.objects.none()
    return ReportJob.objects.filter(created_at__lt=cut, content__isnull=False)


def _report_has_rows(run):
    data = report_data(run) or {}
    return bool(data.get("rows") or data.get("errors"))


def retention_report(*, now=None):
    """The dry run: the cut-off dates and how many rows each kind would change."""
    cut = cutoffs(now)
    return {
        "cutoffs": {
            "contacts": cut.contacts,
            "activities": cut.activities,
            "uploads": cut.uploads,
        },
        "days": {
            "contacts": settings.KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS,
            "activities": settings.KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS,
            "uploads": settings.KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS,
        },
        "counts": {
            "contacts": expired_contacts(cut.contacts).count(),
            "activities": expired_activities(cut.activities).count(),
            "activity_history": expired_activity_history(cut.activities).count(),
            "uploads": expired_uploads(cut.uploads).count(),
            "import_reports": sum(
                1 for run in expired_reports(cut.uploads) if _report_has_rows(run)
            ),
            "export_files": expired_exports(cut.uploads).count(),
        },
    }


def _erase_contact_batch(contacts, *, user):
    """Erase a batch of expired contacts as one person would be: rows, history, mentions.

    A contact whose name is also a user's is left alone (the same refusal as an erasure)."""
    history = list(Contact.history.model.objects.filter(id__in=[c.pk for c in contacts]))
    user_names = {
        f"{u.first_name} {u.last_name}".strip().lower()
        for u in find_users(person_terms("", "name", contacts, history))
    }
    keep = [c for c in contacts if c.full_name.lower() not in user_names]
    ids = [c.pk for c in keep]
    rows = [h for h in history if h.id in ids]
    found = PersonFound(query="", kind="name", contacts=keep, contact_history=rows)
    found.terms = person_terms("", "name", keep, rows)
    found.mentions = find_mentions(found.terms, ids)
    erased, history_rows = anonymise_contacts(ids, user=user)
    mentions, history_mentions = scrub_mentions(found.mentions, found.terms)
    return erased, history_rows, mentions + history_mentions


def retention_apply(*, now=None, user=None, progress=None):
    """Anonymise or delete what has passed its time; the counts of what was changed."""
    cut = cutoffs(now)
    counts = dict.fromkeys(
        ("contacts", "contact_history", "mentions", "activities", "activity_history"), 0
    )
    counts.update(uploads=0, import_reports=0, export_files=0)
    progress = progress or (lambda phase, done, total: None)

    contact_ids = list(expired_contacts(cut.contacts).values_list("pk", flat=True))
    progress("contacts", 0, len(contact_ids))
    for start in range(0, len(contact_ids), CONTACT_BATCH):
        batch_ids = contact_ids[start : start + CONTACT_BATCH]
        with transaction.atomic(), change_source(SOURCE_ERASURE, "retention"):
            batch = list(Contact.objects.filter(pk__in=batch_ids).order_by("pk"))
            erased, history_rows, mentions = _erase_contact_batch(batch, user=user)
        counts["contacts"] += erased
        counts["contact_history"] += history_rows
        counts["mentions"] += mentions
        progress("contacts", start + len(batch_ids), len(contact_ids))

    progress("activities", 0, 1)
    with transaction.atomic():
        counts["activity_history"] = expired_activity_history(cut.activities).update(notes="")
        activities = expired_activities(cut.activities)
        # One version newer: a form opened before cannot write the notes back.
        counts["activities"] = activities.update(notes="", version=F("version") + 1)
    progress("activities", 1, 1)

    progress("files", 0, 1)
    with transaction.atomic():
        for run in expired_reports(cut.uploads):
            data = report_data(run) or {}
            if data.get("rows") or data.get("errors"):
                data["rows"], data["errors"] = [], []
                data.setdefault("meta", {})["report_expired"] = True
                set_report(run, data)
                counts["import_reports"] += 1
        counts["uploads"] = expired_uploads(cut.uploads).count()
        ImportUpload.objects.filter(
            pk__in=list(expired_uploads(cut.uploads).values_list("pk", flat=True))
        ).delete()
        counts["export_files"] = expired_exports(cut.uploads).update(content=None)
    progress("files", 1, 1)

    log_use(action=PrivacyLogEntry.RETENTION_RUN, user=user, counts=counts)
    return counts
