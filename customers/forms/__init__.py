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
