"""Display values and links of the Activities list's rows.

The list draws 25 rows, each with four links, a date and an owner's name; reversing the links
and formatting the values here, once per page for the URLs, costs a fraction of doing it with
``{% url %}`` and filters in every row (the same approach as the card's Activities section,
``selectors._prepare_card_rows``). The markup stays in ``activities/activity_list.html``.
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

_PK_MARKER = 987654321


def pk_url(name):
    """A function ``pk -> URL`` of the one-argument URL ``name``, reversing only once."""
    prefix, suffix = reverse(name, args=[_PK_MARKER]).rsplit(str(_PK_MARKER), 1)
    return lambda pk: f"{prefix}{pk}{suffix}"


def list_rows(activities, *, back_to):
    """Give each activity of the list (type, owner, customer and project loaded) ``list_when``,
    ``list_owner`` and the links ``list_update_url`` (back to ``back_to`` after saving),
    ``list_mark_done_url``, ``list_customer_url`` and ``list_project_url``; returns them."""
    update_url = pk_url("activities:activity_update")
    mark_done_url = pk_url("activities:activity_mark_done")
    customer_url = pk_url("customers:customer_detail")
    project_url = pk_url("projects:project_detail")
    next_query = "?next=" + quote(back_to, safe="/")  # as the template's |urlencode did
    activities = list(activities)
    for activity in activities:
        activity.list_when = date_format(
            timezone.localtime(activity.starts_at),
            "SHORT_DATE_FORMAT" if activity.is_all_day else "SHORT_DATETIME_FORMAT",
        )
        owner = activity.owner
        activity.list_owner = (owner.get_full_name() or str(owner)) if owner else "–"
        activity.list_update_url = update_url(activity.pk) + next_query
        activity.list_mark_done_url = mark_done_url(activity.pk)
        customer_id, project_id = activity.customer_id, activity.project_id
        activity.list_customer_url = customer_url(customer_id) if customer_id else ""
        activity.list_project_url = project_url(project_id) if project_id else ""
    return activities
