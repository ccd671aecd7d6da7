"""QuerySets that narrow activities to what a user may see, and the list's time buckets."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from customers.models import Customer
from customers.permissions import may_view_customers

# What a row of the Activities list reads (activities/activity_list.html,
# activities.presenters.list_rows, permissions.may_edit_activity).
LIST_ROW_FIELDS = (
    "subject",
    "starts_at",
    "is_all_day",
    "is_done",
    "type__name",
    "type__icon",
    "type__category",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "customer__name",
    "customer__owner",
    "project__number",
    "project__name",
)


def visibility(user):
    """The rights ``ActivityQuerySet.visible_if`` narrows by: (may view activities, may view
    customers)."""
    may_view = bool(user and user.is_authenticated and user.has_perm("activities.view_activity"))
    return may_view, may_view_customers(user)


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Activities the user may see: without a customer, or of a customer the user sees."""
        return self.visible_if(*visibility(user))

    def visible_if(self, may_view, may_view_customers):
        """``visible_to`` for a user whose rights are known (``visibility(user)``, a prepared
        query's shape)."""
        if not may_view:
            return self.none()
        customers = Customer.objects.visible_if(may_view_customers)
        if customers.query.is_empty():
            return self.filter(customer__isnull=True)
        if not customers.query.where:
            return self
        return self.filter(Q(customer__isnull=True) | Q(customer__in=customers.values("pk")))

    def upcoming(self, now=None):
        return self.filter(is_done=False, starts_at__gte=now or timezone.now())

    def overdue(self, now=None):
        return self.filter(is_done=False, starts_at__lt=now or timezone.now())

    def done(self):
        return self.filter(is_done=True)

    def for_list(self):
        """With what a row of the Activities list shows and nothing more: 29 columns instead
        of 81 to compile, send and load (a customer has 36, a project 30)."""
        return self.select_related("type", "owner", "customer", "project").only(*LIST_ROW_FIELDS)
