"""Optimistic locking: an edit form carries the version it was opened with.

A service that saves an edit locks the row, compares versions and refuses to overwrite a newer
one with ``StaleObjectError``, which lists what changed in the meantime. Works the same on
PostgreSQL and SQLite (``select_for_update`` is a no-op on SQLite, whose writes are serialised).
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class StaleObjectError(ValidationError):
    """Someone saved the object after the user opened the form.

    Its messages, in order: what happened, one line per field changed in the meantime (value
    then → value now), and a link that reloads the form (a GET of the page the form was posted
    to) with the current values. ``form.add_error(None, error)`` shows them all.
    """

    def __init__(self, instance, changes):
        self.instance = instance
        self.changes = changes  # [(field verbose name, value then, value now)]
        lines = [
            ValidationError(
                _(
                    "%(object)s was changed by someone else after you opened the form. "
                    "Reload to see the changes, then make yours again."
                )
                % {"object": instance},
                code="stale",
            )
        ]
        for field, then, now in changes:
            lines.append(
                ValidationError(
                    _("Changed in the meantime: %(field)s: %(then)s → %(now)s")
                    % {"field": capfirst(field), "then": then or "–", "now": now or "–"},
                    code="stale_change",
                )
            )
        lines.append(
            ValidationError(
                # href="" is the page itself: following it is a GET that opens the form anew.
                format_html(
                    '<a href="" class="alert-link" data-testid="stale-reload">{}</a>',
                    _("Reload the form with the current values"),
                ),
                code="stale_reload",
            )
        )
        super().__init__(lines)
        self.code = "stale"


def lock_for_update(model, *, pk, expected_version):
    """Lock the row and return it; raise ``StaleObjectError`` when its version moved on.

    ``expected_version`` None skips the check (writes that are not edits of an open form).
    """
    instance = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and int(expected_version) != instance.version:
        raise StaleObjectError(instance, changes_since(instance, int(expected_version)))
    return instance


def _acting_user():
    """The user of the request being served (django-simple-history's middleware keeps it)."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    return getattr(request, "user", None)


def changes_since(instance, version, *, user=None):
    """The fields changed since ``version``, from django-simple-history when it is kept.

    Financial fields (those the History tab shows only at the All level) are left out unless
    ``user`` (by default the user of the current request) may see financial figures: the
    message must not tell an Edit user what the History tab hides from them.
    """
    history = getattr(instance, "history", None)
    if history is None:
        return []
    then = history.filter(version=version).order_by("-history_date").first()
    now = history.order_by("-history_date").first()
    if then is None or now is None or then.pk == now.pk:
        return []
    from ..permissions import may_see_financials
    from ..selectors.history import describe_changes, financial_field_names

    changes = describe_changes(type(instance), now, then)
    if may_see_financials(user or _acting_user()):
        return changes
    hidden = financial_field_names(type(instance))
    return [change for change in changes if change[0] not in hidden]


def bump(instance, *, user=None):
    """Mark the instance as one version newer, changed by ``user`` (call before save)."""
    instance.version = (instance.version or 0) + 1
    if user is not None and hasattr(instance, "updated_by_id"):
        instance.updated_by = user


def save_new_version(instance, *, user):
    """Save an edit as one version newer: stamped with ``user`` (also on its history row),
    validated with ``full_clean()`` first."""
    bump(instance, user=user)
    instance._history_user = user
    instance.full_clean()
    instance.save()
    return instance


def stamp(instance, *, user_id, now):
    """``bump`` for rows a bulk path saves with ``bulk_update`` (which runs no ``auto_now``):
    one version newer, changed by ``user_id`` at ``now``."""
    instance.version = (instance.version or 0) + 1
    instance.updated_by_id = user_id
    instance.updated_at = now


def bump_rows(queryset, *, user=None, user_id=None, now=None):
    """Make every row of ``queryset`` one version newer in one ``UPDATE`` (bulk changes of
    related rows, such as grouping options, that a form opened before must not overwrite)."""
    if user is not None:
        user_id = user.pk
    return queryset.update(
        version=F("version") + 1, updated_by_id=user_id, updated_at=now or timezone.now()
    )
