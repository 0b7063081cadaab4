"""Organisation admins invite members; only the invitee's answer makes a membership."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from palermo.accounts.acting import SESSION_KEY
from palermo.accounts.models import LoginSession, User
from palermo.accounts.services import login_session_register, membership_add
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Invitation, Membership, Role
from tests.conftest import ALL_ROLES, acting_of, api_client, nothing_changes, signed_in_client
from tests.factories import PASSWORD


@pytest.fixture
def admin(org_a, member):
    return member(Role.ORG_ADMIN, org_a)


def _invite(admin, email: str, role: str = "analyst"):  # type: ignore[no-untyped-def]
    page = signed_in_client(admin).post("/organisations/members/", {"email": email, "role": role})
    assert page.status_code == 200
    return page


def _link_path(page) -> str:  # type: ignore[no-untyped-def]
    return urlsplit(page.context["invited"]["link"]).path


@pytest.mark.django_db
def test_an_invitation_reads_the_same_whether_or_not_the_address_has_an_account(admin, org_b, member):
    existing = member(Role.CASE_WORKER, org_b)
    for_existing = _invite(admin, existing.user.email.upper(), "case_worker")
    for_new = _invite(admin, "New.Person@Example.test", "case_worker")

    def notice(page) -> str:  # type: ignore[no-untyped-def]
        text = page.content.decode()
        text = text[text.index('role="status"') : text.index("</div>", text.index('role="status"'))]
        return text.replace(page.context["invited"]["link"], "LINK").replace(page.context["invited"]["email"], "EMAIL")

    assert notice(for_existing) == notice(for_new)
    assert for_existing.context["invited"]["email"] == existing.user.email
    assert for_new.context["invited"]["email"] == "new.person@example.test"
    # Nothing is attached and no account is made until the invitee answers.
    assert existing.user.memberships.count() == 1
    assert not User.objects.filter(email="new.person@example.test").exists()
    assert Invitation.objects.filter(organisation=admin.organisation, accepted_at=None).count() == 2
    assert list(
        AuditEntry.objects.filter(organisation=admin.organisation, action="invitation.create").values_list(
            "detail", flat=True
        )
    ) == [{"role": "case_worker"}, {"role": "case_worker"}]


@pytest.mark.django_db
def test_an_existing_user_accepts_while_signed_in(admin, org_b, member):
    existing = member(Role.ANALYST, org_b)
    link = _link_path(_invite(admin, existing.user.email, "analyst"))
    # Someone else signed in cannot take it.
    stranger = signed_in_client(member(Role.ANALYST, org_b))
    with nothing_changes():
        assert stranger.post(link).status_code == 404
    assert existing.user.memberships.count() == 1
    anonymous = Client().get(link)
    assert anonymous.status_code == 200
    client = signed_in_client(existing)
    assert client.get(link).status_code == 200
    accepted = client.post(link)
    assert accepted.headers["Location"] == "/"
    membership = Membership.objects.get(user=existing.user, organisation=admin.organisation)
    assert (membership.role, membership.is_active) == ("analyst", True)
    # The session now acts for the accepted role.
    assert client.session[SESSION_KEY] == membership.pk
    assert AuditEntry.objects.filter(organisation=admin.organisation, action="invitation.accept").count() == 1
    # A link works once: answered, it only leads home.
    assert client.post(link).headers["Location"] == "/"
    assert stranger.get(link).status_code == 404
    assert Membership.objects.filter(user=existing.user).count() == 2


@pytest.mark.django_db
def test_a_new_user_chooses_a_password_on_the_link_then_signs_in(admin):
    link = _link_path(_invite(admin, "Nia@Example.test", "analyst"))
    client = Client()
    with nothing_changes():
        weak = client.post(link, {"full_name": "Nia", "new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 400
    assert not User.objects.filter(email="nia@example.test").exists()
    done = client.post(
        link, {"full_name": "Nia", "new_password1": "my own long passphrase", "new_password2": "my own long passphrase"}
    )
    assert done.headers["Location"] == f"/login/?next={link}"
    user = User.objects.get(email="nia@example.test")
    assert (user.full_name, user.must_change_password) == ("Nia", False)
    assert Membership.objects.get(user=user).role == "analyst"
    signed_in = client.post(f"/login/?next={link}", {"email": "nia@example.test", "password": "my own long passphrase"})
    assert signed_in.headers["Location"] == link
    assert client.get(link).headers["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_link_never_sets_the_password_of_an_existing_account(admin, org_b, member):
    existing = member(Role.ANALYST, org_b)
    link = _link_path(_invite(admin, existing.user.email, "analyst"))
    new_person_link = _link_path(_invite(admin, "fresh@example.test", "analyst"))
    form = {"full_name": "Mallory", "new_password1": "taken over passphrase", "new_password2": "taken over passphrase"}
    with nothing_changes():
        on_existing = Client().post(link, form)
    on_new = Client().post(new_person_link, form)
    # The same answer either way: whoever holds the link learns nothing about the account.
    assert on_existing.status_code == on_new.status_code == 302
    assert on_existing.headers["Location"] == f"/login/?next={link}"
    assert on_new.headers["Location"] == f"/login/?next={new_person_link}"
    existing.user.refresh_from_db()
    assert existing.user.check_password(PASSWORD)
    assert existing.user.full_name != "Mallory"
    assert existing.user.memberships.count() == 1
    assert (
        Client().post("/login/", {"email": existing.user.email, "password": "taken over passphrase"}).status_code == 400
    )


@pytest.mark.django_db
def test_an_admin_revokes_a_pending_invitation(admin):
    link = _link_path(_invite(admin, "late@example.test", "analyst"))
    invitation = Invitation.objects.get(email="late@example.test")
    page = signed_in_client(admin).get("/organisations/members/")
    assert "late@example.test" in page.content.decode()
    revoked = signed_in_client(admin).post(f"/organisations/invitations/{invitation.pk}/revoke/")
    assert revoked.headers["Location"] == "/organisations/members/"
    form = {"new_password1": "my own long passphrase", "new_password2": "my own long passphrase"}
    with nothing_changes():
        assert Client().get(link).status_code == 404
        assert Client().post(link, form).status_code == 404
    assert not User.objects.filter(email="late@example.test").exists()
    assert AuditEntry.objects.filter(organisation=admin.organisation, action="invitation.revoke").count() == 1


@pytest.mark.django_db
def test_an_admin_cannot_revoke_another_organisations_invitation(admin, org_b, member):
    other_admin = member(Role.ORG_ADMIN, org_b)
    _invite(other_admin, "theirs@example.test")
    invitation = Invitation.objects.get(email="theirs@example.test")
    client = signed_in_client(admin)
    with nothing_changes():
        assert client.post(f"/organisations/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.django_db
def test_an_expired_invitation_opens_nothing(admin):
    link = _link_path(_invite(admin, "slow@example.test"))
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    form = {"new_password1": "my own long passphrase", "new_password2": "my own long passphrase"}
    with nothing_changes():
        assert Client().post(link, form).status_code == 404
    assert not User.objects.filter(email="slow@example.test").exists()


@pytest.mark.django_db
def test_org_admins_can_no_longer_attach_an_account_directly(admin, org_b, member):
    existing = member(Role.ANALYST, org_b)
    with nothing_changes(), pytest.raises(PermissionDenied):
        membership_add(acting=acting_of(admin), user=existing.user, organisation=admin.organisation, role="analyst")
    assert existing.user.memberships.count() == 1


@pytest.mark.django_db
def test_deactivating_a_membership_ends_only_the_sessions_acting_for_that_organisation(admin, org_b, member):
    worker = member(Role.CASE_WORKER, admin.organisation)
    elsewhere = member(Role.CASE_WORKER, org_b, user=worker.user)
    here, there = signed_in_client(worker), signed_in_client(elsewhere)
    for client in (here, there):
        assert client.get("/").status_code == 200
        login_session_register(user=worker.user, session=client.session)
    assert LoginSession.objects.filter(user=worker.user).count() == 2
    response = signed_in_client(admin).post(f"/organisations/members/{worker.pk}/deactivate/")
    assert response.status_code == 302
    assert here.get("/").headers["Location"].startswith("/login/")
    assert there.get("/").status_code == 200
    assert there.session[SESSION_KEY] == elsewhere.pk
    assert list(LoginSession.objects.filter(user=worker.user).values_list("session_key", flat=True)) == [
        there.session.session_key
    ]


@pytest.mark.django_db
def test_invite_with_bad_input_explains_and_creates_nothing(admin):
    client = signed_in_client(admin)
    with nothing_changes():
        page = client.post("/organisations/members/", {"email": "not-an-email", "role": "pope"})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"email", "role"}
    assert User.objects.count() == 1
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.ORG_ADMIN])
def test_only_admins_add_members(org_a, member, role):
    client = signed_in_client(member(role, org_a))
    with nothing_changes():
        response = client.post("/organisations/members/", {"email": "x@example.test", "role": "case_worker"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_sign_ins_appear_in_each_organisations_trail(org_a, org_b, member):
    analyst = member(Role.ANALYST, org_a)
    member(Role.ANALYST, org_b, user=analyst.user)
    Client().post("/login/", {"email": analyst.user.email, "password": "correct horse battery staple"})
    assert set(AuditEntry.objects.filter(action="login").values_list("organisation__name", flat=True)) == {
        "Alpha Shelter",
        "Beta Police",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ANALYST, Role.ORG_ADMIN])
def test_roles_that_never_see_people_are_refused_the_list(org_a, member, role):
    membership = member(role, org_a)
    client, api = signed_in_client(membership), api_client(membership)
    with nothing_changes():  # not even an audited read
        assert client.get("/people/").status_code == 403
        response = api.get("/api/v1/persons")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.django_db
def test_an_admin_cannot_invite_anyone_to_govern_the_deployment(admin):
    """The deployment coordinator's role reaches every organisation: only the operator grants it."""
    from palermo.accounts.services import invitation_create

    client = signed_in_client(admin)
    with nothing_changes():
        page = client.post("/organisations/members/", {"email": admin.user.email, "role": Role.DEPLOYMENT_COORDINATOR})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"role"}
    with nothing_changes(), pytest.raises(PermissionDenied):
        invitation_create(
            acting=acting_of(admin),
            organisation=admin.organisation,
            email="ally@example.test",
            role="deployment_coordinator",
        )
    assert Invitation.objects.count() == 0
    assert not Membership.objects.filter(role=Role.DEPLOYMENT_COORDINATOR).exists()
