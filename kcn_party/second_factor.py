"""A second factor for administrators: a code from an authenticator app (TOTP, django-otp).

An administrator (the Administrator role of a committee, or a superuser) may enrol a device:
the enrolment page shows a QR code and the secret to type by hand, and the device counts once
the administrator has given a code it made. From then on, after the password, every page asks
for a code first (`SecondFactorMiddleware`), until this session has given one. With the setting
OTP_REQUIRED_FOR_ADMINS (off by default) an administrator without a device is sent to enrol one
before anything else. Staff and leaders sign in with their password alone: they may not enrol.

Each account sees and confirms only its own device; the devices have no admin page (their
secrets are nobody else's to read).
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.access import Role, role_of

DEVICE_NAME = "authenticator"


def is_administrator(user) -> bool:
    """Whether the second factor concerns `user`: a superuser or a committee's administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or role_of(user) == Role.ADMIN


# What a session's administrator owes, decided once when the account signs in (so that no
# page asks the database again): a code from its app, or (where required) an app.
OWED = "kcn_second_factor"
CODE, DEVICE = "code", "device"


def signed_in(sender, request, user, **kwargs):
    """Notes in the new session what its account owes (connected to `user_logged_in` by
    OrganizationsConfig.ready)."""
    if request is None or not hasattr(request, "session"):
        return
    if not is_administrator(user):
        request.session.pop(OWED, None)
        return
    request.session[OWED] = CODE if user_has_device(user, confirmed=True) else DEVICE


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": _("Type the 6-digit code the app shows.")},
    )

    def __init__(self, *args, device_check, **kwargs):
        super().__init__(*args, **kwargs)
        self.device_check = device_check
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("The code is digits only."))
        self.device = self.device_check(code)
        if self.device is None:
            raise forms.ValidationError(
                _("This code is wrong or has expired: type the code the app shows now.")
            )
        return code


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _verified(device, code: str):
    """`device` when `code` is its current code (django-otp throttles repeated failures)."""
    return device if device.verify_token(code) else None


@never_cache
@login_required
def verify(request):
    """The code after the password, for an administrator with a device."""
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices or request.user.is_verified():
        if not devices and is_administrator(request.user):
            request.session[OWED] = DEVICE  # its device was removed since it signed in
        return redirect(_next(request))

    def check(code):
        return next((d for d in devices if _verified(d, code)), None)

    form = CodeForm(request.POST or None, device_check=check)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next(request))
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "next": _next(request), "title": gettext("Second factor")},
    )


@never_cache
@login_required
def enrol(request):
    """Enrol an authenticator app: the QR code and the secret, then a code it made."""
    if not is_administrator(request.user):
        raise PermissionDenied
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect(f"{reverse('second_factor')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None, device_check=lambda code: _verified(device, code))
    if request.method == "POST" and form.is_valid():
        # One device per account: the new one replaces any before it.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        request.session[OWED] = CODE
        messages.success(
            request,
            gettext(
                "The authenticator app is enrolled: from now on, signing in asks for its code "
                "after the password."
            ),
        )
        return redirect(_next(request))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            "title": gettext("Enrol an authenticator app"),
            "qr_svg": image.to_string(encoding="unicode"),
            "secret": base64.b32encode(device.bin_key).decode(),
            "replacing": user_has_device(request.user, confirmed=True),
        },
    )


# The pages an administrator who still owes a code may open: the two above, signing out,
# the language switch and what the pages load.
OPEN_PATHS = ("/xac-thuc/", "/admin/logout/", "/i18n/", "/admin/jsi18n/", "/healthz")


class SecondFactorMiddleware:
    """Sends an administrator who owes a code (or, where required, a device) to give it before
    any other page. After django-otp's OTPMiddleware, which tells whether the session has given
    its code; what is owed was noted in the session at signing in (`signed_in`): no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        static = "/" + (settings.STATIC_URL or "static/").lstrip("/")
        if (
            user is not None
            and user.is_authenticated
            and not path.startswith(OPEN_PATHS)
            and not path.startswith(static)
        ):
            owed = request.session.get(OWED)
            query = urlencode({"next": request.get_full_path()})
            if owed == CODE and not user.is_verified():
                return redirect(f"{reverse('second_factor')}?{query}")
            if owed == DEVICE and settings.OTP_REQUIRED_FOR_ADMINS:
                return redirect(f"{reverse('second_factor_enrol')}?{query}")
        return self.get_response(request)
