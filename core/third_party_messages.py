"""Swedish for django-axes, which ships no Swedish translation of its own.

The login-throttling tables (access attempts, failures and logs) appear in the admin, whose
users work in Swedish. ``makemessages`` reads only our code, so the strings axes translates are
named here with ``gettext_noop``; their Swedish is in our catalogue
(``locale/sv/LC_MESSAGES/django.po``), which Django consults before any app's. Nothing imports
this module. When axes is upgraded, compare its messages with this list
(``xgettext`` over ``axes/*.py``); ``tests/test_translations.py`` checks that each one has
Swedish and that the admin shows it.
"""

from django.utils.translation import gettext_noop

AXES_MESSAGES = [
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Cleaned up {count} expired access attempts."),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
]


# Country names django-countries leaves in English (or half English: "Palestina, State of") in
# its Swedish catalogue; ours, consulted first, has them in Swedish. Names that are the same in
# both languages (Angola, Japan, ...) are not listed. tests/customers/test_swedish_order.py.
COUNTRY_NAMES = [
    gettext_noop("American Samoa"),
    gettext_noop("Australia"),
    gettext_noop("Bouvet Island"),
    gettext_noop("Brazil"),
    gettext_noop("Cabo Verde"),
    gettext_noop("Cambodia"),
    gettext_noop("Canada"),
    gettext_noop("Chad"),
    gettext_noop("Cocos (Keeling) Islands"),
    gettext_noop("Cuba"),
    gettext_noop("Egypt"),
    gettext_noop("Georgia"),
    gettext_noop("Heard Island and McDonald Islands"),
    gettext_noop("Hong Kong"),
    gettext_noop("India"),
    gettext_noop("Indonesia"),
    gettext_noop("Jordan"),
    gettext_noop("Lebanon"),
    gettext_noop("Norfolk Island"),
    gettext_noop("Philippines"),
    gettext_noop("Pitcairn"),
    gettext_noop("South Sudan"),
    gettext_noop("Palestine"),
    gettext_noop("Palestine, State of"),
    gettext_noop("Eswatini"),
    gettext_noop("North Macedonia"),
    gettext_noop("Falkland Islands (Malvinas)"),
    gettext_noop("Tanzania, the United Republic of"),
]
