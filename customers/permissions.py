"""The permission levels (docs/architecture.md, "Permissions"), answered from Django permissions.

Levels are Django groups (see ``roles.py``); code asks these functions, never group names.
"""

from django.utils.translation import gettext as _

VIEW = "customers.view_customer"
ADD = "customers.add_customer"
CHANGE = "customers.change_customer"
DELETE = "customers.delete_customer"
FINANCIALS = "customers.view_financials"
OWN_ONLY = "customers.edit_own_customers_only"


def may_view_customers(user):
    return bool(user and user.is_authenticated and user.has_perm(VIEW))


def may_add_customers(user):
    return bool(user and user.is_authenticated and user.has_perm(ADD))


def may_edit_customers(user):
    """The user has the Edit level (perhaps restricted to own customers)."""
    return bool(user and user.is_authenticated and user.has_perm(CHANGE))


def is_restricted_to_own(user):
    """'Edit own customers only': superusers are never restricted."""
    return bool(user.is_authenticated and not user.is_superuser and user.has_perm(OWN_ONLY))


def may_edit_customer(user, customer):
    if not may_edit_customers(user):
        return False
    if is_restricted_to_own(user):
        return customer.owner_id == user.pk
    return True


def may_delete_customer(user, customer):
    return bool(
        user.is_authenticated and user.has_perm(DELETE) and may_edit_customer(user, customer)
    )


def may_see_financials(user):
    return bool(user and user.is_authenticated and user.has_perm(FINANCIALS))


def owner_refusal(user, owner):
    """Why ``user`` may not create a customer owned by ``owner``, or None when they may.

    A user restricted to their own customers could not edit a customer owned by someone else
    (or by no one) the moment it is saved, so what they create is theirs. Forms, services and
    the importer ask this one function.
    """
    if user is None or not is_restricted_to_own(user):
        return None
    if owner is not None and getattr(owner, "pk", owner) == user.pk:
        return None
    return _(
        "You may edit only customers you own, so you must be the owner of the customers you create."
    )
