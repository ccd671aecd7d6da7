"""Validation and normalisation of organisation, VAT, phone and e-invoice numbers.

Each ``normalise_*`` function returns the stored form or raises ``ValidationError`` with a
message that names the number and says why it is wrong. Forms, services and the importer call
these, so a number is judged the same way everywhere.
"""

import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries
from stdnum.dk import cvr
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fi import ytunnus
from stdnum.no import orgnr
from stdnum.se import orgnr as se_orgnr

# Organisation number modules per country; other countries are stored as given (trimmed).
_ORG_MODULES = {"SE": se_orgnr, "FI": ytunnus, "NO": orgnr, "DK": cvr}


def _reason(exc):
    if isinstance(exc, InvalidChecksum):
        return _("the check digit is wrong")
    if isinstance(exc, InvalidLength):
        return _("it has the wrong number of digits")
    if isinstance(exc, InvalidFormat | InvalidComponent):
        return _("it contains characters or parts that are not allowed")
    return _("it is not a valid number")


def normalise_organisation_number(value, country):
    """Return the organisation number in its country's standard format."""
    value = (value or "").strip()
    if not value:
        return ""
    module = _ORG_MODULES.get(str(country or "").upper())
    if module is None:
        return value
    try:
        compact = module.validate(value)
    except Exception as exc:  # stdnum raises subclasses of ValidationError of its own
        raise ValidationError(
            _("Organisation number %(number)s is not valid for %(country)s: %(reason)s.")
            % {
                "number": value,
                "country": countries.name(str(country).upper()) or country,
                "reason": _reason(exc),
            },
            code="invalid_organisation_number",
        ) from exc
    # Not every module formats (Danish CVR numbers are written as 8 plain digits).
    return getattr(module, "format", module.compact)(compact)


def normalise_vat_number(value, country=""):
    """Return an EU VAT number (or Norwegian MVA number) compact, with its country prefix."""
    value = (value or "").strip()
    if not value:
        return ""
    candidate = value.upper().replace(" ", "").replace("-", "").replace(".", "")
    country = str(country or "").upper()
    if country == "NO" or candidate.startswith("NO"):
        from stdnum.no import mva

        digits = candidate[2:] if candidate.startswith("NO") else candidate
        if not digits.endswith("MVA"):
            digits += "MVA"  # Norwegian VAT numbers are the organisation number + MVA
        try:
            return "NO" + mva.compact(mva.validate(digits))
        except Exception as exc:
            raise ValidationError(
                _("VAT number %(number)s is not valid: %(reason)s.")
                % {"number": value, "reason": _reason(exc)},
                code="invalid_vat_number",
            ) from exc
    if candidate[:2].isdigit() and country:
        # A number given without its prefix: add the customer's country code (GR uses EL).
        candidate = ("EL" if country == "GR" else country) + candidate
    try:
        return eu_vat.compact(eu_vat.validate(candidate))
    except Exception as exc:
        reason = _reason(exc)
        if candidate.startswith("SE") and not isinstance(exc, InvalidChecksum):
            reason = _("a Swedish VAT number is SE, the 10-digit organisation number and 01")
        raise ValidationError(
            _("VAT number %(number)s is not valid: %(reason)s.")
            % {"number": value, "reason": reason},
            code="invalid_vat_number",
        ) from exc


def normalise_phone(value, country="SE"):
    """Return the phone number in E.164 (+46701234567); national numbers use ``country``."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, str(country or "SE").upper())
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Phone number %(number)s could not be read.") % {"number": value},
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("Phone number %(number)s has the wrong number of digits.") % {"number": value},
            code="invalid_phone",
        )
    if not phonenumbers.is_valid_number(number):
        # Possible lengths are wide (Swedish numbers have 7 to 13 digits); the numbering plan
        # says which area codes and mobile ranges exist and how long their numbers are.
        raise ValidationError(
            _(
                "Phone number %(number)s is not a number in use in %(country)s: check the area "
                "code and the number of digits."
            )
            % {
                "number": value,
                "country": countries.name(
                    phonenumbers.region_code_for_number(number) or str(country).upper()
                )
                or country,
            },
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=4096)  # a pure function, called for every row of the card
def format_phone(value):
    """Show an E.164 number in international format for people to read."""
    if not value:
        return ""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return value


def normalise_gln(value):
    """A GLN (Global Location Number) is 13 digits with a GS1 (Luhn-like mod-10) check digit."""
    from stdnum import ean

    digits = (value or "").replace(" ", "")
    if len(digits) != 13 or not digits.isdigit() or not ean.is_valid(digits):
        raise ValidationError(
            _("%(value)s is not a valid GLN (13 digits with a correct check digit).")
            % {"value": value},
            code="invalid_gln",
        )
    return digits


# Postal code formats: (pattern of the digits and letters without spaces, how it is written).
# Countries not listed take any 2-12 letters and digits (with spaces or hyphens).
_POSTAL_CODES = {
    "SE": (r"[1-9]\d{4}", lambda c: f"{c[:3]} {c[3:]}", "123 45"),
    "FI": (r"\d{5}", str, "00100"),
    "NO": (r"\d{4}", str, "0150"),
    "DK": (r"[1-9]\d{3}", str, "2100"),
    "IS": (r"\d{3}", str, "101"),
    "DE": (r"\d{5}", str, "10115"),
    "FR": (r"\d{5}", str, "75001"),
    "EE": (r"\d{5}", str, "10111"),
    "US": (r"\d{5}(\d{4})?", lambda c: c if len(c) == 5 else f"{c[:5]}-{c[5:]}", "10001"),
    "NL": (r"[1-9]\d{3}[A-Z]{2}", lambda c: f"{c[:4]} {c[4:]}", "1011 AB"),
    "GB": (r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", lambda c: f"{c[:-3]} {c[-3:]}", "SW1A 1AA"),
}
_ANY_POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{0,10}[A-Za-z0-9]")


def normalise_postal_code(value, country):
    """Return the postal code as the country writes it ("11122" → "111 22" in Sweden)."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    code = str(country or "").upper()
    known = _POSTAL_CODES.get(code)
    if known is None:
        if not _ANY_POSTAL_CODE.fullmatch(value):
            raise ValidationError(
                _("Postal code %(code)s is not valid: use letters and digits only.")
                % {"code": value},
                code="invalid_postal_code",
            )
        return value
    pattern, write, example = known
    compact = value.upper().replace(" ", "").replace("-", "")
    if compact.startswith(code) and compact[len(code) :].isdigit():
        compact = compact[len(code) :]  # "SE-111 22", "FI-00100": the old country prefix
    if not re.fullmatch(pattern, compact):
        raise ValidationError(
            _("Postal code %(code)s is not valid in %(country)s (written like %(example)s).")
            % {"code": value, "country": countries.name(code) or code, "example": example},
            code="invalid_postal_code",
        )
    return write(compact)


def validate_address(*, line1, postal_code, city, country):
    """The rule every address meets, wherever it is written from: a street address or P.O.
    box, a postal code valid in its country and a city. Returns the postal code as stored;
    raises ``ValidationError`` naming every field that is wrong at once."""
    errors = {}
    if not (line1 or "").strip():
        errors["line1"] = [_("Give the street address or P.O. box.")]
    if not (postal_code or "").strip():
        errors["postal_code"] = [_("Give the postal code.")]
    else:
        try:
            postal_code = normalise_postal_code(postal_code, country)
        except ValidationError as exc:
            errors["postal_code"] = exc.messages
    if not (city or "").strip():
        errors["city"] = [_("Give the city.")]
    if errors:
        raise ValidationError(errors)
    return postal_code


def normalise_einvoice_address(address, operator):
    """The e-invoice address in the form its operator expects (GLN digits, Peppol
    ``scheme:identifier``); raises ValidationError naming what is wrong. Customers and projects
    both hold an e-invoice address and both check it here."""
    from .models import EInvoiceOperator

    address = (address or "").strip()
    if operator is None:
        return address
    if not address:
        raise ValidationError(_("Give the e-invoice address for the operator."), code="required")
    if operator.address_format == EInvoiceOperator.FORMAT_GLN:
        return normalise_gln(address)
    if operator.address_format == EInvoiceOperator.FORMAT_PEPPOL:
        scheme, _sep, ident = address.partition(":")
        if not (len(scheme) == 4 and scheme.isdigit() and ident.strip()):
            raise ValidationError(
                _(
                    "%(value)s is not a Peppol participant id: write the four-digit "
                    "scheme, a colon and the identifier, e.g. 0007:5560360793."
                )
                % {"value": address},
                code="peppol",
            )
    return address


# Characters people put between a phone number's digits.
_PHONE_SEPARATORS = re.compile(r"[\s\-().\/]+")
_PHONE_TYPED = re.compile(r"\+?\d{4,}")


def phone_search_digits(text):
    """The digits to look for in stored (E.164, ``+46701234567``) phone numbers when ``text``
    looks like a phone number as a person types it ("070-123 45 67", "+46 70 123 45 67",
    "0046 70…", "123 45 67"), else ``None``.

    The national trunk zero and an international ``00`` prefix are dropped, so the digits
    match inside the stored number whatever the country code; at least four digits are needed.
    """
    compact = _PHONE_SEPARATORS.sub("", (text or "").strip())
    if not _PHONE_TYPED.fullmatch(compact):
        return None
    digits = compact.lstrip("+")
    if compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        digits = compact[1:]
    return digits if len(digits) >= 4 else None
