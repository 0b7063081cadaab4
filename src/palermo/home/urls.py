from django.urls import path

from palermo.home import views

# The home page kept the name it had when it lived in palermo.web: `web:home`.
app_name = "web"
urlpatterns = [path("", views.home, name="home")]
