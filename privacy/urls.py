from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.FindView.as_view(), name="find"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("erase/", views.EraseView.as_view(), name="erase"),
    path("retention/", views.RetentionView.as_view(), name="retention"),
    path("retention/<int:pk>/", views.RetentionRunView.as_view(), name="retention_run"),
    path("records/", views.RecordsView.as_view(), name="records"),
]
