"""Display values and links of the Projects list's rows.

The list draws 25 rows, each with two links, two dates and an owner's name; taking the links
from URLs reversed once per process (``core.url_cache.pk_url``) and formatting the values here
costs a fraction of ``{% url %}`` and filters in every row. The markup stays in
``projects/project_list.html``.
"""

from django.utils.formats import date_format

from core.url_cache import pk_url


def _short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def list_rows(projects):
    """Give each project of the list (customer and owner loaded) ``list_url``,
    ``list_customer_url``, ``list_owner``, ``list_expected_order`` and ``list_deadline``
    (dates as the list shows them, "–" when there is none); returns them."""
    projects = list(projects)
    for project in projects:
        project.list_url = pk_url("projects:project_detail", project.pk)
        project.list_customer_url = pk_url("customers:customer_detail", project.customer_id)
        owner = project.owner
        project.list_owner = (owner.get_full_name() or str(owner)) if owner else "–"
        project.list_expected_order = _short_date(project.expected_order_date)
        project.list_deadline = _short_date(project.deadline)
    return projects
