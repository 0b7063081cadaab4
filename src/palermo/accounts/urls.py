from django.urls import path

from palermo.accounts import views

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
