"""Scale data for the benchmark: the projects part (see ``customers.scale_seed``)."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from customers.numbering import PROJECT_SERIES, take_numbers
from ops.scale_seed.customers import NOW, PROJECTS_PER_CUSTOMER, plan
from projects.models import Project, ProjectNote, SalesStatus

SALES_STATUSES = [
    ("Prospekt", SalesStatus.IN_PROGRESS, 10),
    ("Kvalificerad", SalesStatus.IN_PROGRESS, 25),
    ("Offert lämnad", SalesStatus.IN_PROGRESS, 50),
    ("Förhandling", SalesStatus.IN_PROGRESS, 75),
    ("Vunnen", SalesStatus.WON, 100),
    ("Förlorad", SalesStatus.LOST, 0),
]
PROJECT_NAMES = (
    "Ramavtal IT-drift",
    "Ny webbplats",
    "Förstudie affärssystem",
    "Byte av ekonomisystem",
    "Utbildning i säkerhet",
    "Konsultstöd {year}",
    "Årsavtal support {year}",
    "Ombyggnad kontor",
    "Molnflytt",
    "Energikartläggning",
    "Översyn av processer",
    "Integration mot bank",
    "Införande CRM",
    "Underhållsavtal {year}",
    "Pilotprojekt Åre",
    "Ledarskapsprogram",
)
NOTE_TEXTS = (
    "Kunden vill ha en uppdaterad offert före fredag.",
    "Mötet flyttat till nästa vecka, Åsa bokar ny tid.",
    "Avtalet är påskrivet och skickat till ekonomi.",
    "Leveransen försenad två veckor, kunden informerad.",
    "Önskar en demo för ledningsgruppen i höst.",
    "Beslut väntas efter styrelsemötet.",
    "Fakturaunderlaget godkänt av beställaren.",
)


@dataclass
class ProjectChunk:
    projects: list  # per customer: [project id]


def ensure_lookups():
    """Sales statuses to use: the active ones configured, or a Nordic default funnel."""
    statuses = list(SalesStatus.objects.filter(is_active=True).values_list("pk", "category"))
    if not statuses:
        has_default = SalesStatus.objects.filter(is_default=True).exists()
        for order, (name, category, probability) in enumerate(SALES_STATUSES):
            SalesStatus.objects.get_or_create(
                name=name,
                defaults={
                    "category": category,
                    "probability": probability,
                    "order": order,
                    "is_default": order == 0 and not has_default,
                },
            )
        statuses = list(SalesStatus.objects.filter(is_active=True).values_list("pk", "category"))
    return statuses


def seed_projects(writer, lookups, statuses, chunk, *, rng):
    """Write the chunk's projects (one per customer on average) and one note per project."""
    count = len(chunk.customer_ids)
    counts = plan("projects", count * PROJECTS_PER_CUSTOMER, count, 0)
    total = sum(counts)
    numbers = iter(
        take_numbers(
            PROJECT_SERIES,
            total,
            model=Project,
            start=settings.KUNDKORT_PROJECT_NUMBER_START,
            after_highest=True,
        )
    )
    today = NOW.date()
    rows, owner_of = [], []
    for i, n in enumerate(counts):
        contacts = chunk.contacts[i]
        for _k in range(n):
            created = min(NOW, chunk.created[i] + datetime.timedelta(days=rng.randrange(0, 300)))
            status, category = rng.choice(statuses)
            is_sales = rng.random() < 0.6
            closed = rng.random() < 0.3 or (is_sales and category == SalesStatus.LOST)
            start = created.date() + datetime.timedelta(days=rng.randrange(0, 60))
            owner = rng.choice(lookups.owners)
            rows.append(
                (
                    next(numbers),
                    rng.choice(PROJECT_NAMES).format(year=created.year),
                    chunk.customer_ids[i],
                    rng.choice(contacts)[0] if contacts and rng.random() < 0.8 else None,
                    owner,
                    Project.SALES if is_sales else Project.DELIVERY,
                    status if is_sales else None,
                    rng.randrange(20, 2000) * 1000,
                    lookups.currencies["SEK"],
                    start if is_sales else None,
                    None,
                    start if category == SalesStatus.WON else None,
                    start,
                    start + datetime.timedelta(days=rng.randrange(30, 365)),
                    closed,
                    min(today, start + datetime.timedelta(days=90)) if closed else None,
                    "",
                    created,
                    created,
                    1,
                )
            )
            owner_of.append(i)
    ids = writer.insert(
        Project,
        (
            "number",
            "name",
            "customer_id",
            "contact_id",
            "owner_id",
            "kind",
            "sales_status_id",
            "expected_value",
            "currency_id",
            "expected_order_date",
            "probability",
            "won_date",
            "start_date",
            "deadline",
            "is_closed",
            "closed_date",
            "description",
            "created_at",
            "updated_at",
            "version",
        ),
        rows,
    )
    projects = [[] for _ in range(count)]
    note_rows = []
    for owner_index, project_id, row in zip(owner_of, ids, rows, strict=True):
        projects[owner_index].append(project_id)
        note_rows.append(
            (
                project_id,
                row[4],
                rng.choice(NOTE_TEXTS),
                row[17] + datetime.timedelta(days=rng.randrange(1, 60)),
            )
        )
    writer.insert(ProjectNote, ("project_id", "author_id", "text", "created_at"), note_rows)
    return ProjectChunk(projects=projects)
