"""Finding a person: every place an e-mail address, phone number or name appears.

``find_person(text)`` decides what ``text`` is (an e-mail address, a phone number or a name),
finds the contacts it names (now or in any earlier version of their rows), then builds the
person's terms from the query and every version of those contacts (``terms.py``) and looks
for them in every free-text field and its history copies (``inventory.free_text_sources``),
the import files and reports, the export files and the users. The text scans read every row
of those tables (no index serves a substring or pattern match); see docs/privacy.md.
"""

import json
import re
import zlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat

from activities.models import Activity
from customers.models import Contact, ImportRun, ImportUpload, ReportJob
from customers.validators import phone_search_digits
from projects.models import Project

from . import terms as t
from .inventory import free_text_sources

EMAIL, PHONE, NAME = "email", "phone", "name"


def query_kind(text):
    text = (text or "").strip()
    if "@" in text:
        return EMAIL
    if phone_search_digits(text) is not None:
        return PHONE
    return NAME


@dataclass
class Mention:
    """A row whose free text mentions the person: ``fields`` are the ones that do."""

    obj: object
    fields: list
    is_history: bool

    @property
    def model_name(self):
        """The row's kind as people know it: an activity's history row is an activity's."""
        model = getattr(type(self.obj), "instance_type", type(self.obj))
        return model._meta.verbose_name

    @property
    def texts(self):
        return {name: getattr(self.obj, name) for name in self.fields}


@dataclass
class PersonFound:
    query: str
    kind: str
    terms: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    contact_history: list = field(default_factory=list)
    participations: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    uploads: list = field(default_factory=list)
    import_runs: list = field(default_factory=list)
    export_files: list = field(default_factory=list)
    users: list = field(default_factory=list)

    @property
    def counts(self):
        return {
            "contacts": len(self.contacts),
            "contact_history": len(self.contact_history),
            "participations": len(self.participations),
            "projects": len(self.projects),
            "mentions": len([m for m in self.mentions if not m.is_history]),
            "history_mentions": len([m for m in self.mentions if m.is_history]),
            "uploads": len(self.uploads),
            "import_runs": len(self.import_runs),
            "export_files": len(self.export_files),
            "users": len(self.users),
        }

    @property
    def is_empty(self):
        return not any(self.counts.values())

    @property
    def history_mentions(self):
        return [m for m in self.mentions if m.is_history]

    @property
    def live_mentions(self):
        return [m for m in self.mentions if not m.is_history]


def _full_name():
    return Concat("first_name", Value(" "), "last_name", output_field=CharField())


def _contact_filter(text, kind):
    """The Q that finds contacts (or their history rows) named by ``text``."""
    if kind == EMAIL:
        return Q(email__iexact=text.strip())
    if kind == PHONE:
        digits = phone_search_digits(text)
        return Q(phone__endswith=digits) | Q(mobile__endswith=digits)
    tokens = t.name_tokens(text)
    if not tokens:
        return None
    if len(tokens) == 1:
        return Q(first_name__iexact=tokens[0]) | Q(last_name__iexact=tokens[0])
    return Q(full_name__iregex="^" + r"\s+".join(re.escape(x) for x in tokens) + "$")


def matching_contact_ids(text, kind):
    where = _contact_filter(text, kind)
    if where is None:
        return set()
    ids = set(
        Contact.objects.annotate(full_name=_full_name()).filter(where).values_list("pk", flat=True)
    )
    ids |= set(
        Contact.history.model.objects.annotate(full_name=_full_name())
        .filter(where)
        .values_list("id", flat=True)
        .distinct()
    )
    return ids


def person_terms(text, kind, contacts, history):
    """The person's e-mail addresses, full names and phone numbers: from the query and from
    every version of the contacts found."""
    found = []
    if kind == EMAIL:
        found.append(t.email_term(text))
    elif kind == PHONE:
        found.append(t.phone_term(text))
    else:
        found.append(t.name_term(text))
    for row in [*contacts, *history]:
        found.append(t.email_term(row.email))
        found.append(t.name_term(f"{row.first_name} {row.last_name}"))
        found.append(t.phone_term(row.phone))
        found.append(t.phone_term(row.mobile))
    return t.dedupe(found)


def find_mentions(terms, contact_ids):
    """Rows whose free text mentions the person; the contacts' own rows are listed apart."""
    if not terms:
        return []
    found = []
    contact_models = (Contact, Contact.history.model)
    for model, fields in free_text_sources():
        where = Q()
        for name in fields:
            for term in terms:
                where |= Q(**{f"{name}__iregex": term.db})
        rows = model.objects.filter(where)
        if model in contact_models:
            rows = rows.exclude(id__in=contact_ids)
        is_history = hasattr(model, "history_id")
        for obj in rows.order_by("pk"):
            matched = [name for name in fields if t.mentions(getattr(obj, name), terms)]
            if matched:
                found.append(Mention(obj, matched, is_history))
    return found


def report_data(run):
    if not run.report:
        return None
    return json.loads(zlib.decompress(bytes(run.report)))


def _report_mentions(data, terms):
    return t.mentions(json.dumps(data, ensure_ascii=False), terms) if data else False


def _files(terms):
    if not terms:
        return [], [], []
    uploads = [
        upload
        for upload in ImportUpload.objects.defer("validated").order_by("pk")
        if t.mentions(t.file_text(upload.content), terms)
    ]
    runs = [
        run
        for run in ImportRun.objects.exclude(report=b"").order_by("pk")
        if _report_mentions(report_data(run), terms)
    ]
    exports = [
        job
        for job in ReportJob.objects.filter(content__isnull=False).order_by("pk")
        if t.mentions(t.file_text(job.content), terms)
    ]
    return uploads, runs, exports


def find_users(terms):
    where = Q()
    for term in terms:
        if term.kind == EMAIL:
            where |= Q(email__iexact=term.value)
        elif term.kind == NAME:
            where |= Q(full_name__iregex=f"^{term.db}$")
    if not where:
        return []
    return list(
        get_user_model().objects.annotate(full_name=_full_name()).filter(where).order_by("pk")
    )


def find_person(text):
    """Everything Kundkort keeps about the person ``text`` names (``PersonFound``)."""
    text = (text or "").strip()
    kind = query_kind(text)
    result = PersonFound(query=text, kind=kind)
    if not text:
        return result
    ids = matching_contact_ids(text, kind)
    result.contacts = list(
        Contact.objects.filter(pk__in=ids)
        .select_related("customer", "address", "role")
        .order_by("pk")
    )
    result.contact_history = list(
        Contact.history.model.objects.filter(id__in=ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    result.terms = person_terms(text, kind, result.contacts, result.contact_history)
    if ids:
        result.participations = list(
            Activity.objects.filter(participant_contacts__in=ids)
            .select_related("type", "customer")
            .distinct()
            .order_by("starts_at", "pk")
        )
        result.projects = list(
            Project.objects.filter(contact__in=ids).select_related("customer").order_by("pk")
        )
    result.mentions = find_mentions(result.terms, ids)
    result.uploads, result.import_runs, result.export_files = _files(result.terms)
    result.users = find_users(result.terms)
    return result
