"""The REST API (Django REST framework, OpenAPI 3 by drf-spectacular) and personal API tokens.

Every write goes through the services of the domain apps and every read through their
``visible_to`` / ``editable_by`` querysets, so the API adds no rule of its own; see docs/api.md.
"""
