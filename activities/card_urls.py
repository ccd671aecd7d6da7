"""The card's Collaboration tab, mounted under /customers/ by settings/urls.py."""

from django.urls import path

from . import views

app_name = "activities_card"

urlpatterns = [
    path(
        "<int:pk>/collaboration/",
        views.CustomerCollaborationTabView.as_view(),
        name="customer_collaboration",
    ),
]
