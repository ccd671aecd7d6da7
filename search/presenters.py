"""The search page's results as rows: the values each result shows and its link.

``global_search`` returns model objects (``search.selectors``); the page draws up to 50 of each
kind, and reversing two URLs and resolving a dozen template variables per result in Django's
engine cost more than the queries. These rows carry the link reversed once per kind
(``core.url_cache.pk_url``) and are drawn by Jinja2 (``search/jinja2/search/_results.html``).
"""

from core.rows import Row
from core.url_cache import pk_url


def customer_rows(customers):
    return [
        Row(
            pk=customer.pk,
            url=pk_url("customers:customer_detail", customer.pk),
            name=customer.name,
            number=customer.number,
            organisation_number=customer.organisation_number,
            city=customer.head_office_city,
            is_active=customer.is_active,
        )
        for customer in customers
    ]


def contact_rows(contacts):
    return [
        Row(
            pk=contact.pk,
            url=f"{pk_url('customers:customer_detail', contact.customer_id)}#contact-{contact.pk}",
            name=f"{contact.first_name} {contact.last_name}",
            title=contact.title,
            customer_name=contact.customer.name,
            email=contact.email,
        )
        for contact in contacts
    ]


def project_rows(projects):
    return [
        Row(
            pk=project.pk,
            url=pk_url("projects:project_detail", project.pk),
            number=project.number,
            name=project.name,
            customer_name=project.customer.name,
            kind=project.get_kind_display(),
            is_closed=project.is_closed,
        )
        for project in projects
    ]


def result_rows(results):
    """``{"customers": [...], "contacts": [...], "projects": [...]}`` of ``results``
    (a ``SearchResults``)."""
    return {
        "customers": customer_rows(results.customers.rows),
        "contacts": contact_rows(results.contacts.rows),
        "projects": project_rows(results.projects.rows),
    }
