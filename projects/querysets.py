"""QuerySets that narrow projects and notes to what a user may see or change."""

from django.db import models
from django.db.models import Q

from customers.models import Customer


def _customer_condition(customers, lookup="customer"):
    """A Q on ``lookup`` for the customers queryset, or None when it is not narrowed at all.

    ``Customer.objects.visible_to(user)`` is today either every customer or none; comparing
    against a subquery of every customer would only cost time, so it is skipped then.
    """
    if customers.query.is_empty():
        return Q(pk__in=[])
    if not customers.query.where:
        return None
    return Q(**{f"{lookup}__in": customers.values("pk")})


# The most customers a project search gives as a list of ids (ProjectQuerySet.search).
CUSTOMER_IDS = 2_000

# What a row of the Projects list reads (projects/project_list.html, projects.presenters.
# list_rows, the status_class filter).
LIST_ROW_FIELDS = (
    "number",
    "name",
    "kind",
    "is_closed",
    "expected_value",
    "expected_order_date",
    "deadline",
    "customer__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "sales_status__name",
    "sales_status__category",
    "currency__code",
)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects the user may see: the view right and a customer the user may see."""
        if not (user and user.is_authenticated and user.has_perm("projects.view_project")):
            return self.none()
        condition = _customer_condition(Customer.objects.visible_to(user))
        return self if condition is None else self.filter(condition)

    def editable_by(self, user):
        """Projects the user may change: the change right and a customer the user may edit."""
        if not (user and user.is_authenticated and user.has_perm("projects.change_project")):
            return self.none()
        condition = _customer_condition(Customer.objects.editable_by(user))
        return self if condition is None else self.filter(condition)

    def open(self):
        return self.filter(is_closed=False)

    def closed(self):
        return self.filter(is_closed=True)

    def search(self, text):
        """Match ``text`` in the project's name, number or customer's name or number.

        One OR of the project's own test and its customer being one of the customers that pass
        the same test. Those customers are read first (one query, at most ``CUSTOMER_IDS + 1``
        ids) and, when they are that few, given as a list of ids that PostgreSQL learns when
        the query runs (``__any_of_at_run``). Every branch is then an index condition (the
        trigram index of the project's name, the number index, the project's customer index)
        and PostgreSQL picks per search: combine them (a ``BitmapOr``) when few projects
        match, or read projects in the list's order and stop after a page when many do. More
        customers than that mean the text matches widely ("ab": nearly every "AB" company);
        they stay a subquery that PostgreSQL hashes once while it reads projects in order,
        stopping at a page. (As an array computed in the query, ``= ANY(ARRAY(SELECT ...))``,
        they were tested one by one for every row read: 12 s for "ab".) A search's count
        stops at ``core.pagination.SEARCH_CAP``: "ram" counted 7,655 projects in 40 ms as a
        UNION of its branches, 1,001 in 6 ms this way.
        """
        text = (text or "").strip()
        if not text:
            return self
        # The same test of a project and of its customer: name, or number when digits.
        match = Q(name__icontains=text)
        if text.isdigit():
            match |= Q(number=int(text))
        customers = Customer._default_manager.order_by().filter(match).values_list("pk", flat=True)
        ids = list(customers[: CUSTOMER_IDS + 1])
        if len(ids) <= CUSTOMER_IDS:
            return self.filter(match | Q(customer__any_of_at_run=ids))
        return self.filter(match | Q(customer__in=customers))

    def for_list(self):
        """With what a row of the Projects list shows and nothing more: 23 columns instead
        of 97 (a project's, its customer's, contact's, owner's, status's and currency's) to
        compile, send and load for every page."""
        return self.select_related("customer", "owner", "sales_status", "currency").only(
            *LIST_ROW_FIELDS
        )


class ProjectNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not (user and user.is_authenticated and user.has_perm("projects.view_projectnote")):
            return self.none()
        condition = _customer_condition(
            Customer.objects.visible_to(user), lookup="project__customer"
        )
        return self if condition is None else self.filter(condition)
