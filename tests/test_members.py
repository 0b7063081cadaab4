"""Organisation admins add members; an invited user chooses their own password first."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.accounts.models import User
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Membership, Role
from tests.conftest import ALL_ROLES, api_client, signed_in_client


@pytest.fixture
def admin(org_a, member):
    return member(Role.ORG_ADMIN, org_a)


@pytest.mark.django_db
def test_admin_invites_a_new_user_who_must_choose_a_password(admin, settings):
    page = signed_in_client(admin).post(
        "/organisations/members/", {"email": "New.Analyst@Example.test", "full_name": "Nia", "role": "analyst"}
    )
    assert page.status_code == 200
    temporary = page.context["invited"]["temporary"]
    assert temporary
    assert temporary in page.content.decode()
    user = User.objects.get(email="new.analyst@example.test")
    assert user.must_change_password
    assert Membership.objects.filter(user=user, organisation=admin.organisation, role="analyst").exists()
    assert temporary not in "".join(str(v) for v in AuditEntry.objects.values_list("detail", flat=True))

    client = Client()
    assert client.post("/login/", {"email": user.email, "password": temporary}).headers["Location"] == "/"
    # Nothing opens before the one-time password is replaced.
    assert client.get("/").headers["Location"] == "/account/password/"
    assert client.get("/organisations/").headers["Location"] == "/account/password/"
    assert client.get("/account/security/").headers["Location"] == "/account/password/"
    weak = client.post(
        "/account/password/", {"old_password": temporary, "new_password1": "abc", "new_password2": "abc"}
    )
    assert weak.status_code == 400
    done = client.post(
        "/account/password/",
        {
            "old_password": temporary,
            "new_password1": "my own long passphrase",
            "new_password2": "my own long passphrase",
        },
    )
    assert done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
    assert Client().post("/login/", {"email": user.email, "password": temporary}).status_code == 400


@pytest.mark.django_db
def test_inviting_an_existing_user_adds_the_role_without_a_password(admin, org_b, member):
    existing = member(Role.CASE_WORKER, org_b)
    page = signed_in_client(admin).post(
        "/organisations/members/", {"email": existing.user.email, "role": "case_worker"}
    )
    assert page.context["invited"]["temporary"] is None
    assert existing.user.memberships.count() == 2
    existing.user.refresh_from_db()
    assert not existing.user.must_change_password


@pytest.mark.django_db
def test_invite_with_bad_input_explains_and_creates_nothing(admin):
    page = signed_in_client(admin).post("/organisations/members/", {"email": "not-an-email", "role": "pope"})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"email", "role"}
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.ORG_ADMIN])
def test_only_admins_add_members(org_a, member, role):
    response = signed_in_client(member(role, org_a)).post(
        "/organisations/members/", {"email": "x@example.test", "role": "case_worker"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()


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
    assert signed_in_client(membership).get("/people/").status_code == 403
    response = api_client(membership).get("/api/v1/people")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
