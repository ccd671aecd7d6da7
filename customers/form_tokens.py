"""One-time form tokens: a create form saves once, however often it is posted.

The template that draws a create form puts a fresh random token in it (``{% form_token %}``
from the ``form_tokens`` template library). The POST claims the token by inserting a
``FormSubmission`` row in the same transaction as the object it creates, and records where it
sent the user. A second POST with the same token (a double click, a browser resending) blocks
on the unique token until the first commits, then finds it taken and is sent to the first
one's result with a message, creating nothing. A POST that does not end in a redirect (the form
had errors, or asks to confirm a possible duplicate) rolls back, so its token stays unused and
the form can be sent again. On SQLite the transaction takes the write lock when it begins
(``transaction_mode`` IMMEDIATE in the settings), so the second waits instead of failing.

A POST without a token (a form opened before tokens existed, or a script) is served as before;
the token guards against accidental repeats, not against a client that wants two objects.
"""

import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "form_token"
_TOKEN = re.compile(r"[0-9a-f]{32}")
# Claimed tokens are kept this long; older ones are removed when the user claims a new one.
KEEP = timedelta(days=1)


class _NotSaved(Exception):
    def __init__(self, response):
        self.response = response


def new_token():
    return secrets.token_hex(16)


def posted_token(request):
    token = request.POST.get(FIELD, "")
    return token if _TOKEN.fullmatch(token) else None


def save_once(request, respond):
    """``respond()``'s response, run so that the POST's one-time token saves at most once.

    Without a token (a GET, a form from before tokens, a script) it simply responds. The
    permission checks run inside ``respond``, and a refusal rolls the claim back."""
    token = posted_token(request) if request.method == "POST" else None
    if token is None:
        return respond()
    user_id = request.user.pk if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = FormSubmission.objects.create(token=token, user_id=user_id)
            except IntegrityError:
                return _already_saved(request, token)
            response = respond()
            if not isinstance(response, HttpResponseRedirect):
                raise _NotSaved(response)
            claim.result_url = response.url[:500]
            claim.save(update_fields=["result_url"])
            FormSubmission.objects.filter(
                user_id=user_id, created_at__lt=timezone.now() - KEEP
            ).delete()
            return response
    except _NotSaved as not_saved:
        return not_saved.response


class OneTimeFormMixin:
    """For create views: the form carries a one-time token and saves at most once with it."""

    def dispatch(self, request, *args, **kwargs):
        # dispatch, not post: views that define post() themselves are wrapped the same way.
        return save_once(
            request, lambda: super(OneTimeFormMixin, self).dispatch(request, *args, **kwargs)
        )


def one_time_admin_add_views(site):
    """Make the add view of every model admin of ``site`` save once per form token (the
    project's admin/change_form.html puts one in every add form): the admin's add forms are
    create forms like the pages', and a double click on Save must not add two customers,
    projects or API tokens."""
    for model_admin in site._registry.values():
        add_view = model_admin.add_view
        if getattr(add_view, "saves_once", False):
            continue

        def once(request, *args, _add_view=add_view, **kwargs):
            return save_once(request, lambda: _add_view(request, *args, **kwargs))

        once.saves_once = True
        # On the instance: get_urls() reads self.add_view when the URLconf is first loaded,
        # after every app's ready().
        model_admin.add_view = once


def _already_saved(request, token):
    earlier = FormSubmission.objects.filter(token=token).first()
    messages.info(request, _("This form had already been saved; it was not saved a second time."))
    if earlier is not None and earlier.result_url:
        return HttpResponseRedirect(earlier.result_url)
    return HttpResponseRedirect(request.get_full_path())
