"""Scale data for the benchmark: the activities part (see ``ops.scale_seed.customers``)."""

import datetime

from activities.models import Activity, ActivityType
from ops.scale_seed.customers import ACTIVITIES_PER_CUSTOMER, NOW, plan

ACTIVITY_TYPES = [
    ("Möte", ActivityType.MEETING, "people"),
    ("Samtal", ActivityType.CALL, "telephone"),
    ("Uppgift", ActivityType.TASK, "check2-square"),
    ("E-post", ActivityType.EMAIL, "envelope"),
    ("Kundevent", ActivityType.SALES_EVENT, "calendar-event"),
]
SUBJECTS = (
    "Uppföljningsmöte",
    "Samtal om förnyelse av avtal",
    "Skicka offert",
    "Lunch med {name}",
    "Demo av tjänsten för {name}",
    "Kvartalsgenomgång",
    "Ring {name} om leveransen",
    "Förbered workshop",
    "Skicka julkort",
    "Besök på kontoret i {city}",
    "Avstämning av fakturor",
    "Frukostseminarium",
)


def ensure_lookups():
    """Activity types to use: the active ones configured, or a default set."""
    types = list(ActivityType.objects.filter(is_active=True).values_list("pk", flat=True))
    if not types:
        has_default = ActivityType.objects.filter(is_default=True).exists()
        for order, (name, category, icon) in enumerate(ACTIVITY_TYPES):
            ActivityType.objects.get_or_create(
                name=name,
                defaults={
                    "category": category,
                    "icon": icon,
                    "order": order,
                    "is_default": order == 0 and not has_default,
                },
            )
        types = list(ActivityType.objects.filter(is_active=True).values_list("pk", flat=True))
    return types


def seed_activities(writer, lookups, types, chunk, projects, *, rng):
    """Write the chunk's activities (ten per customer on average), some with a participant."""
    count = len(chunk.customer_ids)
    counts = plan("activities", count * ACTIVITIES_PER_CUSTOMER, count, 0)
    rows, participants = [], []
    for i, n in enumerate(counts):
        own_projects = projects.projects[i]
        contacts = chunk.contacts[i]
        city = chunk.cities[i] or "Stockholm"
        for _k in range(n):
            # Three years back to six months ahead: most are done, the future ones are planned.
            starts = NOW + datetime.timedelta(
                days=rng.randrange(-1095, 180), minutes=15 * rng.randrange(32, 68)
            )
            all_day = rng.random() < 0.1
            done = starts < NOW and rng.random() < 0.85
            contact = rng.choice(contacts) if contacts else None
            subject = rng.choice(SUBJECTS).format(
                name=contact[1] if contact else "kunden", city=city
            )
            created = min(NOW, starts - datetime.timedelta(days=rng.randrange(0, 30)))
            rows.append(
                (
                    subject,
                    rng.choice(types),
                    rng.choice(lookups.owners),
                    starts,
                    None
                    if all_day
                    else starts + datetime.timedelta(minutes=30 * rng.randrange(1, 5)),
                    all_day,
                    city if rng.random() < 0.4 else "",
                    "",
                    done,
                    starts if done else None,
                    chunk.customer_ids[i],
                    rng.choice(own_projects) if own_projects and rng.random() < 0.3 else None,
                    created,
                    created,
                )
            )
            participants.append(contact[0] if contact and rng.random() < 0.2 else None)
    ids = writer.insert(
        Activity,
        (
            "subject",
            "type_id",
            "owner_id",
            "starts_at",
            "ends_at",
            "is_all_day",
            "location",
            "notes",
            "is_done",
            "done_at",
            "customer_id",
            "project_id",
            "created_at",
            "updated_at",
        ),
        rows,
    )
    through = Activity.participant_contacts.through
    writer.insert(
        through,
        ("activity_id", "contact_id"),
        [(a, c) for a, c in zip(ids, participants, strict=True) if c is not None],
    )
    return len(ids)
