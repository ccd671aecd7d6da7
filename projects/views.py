"""Project pages (list, detail, create, edit, status actions, notes) and the card's
Sales & Projects tab."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.pagination import SEARCH_CAP, CappedPaginator
from customers.form_tokens import OneTimeFormMixin
from customers.forms import add_service_errors
from customers.models import Customer
from customers.permissions import may_edit_customer, may_see_financials
from customers.services.versioning import StaleObjectError
from customers.views.card import CustomerCardMixin

from . import presenters, selectors, services
from .filters import ProjectFilter
from .forms import (
    CustomerChooserForm,
    ProjectForm,
    ProjectNoteForm,
    SalesStatusForm,
    choose_customers,
)
from .models import Project, SalesStatus

VIEW_PROJECT = "projects.view_project"
ADD_PROJECT = "projects.add_project"
CHANGE_PROJECT = "projects.change_project"
ADD_NOTE = "projects.add_projectnote"


def may_add_projects(user):
    return user.has_perm(ADD_PROJECT)


def may_change_project(user, project):
    return user.has_perm(CHANGE_PROJECT) and may_edit_customer(user, project.customer)


class ProjectListView(PermissionRequiredMixin, ListView):
    """All projects the user may see, searched and filtered; ongoing ones by default."""

    permission_required = VIEW_PROJECT
    raise_exception = True
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = settings.KUNDKORT_PAGE_SIZE
    paginator_class = CappedPaginator  # no COUNT(*) over every project

    def get_queryset(self):
        projects = Project.objects.visible_to(self.request.user).for_list()
        self.filterset = ProjectFilter(self.request.GET, queryset=projects)
        if not self.filterset.is_valid():
            return projects.none()
        return self.filterset.qs.order_by("-created_at", "-id")

    def get_paginator(self, queryset, per_page, **kwargs):
        # A search's matches are counted up to SEARCH_CAP, as the customer list's are.
        if (self.request.GET.get("q") or "").strip():
            kwargs.setdefault("cap", SEARCH_CAP)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        params = self.request.GET.copy()
        params.pop("page", None)
        customer_id = (
            self.filterset.form.cleaned_data.get("customer")
            if hasattr(self.filterset.form, "cleaned_data")
            else None
        )
        context["projects"] = presenters.list_rows(context["projects"])
        context.update(
            filter=self.filterset,
            query_string=params.urlencode(),
            can_add=may_add_projects(user),
            can_see_financials=may_see_financials(user),
            filter_customer=(
                Customer.objects.visible_to(user).filter(pk=customer_id).first()
                if customer_id
                else None
            ),
        )
        return context


class ProjectMixin:
    """Loads ``self.project`` among those the user may see (404 otherwise)."""

    @cached_property
    def project(self):
        return get_object_or_404(
            Project.objects.visible_to(self.request.user).select_related(
                "customer",
                "contact",
                "owner",
                "sales_status",
                "currency",
                "created_by",
                "payment_term",
                "invoice_template",
                "price_list",
                "invoice_language",
                "billing_address",
                "einvoice_operator",
            ),
            pk=self.kwargs["pk"],
        )

    def require_change(self):
        if not may_change_project(self.request.user, self.project):
            raise PermissionDenied


class ProjectDetailView(PermissionRequiredMixin, ProjectMixin, DetailView):
    """A project with its activities and its notes, and the actions the user may take."""

    permission_required = VIEW_PROJECT
    raise_exception = True
    template_name = "projects/project_detail.html"
    context_object_name = "project"
    note_form = None

    def get_object(self, queryset=None):
        return self.project

    @staticmethod
    def activities_with_rights(user, project):
        """The latest activities, each with ``can_change``: the rule of
        activities.permissions.may_edit_activity (projects may not import activities): own
        activities, or any of a customer the user may edit."""
        activities = list(
            project.activities.select_related("type", "owner").order_by("-starts_at", "-id")[
                : settings.KUNDKORT_PAGE_SIZE * 2
            ]
        )
        may_change = user.has_perm("activities.change_activity")
        customer_editable = may_edit_customer(user, project.customer)
        for activity in activities:
            activity.can_change = may_change and (customer_editable or activity.owner_id == user.pk)
        return activities

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        project = self.project
        can_change = may_change_project(user, project)
        context.update(
            activities=self.activities_with_rights(user, project),
            notes=list(project.notes.select_related("author")[: settings.KUNDKORT_PAGE_SIZE * 2]),
            can_change=can_change,
            # "Edit own customers only": others' projects are read-only, notes included.
            can_add_note=user.has_perm(ADD_NOTE) and may_edit_customer(user, project.customer),
            can_add_activity=user.has_perm("activities.add_activity"),
            can_see_financials=may_see_financials(user),
            note_form=self.note_form or ProjectNoteForm(),
            status_form=SalesStatusForm(project=project)
            if can_change and project.is_sales and not project.is_closed
            else None,
            statuses=list(SalesStatus.objects.filter(is_active=True))
            if can_change and project.is_sales and not project.is_closed
            else [],
            activity_add_url=f"{reverse('activities:activity_create')}?project={project.pk}",
            activity_list_url=(
                f"{reverse('activities:activity_list')}?scope=all&when=all&project={project.pk}"
            ),
        )
        return context


class ProjectNoteCreateView(OneTimeFormMixin, PermissionRequiredMixin, ProjectMixin, View):
    """Post a note on the project page."""

    permission_required = ADD_NOTE
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request, pk):
        project = self.project
        if not may_edit_customer(request.user, project.customer):
            raise PermissionDenied
        form = ProjectNoteForm(request.POST)
        if form.is_valid():
            try:
                services.project_note_create(
                    project=project, user=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The note was posted."))
                return redirect("projects:project_detail", pk=project.pk)
        view = ProjectDetailView(request=request, kwargs={"pk": pk}, note_form=form)
        view.object = project
        return view.render_to_response(view.get_context_data())


class ProjectFormMixin:
    template_name = "projects/project_form.html"

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form))


class ProjectCreateView(OneTimeFormMixin, PermissionRequiredMixin, ProjectFormMixin, FormView):
    """New project for a customer the user may edit; without ``?customer=`` a chooser opens."""

    permission_required = ADD_PROJECT
    raise_exception = True

    @cached_property
    def customers(self):
        return Customer.objects.editable_by(self.request.user)

    @cached_property
    def customer(self):
        pk = self.request.GET.get("customer")
        if not pk:
            return None
        if not str(pk).isdigit():
            raise PermissionDenied
        return get_object_or_404(self.customers.select_related("currency"), pk=pk)

    def get(self, request, *args, **kwargs):
        if self.customer is None:
            return self.render_chooser()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.customer is None:
            return self.render_chooser()
        return super().post(request, *args, **kwargs)

    def render_chooser(self):
        chooser = CustomerChooserForm(self.request.GET or None)
        text = chooser.data.get("q", "") if chooser.is_bound else ""
        return self.response_class(
            request=self.request,
            template="projects/customer_chooser.html",
            context={
                "chooser": chooser,
                "results": choose_customers(self.customers, text),
                "searched": bool(text.strip()),
                "title": _("New project"),
                "next_url": reverse("projects:project_create"),
                "cancel_url": reverse("projects:project_list"),
            },
            using=self.template_engine,
        )

    def get_form(self, form_class=None):
        return ProjectForm(
            **self.get_form_kwargs(),
            user=self.request.user,
            customers=self.customers,
            customer=self.customer,
        )

    def form_valid(self, form):
        try:
            project = services.project_create(
                user=self.request.user,
                customer=self.customer,
                kind=form.cleaned_data["kind"],
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Project %(project)s was created.") % {"project": project})
        return redirect("projects:project_detail", pk=project.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            customer=self.customer,
            title=_("New project"),
            cancel_url=reverse("projects:customer_projects", args=[self.customer.pk]),
        )
        return context


class ProjectUpdateView(PermissionRequiredMixin, ProjectMixin, ProjectFormMixin, FormView):
    permission_required = CHANGE_PROJECT
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.require_change()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return ProjectForm(
            **self.get_form_kwargs(),
            instance=self.project,
            user=self.request.user,
            customers=Customer.objects.filter(pk=self.project.customer_id),
            customer=self.project.customer,
        )

    def form_valid(self, form):
        try:
            project = services.project_update(
                project=self.project,
                user=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_kwargs(),
            )
        except StaleObjectError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Project %(project)s was saved.") % {"project": project})
        return redirect("projects:project_detail", pk=project.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            customer=self.project.customer,
            project=self.project,
            title=_("Edit project"),
            cancel_url=reverse("projects:project_detail", args=[self.project.pk]),
        )
        return context


class ProjectActionView(PermissionRequiredMixin, ProjectMixin, View):
    """A POST-only action on a project (status, convert, close, reopen) back to its page."""

    permission_required = CHANGE_PROJECT
    raise_exception = True
    http_method_names = ["post"]
    success_message = ""

    def post(self, request, pk):
        self.require_change()
        try:
            self.act(request)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message % {"project": self.project})
        return HttpResponseRedirect(reverse("projects:project_detail", args=[pk]))

    def version(self, request):
        value = request.POST.get("version")
        return int(value) if value and value.isdigit() else None


class ProjectSetStatusView(ProjectActionView):
    def act(self, request):
        form = SalesStatusForm(request.POST, project=self.project)
        if not form.is_valid():
            raise ValidationError(_("Choose a sales status."))
        self.success_message = _("The sales status of %(project)s was changed.")
        services.project_set_status(
            project=self.project,
            user=request.user,
            status=form.cleaned_data["sales_status"],
            expected_version=form.cleaned_data.get("version"),
        )


class ProjectConvertView(ProjectActionView):
    def act(self, request):
        self.success_message = _("%(project)s is now a delivery project.")
        services.project_convert_to_delivery(
            project=self.project, user=request.user, expected_version=self.version(request)
        )


class ProjectCloseView(ProjectActionView):
    def act(self, request):
        self.success_message = _("%(project)s was closed.")
        services.project_close(
            project=self.project, user=request.user, expected_version=self.version(request)
        )


class ProjectReopenView(ProjectActionView):
    def act(self, request):
        self.success_message = _("%(project)s was reopened.")
        services.project_reopen(
            project=self.project, user=request.user, expected_version=self.version(request)
        )


class CustomerProjectsTabView(CustomerCardMixin, TemplateView):
    """The card's Sales & Projects tab: ongoing and closed projects, totals for level All."""

    template_name = "projects/card/projects.html"
    card_tab = "projects"

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm(VIEW_PROJECT)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            selectors.customer_projects(
                customer=self.customer,
                user=user,
                open_page=self.request.GET.get("open_page"),
                closed_page=self.request.GET.get("closed_page"),
                with_totals=may_see_financials(user),
            )
        )
        context.update(
            can_add_project=may_add_projects(user) and self.can_edit,
            add_project_url=f"{reverse('projects:project_create')}?customer={self.customer.pk}",
            project_list_url=(
                f"{reverse('projects:project_list')}?state=all&customer={self.customer.pk}"
            ),
        )
        return context
