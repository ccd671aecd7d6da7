"""django-axes (login throttling) under a Swedish name in the admin.

Installed as ``core.login_throttling.LoginThrottlingConfig`` instead of ``"axes"``: the
admin shows an app by its ``verbose_name``, and "Axes" says nothing to its users. A module of
its own, because Django picks an app's config automatically only when its ``apps`` module
holds exactly one.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LoginThrottlingConfig(AxesAppConfig):
    verbose_name = _("Login throttling")


# AccessAttempt.username and AccessLog.username are 255 characters long.
_AXES_USERNAME_LENGTH = 255


def throttled_username(request, credentials=None):
    """The username axes records a failed login under, at most as long as its column.

    Without this a login with a username of 256 characters or more (none exists: usernames are
    at most 150) failed with a database error instead of counting as a failed login. Every
    login form goes through axes, the admin's included, so the limit is applied here.
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        return None
    return str(username)[:_AXES_USERNAME_LENGTH]
