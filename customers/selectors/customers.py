"""Reads of customers that feed the register's pages (list, duplicate check, card actions)."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from ..models import Address, Customer
from ..permissions import VIEW


def customer_list(*, user):
    """Customers the user may see, with owner, industry and head-office city for the list.

    The city comes from a subquery, so the list runs the same queries for 1 or 1,000 rows.
    """
    head_office_city = Address.objects.filter(customer=OuterRef("pk"), is_head_office=True).values(
        "city"
    )[:1]
    return (
        Customer.objects.visible_to(user)
        .select_related("owner", "industry")
        .annotate(head_office_city=Subquery(head_office_city))
    )


def possible_duplicates(*, user, name, organisation_number, exclude_pk=None, limit=10):
    """Customers with the same organisation number, or the same name ignoring case."""
    condition = Q()
    name = (name or "").strip()
    if name:
        condition |= Q(name__iexact=name)
    if organisation_number:
        condition |= Q(organisation_number=organisation_number)
    if not condition:
        return []
    queryset = Customer.objects.visible_to(user).filter(condition)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return list(queryset.order_by("number")[:limit])


def customer_has_dependents(customer):
    """True when records of other apps refer to the customer through a PROTECT foreign key.

    Asked through the model's relations, so customers needs not know projects or activities.
    """
    for relation in Customer._meta.related_objects:
        if relation.on_delete is not models.PROTECT or not relation.one_to_many:
            continue
        related_model = relation.related_model
        if related_model._default_manager.filter(**{relation.field.name: customer.pk}).exists():
            return True
    return False


def customer_owner_choices(*, include_pk=None):
    """Active users who may see customers, the people who can own one.

    ``include_pk`` keeps a customer's current owner choosable even if they lost the right.
    """
    view_app, view_code = VIEW.split(".")
    condition = (
        Q(is_active=True, is_superuser=True)
        | Q(
            is_active=True,
            groups__permissions__codename=view_code,
            groups__permissions__content_type__app_label=view_app,
        )
        | Q(
            is_active=True,
            user_permissions__codename=view_code,
            user_permissions__content_type__app_label=view_app,
        )
    )
    if include_pk:
        condition |= Q(pk=include_pk)
    return (
        get_user_model()
        .objects.filter(condition)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
