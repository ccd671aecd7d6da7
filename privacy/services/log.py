"""Every use of the personal-data tools leaves a ``PrivacyLogEntry`` (without the data)."""

from ..models import PrivacyLogEntry


def log_use(*, action, user, reference="", counts=None):
    return PrivacyLogEntry.objects.create(
        action=action,
        user=user if getattr(user, "pk", None) else None,
        reference=(reference or "")[:100],
        counts=counts or {},
    )
