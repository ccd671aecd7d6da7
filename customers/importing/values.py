"""Turning one cell into the value stored, with the same validators the forms use.

Each ``clean_*`` returns the stored form or raises ``ValidationError`` whose message the review
shows next to the row, column and value.
"""

import functools

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from ..validators import normalise_organisation_number, normalise_phone, normalise_vat_number

_email_validator = EmailValidator()
_url_validator = URLValidator()

YES = {"yes", "ja", "y", "j", "true", "1", "x"}
NO = {"no", "nej", "n", "false", "0"}

ADDRESS_TYPES = {
    "postal": "is_postal",
    "post": "is_postal",
    "postadress": "is_postal",
    "visiting": "is_visiting",
    "visit": "is_visiting",
    "besök": "is_visiting",
    "besöksadress": "is_visiting",
    "billing": "is_billing",
    "invoice": "is_billing",
    "faktura": "is_billing",
    "fakturaadress": "is_billing",
}


@functools.cache
def _country_names():
    """ISO codes, alpha-3 codes and English and Swedish names, folded, to the ISO code.

    Static data from django-countries (not user data), so caching it per process is safe.
    """
    names = {}
    for language in ("en", "sv"):
        with translation.override(language):
            for code, name in countries:
                names.setdefault(str(name).casefold(), code)
    for code, _name in countries:
        names[code.casefold()] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            names.setdefault(alpha3.casefold(), code)
    # Names people write that differ from the ISO short names.
    names.setdefault("england", "GB")
    names.setdefault("storbritannien", "GB")
    names.setdefault("usa", "US")
    return names


def clean_country(value):
    code = _country_names().get(" ".join(value.split()).casefold())
    if code is None:
        raise ValidationError(
            _("Not a country: write an ISO code such as SE, or the country's name.")
        )
    return code


def clean_number(value):
    digits = value.replace(" ", "").replace("\u00a0", "")
    if not digits.isdigit() or int(digits) <= 0:
        raise ValidationError(_("A customer number is a positive whole number."))
    if int(digits) > 9_223_372_036_854_775_807:
        raise ValidationError(_("The customer number is too large."))
    return int(digits)


def clean_text(value, max_length):
    if len(value) > max_length:
        raise ValidationError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": max_length, "length": len(value)}
        )
    return value


def clean_email(value):
    clean_text(value, 254)
    try:
        _email_validator(value)
    except ValidationError as exc:
        raise ValidationError(_("Not a valid email address.")) from exc
    return value


def clean_website(value):
    if "://" not in value:
        value = "https://" + value
    clean_text(value, 200)
    try:
        _url_validator(value)
    except ValidationError as exc:
        raise ValidationError(_("Not a valid web address.")) from exc
    return value


def clean_organisation_number(value, country):
    return clean_text(normalise_organisation_number(value, country), 40)


def clean_vat_number(value, country):
    return clean_text(normalise_vat_number(value, country), 20)


def clean_phone(value, country):
    return normalise_phone(value, country)


def clean_yes_no(value):
    folded = value.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValidationError(_("Write yes or no (ja or nej)."))


def clean_address_types(value):
    """A comma-separated list of postal, visiting, billing (or post, besök, faktura)."""
    flags = set()
    for part in value.replace(";", ",").replace("|", ",").split(","):
        word = part.strip().casefold()
        if not word:
            continue
        flag = ADDRESS_TYPES.get(word)
        if flag is None:
            raise ValidationError(
                _('"%(word)s" is not an address type: use postal, visiting, billing.')
                % {"word": part.strip()}
            )
        flags.add(flag)
    return flags


def parse_groupings(value):
    """``Category\\Option|Category\\Option`` (a leading backslash allowed) as (cat, opt) pairs."""
    pairs = []
    for part in value.split("|"):
        part = part.strip().lstrip("\\").strip()
        if not part:
            continue
        category, sep, option = part.partition("\\")
        category, option = category.strip(), option.strip()
        if not sep or not category or not option:
            raise ValidationError(
                _('"%(part)s" is not a grouping: write Category\\Option, several joined by |.')
                % {"part": part}
            )
        clean_text(category, 100)
        clean_text(option, 100)
        pairs.append((category, option))
    return pairs


def fold(value):
    """The key names are matched by: trimmed, single spaces, case-insensitive."""
    return " ".join(value.split()).casefold()


# Error lists show at most this many characters of a cell (a cell may hold megabytes).
SHOWN_VALUE_LENGTH = 100


def shorten(value, length=SHOWN_VALUE_LENGTH):
    """The value as an error list shows it: cut with an ellipsis when longer than ``length``."""
    value = "" if value is None else str(value)
    if len(value) <= length:
        return value
    return value[: length - 1] + "…"
