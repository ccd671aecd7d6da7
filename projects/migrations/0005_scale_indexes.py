"""Indexes for 100,000 projects on PostgreSQL (docs/performance.md, "Indexes").

The project list's order (newest first) within the ongoing/closed filter and without it, and a
trigram index for the list's search in project names (customer names have theirs in
customers 0004). PostgreSQL only (see core.migration_operations); SQLite skips them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Upper

from core.migration_operations import PostgresOnly


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_default_sales_statuses"),
        ("customers", "0004_scale_indexes"),  # pg_trgm is created there
    ]

    operations = [
        PostgresOnly(
            migrations.AddIndex(
                "project",
                models.Index(
                    "is_closed",
                    F("created_at").desc(),
                    F("id").desc(),
                    name="project_state_created_idx",
                ),
            )
        ),
        PostgresOnly(
            migrations.AddIndex(
                "project",
                models.Index(F("created_at").desc(), F("id").desc(), name="project_created_idx"),
            )
        ),
        PostgresOnly(
            migrations.AddIndex(
                "project",
                GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="project_name_trgm"),
            )
        ),
    ]
