"""django-axes (login throttling) under a Swedish name in the admin.

Installed as ``core.login_throttling.LoginThrottlingConfig`` instead of ``"axes"``: the
admin shows an app by its ``verbose_name``, and "Axes" says nothing to its users. A module of
its own, because Django picks an app's config automatically only when its ``apps`` module
holds exactly one.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginThrottlingConfig(AxesAppConfig):
    verbose_name = _("Login throttling")
