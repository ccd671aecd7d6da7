from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("projects/<int:pk>/status/", views.ProjectSetStatusView.as_view(), name="project_status"),
    path(
        "projects/<int:pk>/convert/",
        views.ProjectConvertView.as_view(),
        name="project_convert",
    ),
    path("projects/<int:pk>/close/", views.ProjectCloseView.as_view(), name="project_close"),
    path("projects/<int:pk>/reopen/", views.ProjectReopenView.as_view(), name="project_reopen"),
    path(
        "projects/<int:pk>/notes/new/",
        views.ProjectNoteCreateView.as_view(),
        name="project_note_create",
    ),
    path(
        "customers/<int:pk>/projects/",
        views.CustomerProjectsTabView.as_view(),
        name="customer_projects",
    ),
]
