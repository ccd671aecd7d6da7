"""Indexes for 1,000,000 activities on PostgreSQL (docs/performance.md, "Indexes").

The activity list's orders, each within its filter: open activities by start (upcoming
ascending, overdue descending), done ones by when they were done, all of them by start; and
the card's list of a customer's done activities. With these a page is a short index range
scan instead of sorting every matching row. PostgreSQL
only (see core.migration_operations); SQLite skips them.
"""

from django.db import migrations, models
from django.db.models import F, Q

from core.migration_operations import PostgresOnly


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_default_activity_types")]

    operations = [
        PostgresOnly(
            migrations.AddIndex(
                "activity",
                models.Index(
                    fields=["starts_at", "id"],
                    condition=Q(is_done=False),
                    name="activity_open_starts_idx",
                ),
            )
        ),
        PostgresOnly(
            migrations.AddIndex(
                "activity",
                models.Index(
                    F("done_at").desc(nulls_last=True),
                    F("id").desc(),
                    condition=Q(is_done=True),
                    name="activity_done_idx",
                ),
            )
        ),
        PostgresOnly(
            migrations.AddIndex(
                "activity", models.Index(fields=["starts_at", "id"], name="activity_starts_idx")
            )
        ),
        # The card's Activities section: a customer's most recently done. Without it the
        # planner may walk activity_done_idx across every customer to find five of one.
        PostgresOnly(
            migrations.AddIndex(
                "activity",
                models.Index(
                    "customer",
                    F("done_at").desc(nulls_last=True),
                    F("starts_at").desc(),
                    F("id").desc(),
                    condition=Q(is_done=True),
                    name="activity_customer_done_idx",
                ),
            )
        ),
    ]
