"""The API's URLs: /api/schema/, /api/docs/ and the resources under /api/v1/.

Every resource URL is exempt from LoginRequiredMiddleware (DRF authenticates it: session or
token, 401 without either); the documentation page is a page of the app and needs login.
tests/api/test_api_permission_matrix.py walks these URLs: a new one must be added there.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"


def _route(viewset, actions, **initkwargs):
    return login_not_required(viewset.as_view(actions, **initkwargs))


LIST = {"get": "list"}
LIST_CREATE = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve"}
DETAIL_CHANGE = {"get": "retrieve", "patch": "partial_update"}

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # DRF exempts its views from LoginRequiredMiddleware; the docs page is a page: log in first.
    # Swagger UI inserts <style> elements as it draws, so this page alone allows inline style
    # (style cannot run code; scripts stay 'self' only: its init script is a file as well).
    path(
        "docs/",
        login_required(
            csp_update({"style-src": [UNSAFE_INLINE]})(
                SpectacularSwaggerSplitView.as_view(url_name="api:schema")
            )
        ),
        name="docs",
    ),
    path("v1/customers/", _route(views.CustomerViewSet, LIST_CREATE), name="customer_list"),
    path(
        "v1/customers/<int:pk>/",
        _route(views.CustomerViewSet, DETAIL_CHANGE),
        name="customer_detail",
    ),
    path(
        "v1/customers/<int:customer_pk>/settings/",
        _route(views.CustomerSettingsView, DETAIL_CHANGE),
        name="customer_settings",
    ),
    path(
        "v1/customers/<int:customer_pk>/groupings/",
        _route(views.CustomerGroupingsView, {"get": "retrieve", "put": "update"}),
        name="customer_groupings",
    ),
    path(
        "v1/customers/<int:customer_pk>/addresses/",
        _route(views.AddressViewSet, LIST_CREATE),
        name="address_list",
    ),
    path(
        "v1/customers/<int:customer_pk>/addresses/<int:address_pk>/",
        _route(views.AddressViewSet, DETAIL_CHANGE),
        name="address_detail",
    ),
    path(
        "v1/customers/<int:customer_pk>/contacts/",
        _route(views.ContactViewSet, LIST_CREATE),
        name="contact_list",
    ),
    path(
        "v1/customers/<int:customer_pk>/contacts/<int:contact_pk>/",
        _route(views.ContactViewSet, DETAIL_CHANGE),
        name="contact_detail",
    ),
    path(
        "v1/grouping-categories/",
        _route(views.GroupingCategoryViewSet, LIST),
        name="grouping_category_list",
    ),
    path(
        "v1/grouping-categories/<int:pk>/",
        _route(views.GroupingCategoryViewSet, DETAIL),
        name="grouping_category_detail",
    ),
    path("v1/projects/", _route(views.ProjectViewSet, LIST), name="project_list"),
    path("v1/projects/<int:pk>/", _route(views.ProjectViewSet, DETAIL), name="project_detail"),
    path("v1/activities/", _route(views.ActivityViewSet, LIST), name="activity_list"),
    path("v1/activities/<int:pk>/", _route(views.ActivityViewSet, DETAIL), name="activity_detail"),
]

for prefix, (model, serializer_class, name) in views.LOOKUPS.items():
    viewset = views.lookup_viewset(model, serializer_class)
    urlpatterns += [
        path(f"v1/{prefix}/", _route(viewset, LIST), name=f"{name}_list"),
        path(f"v1/{prefix}/<int:pk>/", _route(viewset, DETAIL), name=f"{name}_detail"),
    ]


@csrf_exempt
@login_not_required
def not_found(request, rest=""):
    """Any other path under /api/ (an id that is not a number, say) answers the API's JSON
    404, not the HTML page of the app."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not_found"))
