"""Reads of customers that feed the register's pages (list, duplicate check, card actions)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from core.widgets import prepared_user_rows

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

    The right is found with two ``IN`` subqueries (the users of groups that hold it, the users
    that hold it themselves) rather than joins through groups, permissions and content types
    with ``DISTINCT``: on every customer list and customer form this query was planned over
    nine tables (1.6 ms of planning for a few rows). Only the columns a choice's label and
    the forms need are read. The query is built once per process (and content type) and
    cloned for each caller: building it cost a millisecond of every customer list.
    """
    content_type = ContentType.objects.get_for_model(Customer)
    if include_pk:
        return _owner_choices(content_type.pk, include_pk)
    key = (get_user_model(), content_type.pk)
    base = _owner_choice_querysets.get(key)
    if base is None:
        if len(_owner_choice_querysets) > 8:  # test databases recreate content types
            _owner_choice_querysets.clear()
        base = _owner_choice_querysets[key] = _owner_choices(content_type.pk, None)
    return base.all()


# (user model, content type pk) -> the unevaluated query, cloned by every caller.
_owner_choice_querysets = {}


def customer_owner_choice_rows():
    """``customer_owner_choices()`` as ``(pk, first name, last name, username)`` rows, for a
    select drawn from rows (``core.widgets.use_user_choices``), from SQL compiled once per
    process (``core.prepared``): the content type is a value, not part of the SQL."""
    content_type = ContentType.objects.get_for_model(Customer)
    return _owner_rows(content_type_id=content_type.pk)


def _owner_choices(content_type_id, include_pk):
    view_code = VIEW.split(".")[1]
    user_model = get_user_model()
    permission = Permission.objects.filter(codename=view_code, content_type_id=content_type_id)
    groups = Group.permissions.through.objects.filter(permission_id__in=permission.values("pk"))
    condition = (
        Q(is_superuser=True)
        | Q(
            pk__in=user_model.groups.through.objects.filter(
                group_id__in=groups.values("group_id")
            ).values("user_id")
        )
        | Q(
            pk__in=user_model.user_permissions.through.objects.filter(
                permission_id__in=permission.values("pk")
            ).values("user_id")
        )
    )
    condition = Q(is_active=True) & condition
    if include_pk:
        condition |= Q(pk=include_pk)
    return (
        user_model.objects.filter(condition)
        .only("pk", "username", "first_name", "last_name", "email", "is_active")
        .order_by("first_name", "last_name", "username")
    )


_owner_rows = prepared_user_rows(lambda *, content_type_id: _owner_choices(content_type_id, None))
