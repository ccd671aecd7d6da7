from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "projects"

urlpatterns = [
    path(
        "projects/",
        TemplateView.as_view(template_name="projects/placeholder.html"),
        name="project_list",
    ),
    path(
        "customers/<int:pk>/projects/",
        views.CustomerProjectsTabView.as_view(),
        name="customer_projects",
    ),
    path(
        "customers/<int:pk>/collaboration/",
        views.CustomerCollaborationTabView.as_view(),
        name="customer_collaboration",
    ),
]
