"""Scale data for the benchmark: customers, addresses, contacts and groupings, loaded fast.

``ops/management/commands/seed_scale.py`` orchestrates; this module holds the customer
part and the shared ``RowWriter`` (``projects.scale_seed`` and ``activities.scale_seed`` add
theirs), so ``customers`` never imports the apps that depend on it.

Rows go in with PostgreSQL's COPY (psycopg 3 ``cursor.copy()``) and ids reserved from the
table's own sequence; on other databases (SQLite in tests) through ``bulk_create``. History
records are not written with the rows: ``ops.scale_seed.history`` gives every seeded customer
a past of its own afterwards (dated changes, not only "created now").
"""

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from customers import bulk, roles
from customers.models import (
    Address,
    Contact,
    ContactRole,
    Currency,
    Customer,
    CustomerGroupingOption,
    GroupingCategory,
    GroupingOption,
    Industry,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)
from customers.numbering import CUSTOMER_SERIES, take_numbers

MARKER_KEY = "seed_scale"  # NumberSequence row: next_value = scale customers seeded so far
CHUNK_SIZE = 1000  # customers per transaction; each chunk has one "heavy" customer

# Per customer on average; each chunk's totals are exact (addresses: floor(1.5 * n)).
CONTACTS_PER_CUSTOMER = 3
ADDRESSES_PER_CUSTOMER_X2 = 3
ACTIVITIES_PER_CUSTOMER = 10
PROJECTS_PER_CUSTOMER = 1
# The first customer of each chunk is a big account: this share of the chunk's rows is its.
HEAVY_SHARE = {"addresses": 0.013, "contacts": 0.05, "activities": 0.1, "projects": 0.05}

NOW = timezone.now().replace(microsecond=0)

FIRST_NAMES = [
    "Åsa",
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Kristina",
    "Lena",
    "Sara",
    "Emma",
    "Linnéa",
    "Märta",
    "Ingrid",
    "Sofia",
    "Maja",
    "Elin",
    "Jenny",
    "Hanna",
    "Ulrika",
    "Britt",
    "Agneta",
    "Tove",
    "Sanna",
    "Signe",
    "Göta",
    "Lovisa",
    "Ebba",
    "Frida",
    "Klara",
    "Ylva",
    "Malin",
    "Lars",
    "Anders",
    "Johan",
    "Per",
    "Karl",
    "Erik",
    "Mikael",
    "Jan",
    "Hans",
    "Peter",
    "Björn",
    "Örjan",
    "Åke",
    "Göran",
    "Jörgen",
    "Ulf",
    "Mattias",
    "Håkan",
    "Stefan",
    "Nils",
    "Olof",
    "Gustav",
    "Jonas",
    "Oskar",
    "Måns",
    "Sven",
    "Tor",
    "Leif",
    "Rasmus",
    "Mikko",
    "Juha",
    "Päivi",
    "Sami",
    "Jukka",
    "Aino",
    "Veikko",
    "Søren",
    "Jørgen",
    "Mette",
    "Ole",
    "Kjersti",
    "Øystein",
    "Ingvild",
    "Sigrún",
    "Þóra",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Axelsson",
    "Berg",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Danielsson",
    "Håkansson",
    "Eklund",
    "Lundin",
    "Gunnarsson",
    "Björk",
    "Bergman",
    "Holm",
    "Samuelsson",
    "Fransson",
    "Wikström",
    "Isaksson",
    "Bergqvist",
    "Arvidsson",
    "Nyström",
    "Holmberg",
    "Löfgren",
    "Söderberg",
    "Nyberg",
    "Blomqvist",
    "Claesson",
    "Nordström",
    "Mårtensson",
    "Lundström",
    "Ålund",
    "Åberg",
    "Öberg",
    "Ängström",
    "Sjögren",
    "Ström",
    "Nordin",
    "Virtanen",
    "Korhonen",
    "Mäkinen",
    "Nieminen",
    "Hämäläinen",
    "Laine",
    "Järvinen",
    "Heikkinen",
    "Koskinen",
    "Lehtonen",
    "Hansen",
    "Johansen",
    "Olsen",
    "Jørgensen",
    "Sørensen",
    "Kristiansen",
    "Pedersen",
    "Nielsen",
    "Rasmussen",
    "Møller",
]
NAME_WORDS = [
    "Nord",
    "Syd",
    "Öst",
    "Väst",
    "Fjäll",
    "Skog",
    "Sjö",
    "Berg",
    "Älv",
    "Ström",
    "Ängs",
    "Ljung",
    "Björk",
    "Ek",
    "Gran",
    "Tall",
    "Lönn",
    "Hav",
    "Vik",
    "Udd",
    "Holm",
    "Dal",
    "Kust",
    "Fyr",
    "Sol",
    "Måne",
    "Stjärn",
    "Snö",
    "Is",
    "Eld",
    "Järn",
    "Stål",
    "Koppar",
    "Silver",
    "Guld",
    "Sten",
    "Klipp",
    "Back",
    "Kvarn",
    "Bro",
    "Hamn",
    "Torg",
    "Stad",
    "Gård",
    "Lund",
    "Hed",
    "Myr",
    "Fors",
    "Å",
    "Rön",
    "Al",
    "Lind",
    "Hägg",
    "Rönn",
    "Åker",
    "Blåbärs",
    "Lingon",
    "Hjortron",
    "Fågel",
    "Örn",
    "Varg",
    "Björn",
    "Lo",
    "Räv",
    "Ugg",
    "Svan",
    "Trana",
    "Lax",
    "Gädd",
]
NAME_TAILS = [
    "bygg",
    "konsult",
    "data",
    "teknik",
    "el",
    "rör",
    "måleri",
    "transport",
    "logistik",
    "frakt",
    "fastigheter",
    "förvaltning",
    "design",
    "media",
    "reklam",
    "kommunikation",
    "revision",
    "redovisning",
    "juridik",
    "advokat",
    "arkitekter",
    "ingenjörer",
    "verkstad",
    "mekaniska",
    "plåt",
    "snickeri",
    "trä",
    "möbler",
    "inredning",
    "bageri",
    "kök",
    "café",
    "hotell",
    "resor",
    "städ",
    "service",
    "säkerhet",
    "vård",
    "omsorg",
    "tandvård",
    "apotek",
    "optik",
    "sport",
    "fritid",
    "energi",
    "sol",
    "vind",
    "vatten",
    "miljö",
    "återvinning",
    "maskin",
    "automation",
    "elektronik",
    "mjukvara",
    "system",
    "nät",
    "analys",
]
LEGAL_FORMS = {"SE": ["AB", "AB", "AB", "HB", "KB"], "FI": ["Oy", "Oy Ab"], "NO": ["AS", "ASA"]}
LEGAL_FORMS["DK"] = ["ApS", "A/S"]
CITIES = {
    "SE": [
        ("Stockholm", "111"),
        ("Göteborg", "411"),
        ("Malmö", "211"),
        ("Uppsala", "753"),
        ("Västerås", "722"),
        ("Örebro", "702"),
        ("Linköping", "582"),
        ("Helsingborg", "252"),
        ("Jönköping", "553"),
        ("Norrköping", "602"),
        ("Lund", "222"),
        ("Umeå", "903"),
        ("Gävle", "802"),
        ("Borås", "503"),
        ("Södertälje", "151"),
        ("Eskilstuna", "632"),
        ("Växjö", "352"),
        ("Karlstad", "652"),
        ("Sundsvall", "852"),
        ("Östersund", "831"),
        ("Luleå", "972"),
        ("Skellefteå", "931"),
        ("Trollhättan", "461"),
        ("Åre", "837"),
        ("Kiruna", "981"),
        ("Ängelholm", "262"),
        ("Örnsköldsvik", "891"),
        ("Visby", "621"),
        ("Falun", "791"),
        ("Hässleholm", "281"),
    ],
    "FI": [
        ("Helsingfors", "00100"),
        ("Esbo", "02100"),
        ("Tammerfors", "33100"),
        ("Åbo", "20100"),
        ("Uleåborg", "90100"),
        ("Jyväskylä", "40100"),
        ("Vasa", "65100"),
        ("Mariehamn", "22100"),
    ],
    "NO": [
        ("Oslo", "0150"),
        ("Bergen", "5003"),
        ("Trondheim", "7010"),
        ("Stavanger", "4006"),
        ("Tromsø", "9008"),
        ("Drammen", "3015"),
        ("Bodø", "8006"),
        ("Ålesund", "6002"),
    ],
    "DK": [
        ("København", "1050"),
        ("Aarhus", "8000"),
        ("Odense", "5000"),
        ("Aalborg", "9000"),
        ("Esbjerg", "6700"),
        ("Roskilde", "4000"),
        ("Næstved", "4700"),
    ],
}
STREETS = [
    "Storgatan",
    "Kungsgatan",
    "Drottninggatan",
    "Östra Hamngatan",
    "Västra Vägen",
    "Järnvägsgatan",
    "Skolgatan",
    "Kyrkogatan",
    "Ågatan",
    "Sjövägen",
    "Björkvägen",
    "Ängsvägen",
    "Industrivägen",
    "Föreningsgatan",
    "Södra Allén",
    "Norra Strandgatan",
    "Hantverkargatan",
    "Bäckvägen",
    "Mäster Samuelsgatan",
    "Götgatan",
    "Fjällgatan",
    "Åkervägen",
    "Lövstavägen",
    "Parkvägen",
]
COUNTRY_WEIGHTS = [("SE", 70), ("FI", 10), ("NO", 10), ("DK", 10)]
# Prefix and subscriber-number length, so every number has its country's length in E.164.
PHONE_PREFIX = {"SE": ("+468", 7), "FI": ("+3589", 7), "NO": ("+4722", 6), "DK": ("+4533", 6)}
MOBILE_PREFIX = {"SE": ("+4670", 7), "FI": ("+35840", 7), "NO": ("+479", 7), "DK": ("+4520", 6)}


def phone_number(rng, prefixes, country):
    prefix, digits = prefixes[country]
    return f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"


TITLES = (
    "VD",
    "Ekonomichef",
    "Inköpare",
    "IT-chef",
    "Projektledare",
    "Säljchef",
    "Controller",
    "HR-ansvarig",
    "Marknadschef",
    "Driftansvarig",
    "",
    "",
)
INDUSTRIES = [
    "Bygg och anläggning",
    "Konsulttjänster",
    "IT och mjukvara",
    "Handel",
    "Tillverkning",
    "Transport och logistik",
    "Fastigheter",
    "Hotell och restaurang",
    "Hälso- och sjukvård",
    "Energi och miljö",
    "Juridik och revision",
    "Media och kommunikation",
    "Offentlig sektor",
    "Utbildning",
    "Finans och försäkring",
]
CONTACT_ROLES = ["Beslutsfattare", "Fakturamottagare", "Teknisk kontakt", "Användare", "Påverkare"]
PAYMENT_TERMS = [("10 dagar netto", 10), ("20 dagar netto", 20), ("30 dagar netto", 30)]
INVOICE_TEMPLATES = ["Standardfaktura", "Faktura med tidrapport", "Engelsk faktura"]
PRICE_LISTS = ["Standardpriser 2026", "Ramavtal offentlig sektor", "Partnerpriser"]
GROUPINGS = [
    ("Region", GroupingCategory.SINGLE, ["Norr", "Mitt", "Syd", "Väst", "Öst", "Utland"]),
    ("Kundstorlek", GroupingCategory.SINGLE, ["Liten", "Medel", "Stor", "Koncern"]),
    (
        "Intressen",
        GroupingCategory.MULTIPLE,
        ["Nyhetsbrev", "Julkort", "Kundevent", "Webbinarier", "Mässa", "Golf"],
    ),
]
CUSTOMERS_PER_OWNER = 500  # account managers: 200 for 100,000 customers


def owner_names(count):
    """``[(username, first name, last name)]`` of the seeded account managers."""
    return [
        (
            f"saljare{n + 1:03d}",
            FIRST_NAMES[(n * 7) % len(FIRST_NAMES)],
            LAST_NAMES[(n * 11) % len(LAST_NAMES)],
        )
        for n in range(count)
    ]


class RowWriter:
    """Insert many rows fast and return their ids, in the order given: ``customers.bulk``,
    the importer's writer (COPY on PostgreSQL, ``bulk_create`` elsewhere), without history
    records (``ops.scale_seed.history`` writes a dated past for the rows afterwards).
    ``columns`` name the values of each row (a tuple); the model's other columns get their
    defaults."""

    def insert(self, model, columns, rows):
        rows = list(rows)
        return bulk.insert(
            model,
            rows,
            lambda row: dict(zip(columns, row, strict=True)),
            user=None,
            now=NOW,
            history=False,
        )


def spread(total, count, heavy):
    """Split ``total`` rows over ``count`` customers: the first gets ``heavy``, the rest evenly."""
    if count <= 0:
        return []
    heavy = min(total, heavy)
    if count == 1:
        return [total]
    rest, extra = divmod(total - heavy, count - 1)
    return [heavy] + [rest + (1 if i < extra else 0) for i in range(count - 1)]


def plan(kind, total, count, minimum):
    return spread(total, count, max(minimum, int(total * HEAVY_SHARE[kind])))


# ---------------------------------------------------------------- numbers


def _luhn_digit(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _weighted(digits, weights):
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


def organisation_number(country, serial):
    """A number with a correct check digit for ``country``, stored in the validators' format."""
    for attempt in range(20):
        seed = (serial * 7919 + attempt * 104729) % 10_000_000
        if country == "SE":
            body = f"55{seed:07d}"
            full = body + _luhn_digit(body)
            return f"{full[:6]}-{full[6:]}"
        if country == "FI":
            body = f"{seed:07d}"
            rem = _weighted(body, (7, 9, 10, 5, 8, 4, 2)) % 11
            if rem == 1:
                continue
            return f"{body}-{0 if rem == 0 else 11 - rem}"
        if country == "NO":
            body = f"9{seed:07d}"
            check = 11 - _weighted(body, (3, 2, 7, 6, 5, 4, 3, 2)) % 11
            if check == 10:
                continue
            full = body + str(0 if check == 11 else check)
            return f"{full[:3]} {full[3:6]} {full[6:]}"
        if country == "DK":
            body = f"{(seed % 9_000_000) + 1_000_000:07d}"
            check = (-_weighted(body, (2, 7, 6, 5, 4, 3, 2))) % 11
            if check == 10:
                continue
            return body + str(check)
    return ""


def vat_number(country, org):
    if country == "SE" and org:
        return "SE" + org.replace("-", "") + "01"
    if country == "FI" and org:
        return "FI" + org.replace("-", "")
    if country == "DK" and org:
        return "DK" + org
    return ""


def ascii_slug(text):
    table = str.maketrans(
        {"å": "a", "ä": "a", "ö": "o", "ø": "o", "æ": "ae", "é": "e", "ü": "u", "þ": "th"}
    )
    table.update({ord("ó"): "o", ord("ú"): "u", ord("í"): "i", ord("á"): "a", ord("ð"): "d"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


# ---------------------------------------------------------------- lookups


@dataclass
class Lookups:
    """Ids of the configured values seeded rows point at."""

    owners: list = field(default_factory=list)
    industries: list = field(default_factory=list)
    contact_roles: list = field(default_factory=list)
    payment_terms: list = field(default_factory=list)
    invoice_templates: list = field(default_factory=list)
    price_lists: list = field(default_factory=list)
    currencies: dict = field(default_factory=dict)
    invoice_languages: dict = field(default_factory=dict)
    grouping: list = field(default_factory=list)  # [(selection, [option ids])]


def ensure_lookups(customers=CUSTOMERS_PER_OWNER):
    """Create the owners and lookups seeded customers use (by name: existing ones are reused).

    One account manager per ``CUSTOMERS_PER_OWNER`` customers of the scale, at least 12.
    """
    user_model = get_user_model()
    found = Lookups()
    for username, first, last in owner_names(max(12, customers // CUSTOMERS_PER_OWNER)):
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        found.owners.append(user.pk)
    # Account managers own customers, so they hold the Edit role (the customer list's owner
    # filter and the customer form offer exactly the users who may see customers).
    edit_role = Group.objects.filter(name=roles.EDIT).first()
    if edit_role is not None:
        edit_role.user_set.add(*found.owners)
    for order, name in enumerate(INDUSTRIES):
        found.industries.append(
            Industry.objects.get_or_create(name=name, defaults={"order": order})[0].pk
        )
    for order, name in enumerate(CONTACT_ROLES):
        found.contact_roles.append(
            ContactRole.objects.get_or_create(name=name, defaults={"order": order})[0].pk
        )
    for name, days in PAYMENT_TERMS:
        found.payment_terms.append(
            PaymentTerm.objects.get_or_create(name=name, defaults={"days": days})[0].pk
        )
    for name in INVOICE_TEMPLATES:
        found.invoice_templates.append(InvoiceTemplate.objects.get_or_create(name=name)[0].pk)
    for name in PRICE_LISTS:
        found.price_lists.append(PriceList.objects.get_or_create(name=name)[0].pk)
    for code in ("SEK", "EUR", "NOK", "DKK"):
        found.currencies[code] = Currency.objects.get_or_create(code=code, defaults={"name": code})[
            0
        ].pk
    for code in ("sv", "fi", "nb", "da", "en"):
        lang = InvoiceLanguage.objects.filter(code=code).first()
        if lang:
            found.invoice_languages[code] = lang.pk
    for order, (name, selection, options) in enumerate(GROUPINGS):
        category, _created = GroupingCategory.objects.get_or_create(
            name=name, defaults={"selection": selection, "order": order}
        )
        ids = [
            GroupingOption.objects.get_or_create(
                category=category, name=opt, defaults={"order": i}
            )[0].pk
            for i, opt in enumerate(options)
        ]
        found.grouping.append((category.selection, ids))
    return found


# ---------------------------------------------------------------- the customer part


@dataclass
class CustomerChunk:
    """What the customer part of one chunk wrote, for projects and activities to build on."""

    customer_ids: list
    countries: list
    cities: list  # head-office city per customer
    contacts: list  # per customer: [(contact id, first name)]
    created: list  # created_at per customer


def random_past(rng, days):
    return NOW - datetime.timedelta(days=rng.random() * days, seconds=rng.randrange(86400))


def seed_customers(writer, lookups, *, index, count, rng):
    """Write ``count`` customers (the scale's ``index``-th onwards) with their rows."""
    numbers = take_numbers(
        CUSTOMER_SERIES,
        count,
        model=Customer,
        start=settings.KUNDKORT_CUSTOMER_NUMBER_START,
        after_highest=True,
    )
    countries = rng.choices(
        [c for c, _w in COUNTRY_WEIGHTS], weights=[w for _c, w in COUNTRY_WEIGHTS], k=count
    )
    names, created = [], []
    customer_rows = []
    for i in range(count):
        serial = index + i
        country = countries[i]
        word = rng.choice(NAME_WORDS)
        tail = rng.choice(NAME_TAILS)
        style = serial % 4
        if style == 0:
            base = f"{word}{tail}"
        elif style == 1:
            base = f"{rng.choice(LAST_NAMES)}s {tail.capitalize()}"
        elif style == 2:
            base = f"{word}{tail} {rng.choice(CITIES[country])[0]}"
        else:
            base = f"{rng.choice(LAST_NAMES)} & {rng.choice(LAST_NAMES)} {tail.capitalize()}"
        name = f"{base[0].upper()}{base[1:]} {rng.choice(LEGAL_FORMS[country])}"
        org = organisation_number(country, serial)
        when = random_past(rng, 3650)
        slug = ascii_slug(base)[:30] or "kund"
        owner = rng.choice(lookups.owners)
        names.append(name)
        created.append(when)
        has_billing = rng.random() < 0.6
        customer_rows.append(
            (
                numbers[i],
                name,
                org,
                vat_number(country, org),
                country,
                f"https://www.{slug}.{country.lower() if country != 'SE' else 'se'}",
                f"info@{slug}.{country.lower()}",
                rng.choice(lookups.industries),
                owner,
                "",
                False,
                rng.random() > 0.04,
                rng.choice(lookups.payment_terms) if has_billing else None,
                rng.choice(lookups.invoice_templates) if has_billing else None,
                rng.choice(lookups.price_lists) if has_billing else None,
                lookups.currencies.get({"SE": "SEK", "NO": "NOK", "DK": "DKK"}.get(country, "EUR")),
                lookups.invoice_languages.get(
                    {"SE": "sv", "FI": "fi", "NO": "nb", "DK": "da"}[country]
                ),
                None,
                "",
                None,
                when,
                owner,
                when,
                owner,
                1,
            )
        )
    customer_ids = writer.insert(
        Customer,
        (
            "number",
            "name",
            "organisation_number",
            "vat_number",
            "country",
            "website",
            "email",
            "industry_id",
            "owner_id",
            "description",
            "show_description",
            "is_active",
            "payment_term_id",
            "invoice_template_id",
            "price_list_id",
            "currency_id",
            "invoice_language_id",
            "overdue_interest",
            "einvoice_address",
            "einvoice_operator_id",
            "created_at",
            "created_by_id",
            "updated_at",
            "updated_by_id",
            "version",
        ),
        customer_rows,
    )

    # Addresses: the first of each customer is head office, postal and default billing.
    address_counts = plan("addresses", count * ADDRESSES_PER_CUSTOMER_X2 // 2, count, 1)
    address_rows, address_owner, cities = [], [], []
    for i, n in enumerate(address_counts):
        country = countries[i]
        for k in range(n):
            city, postal = rng.choice(CITIES[country])
            postal_code = f"{postal} {rng.randrange(10, 99)}" if country == "SE" else postal
            if k == 0:
                cities.append(city)
            address_rows.append(
                (
                    customer_ids[i],
                    f"{rng.choice(STREETS)} {rng.randrange(1, 120)}",
                    "" if rng.random() < 0.8 else f"Box {rng.randrange(100, 9999)}",
                    postal_code,
                    city,
                    country,
                    phone_number(rng, PHONE_PREFIX, country),
                    k == 0,
                    k == 0 or rng.random() < 0.5,
                    k == 0,
                    k == 0,
                    k == 0,
                    created[i],
                    created[i],
                    1,
                )
            )
            address_owner.append(i)
        if n == 0:
            cities.append("")
    address_ids = writer.insert(
        Address,
        (
            "customer_id",
            "line1",
            "line2",
            "postal_code",
            "city",
            "country",
            "phone",
            "is_postal",
            "is_visiting",
            "is_billing",
            "is_head_office",
            "is_default_billing",
            "created_at",
            "updated_at",
            "version",
        ),
        address_rows,
    )
    addresses_of = [[] for _ in range(count)]
    for owner_index, address_id in zip(address_owner, address_ids, strict=True):
        addresses_of[owner_index].append(address_id)

    # Contacts: each at one of its own customer's addresses (the head office most often).
    contact_counts = plan("contacts", count * CONTACTS_PER_CUSTOMER, count, 1)
    contact_rows, contact_owner, first_names = [], [], []
    for i, n in enumerate(contact_counts):
        country = countries[i]
        own = addresses_of[i]
        domain = customer_rows[i][6].split("@", 1)[1]
        for _k in range(n):
            first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            address = None
            if own:
                address = own[0] if rng.random() < 0.7 else rng.choice(own)
            contact_rows.append(
                (
                    customer_ids[i],
                    address,
                    first,
                    last,
                    rng.choice(TITLES),
                    rng.choice(lookups.contact_roles) if rng.random() < 0.6 else None,
                    f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}",
                    phone_number(rng, PHONE_PREFIX, country),
                    phone_number(rng, MOBILE_PREFIX, country),
                    {"SE": "sv", "FI": "fi", "NO": "nb", "DK": "da"}[country],
                    rng.random() > 0.1,
                    rng.random() < 0.5,
                    "",
                    created[i],
                    created[i],
                    1,
                )
            )
            contact_owner.append(i)
            first_names.append(first)
    contact_ids = writer.insert(
        Contact,
        (
            "customer_id",
            "address_id",
            "first_name",
            "last_name",
            "title",
            "role_id",
            "email",
            "phone",
            "mobile",
            "language",
            "is_active",
            "email_allowed",
            "notes",
            "created_at",
            "updated_at",
            "version",
        ),
        contact_rows,
    )
    contacts = [[] for _ in range(count)]
    for owner_index, contact_id, first in zip(contact_owner, contact_ids, first_names, strict=True):
        contacts[owner_index].append((contact_id, first))

    # Groupings: one option of each single-choice category (mostly), up to two of the others.
    grouping_rows = []
    for i in range(count):
        for selection, option_ids in lookups.grouping:
            if selection == GroupingCategory.SINGLE:
                chosen = [rng.choice(option_ids)] if rng.random() < 0.85 else []
            else:
                chosen = rng.sample(option_ids, k=rng.choice((0, 0, 1, 1, 2)))
            grouping_rows.extend((customer_ids[i], option_id, created[i]) for option_id in chosen)
    writer.insert(CustomerGroupingOption, ("customer_id", "option_id", "created_at"), grouping_rows)

    return CustomerChunk(
        customer_ids=customer_ids,
        countries=countries,
        cities=cities,
        contacts=contacts,
        created=created,
    )


def new_rng(seed, index):
    """Each chunk has its own generator, so a resumed or re-run seed makes the same data."""
    return random.Random(seed * 1_000_003 + index)
