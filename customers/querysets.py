"""QuerySets that narrow customers, addresses and contacts to what a user may see or change.

Every view, form choice field, bulk action, export and the importer goes through
``visible_to`` / ``editable_by``, so a permission rule lives here and nowhere else.
"""

from django.db import models
from django.db.models import TextField, Value
from django.db.models.functions import Concat, Upper

from core.stored import StoredColumn

from .permissions import is_restricted_to_own, may_edit_customers, may_view_customers
from .validators import phone_search_digits


class _Visible:
    """Customers and their addresses and contacts: all of them with the view right, none
    without."""

    def visible_to(self, user):
        return self.visible_if(may_view_customers(user))

    def visible_if(self, may_view):
        """``visible_to`` for a user whose view right is known (a prepared query's shape)."""
        return self if may_view else self.none()


class CustomerQuerySet(_Visible, models.QuerySet):
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
        digits = phone_search_digits(text)
        if digits:
            # A phone number as typed ("08-123 45 67") found in the addresses' E.164 numbers.
            addresses = Address._default_manager.order_by().filter(phone__contains=digits)
            branches.append(addresses.values("customer_id"))
        first, *rest = branches
        return self.filter(pk__in=first.union(*rest, all=True))


def contact_search_text():
    """One upper-cased text of a contact's name, email and phone numbers. The search matches
    every typed word inside it. On PostgreSQL the text is stored in the generated column
    ``search_text`` (customers migration 0017), which ``ContactQuerySet.search`` reads, and one
    trigram index on it serves every word: one index instead of five costs the importer less."""
    return Upper(
        Concat(
            "first_name",
            Value(" "),
            "last_name",
            Value(" "),
            "email",
            Value(" "),
            "phone",
            Value(" "),
            "mobile",
            output_field=TextField(),
        )
    )


class AddressQuerySet(_Visible, models.QuerySet):
    def editable_by(self, user):
        from .models import Customer

        return self.filter(customer__in=Customer.objects.editable_by(user).values("pk"))


class ContactQuerySet(_Visible, models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def editable_by(self, user):
        from .models import Customer

        return self.filter(customer__in=Customer.objects.editable_by(user).values("pk"))

    def search(self, text):
        """Contacts whose name, email or phone holds every word of ``text`` (any order, any
        case); a phone number typed with spaces or dashes is matched as one number."""
        words = (text or "").split()
        if not words:
            return self
        digits = phone_search_digits(text)
        if digits:
            words = [digits]
        contacts = self.alias(search_text=StoredColumn(contact_search_text(), "search_text"))
        for word in words:
            contacts = contacts.filter(search_text__contains=word.upper())
        return contacts
