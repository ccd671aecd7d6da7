"""The records of processing cannot drift from the models: every text-like field is
classified, and docs/records-of-processing.md is what the code generates."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from privacy.inventory import NOT_PERSONAL, OWN_APPS, RECORDS
from privacy.records import DOC_PATH, render_markdown

TEXT_LIKE = (models.CharField, models.TextField, models.JSONField, models.BinaryField)

REGENERATE = (
    '.venv/bin/python -c \'import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", '
    '"settings.test"); django.setup(); from privacy.records import render_markdown; '
    f'open("{DOC_PATH}", "w").write(render_markdown())\''
)


def unclassified():
    declared = {(r.model_label, name) for r in RECORDS for name in r.fields}
    declared |= {(label, name) for label, names in NOT_PERSONAL.items() for name in names}
    missing = []
    for label in OWN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # a copy of its model's fields, covered by the model's record
            for field in model._meta.concrete_fields:
                if isinstance(field, TEXT_LIKE) and (model._meta.label, field.name) not in declared:
                    missing.append(f"{model._meta.label}.{field.name}")
    return missing


def test_every_text_field_of_every_model_is_classified():
    assert unclassified() == [], "add them to RECORDS or NOT_PERSONAL in privacy/inventory.py"


def test_a_new_field_would_be_caught(monkeypatch):
    monkeypatch.setitem(NOT_PERSONAL, "customers.Address", ())
    assert "customers.Address.country" in unclassified()


def test_every_declared_field_exists():
    for record in RECORDS:
        for name in (*record.fields, *record.free_text):
            record.model._meta.get_field(name)  # raises FieldDoesNotExist


def test_the_document_is_what_the_models_say(settings):
    # Other retention periods must not change the document: it names the settings only.
    settings.KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS = 1
    settings.KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS = 2
    committed = (Path(settings.BASE_DIR) / DOC_PATH).read_text(encoding="utf-8")
    assert committed == render_markdown(), f"regenerate it: {REGENERATE}"


def test_the_document_names_every_table_with_history():
    text = render_markdown()
    assert "`customers_historicalcontact`" in text
    assert "`activities_historicalactivity`" in text
    assert "KUNDKORT_RETENTION_INACTIVE_CONTACT_DAYS" in text


@pytest.mark.django_db
def test_the_page_lists_the_records_in_the_readers_language(client, privacy_admin):
    client.force_login(privacy_admin)
    response = client.get(reverse("privacy:records"), HTTP_ACCEPT_LANGUAGE="sv")
    page = response.content.decode()
    assert response.status_code == 200
    assert "customers_historicalcontact" in page and "Rättslig grund" in page
    assert str(settings.KUNDKORT_RETENTION_IMPORT_UPLOAD_DAYS) in page
