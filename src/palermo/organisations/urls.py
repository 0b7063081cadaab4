from django.urls import path

from palermo.organisations import views

# Under organisations/ and the `organisations:` names, together with the member pages of accounts
# (accounts.urls.member_urlpatterns): palermo/urls.py joins both.
urlpatterns = [
    path("", views.organisation_list, name="list"),
]
