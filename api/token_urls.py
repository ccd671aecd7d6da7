"""The page where users create and revoke their personal API tokens."""

from django.urls import path

from . import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.TokenListView.as_view(), name="token_list"),
    path("<int:pk>/revoke/", token_views.TokenRevokeView.as_view(), name="token_revoke"),
]
