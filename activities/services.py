"""Writes on activities: the customer follows the project, participants stay within it.

Rules (docs/architecture.md, "Domain and invariants"):
- when an activity has a project, its customer is the project's; naming another customer is
  refused;
- participating contacts must be contacts of the activity's customer (none without one);
- an activity cannot end before it starts (also a database constraint).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.services import versioning

from .models import Activity, ActivityType

UPDATABLE_FIELDS = [
    "subject",
    "type",
    "owner",
    "starts_at",
    "ends_at",
    "is_all_day",
    "location",
    "notes",
    "customer",
    "project",
]


def default_activity_type():
    types = ActivityType.objects.filter(is_active=True)
    return types.filter(is_default=True).first() or types.first()


def _resolve_customer(activity):
    """Take the project's customer; refuse one that differs."""
    if activity.project_id is None:
        return
    project_customer_id = activity.project.customer_id
    if activity.customer_id and activity.customer_id != project_customer_id:
        raise ValidationError(
            {"project": _("The project belongs to another customer than the activity.")},
            code="foreign_project",
        )
    activity.customer_id = project_customer_id


def _check_contacts(activity, contacts):
    foreign = [c for c in contacts if c.customer_id != activity.customer_id]
    if foreign:
        raise ValidationError(
            {
                "participant_contacts": _("%(names)s is not a contact of the activity's customer.")
                % {"names": ", ".join(str(c) for c in foreign)}
            },
            code="foreign_contact",
        )


def _check_type(activity, previous_type_id=None):
    if activity.type_id and not activity.type.is_active and activity.type_id != previous_type_id:
        raise ValidationError(
            {"type": _("The activity type %(type)s is not in use.") % {"type": activity.type}},
            code="inactive_type",
        )


@transaction.atomic
def activity_create(
    *,
    user,
    subject,
    starts_at,
    type=None,  # the model field's name, shadowing the builtin on purpose
    ends_at=None,
    is_all_day=False,
    location="",
    notes="",
    customer=None,
    project=None,
    owner=None,
    participant_users=(),
    participant_contacts=(),
):
    """Plan an activity; with a project, the customer is the project's."""
    activity = Activity(
        subject=subject,
        type=type or default_activity_type(),
        starts_at=starts_at,
        ends_at=ends_at,
        is_all_day=is_all_day,
        location=location or "",
        notes=notes or "",
        customer=customer,
        project=project,
        owner=owner if owner is not None else user,
        created_by=user,
        updated_by=user,
    )
    _resolve_customer(activity)
    _check_type(activity)
    contacts = list(participant_contacts)
    _check_contacts(activity, contacts)
    activity.full_clean()
    activity.save()
    if participant_users:
        activity.participant_users.set(participant_users)
    if contacts:
        activity.participant_contacts.set(contacts)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity,
    user,
    expected_version,
    participant_users=None,
    participant_contacts=None,
    **fields,
):
    """Change an activity; refuses to overwrite a newer version (StaleObjectError).

    ``participant_users`` / ``participant_contacts`` None leave them as they are.
    """
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"activity_update cannot change {', '.join(sorted(unknown))}")
    locked = versioning.lock_for_update(Activity, pk=activity.pk, expected_version=expected_version)
    previous_type_id = locked.type_id
    for name, value in fields.items():
        setattr(locked, name, value)
    if "project" in fields and fields["project"] is not None and "customer" not in fields:
        # Moving to another project takes its customer.
        locked.customer_id = None
    _resolve_customer(locked)
    _check_type(locked, previous_type_id)
    contacts = (
        list(participant_contacts)
        if participant_contacts is not None
        else list(locked.participant_contacts.all())
    )
    _check_contacts(locked, contacts)
    versioning.save_new_version(locked, user=user)
    if participant_users is not None:
        locked.participant_users.set(participant_users)
    if participant_contacts is not None:
        locked.participant_contacts.set(contacts)
    return locked


@transaction.atomic
def activity_mark_done(*, activity, user, done=True):
    """Mark an activity done now (or not done again)."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.is_done == done:
        return locked
    locked.is_done = done
    locked.done_at = timezone.now() if done else None
    versioning.bump(locked, user=user)
    locked.save()
    return locked
