"""``manage.py seed_demo``: lookups, one user per permission level and 30+ Nordic customers.

Idempotent: every step looks its rows up by a natural key (name, username) and adds only what
is missing, so running it twice adds nothing. Demo logins are printed only when
``settings.DEBUG`` is on.

Other apps add their demo data without customers knowing them: after the customers' steps the
command calls ``seed_demo(users=..., stdout=...)`` of every installed app that has a
``demo`` module (e.g. ``projects/demo.py``), in INSTALLED_APPS order; each must be idempotent
too and return the number of rows it added.
"""

import hashlib
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from stdnum.dk import cvr
from stdnum.fi import ytunnus
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

from customers import roles
from customers.models import (
    ContactRole,
    Currency,
    Customer,
    EInvoiceOperator,
    GroupingCategory,
    GroupingOption,
    Industry,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)

DEMO_PASSWORD = "kundkort-demo"

# (username, first name, last name, role groups, is_superuser, what the level allows)
DEMO_USERS = [
    ("admin", "Astrid", "Admin", [], True, "superuser, admin pages"),
    ("reader", "Rut", "Läsare", [roles.READ_ONLY], False, "Read-only"),
    ("editor", "Erik", "Redaktör", [roles.EDIT], False, "Edit"),
    ("allan", "Allan", "Alltsson", [roles.ALL], False, "All (Edit + financial figures)"),
    ("deleter", "Dagny", "Raderare", [roles.EDIT, roles.DELETE], False, "Edit + Delete customers"),
    ("ownonly", "Olle", "Egen", [roles.EDIT, roles.OWN_ONLY], False, "Edit own customers only"),
]

INDUSTRIES = [
    "Bygg och anläggning",
    "Tillverkning",
    "IT och telekom",
    "Handel",
    "Transport och logistik",
    "Energi",
    "Fastigheter",
    "Finans och försäkring",
    "Hälsa och vård",
    "Offentlig sektor",
    "Konsulttjänster",
    "Livsmedel",
]
CONTACT_ROLES = ["Beslutsfattare", "Fakturamottagare", "Projektledare", "Teknisk kontakt", "VD"]
PAYMENT_TERMS = [("10 dagar netto", 10), ("30 dagar netto", 30), ("45 dagar netto", 45)]
INVOICE_TEMPLATES = ["Standard", "Standard engelska", "Med tidrapport"]
PRICE_LISTS = [("Standardprislista", "SEK"), ("Offentlig sektor", "SEK"), ("Norden EUR", "EUR")]
# E-invoice operators and the form of their addresses: without one no e-invoice address can
# be saved on a customer.
EINVOICE_OPERATORS = [
    ("Peppol", EInvoiceOperator.FORMAT_PEPPOL),
    ("InExchange", EInvoiceOperator.FORMAT_FREE),
    ("Pagero", EInvoiceOperator.FORMAT_FREE),
    ("Svefaktura (GLN)", EInvoiceOperator.FORMAT_GLN),
]
GROUPINGS = [
    ("Region", "single", ["Stockholm", "Väst", "Syd", "Norr", "Norden övrigt"]),
    ("Kundstorlek", "single", ["Liten", "Medel", "Stor"]),
    ("Intressen", "multiple", ["Nyhetsbrev", "Seminarier", "Kundevent"]),
]

# name, country, industry, city, street, postal code, website domain, region, size
CUSTOMERS = [
    ("Åkerlunds Bygg AB", "SE", 0, "Uppsala", "Kungsgatan 12", "753 21", "akerlundsbygg.se", 0, 1),
    ("Norrsken Energi AB", "SE", 5, "Luleå", "Storgatan 45", "972 31", "norrskenenergi.se", 3, 2),
    ("Mälardalens Logistik AB", "SE", 4, "Västerås", "Stora Gatan 8", "722 12", "mlog.se", 0, 1),
    (
        "Göta Kanal Fastigheter AB",
        "SE",
        6,
        "Göteborg",
        "Södra Hamngatan 37",
        "411 06",
        "gotakanalfast.se",
        1,
        2,
    ),
    ("Skånska Livsmedel AB", "SE", 11, "Malmö", "Stortorget 9", "211 22", "skanskalivs.se", 2, 1),
    ("Visby Vårdcentral AB", "SE", 8, "Visby", "Adelsgatan 3", "621 56", "visbyvard.se", 0, 0),
    (
        "Lindqvist & Söner Verkstad AB",
        "SE",
        1,
        "Jönköping",
        "Industrigatan 14",
        "553 02",
        "lindqvistverkstad.se",
        1,
        1,
    ),
    (
        "Stockholms Konsultgrupp AB",
        "SE",
        10,
        "Stockholm",
        "Drottninggatan 71",
        "111 36",
        "sthlmkonsult.se",
        0,
        1,
    ),
    (
        "Kiruna Gruvteknik AB",
        "SE",
        1,
        "Kiruna",
        "Lars Janssonsgatan 17",
        "981 31",
        "gruvteknik.se",
        3,
        2,
    ),
    (
        "Hallands Handelshus AB",
        "SE",
        3,
        "Halmstad",
        "Storgatan 22",
        "302 43",
        "hallandshandel.se",
        1,
        0,
    ),
    (
        "Sundsvalls Transport AB",
        "SE",
        4,
        "Sundsvall",
        "Esplanaden 10",
        "852 30",
        "sundtrans.se",
        3,
        1,
    ),
    (
        "Blekinge IT-partner AB",
        "SE",
        2,
        "Karlskrona",
        "Ronnebygatan 5",
        "371 33",
        "bitpartner.se",
        2,
        0,
    ),
    (
        "Östgöta Försäkring AB",
        "SE",
        7,
        "Linköping",
        "Ågatan 40",
        "582 22",
        "ostgotaforsakring.se",
        1,
        2,
    ),
    (
        "Dalarnas Inköpscentral AB",
        "SE",
        9,
        "Falun",
        "Vasagatan 16",
        "791 71",
        "regiondalarna.se",
        3,
        2,
    ),
    (
        "Umeå Mjukvaruhus AB",
        "SE",
        2,
        "Umeå",
        "Rådhusesplanaden 2",
        "903 28",
        "umeamjukvara.se",
        3,
        0,
    ),
    (
        "Örebro Elinstallation AB",
        "SE",
        0,
        "Örebro",
        "Drottninggatan 2",
        "702 10",
        "orebroel.se",
        0,
        0,
    ),
    (
        "Vänerns Marinservice AB",
        "SE",
        4,
        "Karlstad",
        "Hamngatan 1",
        "652 24",
        "vanernmarin.se",
        1,
        0,
    ),
    ("Gävle Kaffe & Rosteri AB", "SE", 11, "Gävle", "Nygatan 24", "803 20", "gavlekaffe.se", 3, 0),
    (
        "Helsingin Ohjelmistotalo Oy",
        "FI",
        2,
        "Helsinki",
        "Mannerheimintie 12",
        "00100",
        "ohjelmistotalo.fi",
        4,
        1,
    ),
    ("Tampereen Konepaja Oy", "FI", 1, "Tampere", "Hämeenkatu 20", "33200", "konepaja.fi", 4, 1),
    (
        "Turun Kiinteistöt Oy",
        "FI",
        6,
        "Turku",
        "Linnankatu 5",
        "20100",
        "turunkiinteistot.fi",
        4,
        0,
    ),
    (
        "Oulun Energia Palvelut Oy",
        "FI",
        5,
        "Oulu",
        "Kirkkokatu 14",
        "90100",
        "oulunenergia.fi",
        4,
        2,
    ),
    ("Nordfjord Sjømat AS", "NO", 11, "Bergen", "Bryggen 15", "5003", "nordfjordsjomat.no", 4, 1),
    (
        "Oslo Eiendomsforvaltning AS",
        "NO",
        6,
        "Oslo",
        "Karl Johans gate 22",
        "0159",
        "osloeiendom.no",
        4,
        2,
    ),
    ("Trondheim Teknologi AS", "NO", 2, "Trondheim", "Munkegata 30", "7011", "trdtek.no", 4, 1),
    (
        "Stavanger Offshore Service AS",
        "NO",
        5,
        "Stavanger",
        "Kirkegata 8",
        "4006",
        "stavangeroffshore.no",
        4,
        2,
    ),
    ("København Design ApS", "DK", 10, "København", "Strøget 18", "1160", "kbhdesign.dk", 4, 0),
    (
        "Aarhus Maskinfabrik A/S",
        "DK",
        1,
        "Aarhus",
        "Søndergade 44",
        "8000",
        "aarhusmaskin.dk",
        4,
        1,
    ),
    ("Odense Logistik A/S", "DK", 4, "Odense", "Vestergade 60", "5000", "odenselogistik.dk", 4, 1),
    (
        "Fyns Sundhedshus ApS",
        "DK",
        8,
        "Svendborg",
        "Gerritsgade 11",
        "5700",
        "fynssundhed.dk",
        4,
        0,
    ),
    ("Reykjavík Ráðgjöf ehf.", "IS", 10, "Reykjavík", "Laugavegur 26", "101", "radgjof.is", 4, 0),
    (
        "Västkustens Bygg & Montage AB",
        "SE",
        0,
        "Uddevalla",
        "Kungsgatan 30",
        "451 30",
        "vkbygg.se",
        1,
        1,
    ),
    (
        "Norrlands Skogsmaskiner AB",
        "SE",
        1,
        "Östersund",
        "Prästgatan 50",
        "831 31",
        "nskog.se",
        3,
        1,
    ),
    (
        "Smålands Glas & Design AB",
        "SE",
        3,
        "Växjö",
        "Storgatan 17",
        "352 31",
        "smalandsglas.se",
        2,
        0,
    ),
]

FIRST_NAMES = {
    "SE": ["Anna", "Johan", "Maria", "Lars", "Karin", "Per", "Eva", "Mikael", "Sara", "Anders"],
    "FI": ["Mikko", "Laura", "Juha", "Anne", "Timo", "Sanna"],
    "NO": ["Ole", "Ingrid", "Kari", "Lars", "Silje", "Henrik"],
    "DK": ["Mette", "Søren", "Louise", "Jens", "Camilla", "Rasmus"],
    "IS": ["Guðrún", "Jón", "Sigríður", "Ólafur"],
}
LAST_NAMES = {
    "SE": [
        "Andersson",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Eriksson",
        "Lindberg",
        "Berg",
        "Holm",
        "Sjöberg",
        "Ekström",
    ],
    "FI": ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Heikkinen", "Laine"],
    "NO": ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Berg"],
    "DK": ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen"],
    "IS": ["Jónsdóttir", "Sigurðsson", "Guðmundsdóttir", "Ólafsson"],
}
TITLES = ["VD", "Inköpschef", "Ekonomichef", "IT-chef", "Projektledare", "Driftchef"]
LANGUAGES = {"SE": "sv", "FI": "fi", "NO": "nb", "DK": "da", "IS": "en"}
PHONE_PREFIX = {"SE": "+46 8 ", "FI": "+358 9 ", "NO": "+47 22 ", "DK": "+45 33 ", "IS": "+354 5"}


def _seed(name):
    """A stable number from a name, so the demo data is the same on every machine."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16)


def _with_check_digit(base, module):
    """``base`` plus the one check digit that ``module`` accepts, or None if none does."""
    for digit in "0123456789":
        if module.is_valid(base + digit):
            return base + digit
    return None


def organisation_number(name, country):
    """A valid (check digits correct) but made-up organisation number for the country."""
    seed = _seed(name)
    for attempt in range(50):
        digits = str(seed // (attempt + 1))
        if country == "SE":
            number = _with_check_digit("556" + digits[:6], se_orgnr)
        elif country == "FI":
            number = _with_check_digit(digits[:7], ytunnus)
        elif country == "NO":
            number = _with_check_digit("9" + digits[:7], no_orgnr)
        elif country == "DK":
            number = _with_check_digit(str(int(digits[:7]) % 9000000 + 1000000), cvr)
        else:
            return ""
        if number:
            return number
    return ""


def vat_number(org_number, country):
    """The VAT number that belongs to a Nordic organisation number."""
    digits = "".join(ch for ch in org_number if ch.isdigit())
    if not digits:
        return ""
    return {
        "SE": f"SE{digits}01",
        "FI": f"FI{digits}",
        "DK": f"DK{digits}",
        "NO": f"NO{digits}MVA",
    }.get(country, "")


def seed_users():
    """One user per permission level (and an admin); existing users are left as they are."""
    User = get_user_model()
    users = {}
    for username, first, last, role_names, is_superuser, _level in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                is_staff=is_superuser,
                is_superuser=is_superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(*Group.objects.filter(name__in=role_names))
        users[username] = user
    return users


def seed_lookups():
    """Industries, contact roles, payment terms, invoice templates, price lists and e-invoice
    operators."""
    for order, name in enumerate(INDUSTRIES):
        Industry.objects.get_or_create(name=name, defaults={"order": order})
    for order, name in enumerate(CONTACT_ROLES):
        ContactRole.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, days) in enumerate(PAYMENT_TERMS):
        PaymentTerm.objects.get_or_create(name=name, defaults={"days": days, "order": order})
    for order, name in enumerate(INVOICE_TEMPLATES):
        InvoiceTemplate.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, code) in enumerate(PRICE_LISTS):
        currency = Currency.objects.filter(code=code).first()
        PriceList.objects.get_or_create(name=name, defaults={"currency": currency, "order": order})
    for order, (name, address_format) in enumerate(EINVOICE_OPERATORS):
        EInvoiceOperator.objects.get_or_create(
            name=name, defaults={"address_format": address_format, "order": order}
        )


def seed_groupings():
    """A few grouping categories with their options."""
    for order, (name, selection, options) in enumerate(GROUPINGS):
        category, _created = GroupingCategory.objects.get_or_create(
            name=name, defaults={"selection": selection, "order": order}
        )
        for option_order, option in enumerate(options):
            GroupingOption.objects.get_or_create(
                category=category, name=option, defaults={"order": option_order}
            )


def _contact_rows(name, country, domain):
    seed = _seed(name)
    firsts, lasts = FIRST_NAMES[country], LAST_NAMES[country]
    rows = []
    for i in range(1 + seed % 3):
        first = firsts[(seed >> (4 * i)) % len(firsts)]
        last = lasts[(seed >> (4 * i + 2)) % len(lasts)]
        email_name = first.lower().translate(str.maketrans("åäöøæéóíúðþ", "aaooaeoiudt"))
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "title": TITLES[(seed >> (3 * i)) % len(TITLES)],
                "email": f"{email_name}.{i + 1}@{domain}",
                "phone": PHONE_PREFIX[country] + f"{(seed >> (5 * i)) % 900000 + 100000}",
                "language": LANGUAGES[country],
                "email_allowed": bool(i % 2 == 0),
            }
        )
    return rows


def seed_customers(users):
    """30+ Nordic customers with head office and 1-3 contacts; existing names are skipped."""
    from customers.services.contacts import contact_create
    from customers.services.customers import customer_create

    admin = users["admin"]
    owners = [users["editor"], users["allan"], users["ownonly"], users["deleter"]]
    industries = list(Industry.objects.filter(name__in=INDUSTRIES))
    industries.sort(key=lambda industry: INDUSTRIES.index(industry.name))
    contact_roles = list(ContactRole.objects.filter(name__in=CONTACT_ROLES).order_by("order"))
    payment_term = PaymentTerm.objects.filter(name=PAYMENT_TERMS[1][0]).first()
    template = InvoiceTemplate.objects.filter(name=INVOICE_TEMPLATES[0]).first()
    currencies = {c.code: c for c in Currency.objects.all()}
    languages = {lang.code: lang for lang in InvoiceLanguage.objects.all()}
    region = GroupingCategory.objects.filter(name=GROUPINGS[0][0]).first()
    size = GroupingCategory.objects.filter(name=GROUPINGS[1][0]).first()
    existing = set(Customer.objects.values_list("name", flat=True))
    created = 0
    for index, row in enumerate(CUSTOMERS):
        name, country, industry_i, city, street, postal, domain, region_i, size_i = row
        if name in existing:
            continue
        org = organisation_number(name, country)
        currency_code = {"SE": "SEK", "NO": "NOK", "DK": "DKK"}.get(country, "EUR")
        language_code = {"SE": "sv", "FI": "fi", "NO": "nb", "DK": "da"}.get(country, "en")
        with transaction.atomic():
            customer = customer_create(
                user=admin,
                name=name,
                organisation_number=org,
                vat_number=vat_number(org, country),
                country=country,
                website=f"https://www.{domain}",
                email=f"info@{domain}",
                industry=industries[industry_i],
                owner=owners[index % len(owners)],
                description=(
                    "Ramavtal löper till årsskiftet. Fakturor skickas som e-faktura."
                    if index % 4 == 0
                    else ""
                ),
                show_description=index % 8 == 0,
                payment_term=payment_term,
                invoice_template=template,
                currency=currencies.get(currency_code),
                invoice_language=languages.get(language_code),
                address={
                    "line1": street,
                    "postal_code": postal,
                    "city": city,
                    "country": country,
                    "is_postal": True,
                    "is_visiting": True,
                    "is_billing": True,
                },
            )
            for i, contact in enumerate(_contact_rows(name, country, domain)):
                contact_create(
                    customer=customer,
                    user=admin,
                    role=contact_roles[(index + i) % len(contact_roles)],
                    **contact,
                )
            options = []
            if region:
                options.append(region.options.order_by("order")[region_i])
            if size:
                options.append(size.options.order_by("order")[size_i])
            customer.grouping_options.add(*options)
        created += 1
    return created


def seed_other_apps(users, stdout):
    """Call ``<app>.demo.seed_demo(users=..., stdout=...)`` of every app that has one."""
    for app_config in apps.get_app_configs():
        if app_config.name == "customers" or not module_has_submodule(app_config.module, "demo"):
            continue
        module = import_module(f"{app_config.name}.demo")
        if hasattr(module, "seed_demo"):
            module.seed_demo(users=users, stdout=stdout)


def print_logins(stdout, style):
    stdout.write(style.MIGRATE_HEADING(f"Demo logins (password for all: {DEMO_PASSWORD})"))
    for username, _first, _last, _roles, _su, level in DEMO_USERS:
        stdout.write(f"  {username:<9} {level}")


class Command(BaseCommand):
    help = "Load demo data: lookups, one user per permission level, 30+ Nordic customers."

    def handle(self, *args, **options):
        with transaction.atomic():
            users = seed_users()
            seed_lookups()
            seed_groupings()
            created = seed_customers(users)
            seed_other_apps(users, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new customers)."))
        if settings.DEBUG:
            print_logins(self.stdout, self.style)
