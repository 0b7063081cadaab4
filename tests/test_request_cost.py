"""What every request reads is read cheaply, and still exactly what the ORM would give.

The token, membership, person and second-factor device reads are written as SQL once
(palermo.joined); the choice labels come from a table per language; the security headers are built
once. These tests hold them to the ORM's, Django's and django-csp's answers, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime

import pytest
from csp.utils import build_policy
from django.db import connection
from django.http import Http404, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import ApiToken
from palermo.accounts.selectors import api_token_authenticate, membership_list_acting, membership_list_for_user
from palermo.accounts.services import api_token_create
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Membership, Organisation, OrganisationType, Role
from palermo.people.models import Person
from palermo.people.selectors import person_get_for
from palermo.people.services import person_create
from palermo.permissions import Actor
from palermo.web.middleware import ContentSecurityPolicyMiddleware
from tests.conftest import actor_of, signed_in_client
from tests.factories import MembershipFactory, OrganisationFactory


def _fields(instance: object) -> dict[str, object]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_token_read_gives_what_the_orm_gives_with_everything_loaded(org_a):
    membership = MembershipFactory(organisation=org_a, role=Role.CASE_WORKER)
    _, clear = api_token_create(actor=Actor.system(), membership=membership, name="cli")

    with CaptureQueriesContext(connection) as queries:
        token = api_token_authenticate(clear)
        assert token is not None
        user, organisation = token.membership.user, token.membership.organisation
    assert len(queries) == 1

    expected = ApiToken.objects.select_related("membership__organisation", "membership__user").get(pk=token.pk)
    assert _fields(token) == _fields(expected)
    assert _fields(token.membership) == _fields(expected.membership)
    assert _fields(organisation) == _fields(expected.membership.organisation)
    assert _fields(user) == _fields(expected.membership.user)
    assert isinstance(token.expires_at, datetime.datetime)
    assert token.expires_at.tzinfo is not None


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["revoked", "expired", "membership", "user", "organisation"])
def test_a_token_stops_working_at_once(org_a, change):
    membership = MembershipFactory(organisation=org_a, role=Role.CASE_WORKER)
    token, clear = api_token_create(actor=Actor.system(), membership=membership, name="cli")
    assert api_token_authenticate(clear) is not None

    if change == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif change == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif change == "membership":
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    elif change == "user":
        type(membership.user).objects.filter(pk=membership.user_id).update(is_active=False)
    else:
        Organisation.objects.filter(pk=org_a.pk).update(is_active=False)

    assert api_token_authenticate(clear) is None
    assert api_token_authenticate(clear + "x") is None


@pytest.mark.django_db
def test_the_acting_memberships_are_the_querysets_in_its_order():
    zulu = OrganisationFactory(name="Zulu Shelter")
    alpha = OrganisationFactory(name="Alpha Police")
    closed = OrganisationFactory(name="Closed NGO", is_active=False)
    first = MembershipFactory(organisation=zulu, role=Role.CASE_WORKER)
    user = first.user
    MembershipFactory(user=user, organisation=alpha, role=Role.ORG_ADMIN)
    MembershipFactory(user=user, organisation=alpha, role=Role.ANALYST)
    MembershipFactory(user=user, organisation=closed, role=Role.ANALYST)
    MembershipFactory(user=user, organisation=zulu, role=Role.COORDINATOR, is_active=False)

    with CaptureQueriesContext(connection) as queries:
        acting = membership_list_acting(user=user)
        names = [(m.organisation.name, m.role, m.user.email) for m in acting]
    assert len(queries) == 1

    expected = list(membership_list_for_user(user=user))
    assert [m.pk for m in acting] == [m.pk for m in expected]
    assert [_fields(m) for m in acting] == [_fields(m) for m in expected]
    assert [_fields(m.organisation) for m in acting] == [_fields(m.organisation) for m in expected]
    assert names == [
        ("Alpha Police", Role.ANALYST, user.email),
        ("Alpha Police", Role.ORG_ADMIN, user.email),
        ("Zulu Shelter", Role.CASE_WORKER, user.email),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_type_and_role_labels_are_djangos_in_every_language(language):
    organisation = OrganisationFactory()
    with translation.override(language):
        for value, _label in OrganisationType.choices:
            organisation.type = value
            assert organisation.get_type_display() == organisation._get_FIELD_display(
                Organisation._meta.get_field("type")
            )
        membership = Membership(organisation=organisation, role=Role.DECISION_MAKER)
        assert membership.get_role_display() == membership._get_FIELD_display(Membership._meta.get_field("role"))
    with translation.override("fr"):
        assert Membership(role=Role.CASE_WORKER).get_role_display() != "Case worker"


@pytest.mark.django_db
def test_a_person_is_read_as_the_orm_reads_it_within_the_scope_only(org_a, org_b, member):
    worker, responder = member(Role.CASE_WORKER, org_a), member(Role.FIRST_RESPONDER, org_a)
    outsider = member(Role.CASE_WORKER, org_b)
    person = person_create(
        actor=actor_of(worker),
        given_names="Łucja",
        family_name="Ørsted",
        aliases=["Lucy"],
        date_of_birth=datetime.date(1990, 2, 3),
        citizenships=["UA"],
        languages=["uk"],
        interpreter_needed=True,
    )

    with CaptureQueriesContext(connection) as queries:
        read = person_get_for(actor=actor_of(worker), person_id=str(person.pk))
    assert sum("people_person" in q["sql"] for q in queries) == 1
    assert _fields(read) == _fields(Person.objects.get(pk=person.pk))
    assert (read.given_names, read.aliases, read.date_of_birth) == ("Łucja", ["Lucy"], datetime.date(1990, 2, 3))
    assert AuditEntry.objects.filter(action="person.view", object_id=str(person.pk)).count() == 1

    # A first responder sees only what they recorded; another organisation nothing; nonsense ids are missing.
    for actor, person_id in (
        (actor_of(responder), person.pk),
        (actor_of(outsider), person.pk),
        (actor_of(worker), "x1"),
        (actor_of(worker), person.pk + 1000),
    ):
        with pytest.raises(Http404):
            person_get_for(actor=actor, person_id=person_id)
    assert AuditEntry.objects.filter(action="person.view").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/api/v1/me", "/no-such-page/"])
def test_every_response_carries_the_policy_and_cache_headers_django_csp_and_django_give(client, path):
    expected = HttpResponse()
    add_never_cache_headers(expected)
    patch_cache_control(expected, private=True)

    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert response.headers["Cache-Control"] == expected.headers["Cache-Control"]
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


@pytest.mark.django_db
def test_a_changed_policy_setting_is_the_one_sent(client, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/login/").headers["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    report_only = client.get("/login/").headers["Content-Security-Policy-Report-Only"]
    assert report_only == build_policy(report_only=True)
    assert "img-src 'self'" in report_only


def test_a_response_with_a_nonce_or_its_own_policy_goes_through_django_csp(rf):
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    request = rf.get("/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    assert middleware.process_response(request, HttpResponse())["Content-Security-Policy"] == build_policy(nonce=nonce)

    request = rf.get("/")
    middleware.process_request(request)
    response = HttpResponse()
    response._csp_replace = {"img-src": ["https://maps.example"]}  # type: ignore[attr-defined]
    assert "img-src https://maps.example" in middleware.process_response(request, response)["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["removed", "unconfirmed", "another user's", "malformed"])
def test_the_sessions_device_is_read_on_every_request(org_a, member, change):
    worker = member(Role.CASE_WORKER, org_a)
    client = signed_in_client(worker)
    assert client.get("/").status_code == 200

    device = TOTPDevice.objects.get(user=worker.user)
    if change == "removed":
        device.delete()
    elif change == "unconfirmed":
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    elif change == "another user's":
        TOTPDevice.objects.filter(pk=device.pk).update(user=member(Role.CASE_WORKER, org_a).user)
    else:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/not-a-number"
        session.save()

    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor"))
