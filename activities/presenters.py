"""Display values and links of the Activities list's rows.

The list draws 25 rows, each with four links, a date and an owner's name; taking the links
from URLs reversed once per process (``core.url_cache.pk_url``) and formatting the values here
costs a fraction of ``{% url %}`` and filters in every row (the same approach as the card's
Activities section, ``selectors._prepare_card_rows``). The markup stays in
``activities/activity_list.html``.
"""

from urllib.parse import quote

from django.utils import timezone
from django.utils.formats import date_format

from core.url_cache import pk_url


def list_rows(activities, *, back_to):
    """Give each activity of the list (type, owner, customer and project loaded) ``list_when``,
    ``list_owner`` and the links ``list_update_url`` (back to ``back_to`` after saving),
    ``list_mark_done_url``, ``list_customer_url`` and ``list_project_url``; returns them."""
    next_query = "?next=" + quote(back_to, safe="/")  # as the template's |urlencode did
    activities = list(activities)
    for activity in activities:
        activity.list_when = date_format(
            timezone.localtime(activity.starts_at),
            "SHORT_DATE_FORMAT" if activity.is_all_day else "SHORT_DATETIME_FORMAT",
        )
        owner = activity.owner
        activity.list_owner = (owner.get_full_name() or str(owner)) if owner else "–"
        activity.list_update_url = pk_url("activities:activity_update", activity.pk) + next_query
        activity.list_mark_done_url = pk_url("activities:activity_mark_done", activity.pk)
        customer_id, project_id = activity.customer_id, activity.project_id
        activity.list_customer_url = (
            pk_url("customers:customer_detail", customer_id) if customer_id else ""
        )
        activity.list_project_url = (
            pk_url("projects:project_detail", project_id) if project_id else ""
        )
    return activities
