"""Who may call what: the API asks the same permission functions as the pages.

A request without credentials answers 401; a user without the right for the kind of request
403 (like the pages); an object the user may not see 404 (the views read through
``visible_to``); a change to a customer the user may see but not edit 403.
"""

from rest_framework import permissions

from customers.permissions import (
    may_add_customers,
    may_edit_customer,
    may_edit_customers,
    may_view_customers,
)


class CustomerRegister(permissions.BasePermission):
    """Reading needs the Read-only level; creating a customer the right to add customers;
    other writes the Edit level, and for one customer the right to edit that customer."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not may_view_customers(user):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "creates_customers", False) and request.method == "POST":
            return may_add_customers(user)
        return may_edit_customers(user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        customer = getattr(obj, "customer", obj)
        return may_edit_customer(request.user, customer)


class ModelViewPermission(permissions.BasePermission):
    """Read-only resources of the projects and activities apps: their view permission."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_perm(view.view_permission)
