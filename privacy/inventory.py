"""What personal data Kundkort keeps, where, why and for how long: the records of processing
(GDPR article 30), declared next to the models and read from their metadata.

``RECORDS`` names, per model, the fields that hold personal data, whose data it is, why it is
kept and for how long. The page (``privacy:records``) and ``docs/records-of-processing.md``
are drawn from it with the models' own table names and field labels, and
``tests/privacy/test_records.py`` fails when a text, e-mail, JSON or binary field of any of
the project's models is in neither ``RECORDS`` nor ``NOT_PERSONAL``: a new field cannot slip
past the record. ``free_text`` lists the fields where people write about others; the find and
the erasure look for a person's name, e-mail address and phone numbers in them.
"""

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# The apps whose models the record covers (Django's own auth and admin log are in RECORDS).
OWN_APPS = ("customers", "projects", "activities", "api", "privacy")

CONTACTS = _("Customers' contact persons")
USERS = _("Users of Kundkort (staff)")
MENTIONED = _("Anyone written about: contact persons, sometimes others")


@dataclass(frozen=True)
class Record:
    model_label: str
    fields: tuple
    subjects: str
    purpose: str
    legal_basis: str
    retention: str
    free_text: tuple = ()

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def history_model(self):
        """The django-simple-history model keeping earlier versions of the rows, or None."""
        history = getattr(self.model, "history", None)
        return getattr(history, "model", None)


RECORDS = [
    Record(
        "customers.Contact",
        (
            "first_name",
            "last_name",
            "title",
            "role",
            "email",
            "phone",
            "mobile",
            "language",
            "email_allowed",
            "notes",
            "is_active",
        ),
        CONTACTS,
        _(
            "Keeping in touch with the customer: who to call, write to and invoice; consent "
            "to marketing email (email allowed)."
        ),
        _("Legitimate interest (art. 6.1 f); consent for marketing email (art. 6.1 a)."),
        _(
            "While the contact is active. An inactive contact is anonymised "
            "KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS days after its last change, or at once "
            "on erasure."
        ),
        free_text=("notes",),
    ),
    Record(
        "activities.Activity",
        ("subject", "location", "notes", "participant_contacts", "participant_users", "owner"),
        MENTIONED,
        _("Planning and recording meetings, calls and tasks with the customer."),
        _("Legitimate interest (art. 6.1 f)."),
        _(
            "The activity stays (date, type, customer). The notes of a finished activity are "
            "emptied KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS days after it was done; a person's "
            "mentions are replaced on erasure."
        ),
        free_text=("subject", "location", "notes"),
    ),
    Record(
        "projects.Project",
        ("name", "description", "contact", "owner"),
        MENTIONED,
        _("Selling to and delivering for the customer."),
        _("Contract (art. 6.1 b) and legitimate interest (art. 6.1 f)."),
        _("As long as the project is kept; a person's mentions are replaced on erasure."),
        free_text=("name", "description"),
    ),
    Record(
        "projects.ProjectNote",
        ("text", "author"),
        MENTIONED,
        _("The collaboration posts on a project."),
        _("Legitimate interest (art. 6.1 f)."),
        _("As long as the project is kept; a person's mentions are replaced on erasure."),
        free_text=("text",),
    ),
    Record(
        "customers.Customer",
        ("name", "email", "description"),
        MENTIONED,
        _(
            "The customer itself: a sole trader's name and address are personal data; the "
            "description may mention people."
        ),
        _("Contract (art. 6.1 b) and legitimate interest (art. 6.1 f)."),
        _(
            "As long as the customer is kept (accounting law keeps invoiced customers for "
            "seven years); a person's mentions in the description are replaced on erasure."
        ),
        free_text=("description",),
    ),
    Record(
        "customers.Address",
        ("line1", "line2", "postal_code", "city", "phone"),
        MENTIONED,
        _("Where the customer is visited, written to and invoiced (a sole trader's home)."),
        _("Contract (art. 6.1 b)."),
        _("As long as the customer is kept."),
    ),
    Record(
        "customers.ImportUpload",
        ("file_name", "content", "validated", "created_by"),
        CONTACTS,
        _("An uploaded import file, kept for its review, confirm and download."),
        _("Legitimate interest (art. 6.1 f)."),
        _(
            "Deleted KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS days after the upload (and by "
            "purge_import_files after KUNDKORT_IMPORT_KEEP_DAYS), or at once when it holds a "
            "person being erased."
        ),
    ),
    Record(
        "customers.ImportRun",
        ("report", "created_by", "undone_by", "undo_blocked"),
        CONTACTS,
        _(
            "The import history: what each import did, row by row, so that it can be reviewed "
            "and undone."
        ),
        _("Legitimate interest (art. 6.1 f)."),
        _(
            "The counts stay; the row report is emptied with the upload "
            "(KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS); a person's values are replaced on erasure."
        ),
    ),
    Record(
        "customers.ReportJob",
        ("content", "params", "created_by"),
        CONTACTS,
        _("A large export of the customer report, kept until it is downloaded."),
        _("Legitimate interest (art. 6.1 f)."),
        _(
            "The file is deleted KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS days after the export, "
            "or at once when it holds a person being erased."
        ),
    ),
    Record(
        "auth.User",
        ("username", "first_name", "last_name", "email", "last_login"),
        USERS,
        _("Logging in, permissions, and who changed what (every history row names its user)."),
        _("Contract of employment and legitimate interest (art. 6.1 b, f)."),
        _(
            "While the account exists; deleting a user clears the user from history rows. A "
            "user is not erased here: the erasure is refused while the person is a user."
        ),
    ),
    Record(
        "admin.LogEntry",
        ("object_repr", "change_message", "user"),
        MENTIONED,
        _("Django admin's log of changes made in the admin."),
        _("Legitimate interest (art. 6.1 f)."),
        _("Kept; a person's name and e-mail address are replaced on erasure."),
        free_text=("object_repr", "change_message"),
    ),
    Record(
        "api.APIToken",
        ("user", "name"),
        USERS,
        _("A user's personal API token."),
        _("Legitimate interest (art. 6.1 f)."),
        _("Until the user revokes it or the user is deleted."),
    ),
    Record(
        "privacy.PrivacyLogEntry",
        ("user", "reference"),
        USERS,
        _(
            "Proof that requests were answered: who found, exported or erased, when and for "
            "which request (never what was found or erased)."
        ),
        _("Legal obligation (art. 6.1 c, art. 5.2)."),
        _("Kept."),
    ),
]

# Text, e-mail, JSON and binary fields of the project's models that hold no personal data.
NOT_PERSONAL = {
    "customers.Industry": ("name",),
    "customers.ContactRole": ("name",),
    "customers.PaymentTerm": ("name",),
    "customers.InvoiceTemplate": ("name",),
    "customers.Currency": ("code", "name"),
    "customers.InvoiceLanguage": ("code", "name"),
    "customers.PriceList": ("name",),
    "customers.EInvoiceOperator": ("name", "address_format"),
    "customers.NumberSequence": ("key",),
    "customers.GroupingCategory": ("name", "description", "selection"),
    "customers.GroupingOption": ("name",),
    "customers.Customer": (
        "country",
        "organisation_number",
        "vat_number",
        "website",
        "einvoice_address",
    ),
    "customers.Address": ("country",),
    "customers.ImportUpload": ("name",),
    "customers.FormSubmission": ("token", "result_url"),
    "customers.ImportRun": (
        "status",
        "phase",
        "worker",
        "task_id",
        "failure",
        "language",
        "file_name",
        "stage",
    ),
    "customers.ReportJob": (
        "status",
        "phase",
        "worker",
        "task_id",
        "failure",
        "language",
        "kind",
        "message",
        "file_name",
        "content_type",
    ),
    "projects.SalesStatus": ("name", "category"),
    "projects.Project": ("kind", "einvoice_address"),
    "activities.ActivityType": ("name", "category", "icon"),
    "api.APIToken": ("prefix", "key_hash"),
    "privacy.PrivacyLogEntry": ("action", "counts"),
    "privacy.RetentionRun": (
        "status",
        "phase",
        "worker",
        "task_id",
        "failure",
        "language",
        "result",
    ),
}


def record_for(model_label):
    return next((r for r in RECORDS if r.model_label == model_label), None)


def free_text_sources():
    """``(model, fields)`` for every free-text field and its history copies, in a fixed order."""
    sources = []
    for record in RECORDS:
        if not record.free_text:
            continue
        sources.append((record.model, record.free_text))
        if record.history_model is not None:
            sources.append((record.history_model, record.free_text))
    return sources
