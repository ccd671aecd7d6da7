"""Reads that feed the activity pages, the card's Activities section and the Collaboration tab.

Every function runs a fixed number of queries whatever the number of rows.
"""

from urllib.parse import quote

from django.conf import settings
from django.db.models import CharField, Count, F, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.pagination import page_with_count
from core.prepared import Prepared
from core.url_cache import pk_url
from projects.models import Project, ProjectNote

from .models import Activity
from .permissions import mark_editable
from .querysets import visibility

CARD_UPCOMING_LIMIT = 10
CARD_OVERDUE_LIMIT = 10
CARD_DONE_LIMIT = 5
# What a row of the card's Activities section reads (_activity_rows.html, _prepare_card_rows,
# may_edit_activity).
CARD_ROW_FIELDS = (
    "subject",
    "starts_at",
    "is_all_day",
    "is_done",
    "done_at",
    "customer",
    "type__name",
    "type__icon",
    "type__category",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "project__number",
    "project__name",
)


def may_add_activity(user):
    return bool(user and user.is_authenticated and user.has_perm("activities.add_activity"))


def _card_row_query(may_view, may_view_customers, *, customer_id, now):
    """The rows of the card's three short lists in one query: each list's keys come from its
    own sliced subquery, and ``card_activities_context`` splits and orders the rows. Three
    queries compiled and sent cost the card more than the database's work. Only the columns
    the rows show: 21 instead of 66 to compile, send and load (a project has 30 columns; its
    number and name are shown)."""
    activities = Activity.objects.visible_if(may_view, may_view_customers).filter(
        customer_id=customer_id
    )
    keys = (
        activities.upcoming(now).order_by("starts_at", "id")[:CARD_UPCOMING_LIMIT],
        activities.overdue(now).order_by("-starts_at", "-id")[:CARD_OVERDUE_LIMIT],
        activities.done().order_by(F("done_at").desc(nulls_last=True), "-starts_at", "-id")[
            :CARD_DONE_LIMIT
        ],
    )
    return (
        activities.select_related("type", "owner", "project")
        .only(*CARD_ROW_FIELDS)
        .filter(
            Q(pk__in=keys[0].values("pk"))
            | Q(pk__in=keys[1].values("pk"))
            | Q(pk__in=keys[2].values("pk"))
        )
    )


# The same SQL for every customer and moment: compiled once (core.prepared).
_card_rows = Prepared(_card_row_query)


def card_activities_context(request, customer):
    """The Activities section of the Contact details tab.

    Every activity of the customer, with or without a project: upcoming first (soonest
    first), then overdue, then the most recently done, each list limited, plus the counts and
    a link to the full list. Two queries.
    """
    user = request.user
    now = timezone.now()
    activities = Activity.objects.visible_to(user).filter(customer=customer)
    counts = activities.aggregate(
        upcoming=Count("pk", filter=Q(is_done=False, starts_at__gte=now)),
        overdue=Count("pk", filter=Q(is_done=False, starts_at__lt=now)),
        done=Count("pk", filter=Q(is_done=True)),
    )
    list_url = reverse("activities:activity_list")
    shown = _card_rows(*visibility(user), customer_id=customer.pk, now=now)
    upcoming = sorted(
        (a for a in shown if not a.is_done and a.starts_at >= now),
        key=lambda a: (a.starts_at, a.pk),
    )
    overdue = sorted(
        (a for a in shown if not a.is_done and a.starts_at < now),
        key=lambda a: (a.starts_at, a.pk),
        reverse=True,
    )
    done = sorted(
        (a for a in shown if a.is_done),
        # Newest done first, those without a done time last, as the subquery orders them.
        key=lambda a: (a.done_at is not None, a.done_at or now, a.starts_at, a.pk),
        reverse=True,
    )
    _prepare_card_rows([*upcoming, *overdue, *done], back_to=request.path)
    for activity in shown:
        activity.customer = customer  # all rows are this customer's: no query per row
    mark_editable(user, shown)
    return {
        "customer": customer,
        "upcoming": upcoming,
        "overdue": overdue,
        "done": done,
        "counts": counts,
        "total": counts["upcoming"] + counts["overdue"] + counts["done"],
        "list_url": f"{list_url}?scope=all&customer={customer.pk}",
        "can_add": may_add_activity(user),
        "add_url": f"{reverse('activities:activity_create')}?customer={customer.pk}",
    }


def _prepare_card_rows(activities, *, back_to):
    """Give each row of the card's Activities section its links, date and owner as text.

    Built here once per section rather than with ``{% url %}`` and filters per row in the
    template: that made the 25 rows cost as much as the rest of the card.
    """
    next_query = "?next=" + quote(back_to, safe="/")  # as the template's |urlencode did
    for activity in activities:
        starts_at = timezone.localtime(activity.starts_at)
        activity.card_when = date_format(
            starts_at, "SHORT_DATE_FORMAT" if activity.is_all_day else "SHORT_DATETIME_FORMAT"
        )
        owner = activity.owner
        activity.card_owner = (owner.get_full_name() or str(owner)) if owner else "–"
        activity.card_update_url = pk_url("activities:activity_update", activity.pk) + next_query
        activity.card_mark_done_url = pk_url("activities:activity_mark_done", activity.pk)
        activity.card_project_url = (
            pk_url("projects:project_detail", activity.project_id) if activity.project_id else ""
        )


def collaboration_timeline(*, customer, user, project=None, page=None):
    """One feed, newest first, of the notes and activities of all the customer's projects.

    An activity is dated by its start, a note by when it was posted. The two tables are
    merged in the database (a UNION of (kind, pk, date)), so a page costs three queries: the
    page of keys with the number of all entries (``page_with_count``), then the notes and the
    activities on it with what they show.
    """
    notes = ProjectNote.objects.visible_to(user).filter(project__customer=customer)
    activities = Activity.objects.visible_to(user).filter(customer=customer, project__isnull=False)
    if project is not None:
        notes = notes.filter(project=project)
        activities = activities.filter(project=project)
    keys = (
        notes.annotate(kind=Value("note", output_field=CharField()), date=F("created_at"))
        .values_list("kind", "pk", "date")
        .order_by()
        .union(
            activities.annotate(
                kind=Value("activity", output_field=CharField()), date=F("starts_at")
            )
            .values_list("kind", "pk", "date")
            .order_by(),
            all=True,
        )
        .order_by("-date", "-pk")
    )
    # (kind, pk, date), newest first as the UNION orders them.
    page_obj, entries = page_with_count(
        keys, page or 1, settings.KUNDKORT_PAGE_SIZE, order_by=[(3, True), (2, True)]
    )
    note_ids = [pk for kind, pk, _date in entries if kind == "note"]
    activity_ids = [pk for kind, pk, _date in entries if kind == "activity"]
    notes_by_pk = (
        ProjectNote.objects.select_related("project", "author").in_bulk(note_ids)
        if note_ids
        else {}
    )
    activities_by_pk = (
        Activity.objects.select_related("project", "type", "owner").in_bulk(activity_ids)
        if activity_ids
        else {}
    )
    items = []
    for kind, pk, _date in entries:
        obj = notes_by_pk.get(pk) if kind == "note" else activities_by_pk.get(pk)
        if obj is not None:
            # The date the UNION ordered by, from the loaded row (with its field's converters).
            date = obj.created_at if kind == "note" else obj.starts_at
            items.append({"kind": kind, "date": date, "object": obj, "project": obj.project})
    return page_obj, items


def collaboration_projects(*, customer, user):
    """The customer's projects for the timeline's filter and the note form (one query)."""
    return list(
        Project.objects.visible_to(user)
        .filter(customer=customer)
        .only("pk", "number", "name", "is_closed", "customer_id")
        .order_by("is_closed", "-number")
    )
