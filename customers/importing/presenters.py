"""What the import pages show of a run: phase names, and the review as the template reads it."""

from types import SimpleNamespace

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .engine import ImportOptions, RowError, RowReport
from .jobs import SHOW_ROWS

PHASE_LABELS = {
    "reading": _("Reading the file"),
    "checking": _("Checking rows"),
    "matching": _("Matching rows with the register"),
    "customers": _("Writing customers"),
    "addresses": _("Writing addresses"),
    "contacts": _("Writing contacts"),
    "groupings": _("Writing groupings"),
    "history": _("Writing history"),
    "undo_checking": _("Checking what changed since the import"),
    "undo_groupings": _("Undoing groupings"),
    "undo_contacts": _("Undoing contacts"),
    "undo_addresses": _("Undoing addresses"),
    "undo_customers": _("Undoing customers"),
}

# Phases that go through the file's rows: the progress box shows rows read and checked.
ROW_PHASES = ("reading", "checking", "matching")


def row_progress(run):
    """Rows read, rows checked and the total of a run reading or checking its file (None in
    the other phases); ``estimated`` while the total is the reader's estimate."""
    if run.phase not in ROW_PHASES or not run.total:
        return None
    if run.phase == "reading":
        return SimpleNamespace(read=run.done, checked=0, total=run.total, estimated=True)
    return SimpleNamespace(read=run.total, checked=run.done, total=run.total, estimated=False)


def review_context(run, *, show_errors):
    """``result`` (the attributes import.html's review reads), ``shown_rows``, ``shown_errors``
    and the limits, rebuilt from the run's stored report."""
    report = run.get_report()
    meta = report["meta"]
    errors = [RowError(*error) for error in report["errors"]]
    rows = [RowReport(*row) for row in report["rows"]]
    result = SimpleNamespace(
        file_name=run.file_name,
        file_error=meta.get("file_error", ""),
        encoding=meta.get("encoding", ""),
        delimiter=meta.get("delimiter", ""),
        file_format=meta.get("file_format", ""),
        row_count=run.row_count,
        options=ImportOptions(
            create_missing=run.create_missing, update_existing=run.update_existing
        ),
        new_customers=run.new_customers,
        updated_customers=run.updated_customers,
        unchanged_customers=run.unchanged_customers,
        addresses_added=run.addresses_added,
        contacts_added=run.contacts_added,
        groupings_added=run.groupings_added,
        values_created=report["values_created"],
        values_created_count=run.values_created,
        skipped_changes=run.skipped_changes,
        errors=errors,
        rows=rows,
        row_total=meta.get("row_total", len(rows)),
        # Set by the personal-data erasure and retention (privacy app), which remove the file
        # or the report's rows: the page says why they are gone.
        file_erased_at=parse_datetime(meta.get("file_erased_at") or ""),
        report_expired=bool(meta.get("report_expired")),
    )
    return {
        "result": result,
        "summary": import_summary(run.file_name, result),
        "shown_rows": rows,
        "shown_errors": errors[:show_errors],
        "show_rows": SHOW_ROWS,
        "show_errors": show_errors,
    }


def import_summary(file_name, result):
    """The message after a confirmed import, each count in its singular or plural form."""
    new = ngettext("%(count)s new customer", "%(count)s new customers", result.new_customers) % {
        "count": result.new_customers
    }
    updated = ngettext("%(count)s updated", "%(count)s updated", result.updated_customers) % {
        "count": result.updated_customers
    }
    addresses = ngettext("%(count)s address", "%(count)s addresses", result.addresses_added) % {
        "count": result.addresses_added
    }
    contacts = ngettext("%(count)s contact", "%(count)s contacts", result.contacts_added) % {
        "count": result.contacts_added
    }
    return gettext(
        "Imported %(file)s: %(new)s, %(updated)s; %(addresses)s and %(contacts)s added."
    ) % {
        "file": file_name,
        "new": new,
        "updated": updated,
        "addresses": addresses,
        "contacts": contacts,
    }
