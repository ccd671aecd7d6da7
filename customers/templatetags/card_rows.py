"""Rows of the card's contacts and addresses lists, drawn in Python (issue 8).

A big account's rows cost more to draw through the template engine (some 40 variable look-ups
and ifs per row) than the rest of the Contact details tab; built with ``format_html`` they
cost far less. ``templates/customers/card/_contacts.html`` and ``_addresses.html`` call
``{% contact_rows %}`` and ``{% address_rows %}`` inside their lists.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag(takes_context=True)
def contact_rows(context, contacts):
    """The ``<li>`` of every contact (from ``contacts_section``, with their URLs)."""
    section = context["contact_section"]
    can_edit = context.get("can_edit")
    labels = {
        "marketing": _("Accepts marketing email"),
        "activate": _("Activate contact"),
        "delete": _("Delete contact"),
        "edit": _("Edit contact"),
        "inactivate": _("Inactivate contact"),
        "mobile": _("Mobile"),
        "phone": _("Phone"),
        "head_office": _("Head office"),
        "inactive": _("Inactive"),
        "no_address": _("No address"),
    }
    csrf_input = ""
    if can_edit:
        csrf_input = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context["csrf_token"]
        )
        if section.get("show_inactive"):
            csrf_input += mark_safe('<input type="hidden" name="show_inactive" value="1">')
        if section.get("show_all"):
            csrf_input += mark_safe('<input type="hidden" name="all_contacts" value="1">')
    return format_html_join(
        "\n", "{}", ((_row(contact, labels, can_edit, csrf_input),) for contact in contacts)
    )


def _row(contact, labels, can_edit, form_inputs):
    inactive_badge = (
        ""
        if contact.is_active
        else format_html(' <span class="badge text-bg-secondary">{}</span>', labels["inactive"])
    )
    subtitle = ""
    if contact.title or contact.role:
        role = (
            format_html('<span data-testid="contact-role">{}</span>', contact.role.name)
            if contact.role
            else ""
        )
        separator = " · " if contact.title and contact.role else ""
        subtitle = format_html(
            '<div class="small text-secondary">{}{}{}</div>', contact.title, separator, role
        )
    reach = []
    if contact.email:
        marketing = (
            format_html(
                ' <i class="bi bi-megaphone text-success" title="{0}" aria-label="{0}"></i>',
                labels["marketing"],
            )
            if contact.email_allowed
            else ""
        )
        reach.append(
            format_html(
                '<div><a href="mailto:{0}" title="{0}"><i class="bi bi-envelope" '
                'aria-hidden="true"></i> {0}</a>{1}</div>',
                contact.email,
                marketing,
            )
        )
    for number, shown, label, icon in (
        (contact.phone, contact.phone_display, labels["phone"], "telephone"),
        (contact.mobile, contact.mobile_display, labels["mobile"], "phone"),
    ):
        if number:
            reach.append(
                format_html(
                    '<div><a href="tel:{}" title="{}"><i class="bi bi-{}" aria-hidden="true">'
                    "</i> {}</a></div>",
                    number,
                    label,
                    icon,
                    shown,
                )
            )
    address = contact.address
    if address:
        head_office = (
            format_html(
                ' <span class="badge kk-badge-head-office kk-badge-sm">{}</span>',
                labels["head_office"],
            )
            if address.is_head_office
            else ""
        )
        place = format_html(
            '<span class="kk-contact-place" title="{}"><i class="bi bi-geo-alt text-secondary" '
            'aria-hidden="true"></i> {}</span>{}',
            address,
            address.city or address.line1,
            head_office,
        )
    else:
        place = format_html('<span class="text-secondary">{}</span>', labels["no_address"])
    actions = ""
    if can_edit:
        if contact.is_active:
            toggle = format_html(
                '<button class="btn btn-sm btn-outline-secondary" data-testid="contact-deactivate"'
                ' name="active" value="0" title="{0}">'
                '<i class="bi bi-person-dash" aria-hidden="true"></i>'
                '<span class="visually-hidden">{0}</span></button>',
                labels["inactivate"],
            )
        else:
            toggle = format_html(
                '<button class="btn btn-sm btn-outline-success" data-testid="contact-activate"'
                ' name="active" value="1" title="{0}">'
                '<i class="bi bi-person-check" aria-hidden="true"></i>'
                '<span class="visually-hidden">{0}</span></button>',
                labels["activate"],
            )
        actions = format_html(
            '<div class="kk-row-actions">'
            '<a class="btn btn-sm btn-outline-secondary" href="{}" data-testid="contact-edit" '
            'title="{edit}"><i class="bi bi-pencil" aria-hidden="true"></i>'
            '<span class="visually-hidden">{edit}</span></a>'
            '<form method="post" action="{}">{}{}</form>'
            '<a class="btn btn-sm btn-outline-danger" href="{}" data-testid="contact-delete" '
            'title="{delete}"><i class="bi bi-trash" aria-hidden="true"></i>'
            '<span class="visually-hidden">{delete}</span></a></div>',
            contact.edit_url,
            contact.toggle_url,
            form_inputs,
            toggle,
            contact.delete_url,
            edit=labels["edit"],
            delete=labels["delete"],
        )
    return format_html(
        '<li class="kk-contact{}" id="contact-{}" data-testid="contact" data-contact-id="{}">'
        '<div class="kk-contact-name"><div class="fw-semibold">{}, {}{}</div>{}</div>'
        '<div class="kk-contact-reach">{}</div>'
        '<div class="kk-contact-address small">{}</div>{}</li>',
        "" if contact.is_active else " kk-inactive",
        contact.pk,
        contact.pk,
        contact.last_name,
        contact.first_name,
        inactive_badge,
        subtitle,
        mark_safe("".join(reach)),  # each part built by format_html
        place,
        actions,
    )


@register.simple_tag(takes_context=True)
def address_rows(context, addresses):
    """The ``<li>`` of every address (from ``addresses_section``, with their URLs)."""
    customer = context["customer"]
    can_edit = context.get("can_edit")
    several = len(addresses) > 1
    labels = {
        "delete": _("Delete address"),
        "edit": _("Edit address"),
        "default_title": _("Used by default for invoicing"),
        "default": _("Default billing address"),
        "make_default": _("Make default billing address"),
        "head_office": _("Head office"),
        "no_street": _("No street address"),
        "change": _("Change"),
    }
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context["csrf_token"]
    )
    make_head_office_url = reverse("customers:address_make_head_office", args=[customer.pk])
    customer_country = customer.country.code
    rows = []
    for address in addresses:
        badges = []
        if address.is_head_office:
            badges.append(
                format_html(
                    '<span class="badge kk-badge-head-office" data-testid="head-office-badge">'
                    "{}</span>",
                    labels["head_office"],
                )
            )
            if can_edit and several:
                badges.append(
                    format_html(
                        '<a class="kk-change-link" href="{}" data-testid="head-office-change">'
                        "{}</a>",
                        make_head_office_url,
                        labels["change"],
                    )
                )
        badges.extend(
            format_html('<span class="badge kk-badge-type">{}</span>', label)
            for label in address.types
        )
        if address.is_default_billing:
            badges.append(
                format_html(
                    '<span class="badge kk-badge-default-billing" '
                    'data-testid="default-billing-badge" title="{}"><i class="bi bi-receipt" '
                    'aria-hidden="true"></i> {}</span>',
                    labels["default_title"],
                    labels["default"],
                )
            )
        elif address.is_billing and can_edit:
            badges.append(
                format_html(
                    '<form method="post" action="{}" class="kk-inline-form">{}'
                    '<button class="btn btn-link kk-change-link" '
                    'data-testid="address-default-billing">{}</button></form>',
                    address.default_billing_url,
                    csrf_input,
                    labels["make_default"],
                )
            )
        lines = [line for line in (address.line1, address.line2) if line]
        if address.postal_code or address.city:
            lines.append(f"{address.postal_code} {address.city}")
        if address.country.code != customer_country:
            lines.append(address.country.name)
        text = format_html_join("", "{}<br>", ((line,) for line in lines))
        if not address.line1 and not address.line2 and not address.city:
            text += format_html('<span class="text-secondary">{}</span>', labels["no_street"])
        phone = (
            format_html(
                '<a href="tel:{}"><i class="bi bi-telephone" aria-hidden="true"></i> {}</a>',
                address.phone,
                address.phone_display,
            )
            if address.phone
            else ""
        )
        count = address.contact_count
        contacts = ngettext("%(counter)s contact", "%(counter)s contacts", count) % {
            "counter": count
        }
        actions = ""
        if can_edit:
            actions = format_html(
                '<div class="kk-row-actions">'
                '<a class="btn btn-sm btn-outline-secondary" href="{}" data-testid="address-edit"'
                ' title="{edit}"><i class="bi bi-pencil" aria-hidden="true"></i>'
                '<span class="visually-hidden">{edit}</span></a>'
                '<a class="btn btn-sm btn-outline-danger" href="{}" data-testid="address-delete"'
                ' title="{delete}"><i class="bi bi-trash" aria-hidden="true"></i>'
                '<span class="visually-hidden">{delete}</span></a></div>',
                address.edit_url,
                address.delete_url,
                edit=labels["edit"],
                delete=labels["delete"],
            )
        rows.append(
            format_html(
                '<li class="kk-address{}" id="address-{}" data-testid="address" '
                'data-address-id="{}"><div class="kk-address-body">'
                '<div class="kk-address-badges">{}</div>'
                '<address class="kk-address-text">{}</address>'
                '<div class="kk-address-meta">{}<span><i class="bi bi-people" '
                'aria-hidden="true"></i> {}</span></div></div>{}</li>',
                " kk-address-head-office" if address.is_head_office else "",
                address.pk,
                address.pk,
                mark_safe(" ".join(badges)),  # each badge built by format_html
                text,
                phone,
                contacts,
                actions,
            )
        )
    return mark_safe("\n".join(rows))  # each row built by format_html
