"""Who may change an activity: answered here once for views, selectors and templates."""

from customers.permissions import may_edit_customer

CHANGE_ACTIVITY = "activities.change_activity"


def may_edit_activity(user, activity):
    """Users with the change right edit their own activities, activities without a customer,
    and activities of customers they may edit (so Read-only and edit-own users cannot rewrite
    other people's activities on customers out of their reach)."""
    if not (user and user.is_authenticated and user.has_perm(CHANGE_ACTIVITY)):
        return False
    if activity.owner_id == user.pk or activity.customer_id is None:
        return True
    return may_edit_customer(user, activity.customer)


def mark_editable(user, activities):
    """Set ``can_change`` on each activity (their customers must be loaded) and return them."""
    activities = list(activities)
    for activity in activities:
        activity.can_change = may_edit_activity(user, activity)
    return activities
