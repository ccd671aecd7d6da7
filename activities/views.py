"""Activity pages (list, create, edit, mark done) and the card's Collaboration tab."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from core.pagination import CappedPaginator
from customers.form_tokens import OneTimeFormMixin
from customers.forms import add_service_errors
from customers.models import Customer
from customers.services.versioning import StaleObjectError
from customers.views.card import CustomerCardMixin
from projects import services as project_services
from projects.forms import CustomerChooserForm, CustomerNoteForm, choose_customers
from projects.models import Project

from . import presenters, selectors, services
from .filters import ActivityFilter
from .forms import ActivityForm
from .models import Activity
from .permissions import mark_editable, may_edit_activity

VIEW_ACTIVITY = "activities.view_activity"
ADD_ACTIVITY = "activities.add_activity"
CHANGE_ACTIVITY = "activities.change_activity"


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def activity_home(activity):
    """Where an activity is shown: its project, else its customer's card, else the list."""
    if activity.project_id:
        return reverse("projects:project_detail", args=[activity.project_id])
    if activity.customer_id:
        return reverse("customers:customer_detail", args=[activity.customer_id])
    return reverse("activities:activity_list")


class ActivityListView(PermissionRequiredMixin, ListView):
    permission_required = VIEW_ACTIVITY
    raise_exception = True
    template_name = "activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = settings.KUNDKORT_PAGE_SIZE
    paginator_class = CappedPaginator  # no COUNT(*) over a million activities

    def get_queryset(self):
        user = self.request.user
        activities = Activity.objects.visible_to(user).for_list()
        self.filterset = ActivityFilter(self.request.GET, queryset=activities, user=user)
        if not self.filterset.is_valid():
            return activities.order_by("-starts_at", "-id").none()  # ordered: no paginator warning
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["activities"] = presenters.list_rows(
            mark_editable(user, context["activities"]), back_to=self.request.get_full_path()
        )
        params = self.request.GET.copy()
        params.pop("page", None)
        data = getattr(self.filterset.form, "cleaned_data", {})
        customer_id, project_id = data.get("customer"), data.get("project")
        context.update(
            filter=self.filterset,
            query_string=params.urlencode(),
            can_add=user.has_perm(ADD_ACTIVITY),
            filter_customer=(
                Customer.objects.visible_to(user).filter(pk=customer_id).first()
                if customer_id
                else None
            ),
            filter_project=(
                Project.objects.visible_to(user).filter(pk=project_id).first()
                if project_id
                else None
            ),
            add_url=reverse("activities:activity_create")
            + (f"?customer={int(customer_id)}" if customer_id else ""),
        )
        return context


class ActivityFormMixin:
    template_name = "activities/activity_form.html"

    @cached_property
    def projects(self):
        return Project.objects.visible_to(self.request.user)

    def get_form(self, form_class=None):
        return ActivityForm(
            **self.get_form_kwargs(),
            user=self.request.user,
            customer=self.customer,
            projects=self.projects,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form))


class ActivityCreateView(OneTimeFormMixin, PermissionRequiredMixin, ActivityFormMixin, FormView):
    """New activity; ``?customer=`` or ``?project=`` preset it (the project gives the customer).

    Read-only customer users may create activities (they hold activities.add_activity).
    """

    permission_required = ADD_ACTIVITY
    raise_exception = True

    def _pk(self, name):
        value = self.request.GET.get(name)
        if not value:
            return None
        if not value.isdigit():
            raise PermissionDenied
        return int(value)

    @cached_property
    def preset_project(self):
        pk = self._pk("project")
        if pk is None:
            return None
        return get_object_or_404(self.projects.select_related("customer"), pk=pk)

    @cached_property
    def customer(self):
        if self.preset_project is not None:
            return self.preset_project.customer
        pk = self._pk("customer")
        if pk is None:
            return None
        return get_object_or_404(Customer.objects.visible_to(self.request.user), pk=pk)

    def get(self, request, *args, **kwargs):
        if request.GET.get("choose"):
            return self.render_chooser()
        return super().get(request, *args, **kwargs)

    def render_chooser(self):
        chooser = CustomerChooserForm(self.request.GET)
        text = self.request.GET.get("q", "")
        return self.response_class(
            request=self.request,
            template="projects/customer_chooser.html",
            context={
                "chooser": chooser,
                "results": choose_customers(Customer.objects.visible_to(self.request.user), text),
                "searched": bool(text.strip()),
                "title": _("New activity"),
                "next_url": reverse("activities:activity_create"),
                "cancel_url": reverse("activities:activity_create"),
                "keep_choose": True,
            },
            using=self.template_engine,
        )

    def get_initial(self):
        initial = super().get_initial()
        if self.preset_project is not None:
            initial["project"] = self.preset_project.pk
        return initial

    def form_valid(self, form):
        try:
            activity = services.activity_create(
                user=self.request.user, customer=self.customer, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Activity %(activity)s was created.") % {"activity": activity}
        )
        return HttpResponseRedirect(safe_next(self.request, activity_home(activity)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            customer=self.customer,
            title=_("New activity"),
            chooser_url=f"{reverse('activities:activity_create')}?choose=1",
            next_url=safe_next(self.request, ""),
            cancel_url=safe_next(
                self.request,
                reverse("projects:project_detail", args=[self.preset_project.pk])
                if self.preset_project
                else reverse("customers:customer_detail", args=[self.customer.pk])
                if self.customer
                else reverse("activities:activity_list"),
            ),
        )
        return context


class ActivityMixin:
    """Loads the activity (404 out of reach); changing it needs ``may_edit_activity`` (403)."""

    @cached_property
    def activity(self):
        return get_object_or_404(
            Activity.objects.visible_to(self.request.user).select_related(
                "customer", "project", "type"
            ),
            pk=self.kwargs["pk"],
        )

    def has_permission(self):
        return super().has_permission() and may_edit_activity(self.request.user, self.activity)


class ActivityUpdateView(ActivityMixin, PermissionRequiredMixin, ActivityFormMixin, FormView):
    permission_required = CHANGE_ACTIVITY
    raise_exception = True

    @property
    def customer(self):
        return self.activity.customer

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.activity
        return kwargs

    def form_valid(self, form):
        data = form.service_kwargs()
        try:
            activity = services.activity_update(
                activity=self.activity,
                user=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                participant_users=data.pop("participant_users"),
                participant_contacts=data.pop("participant_contacts"),
                **data,
            )
        except StaleObjectError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Activity %(activity)s was saved.") % {"activity": activity}
        )
        return HttpResponseRedirect(safe_next(self.request, activity_home(activity)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            customer=self.customer,
            activity=self.activity,
            title=_("Edit activity"),
            next_url=safe_next(self.request, ""),
            cancel_url=safe_next(self.request, activity_home(self.activity)),
        )
        return context


class ActivityMarkDoneView(ActivityMixin, PermissionRequiredMixin, View):
    """POST: mark the activity done (``done=0`` marks it not done again)."""

    permission_required = CHANGE_ACTIVITY
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request, pk):
        done = request.POST.get("done", "1") != "0"
        activity = services.activity_mark_done(activity=self.activity, user=request.user, done=done)
        if done:
            messages.success(request, _("%(activity)s is done.") % {"activity": activity})
        else:
            messages.success(request, _("%(activity)s is open again.") % {"activity": activity})
        return HttpResponseRedirect(safe_next(request, activity_home(activity)))


class CustomerCollaborationTabView(OneTimeFormMixin, CustomerCardMixin, TemplateView):
    """The card's Collaboration tab: notes and activities of all the customer's projects."""

    template_name = "activities/card/collaboration.html"
    card_tab = "collaboration"
    note_form = None

    def has_permission(self):
        user = self.request.user
        return (
            super().has_permission()
            and user.has_perm("projects.view_project")
            and user.has_perm("projects.view_projectnote")
        )

    @cached_property
    def may_post(self):
        # "Edit own customers only": others' customers are read-only, notes included.
        return self.request.user.has_perm("projects.add_projectnote") and self.can_edit

    @cached_property
    def projects(self):
        return selectors.collaboration_projects(customer=self.customer, user=self.request.user)

    def project_filter(self):
        value = self.request.GET.get("project", "")
        if value.isdigit():
            return next((p for p in self.projects if p.pk == int(value)), None)
        return None

    def post(self, request, *args, **kwargs):
        if not self.may_post:
            raise PermissionDenied
        form = CustomerNoteForm(
            request.POST,
            projects=Project.objects.visible_to(request.user).filter(customer=self.customer),
        )
        if form.is_valid():
            try:
                project_services.project_note_create(
                    project=form.cleaned_data["project"],
                    user=request.user,
                    text=form.cleaned_data["text"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The note was posted."))
                return redirect("activities_card:customer_collaboration", pk=self.customer.pk)
        self.note_form = form
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.project_filter()
        page_obj, items = selectors.collaboration_timeline(
            customer=self.customer,
            user=self.request.user,
            project=project,
            page=self.request.GET.get("page"),
        )
        note_form = self.note_form
        if note_form is None and self.may_post and self.projects:
            note_form = CustomerNoteForm(
                projects=Project.objects.none(), initial={"project": getattr(project, "pk", None)}
            )
        context.update(
            page_obj=page_obj,
            items=items,
            projects=self.projects,
            filter_project=project,
            note_form=note_form,
            may_post=self.may_post,
        )
        return context
