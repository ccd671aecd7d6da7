"""Kundkort's URLs. Every page needs login (LoginRequiredMiddleware) except login itself."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from customers.forms.login import LoginForm

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="customers:customer_list"), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("customers/", include("customers.urls")),
    path("reports/", include("customers.report_urls")),
    path("activities/", include("activities.urls")),
    path("search/", include("search.urls")),
    path("customers/", include("activities.card_urls")),
    path("api/", include("api.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("personal-data/", include("privacy.urls")),
    path("", include("projects.urls")),
]
