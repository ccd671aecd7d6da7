"""Django REST framework's messages that its own Swedish catalogue leaves in English.

The API answers in the caller's language; these are the field errors DRF gives for wrong
types (a number where a text belongs, a string where true/false belongs, ...). Listed here so
that ``makemessages`` keeps their Swedish in locale/sv (the project's catalogue comes before
DRF's). ``tests/api/test_api_hostile_input.py`` finds any DRF message still untranslated.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Invalid input."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Not a valid string."),
    gettext_noop("A valid biginteger is required."),
    gettext_noop("Integer value too large to convert to float"),
    gettext_noop("Datetime value out of range."),
    gettext_noop('Invalid datetime for the timezone "{timezone}".'),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop(
        'Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'
    ),
]
