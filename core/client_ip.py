"""The client's address behind the TLS proxy, for login throttling (django-axes).

Behind a proxy every request comes from the proxy's address; counting failed logins per
username and *proxy* address would lock a user out for everybody. The proxy appends the
client's address to ``X-Forwarded-For``; the entry ``KUNDKORT_TRUSTED_PROXIES`` places from the
right is the one the last trusted proxy saw (entries further left can be forged by the client).
"""

from django.conf import settings


def client_ip(request):
    """The address axes counts failures for: from X-Forwarded-For behind trusted proxies."""
    proxies = getattr(settings, "KUNDKORT_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
