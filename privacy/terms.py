"""How a person is recognised in text: their e-mail addresses, full names and phone numbers.

Each ``Term`` carries two regular expressions: ``db`` for the database's ``__iregex`` (no
look-arounds, which SQLite's Python and PostgreSQL's engines read alike, so it may match a
little too much), and ``exact``, with boundaries, which decides in Python what is a mention
and what the erasure replaces. A phone number is matched however it was typed: ``+46 70-123
45 67``, ``0046701234567``, ``070-123 45 67`` and ``0701234567`` are one number.
"""

import html
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

import phonenumbers

# What an erasure writes where a person was. One stable text in the data (Swedish, the
# register's language), whoever erased and in whatever language, so it can be recognised later.
ERASED = "[borttagen person]"

_SEPARATORS = "[-. ()/]*"
_EMAIL_CHARS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Term:
    kind: str  # "email", "name" or "phone"
    value: str  # as shown to the administrator
    db: str
    exact: re.Pattern


def email_term(email):
    email = (email or "").strip()
    if not _EMAIL_CHARS.match(email):
        return None
    escaped = re.escape(email)
    return Term(
        "email",
        email.lower(),
        escaped,
        re.compile(rf"(?<![\w.+-]){escaped}(?![\w-])", re.IGNORECASE),
    )


def name_tokens(name):
    return [token for token in re.split(r"\s+", (name or "").strip()) if token]


def name_term(name):
    """A full name (two words or more); one word alone names too many people to erase."""
    tokens = name_tokens(name)
    if len(tokens) < 2 or ERASED.lower() in " ".join(tokens).lower():
        return None
    pattern = r"\s+".join(re.escape(token) for token in tokens)
    return Term(
        "name",
        " ".join(tokens),
        pattern,
        re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE),
    )


def parse_phone(value, region="SE"):
    """A ``PhoneNumber`` for a stored (E.164) or typed number, or None."""
    value = (value or "").strip()
    if sum(ch.isdigit() for ch in value) < 6:
        return None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def phone_term(value):
    number = parse_phone(value)
    if number is None:
        return None
    digits = phonenumbers.national_significant_number(number)
    code = str(number.country_code)
    body = _SEPARATORS.join(digits)
    prefix = rf"(?:(?:\+|00) *{code}{_SEPARATORS}(?:\(0\){_SEPARATORS})?|0{_SEPARATORS})"
    pattern = prefix + body
    return Term(
        "phone",
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        pattern,
        re.compile(rf"(?<![\d+]){pattern}(?!\d)", re.IGNORECASE),
    )


def dedupe(terms):
    seen, unique = set(), []
    for term in terms:
        if term is None or (term.kind, term.value.lower()) in seen:
            continue
        seen.add((term.kind, term.value.lower()))
        unique.append(term)
    return unique


def mentions(text, terms):
    """Does ``text`` mention the person?"""
    if not text:
        return False
    return any(term.exact.search(text) for term in terms)


def replace(text, terms):
    """``text`` with every mention of the person replaced by ``ERASED``; longer values first,
    so a name inside an e-mail address does not leave the address's remains."""
    if not text:
        return text
    for term in sorted(terms, key=lambda t: -len(t.value)):
        text = term.exact.sub(ERASED, text)
    return text


def replace_in_json(value, terms):
    """A JSON value with every string in it passed through ``replace``."""
    if isinstance(value, str):
        return replace(value, terms)
    if isinstance(value, list):
        return [replace_in_json(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: replace_in_json(item, terms) for key, item in value.items()}
    return value


def file_text(content):
    """The readable text of an uploaded or exported file (CSV in any of the usual encodings,
    or XLSX, whose cells live in zipped XML), for looking a person up in it."""
    content = bytes(content or b"")
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(BytesIO(content)) as archive:
                parts = [
                    archive.read(info).decode("utf-8", "replace")
                    for info in archive.infolist()
                    if info.filename.endswith(".xml")
                ]
        except (zipfile.BadZipFile, OSError, ValueError):
            return content.decode("latin-1")
        return html.unescape("\n".join(parts))
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content.decode("utf-16", "replace")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", "replace")
