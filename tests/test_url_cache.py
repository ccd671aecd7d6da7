"""core.url_cache gives what reverse() gives, for the URLconf and script prefix in force."""

from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from core import url_cache


def test_urls_are_those_reverse_gives():
    assert url_cache.url("customers:customer_list") == reverse("customers:customer_list")
    assert url_cache.pk_url("customers:customer_history", 42) == reverse(
        "customers:customer_history", args=[42]
    )
    assert url_cache.pk_url("customers:customer_history", 7) == reverse(
        "customers:customer_history", args=[7]
    )


def test_a_script_prefix_gets_its_own_urls():
    plain = url_cache.url("customers:customer_list")
    set_script_prefix("/kundkort/")
    try:
        assert url_cache.url("customers:customer_list") == "/kundkort" + plain
        assert url_cache.pk_url("customers:customer_history", 3) == reverse(
            "customers:customer_history", args=[3]
        )
    finally:
        clear_script_prefix()
    assert url_cache.url("customers:customer_list") == plain


@override_settings(ROOT_URLCONF="tests.urls_for_url_cache")
def test_another_urlconf_gets_its_own_urls():
    assert url_cache.url("customers:customer_list") == "/elsewhere/customers/"
