"""No personal value ever reaches a log line or an error report."""

from __future__ import annotations

import logging
import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from palermo.organisations.models import Role
from palermo.people.models import Person
from palermo.people.services import person_create
from tests.conftest import acting_of, api_client, signed_in_client

NAME, FAMILY = "Yevgenia", "Ostrakova"


@pytest.mark.django_db
def test_recording_reading_and_failing_logs_no_name(org_a, org_b, member, caplog):
    caplog.set_level(logging.DEBUG)
    worker, outsider = member(Role.CASE_WORKER, org_a), member(Role.CASE_WORKER, org_b)
    client = signed_in_client(worker)
    client.post("/people/new/", {"given_names": NAME, "family_name": FAMILY})
    person = Person.objects.get()
    client.get(f"/people/{person.pk}/")
    client.post("/people/", {"name": f"{NAME} {FAMILY}"})
    api_client(worker).post("/api/v1/persons", {"given_names": NAME, "date_of_birth": "not a date"}, format="json")
    signed_in_client(outsider).get(f"/people/{person.pk}/")  # a 404, which Django logs
    assert caplog.records
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert NAME not in logged
    assert FAMILY not in logged


@pytest.mark.django_db
def test_error_reports_hide_form_fields_and_local_variables(org_a, member, settings):
    settings.DEBUG = False
    worker = member(Role.CASE_WORKER, org_a)
    person = person_create(acting=acting_of(worker), given_names=NAME, family_name=FAMILY)
    request = RequestFactory().post("/people/new/", {"given_names": NAME, "family_name": FAMILY})
    try:
        secret_local = person.display_name  # noqa: F841 - a local that must not appear in the report
        raise RuntimeError("boom")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info())
        text = report.get_traceback_text()
        html = report.get_traceback_html()
    for output in (text, html):
        assert NAME not in output
        assert FAMILY not in output
    assert "boom" in text
