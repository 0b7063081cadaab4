"""Login in two steps (password, then TOTP or a recovery code), set-up of the second
factor, logout, switching the acting membership, and the user's own security page."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts import services
from palermo.accounts.acting import SESSION_KEY as MEMBERSHIP_KEY
from palermo.accounts.acting import second_factor_step, session_second_factor
from palermo.accounts.forms import CodeForm, LoginForm, SetupCodeForm, TokenForm
from palermo.accounts.middleware import session_start
from palermo.accounts.models import User
from palermo.accounts.selectors import api_token_get_for_user, api_token_list_for_user, membership_list_for_user
from palermo.audit.services import audit_record
from palermo.permissions import ActingUser, Channel, requires_second_factor, role_needs_second_factor

PENDING_USER = "palermo_pending_user"
PENDING_AT = "palermo_pending_at"
PENDING_FAILURES = "palermo_pending_failures"
PENDING_DEVICE = "palermo_pending_device"
PENDING_NEXT = "palermo_pending_next"
STEP_UP_FAILURES = "palermo_step_up_failures"
STEP_UP_DEVICE = "palermo_step_up_device"
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("web:home")


def _pending_user(request: HttpRequest) -> User | None:
    user_id, started = request.session.get(PENDING_USER), request.session.get(PENDING_AT, 0)
    if not user_id or time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _clear_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_AT, PENDING_FAILURES, PENDING_DEVICE):
        request.session.pop(key, None)


def _complete_login(request: HttpRequest, user: User, device: Any | None) -> HttpResponse:
    target = _safe_next(request, request.session.get(PENDING_NEXT))
    _clear_pending(request)
    request.session.pop(PENDING_NEXT, None)
    login(request, user, backend=MODEL_BACKEND)
    if device is not None:
        otp_login(request, device)
    session_start(request)
    request.session.save()
    services.login_session_register(user=user, session=request.session)
    # Into each of the user's organisations' trails, so every admin sees their members' sign-ins.
    for membership in membership_list_for_user(user=user):
        audit_record(
            acting=ActingUser(user=user, membership=membership, channel=Channel.WEB),
            action="login",
            target=user,
            detail={"second_factor": device is not None},
        )
    return redirect(target)


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return login_locked_out(request)
        if user is None:
            form.add_error(None, _("That email address and password do not match an account."))
        elif not membership_list_for_user(user=user).exists():
            form.add_error(None, _("Your account has no active role in any organisation. Ask your organisation admin."))
        else:
            assert isinstance(user, User)
            request.session[PENDING_NEXT] = request.GET.get("next", "")
            if settings.DEMO and user.is_demo:
                return _complete_login(request, user, None)
            if services.has_confirmed_totp(user) or requires_second_factor(user):
                request.session[PENDING_USER] = user.pk
                request.session[PENDING_AT] = time.time()
                request.session[PENDING_FAILURES] = 0
                if services.has_confirmed_totp(user):
                    return redirect("accounts:login_verify")
                return redirect("accounts:login_setup")
            return _complete_login(request, user, None)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "expired": request.GET.get("expired") == "1"},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("code")
def login_verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        device, wait = _verify_code(user, code)
        if device is not None:
            return _complete_login(request, user, device)
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        if failures >= MAX_CODE_FAILURES:
            _clear_pending(request)
            messages.error(request, _("Too many wrong codes. Sign in again with your password."))
            return redirect("accounts:login")
        return render(request, "accounts/login_verify.html", {"form": form}, status=_explain_refused_code(form, wait))
    return render(request, "accounts/login_verify.html", {"form": form}, status=400 if form.errors else 200)


def _device_being_paired(request: HttpRequest, user: User, session_key: str) -> TOTPDevice:
    """The authenticator this session is pairing, started on the first visit and kept across reloads."""
    device = TOTPDevice.objects.filter(pk=request.session.get(session_key), user=user, confirmed=False).first()
    if device is None:
        device = services.totp_device_start(user=user)
        request.session[session_key] = device.pk
    return device


def _explain_refused_code(form: CodeForm, wait: int | None) -> int:
    """Say on the form why a code was refused (sign-in and step-up alike); the status to answer with."""
    if wait:
        message = ngettext(
            "Wait %(seconds)s second, then type the newest code.",
            "Wait %(seconds)s seconds, then type the newest code.",
            wait,
        )
        form.add_error("code", message % {"seconds": wait})
        return 429
    form.add_error("code", _("That code is not right, or it was already used. Try the newest code."))
    return 400


def _verify_code(user: User, code: str) -> tuple[Any | None, int]:
    """The device that accepts the code; else how long django-otp's throttling asks to wait."""
    wait = 0
    # Digits are an authenticator code, anything else a recovery code: a recovery code must
    # not count as a failed authenticator attempt (and slow the next real one down).
    wanted = TOTPDevice if code.isdigit() else StaticDevice
    for device in devices_for_user(user, confirmed=True):
        if not isinstance(device, wanted):
            continue
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until = (info or {}).get("locked_until")
            if locked_until:
                wait = max(wait, int((locked_until - timezone.now()).total_seconds()) + 1)
            continue
        token = code if isinstance(device, TOTPDevice) else services.recovery_code_digest(code)
        if device.verify_token(token):
            return device, 0
    return None, wait


def _qr_data_uri(device: TOTPDevice) -> str:
    # A standalone SVG (with its xmlns, which svg_inline leaves out): an <img> draws nothing without it.
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(svg, kind="svg", xmldecl=False, scale=5, dark="#111")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


@sensitive_post_parameters("code")
def login_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a role that needs a second factor: pair an authenticator app."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    if services.has_confirmed_totp(user):
        return redirect("accounts:login_verify")
    device = _device_being_paired(request, user, PENDING_DEVICE)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"][0])
        else:
            device.refresh_from_db()
            _complete_login(request, user, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True})
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/login_setup.html", context, status=400 if form.errors else 200)


def login_locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(acting=request.acting, action="logout", target=request.user)  # type: ignore[attr-defined]
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


@login_required
@require_POST
def membership_switch(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("membership")
    chosen = next((m for m in request.memberships if str(m.pk) == wanted), None)  # type: ignore[attr-defined]
    if chosen is None:
        messages.error(request, _("You cannot act for that organisation."))
    else:
        request.session[MEMBERSHIP_KEY] = chosen.pk
        messages.success(request, _("You now act for %(membership)s.") % {"membership": chosen})
        if role_needs_second_factor(chosen.role) and not session_second_factor(request):
            return second_factor_step(reverse("web:home"))
    return redirect("web:home")


@login_required
@sensitive_post_parameters("code")
def second_factor(request: HttpRequest) -> HttpResponse:
    """Verify this session with a device, after sign-in: pair an app, or type a code from one.

    Reached when the session acts for a role that needs a second factor (switched to, or granted,
    after a password-only sign-in) or before making an API token; anyone may pair voluntarily.
    """
    user: User = request.user  # type: ignore[assignment]
    target = _safe_next(request, request.GET.get("next"))
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(target)
    if services.has_confirmed_totp(user):
        return _second_factor_code(request, user, target)
    device = _device_being_paired(request, user, STEP_UP_DEVICE)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"][0])
        else:
            device.refresh_from_db()
            _second_factor_done(request, user, device)
            context = {"codes": codes, "first_time": True, "next": target}
            return render(request, "accounts/recovery_codes.html", context)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "step_up": True,
    }
    return render(request, "accounts/login_setup.html", context, status=400 if form.errors else 200)


def _second_factor_code(request: HttpRequest, user: User, target: str) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, wait = _verify_code(user, form.cleaned_data["code"].strip().replace(" ", ""))
        if device is not None:
            _second_factor_done(request, user, device)
            return redirect(target)
        failures = request.session.get(STEP_UP_FAILURES, 0) + 1
        request.session[STEP_UP_FAILURES] = failures
        if failures >= MAX_CODE_FAILURES:
            # As at sign-in: guessing codes in a signed-in session costs the session.
            logout(request)
            messages.error(request, _("Too many wrong codes. Sign in again with your password."))
            return redirect("accounts:login")
        status = _explain_refused_code(form, wait)
        return render(request, "accounts/login_verify.html", {"form": form, "step_up": True}, status=status)
    context = {"form": form, "step_up": True}
    return render(request, "accounts/login_verify.html", context, status=400 if form.errors else 200)


def _second_factor_done(request: HttpRequest, user: User, device: Any) -> None:
    otp_login(request, device)
    request.session.pop(STEP_UP_FAILURES, None)
    request.session.pop(STEP_UP_DEVICE, None)
    # Into the chain of the organisation whose role this opens, so its admins see it.
    chosen = request.session.get(MEMBERSHIP_KEY)
    acting = next((m for m in request.memberships if m.pk == chosen), None)  # type: ignore[attr-defined]
    audit_record(
        acting=ActingUser(user=user, membership=acting, channel=Channel.WEB, second_factor=True),
        action="second_factor.verify",
        target=user,
    )


@login_required
@sensitive_post_parameters()
def password_change(request: HttpRequest) -> HttpResponse:
    """Choose a new password; required before anything else after an invitation."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_change(
            acting=request.acting,  # type: ignore[attr-defined]
            user=user,
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your new password is saved."))
        return redirect("web:home")
    context = {"form": form, "required": user.must_change_password}
    return render(request, "accounts/password_change.html", context, status=400 if form.errors else 200)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own second factor, recovery codes and API tokens."""
    user: User = request.user  # type: ignore[assignment]
    if user.must_change_password:
        # No token can be made with a one-time password that someone else has seen.
        return redirect("accounts:password_change")
    acting: ActingUser = request.acting  # type: ignore[attr-defined]
    form = TokenForm()
    created_token = None
    if request.method == "POST":
        if "recovery_codes" in request.POST:
            codes = services.recovery_codes_generate(user=user)
            audit_record(acting=acting, action="recovery_codes.generate", target=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False})
        if "revoke" in request.POST:
            token = api_token_get_for_user(user=user, token_id=request.POST["revoke"])
            services.api_token_revoke(acting=acting, token=token)
            messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
            return redirect("accounts:security")
        if not acting.second_factor:
            # A token outlives the session: only a session verified with a device may make one.
            return second_factor_step(request.get_full_path())
        form = TokenForm(request.POST)
        if form.is_valid() and acting.membership is not None:
            _token, created_token = services.api_token_create(
                acting=acting,
                membership=acting.membership,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
            form = TokenForm()
    context = {
        "form": form,
        "created_token": created_token,
        "tokens": api_token_list_for_user(user=user),
        "has_totp": services.has_confirmed_totp(user),
        "second_factor": acting.second_factor,
    }
    return render(request, "accounts/security.html", context)
