"""Demo activities for ``manage.py seed_demo`` (called through customers' demo-module hook).

Idempotent: an activity is looked up by customer and subject. Each demo customer gets
activities past (done and overdue) and future, with and without one of its projects.
"""

import datetime

from django.utils import timezone

from customers.models import Customer
from projects.models import Project

from . import services
from .models import ActivityType

# (subject, type category, days from now, hour, done, on a project)
PLANS = [
    ("Uppstartsmöte", ActivityType.MEETING, -30, 10, True, True),
    ("Ring om förlängning av avtalet", ActivityType.CALL, -3, 14, False, False),
    ("Skicka offert", ActivityType.TASK, -1, 9, False, True),
    ("Uppföljningssamtal", ActivityType.CALL, 2, 11, False, False),
    ("Workshop om behov", ActivityType.MEETING, 7, 13, False, True),
    ("Frukostseminarium", ActivityType.SALES_EVENT, 14, 8, False, False),
    ("Mejla mötesanteckningar", ActivityType.EMAIL, -10, 16, True, True),
]
CUSTOMERS_WITH_ACTIVITIES = 15


def seed_demo(*, users, stdout=None):
    """Give the first customers activities past and future; returns the number added."""
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    owners = [u for key, u in users.items() if key in {"editor", "allan", "reader"}]
    owners = owners or list(users.values())
    types = {}
    for activity_type in ActivityType.objects.filter(is_active=True).order_by("order"):
        types.setdefault(activity_type.category, activity_type)
    fallback = next(iter(types.values()), None)
    if fallback is None:
        return 0
    customers = list(
        Customer.objects.filter(is_active=True)
        .prefetch_related("contacts", "activities")
        .order_by("number")[:CUSTOMERS_WITH_ACTIVITIES]
    )
    projects = {}
    for project in Project.objects.filter(customer__in=customers, is_closed=False).order_by(
        "number"
    ):
        projects.setdefault(project.customer_id, project)
    added = 0
    for c_index, customer in enumerate(customers):
        existing = {a.subject for a in customer.activities.all()}
        contacts = list(customer.contacts.all())
        for a_index, (subject, category, days, hour, done, on_project) in enumerate(PLANS):
            if subject in existing or (c_index + a_index) % 3 == 2:
                continue
            owner = owners[(c_index + a_index) % len(owners)]
            starts = now.replace(hour=hour) + datetime.timedelta(days=days)
            activity = services.activity_create(
                user=owner,
                subject=subject,
                type=types.get(category, fallback),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
                customer=customer,
                project=projects.get(customer.pk) if on_project else None,
                location="Teams" if category == ActivityType.MEETING else "",
                participant_users=[owner],
                participant_contacts=contacts[:1],
            )
            if done:
                services.activity_mark_done(activity=activity, user=owner)
            added += 1
    if stdout is not None:
        stdout.write(f"Demo activities: {added} added.")
    return added
