"""QuerySets that narrow activities to what a user may see, and the list's time buckets."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from customers.models import Customer


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Activities the user may see: without a customer, or of a customer the user sees."""
        if not (user and user.is_authenticated and user.has_perm("activities.view_activity")):
            return self.none()
        customers = Customer.objects.visible_to(user)
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
        return self.select_related("type", "owner", "customer", "project")
