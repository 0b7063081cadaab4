from django.urls import path

from palermo.accounts import members, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_verify, name="login_verify"),
    path("login/set-up/", views.login_setup, name="login_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("acting-for/", views.membership_switch, name="membership_switch"),
    path("account/second-factor/", views.second_factor, name="second_factor"),
    path("account/security/", views.security, name="security"),
    path("account/password/", views.password_change, name="password_change"),
]

# An organisation's members and invitations: pages of accounts under organisations/ and the
# `organisations:` names, joined with the organisation directory in palermo/urls.py.
member_urlpatterns = [
    path("members/", members.member_list, name="members"),
    path("members/<int:membership_id>/deactivate/", members.member_deactivate, name="member_deactivate"),
    path("invitations/<int:invitation_id>/revoke/", members.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:secret>/", members.invitation_answer, name="invitation"),
]
