"""The records of processing drawn from ``inventory.RECORDS`` and the models' metadata: for
the page (in the reader's language) and for docs/records-of-processing.md (in English)."""

from django.conf import settings
from django.utils import translation

from .inventory import RECORDS

DOC_PATH = "docs/records-of-processing.md"


def _field_label(model, name):
    field = model._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def records():
    """One dict per record: the model's name and tables, the fields with their labels, and
    what the record says about whose data, why, on what basis and for how long."""
    rows = []
    for record in RECORDS:
        model = record.model
        history = record.history_model
        rows.append(
            {
                "model": str(model._meta.verbose_name_plural),
                "label": record.model_label,
                "table": model._meta.db_table,
                "history_table": history._meta.db_table if history is not None else "",
                "fields": [(name, _field_label(model, name)) for name in record.fields],
                "free_text": [(name, _field_label(model, name)) for name in record.free_text],
                "subjects": str(record.subjects),
                "purpose": str(record.purpose),
                "legal_basis": str(record.legal_basis),
                "retention": str(record.retention),
            }
        )
    return rows


def retention_settings():
    return [
        (name, getattr(settings, name))
        for name in (
            "KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS",
            "KUNDKORT_RETENTION_ACTIVITY_TEXT_DAYS",
            "KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS",
            "KUNDKORT_IMPORT_KEEP_DAYS",
        )
    ]


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown():
    """docs/records-of-processing.md: names the settings, never their values, so the file is
    the same whatever the environment says."""
    with translation.override("en"):
        rows = records()
    lines = [
        "# Records of processing",
        "",
        "What personal data Kundkort stores, where, why and for how long (GDPR article 30).",
        "Generated from the models and `privacy/inventory.py`; do not edit by hand:",
        "`tests/privacy/test_records.py` fails when this file differs from what the code says,",
        "and shows how to write it anew. The retention periods are settings (days, 0 keeps",
        "for ever); the Personal data → Records page shows their values on the running system.",
        "How to answer requests: [privacy.md](privacy.md).",
        "",
    ]
    for row in rows:
        tables = f"`{row['table']}`"
        if row["history_table"]:
            tables += f", earlier versions in `{row['history_table']}`"
        fields = ", ".join(f"{label} (`{name}`)" for name, label in row["fields"])
        lines += [
            f"## {row['model'].capitalize()} (`{row['label']}`)",
            "",
            "| | |",
            "|---|---|",
            f"| Tables | {tables} |",
            f"| Personal data | {_cell(fields)} |",
        ]
        if row["free_text"]:
            free = ", ".join(f"{label} (`{name}`)" for name, label in row["free_text"])
            lines.append(f"| Free text searched for mentions | {_cell(free)} |")
        lines += [
            f"| Whose | {_cell(row['subjects'])} |",
            f"| Why | {_cell(row['purpose'])} |",
            f"| Legal basis | {_cell(row['legal_basis'])} |",
            f"| How long | {_cell(row['retention'])} |",
            "",
        ]
    return "\n".join(lines)
