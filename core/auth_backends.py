"""The user and their permissions in one query.

Every page asks permissions (the view's check, the menu, ``perms`` in templates). Django's
``ModelBackend`` loads them on the first question, with two queries (the user's own and their
groups'), after the query that loaded the user: three queries of every page's five-to-eight
were spent on who the user is. ``ModelBackend`` keeps the answer on the user object for the
request; this backend fills that cache from the same query that loads the user, as two
scalar subqueries, so a page starts with two queries (the session and the user) instead of
four. Nothing is cached across requests: a permission taken away counts from the next request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat

SEPARATOR = " "  # permission names ("app_label.codename") hold no spaces


class _Names(models.Func):
    """The names of a subquery's rows joined into one text (``string_agg``/``group_concat``):
    a plain function, not an ``Aggregate``, so the subquery gets no GROUP BY."""

    function = "STRING_AGG"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _names(permissions):
    name = Concat(F("content_type__app_label"), Value("."), F("codename"))
    return Subquery(permissions.order_by().annotate(names=_Names(name)).values("names")[:1])


class UserWithPermissionsBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` also loads the user's permission names."""

    def get_user(self, user_id):
        user_model = get_user_model()
        user = (
            user_model._default_manager.filter(pk=user_id)
            .annotate(
                own_permission_names=_names(Permission.objects.filter(user=OuterRef("pk"))),
                group_permission_names=_names(
                    Permission.objects.filter(group__user=OuterRef("pk"))
                ),
            )
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        # ModelBackend's own caches (get_user_permissions, get_group_permissions and
        # get_all_permissions read them first). A superuser's are every permission: left to
        # ModelBackend, which answers has_perm for them without asking.
        if user.is_active and not user.is_superuser:
            own = set(filter(None, (user.own_permission_names or "").split(SEPARATOR)))
            group = set(filter(None, (user.group_permission_names or "").split(SEPARATOR)))
            user._user_perm_cache = own
            user._group_perm_cache = group
            user._perm_cache = own | group
        return user
