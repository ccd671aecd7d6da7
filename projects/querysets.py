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

    def search(self, text, *, many_matches=False):
        """Match ``text`` in the project's name, number or customer's name or number.

        Two shapes of the same condition. By default ``pk IN (... UNION ALL ...)``: each branch
        reads its own index (trigram on the project's and the customer's name on PostgreSQL)
        where an OR across a join reads every project; cheap when few projects match.
        ``many_matches`` gives one OR with the matching customers as a subquery (hashed once),
        which PostgreSQL tests project by project while it reads them in the list's order
        (``project_state_created_idx``), stopping after a page: a few hundred rows when
        thousands match (``ram``: 1 ms instead of 60), but every project when none does.
        """
        text = (text or "").strip()
        if not text:
            return self
        customers = Customer._default_manager.order_by()
        if many_matches:
            # The same test of a project and of its customer: name, or number when digits.
            match = Q(name__icontains=text)
            if text.isdigit():
                match |= Q(number=int(text))
            return self.filter(match | Q(customer__in=customers.filter(match).values("pk")))
        # The branches start from this queryset, so they carry the filters applied before the
        # search (ProjectFilter applies it last): the outer query then looks up only the
        # projects that pass them (ongoing ones: 7,655 of 12,457 for "ram").
        projects = self.order_by()
        branches = [
            projects.filter(name__icontains=text).values("pk"),
            projects.filter(
                customer__in=customers.filter(name__icontains=text).values("pk")
            ).values("pk"),
        ]
        if text.isdigit():
            branches.append(projects.filter(number=int(text)).values("pk"))
            branches.append(projects.filter(customer__number=int(text)).values("pk"))
        first, *rest = branches
        return self.filter(pk__in=first.union(*rest, all=True))

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
