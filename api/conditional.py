"""Versions as ETags, and the If-Match header that every change of an existing object needs.

Every object the API writes carries ``version`` (see customers/services/versioning.py): the
ETag is that number in quotes. A change must send it back in ``If-Match``; the service
compares it with the row it has locked and refuses a stale one (``StaleObjectError``), which
the API answers with 412 and the current version. A change without If-Match answers 428.
"""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def etag(version):
    return f'"{version}"'


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the version you last read in the If-Match header (the ETag of the object)."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    """The object changed since the version the caller sent; ``current_version`` says what
    it is now."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The object was changed by someone else since you read it. Read it again and make "
        "your change on the current version."
    )
    default_code = "precondition_failed"

    def __init__(self, current_version, detail=None):
        super().__init__(detail)
        self.current_version = current_version


# No object has version 0 (versions start at 1): an If-Match that names no version fails the
# service's comparison like a stale one, so its 412 carries the current version as well.
NO_VERSION = 0


def expected_version(request):
    """The version ``If-Match`` names; 428 when the header is missing. ``*``, a list or
    anything else that is not one version is treated as stale (it would overwrite blindly)."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    match = _ETAG.match(header)
    return int(match.group(1)) if match else NO_VERSION
