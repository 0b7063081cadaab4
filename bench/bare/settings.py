"""A bare Django project: no middleware, no sessions, no templates; one view that reads one row.

It reads Palermo's own organisation table in the same PostgreSQL database (DATABASE_URL), with
the same persistent connections (CONN_MAX_AGE) Palermo uses, so the difference between the two
is what Palermo does per request, not the database or the connection.
"""

from __future__ import annotations

import os

import environ

env = environ.Env()

SECRET_KEY = "bench-bare-not-secret"  # noqa: S105 (nothing is signed: no sessions, no CSRF)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bare.urls"
WSGI_APPLICATION = "bare.wsgi.application"
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
USE_I18N = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
