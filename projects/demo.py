"""Demo projects for ``manage.py seed_demo`` (called through customers' demo-module hook).

Idempotent: a project is looked up by customer and name; only missing ones are created, through
the services, so the demo rows obey the same rules as the pages. Every state appears: open sales
projects at each in-progress status, won (still a sales project), won and turned into a
delivery project, lost (closed), and a closed delivery project.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from customers.models import Customer

from . import services
from .models import Project, SalesStatus

# (name, kind, state, value, days to expected order) - state: an in-progress status order index,
# "won", "delivery", "lost" or "closed"
PLANS = [
    ("Förstudie affärssystem", Project.SALES, 0, 180000, 45),
    ("Ramavtal IT-drift", Project.SALES, 1, 640000, 20),
    ("Ny webbplats", Project.SALES, 2, 250000, 10),
    ("Molnflytt", Project.SALES, "won", 420000, -5),
    ("Supportavtal", Project.SALES, "delivery", 96000, -40),
    ("Utbildning i säkerhet", Project.SALES, "lost", 75000, -15),
    ("Energikartläggning", Project.DELIVERY, "closed", 130000, -120),
]
NOTES = [
    "Kunden vill ha en offert före månadsskiftet.",
    "Bra möte med beslutsfattaren, de jämför med två andra leverantörer.",
    "Skickat underlag till projektledaren.",
]
CUSTOMERS_WITH_PROJECTS = 12


def seed_demo(*, users, stdout=None):
    """Give the first customers projects in every state and a few notes; returns rows added."""
    today = timezone.localdate()
    editor = users.get("editor") or next(iter(users.values()))
    owners = [u for key, u in users.items() if key in {"editor", "allan", "ownonly"}] or [editor]
    in_progress = list(
        SalesStatus.objects.filter(is_active=True, category=SalesStatus.IN_PROGRESS).order_by(
            "order", "name"
        )
    )
    won = SalesStatus.objects.filter(category=SalesStatus.WON, is_active=True).first()
    lost = SalesStatus.objects.filter(category=SalesStatus.LOST, is_active=True).first()
    if not in_progress or won is None or lost is None:
        return 0
    customers = list(
        Customer.objects.filter(is_active=True)
        .prefetch_related("contacts")
        .order_by("number")[:CUSTOMERS_WITH_PROJECTS]
    )
    added = 0
    for c_index, customer in enumerate(customers):
        existing = set(Project.objects.filter(customer=customer).values_list("name", flat=True))
        contacts = list(customer.contacts.all())
        # Each customer gets a rotating slice of the plans, so every state shows up often.
        plans = [PLANS[(c_index + i) % len(PLANS)] for i in range(4)]
        for p_index, (name, kind, state, value, days) in enumerate(plans):
            if name in existing:
                continue
            owner = owners[(c_index + p_index) % len(owners)]
            status = in_progress[state % len(in_progress)] if isinstance(state, int) else None
            project = services.project_create(
                user=editor,
                customer=customer,
                name=name,
                kind=kind,
                owner=owner,
                contact=contacts[p_index % len(contacts)] if contacts else None,
                sales_status=status,
                expected_value=Decimal(value),
                expected_order_date=today + datetime.timedelta(days=days),
                start_date=today + datetime.timedelta(days=days + 14)
                if kind == Project.DELIVERY
                else None,
                deadline=today + datetime.timedelta(days=days + 120),
                description="Demoprojekt.",
            )
            if state in {"won", "delivery"}:
                project = services.project_set_status(project=project, user=owner, status=won)
            if state == "delivery":
                project = services.project_convert_to_delivery(project=project, user=owner)
            if state == "lost":
                project = services.project_set_status(project=project, user=owner, status=lost)
            if state == "closed":
                project = services.project_close(project=project, user=owner)
            for n_index, text in enumerate(NOTES[: 1 + (c_index + p_index) % len(NOTES)]):
                services.project_note_create(
                    project=project, user=owners[n_index % len(owners)], text=text
                )
            added += 1
    if stdout is not None:
        stdout.write(f"Demo projects: {added} added, with notes.")
    return added
