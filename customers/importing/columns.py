"""The import/export columns, their English and Swedish headers, and header matching."""

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    english: str
    swedish: str
    label: object  # translated label shown in messages (lazy)


COLUMNS = [
    Column("number", "Customer number", "Kundnummer", _("Customer number")),
    Column("name", "Customer name", "Kundnamn", _("Customer name")),
    Column(
        "organisation_number",
        "Organisation number",
        "Organisationsnummer",
        _("Organisation number"),
    ),
    Column("vat_number", "VAT number", "Momsregistreringsnummer", _("VAT number")),
    Column("country", "Country", "Land", _("Country")),
    Column("website", "Website", "Webbplats", _("Website")),
    Column("email", "Email", "E-post", _("Email")),
    Column("industry", "Industry", "Bransch", _("Industry")),
    Column("owner", "Customer owner", "Kundansvarig", _("Customer owner")),
    Column("payment_term", "Payment term", "Betalningsvillkor", _("Payment term")),
    Column("invoice_template", "Invoice template", "Fakturamall", _("Invoice template")),
    Column("price_list", "Price list", "Prislista", _("Price list")),
    Column("currency", "Currency", "Valuta", _("Currency")),
    Column("einvoice_address", "E-invoice address", "E-fakturaadress", _("E-invoice address")),
    Column("einvoice_operator", "E-invoice operator", "E-fakturaoperatör", _("E-invoice operator")),
    Column("description", "Description", "Beskrivning", _("Description")),
    Column("line1", "Address line 1", "Adressrad 1", _("Address line 1")),
    Column("line2", "Address line 2", "Adressrad 2", _("Address line 2")),
    Column("postal_code", "Postal code", "Postnummer", _("Postal code")),
    Column("city", "City", "Ort", _("City")),
    Column("address_country", "Address country", "Adressland", _("Address country")),
    Column("address_types", "Address types", "Adresstyper", _("Address types")),
    Column("head_office", "Head office", "Huvudkontor", _("Head office")),
    Column("contact_first_name", "Contact first name", "Kontakt förnamn", _("Contact first name")),
    Column("contact_last_name", "Contact last name", "Kontakt efternamn", _("Contact last name")),
    Column("contact_title", "Contact title", "Kontakt titel", _("Contact title")),
    Column("contact_role", "Contact role", "Kontakt roll", _("Contact role")),
    Column("contact_email", "Contact email", "Kontakt e-post", _("Contact email")),
    Column("contact_phone", "Contact phone", "Kontakt telefon", _("Contact phone")),
    Column("contact_mobile", "Contact mobile", "Kontakt mobil", _("Contact mobile")),
    Column("groupings", "Groupings", "Kundgrupperingar", _("Groupings")),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
KEYS = [column.key for column in COLUMNS]
ENGLISH_HEADERS = [column.english for column in COLUMNS]


def normalise_header(text):
    """Headers match case-insensitively, ignoring surrounding and repeated spaces."""
    return " ".join(str(text or "").split()).casefold()


_KNOWN = {}
for _column in COLUMNS:
    _KNOWN[normalise_header(_column.english)] = _column
    _KNOWN[normalise_header(_column.swedish)] = _column
    # Excel users type "E-post"/"Epost", "Kontakt e-post"/"Kontakt epost": accept both.
    _KNOWN.setdefault(normalise_header(_column.english.replace("-", "")), _column)
    _KNOWN.setdefault(normalise_header(_column.swedish.replace("-", "")), _column)
_DISPLAY = {normalise_header(c.english): c.english for c in COLUMNS} | {
    normalise_header(c.swedish): c.swedish for c in COLUMNS
}


def match_header(text):
    """The column a header names, or None."""
    return _KNOWN.get(normalise_header(text))


def suggest_header(text):
    """The known header closest to an unknown one (as written in the template), or ''."""
    close = difflib.get_close_matches(normalise_header(text), list(_DISPLAY), n=1, cutoff=0.5)
    return _DISPLAY[close[0]] if close else ""
