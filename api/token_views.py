"""The API tokens page: a user lists, creates and revokes their own personal tokens."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from customers.forms import add_service_errors
from customers.permissions import VIEW

from .forms import TokenCreateForm
from .models import APIToken
from .tokens import token_create, token_revoke


class TokenPermissionMixin(PermissionRequiredMixin):
    # A token acts as its user; without the right to see customers it could read nothing.
    permission_required = VIEW
    raise_exception = True


class TokenListView(TokenPermissionMixin, TemplateView):
    """The user's tokens; a new token's secret is shown once, in the answer to its POST."""

    template_name = "api/token_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", TokenCreateForm())
        context["tokens"] = list(APIToken.objects.filter(user=self.request.user))
        return context

    def post(self, request, *args, **kwargs):
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                token, secret = token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    expires_at=form.expires_at(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # Rendered, not redirected: the secret is never stored, not even in a session.
                return self.render_to_response(
                    self.get_context_data(new_token=token, secret=secret)
                )
        return self.render_to_response(self.get_context_data(form=form))


class TokenRevokeView(TokenPermissionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(APIToken, pk=pk, user=request.user)
        token_revoke(token=token)
        messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
        return redirect("api_tokens:token_list")
