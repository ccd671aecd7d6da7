"""Who may change an activity: answered here once for views, selectors, forms and templates.

The rule: anyone with the change right changes the activities they own. Beyond their own,
users at the Edit level change activities without a customer and activities of customers they
may edit; Read-only users change nothing else (they may create activities, and keep them up to
date, but not rewrite, complete or give away other people's).
"""

from customers.permissions import may_edit_customer, may_edit_customers

CHANGE_ACTIVITY = "activities.change_activity"


def may_edit_activity(user, activity):
    """True when ``user`` may edit, complete or reassign ``activity`` (see the module)."""
    if not (user and user.is_authenticated and user.has_perm(CHANGE_ACTIVITY)):
        return False
    if activity.owner_id == user.pk:
        return True
    if not may_edit_customers(user):
        return False
    if activity.customer_id is None:
        return True
    return may_edit_customer(user, activity.customer)


def owns_what_they_change(user):
    """True when the user's right to change activities rests on owning them (Read-only):
    the activities they create or edit stay theirs, or they would lose them on save."""
    return bool(user and user.is_authenticated and not may_edit_customers(user))


def mark_editable(user, activities):
    """Set ``can_change`` on each activity (their customers must be loaded) and return them."""
    activities = list(activities)
    for activity in activities:
        activity.can_change = may_edit_activity(user, activity)
    return activities
