"""The Swedish translation is complete, and the compiled catalogue matches it."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{?\s*\w+\s*\}?\}")


def test_every_string_has_a_swedish_translation():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(PO))
    wrong = []
    for entry in po.translated_entries():
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in texts:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text)) and (
                not entry.msgid_plural
            ):
                wrong.append(entry.msgid)
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    po = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(PO)) if e.translated()}
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MO))}
    assert set(po) == set(mo), "run `make messages` to compile locale/sv"
    assert all(po[key].msgstr == mo[key].msgstr for key in po if not po[key].msgid_plural)


@pytest.mark.django_db
def test_pages_are_swedish_by_default(client, editor):
    client.force_login(editor)
    response = client.get("/customers/")
    assert response.headers["Content-Language"] == "sv"
    with translation.override("sv"):
        assert translation.gettext("Customers") in response.content.decode()
        assert translation.gettext("Customers") != "Customers"


@pytest.mark.django_db
def test_login_throttling_admin_is_swedish(client, superuser):
    """django-axes ships no Swedish: core/third_party_messages.py carries its strings."""
    from core.third_party_messages import AXES_MESSAGES

    po = {e.msgid for e in polib.pofile(str(PO)) if e.translated()}
    assert set(AXES_MESSAGES) <= po

    client.force_login(superuser)
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "Inloggningsförsök" in page
    assert "Access Attempt" not in page
    index = client.get("/admin/").content.decode()
    assert "Inloggningsloggar" in index
    assert "Inloggningsskydd" in index  # the app's name (core/login_throttling.py)
    assert "Access logs" not in index
    # The register's own app config still runs next to it (it names the admin site).
    assert "Kundkort" in index and "Kunder" in index
