"""Display values and links of the Projects list's rows.

The list draws 25 rows, each with two links, two dates and an owner's name; reversing the links
once per page and formatting the values here costs a fraction of ``{% url %}`` and filters in
every row. The markup stays in ``projects/project_list.html``.
"""

from django.urls import reverse
from django.utils.formats import date_format

_PK_MARKER = 987654321


def pk_url(name):
    """A function ``pk -> URL`` of the one-argument URL ``name``, reversing only once."""
    prefix, suffix = reverse(name, args=[_PK_MARKER]).rsplit(str(_PK_MARKER), 1)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def list_rows(projects):
    """Give each project of the list (customer and owner loaded) ``list_url``,
    ``list_customer_url``, ``list_owner``, ``list_expected_order`` and ``list_deadline``
    (dates as the list shows them, "–" when there is none); returns them."""
    detail_url = pk_url("projects:project_detail")
    customer_url = pk_url("customers:customer_detail")
    projects = list(projects)
    for project in projects:
        project.list_url = detail_url(project.pk)
        project.list_customer_url = customer_url(project.customer_id)
        owner = project.owner
        project.list_owner = (owner.get_full_name() or str(owner)) if owner else "–"
        project.list_expected_order = _short_date(project.expected_order_date)
        project.list_deadline = _short_date(project.deadline)
    return projects
