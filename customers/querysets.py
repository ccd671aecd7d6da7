"""QuerySets that narrow customers, addresses and contacts to what a user may see or change.

Every view, form choice field, bulk action, export and the importer goes through
``visible_to`` / ``editable_by``, so a permission rule lives here and nowhere else.
"""

from django.db import models

from .permissions import is_restricted_to_own, may_edit_customers, may_view_customers


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Customers the user may see: all of them with the view right, none without."""
        if not may_view_customers(user):
            return self.none()
        return self

    def editable_by(self, user):
        """Customers the user may change: all with the edit right, only owned when restricted."""
        if not may_edit_customers(user):
            return self.none()
        if is_restricted_to_own(user):
            return self.filter(owner=user)
        return self

    def active(self):
        return self.filter(is_active=True)

    def search(self, text):
        """Match ``text`` anywhere in number, name, organisation or VAT number, or any city.

        One ``pk IN (... UNION ALL ...)`` of per-column matches instead of an OR across the
        columns: on PostgreSQL each branch reads its trigram index (customers migration 0004),
        whereas an OR with a subquery over addresses makes the planner test every customer.
        """
        text = (text or "").strip()
        if not text:
            return self
        from .models import Address, Customer

        customers = Customer._default_manager.order_by()
        branches = [
            customers.filter(name__icontains=text).values("pk"),
            customers.filter(organisation_number__icontains=text).values("pk"),
            customers.filter(vat_number__icontains=text).values("pk"),
            Address._default_manager.order_by().filter(city__icontains=text).values("customer_id"),
        ]
        if text.isdigit():
            branches.append(customers.filter(number__icontains=text).values("pk"))
        first, *rest = branches
        return self.filter(pk__in=first.union(*rest, all=True))


class AddressQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not may_view_customers(user):
            return self.none()
        return self

    def editable_by(self, user):
        from .models import Customer

        return self.filter(customer__in=Customer.objects.editable_by(user).values("pk"))


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        if not may_view_customers(user):
            return self.none()
        return self

    def editable_by(self, user):
        from .models import Customer

        return self.filter(customer__in=Customer.objects.editable_by(user).values("pk"))
