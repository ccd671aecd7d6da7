"""Forms of the customers app, one module per area; and the helper every form view uses."""


def add_service_errors(form, exc):
    """Put a service's ``ValidationError`` beside the form fields it names, the rest on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


def localize_decimal_inputs(form):
    """Decimal fields read and show numbers as the user's language writes them ("8,5" in
    Swedish): a text input with the decimal keyboard, not ``<input type=number>``, which
    Chromium reads by its own locale (it turned "8,5" into 85) and which shows "8.50"."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.DecimalField) and not field.widget.is_hidden:
            attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("step", "min", "max")}
            field.localize = True
            field.widget = forms.TextInput(attrs={**attrs, "inputmode": "decimal"})
            field.widget.is_localized = True


def add_model_errors(form, instance, values, *, prefix=""):
    """Judge ``values`` (model field name -> cleaned value) by the model's own validation
    (field validators and ``clean()``) on a copy of ``instance``, and put what it finds
    beside the form's fields (``prefix`` + field name), so every wrong field is marked in the
    first answer, not one per save. The service still validates what it saves; this only
    reports early. Fields that already have an error keep that one."""
    import copy

    from django.core.exceptions import ValidationError

    candidate = copy.copy(instance)
    for name, value in values.items():
        setattr(candidate, name, value)
    exclude = [
        f.name
        for f in candidate._meta.fields
        if f.name not in values or f"{prefix}{f.name}" in form.errors
    ]
    try:
        candidate.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in getattr(exc, "message_dict", {}).items():
            target = f"{prefix}{name}"
            if target in form.fields and target not in form.errors:
                for message in messages:
                    form.add_error(target, message)
