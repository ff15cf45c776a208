"""Signing in. The client's address behind the reverse proxies a deployment declares
(TRUSTED_PROXIES), by which the login lockout (django-axes) counts failures: without proxies,
REMOTE_ADDR; behind N proxies that each append the address they received from (nginx:
`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`), the Nth address from the
right of X-Forwarded-For (the ones further left are what the client itself claimed). And the
page that refuses a locked-out sign-in."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

LOCKED = 429  # Too Many Requests


def client_ip(request) -> str | None:
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in while the account and address are locked out."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=LOCKED,
    )
