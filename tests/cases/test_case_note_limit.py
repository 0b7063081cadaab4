"""Case notes have a size limit (issue 12, item 11): refused with the limit named, nothing saved, the
text kept in the page, the limit in the form, and the API answering 400 with the field error."""

from __future__ import annotations

import pytest

from palermo.audit.models import AuditEntry
from palermo.cases.models import CaseNote
from tests.cases.conftest import World
from tests.conftest import api_client, nothing_changes, signed_in_client

pytestmark = pytest.mark.django_db

SAYS = "A note can have at most 20000 characters; this one has 20001. Split it into several notes."


def test_the_note_form_says_the_limit(world: World) -> None:
    page = signed_in_client(world.worker_a).get(f"/cases/{world.case.pk}/").content.decode()
    assert 'maxlength="20000"' in page


def test_a_note_at_the_limit_is_kept_and_one_over_is_refused_with_the_text_kept(world: World) -> None:
    client = signed_in_client(world.worker_a)
    longest = "Visit. " * 2857 + "x"  # 20000 characters
    assert len(longest) == 20000
    assert client.post(f"/cases/{world.case.pk}/notes/", {"text": longest}).status_code == 302
    audited = AuditEntry.objects.filter(action="case.note").count()

    too_long = "Second visit: she says the debt doubled. " + "y" * (20001 - 41)
    with nothing_changes(reads_audited=True):  # the case page comes back, its read audited
        refused = client.post(f"/cases/{world.case.pk}/notes/", {"text": too_long})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert SAYS in page
    assert "Second visit: she says the debt doubled. yyy" in page  # what was written is still in the form
    assert [n.text for n in CaseNote.objects.all()] == [longest.strip()]
    assert AuditEntry.objects.filter(action="case.note").count() == audited


def test_windows_line_ends_count_once(world: World) -> None:
    client = signed_in_client(world.worker_a)
    # A browser sends each line end of a textarea as CR LF, but counts it as one character.
    lines = "\r\n".join(["a" * 99] * 200)  # 19999 characters as the browser counts them
    assert client.post(f"/cases/{world.case.pk}/notes/", {"text": lines}).status_code == 302
    assert CaseNote.objects.get().text == "\n".join(["a" * 99] * 200)


def test_the_api_refuses_a_note_over_the_limit_with_the_field_error(world: World, settings) -> None:
    api = api_client(world.worker_a)
    with nothing_changes(reads_audited=True):
        refused = api.post(f"/api/v1/cases/{world.case.pk}/notes", {"text": "z" * 20001}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"text": [SAYS]}
    assert not CaseNote.objects.exists()
    settings.PALERMO_CASE_NOTE_MAX_CHARS = 10
    smaller = api.post(f"/api/v1/cases/{world.case.pk}/notes", {"text": "z" * 11}, format="json")
    assert smaller.json()["error"]["fields"]["text"] == [
        "A note can have at most 10 characters; this one has 11. Split it into several notes."
    ]
    assert api.post(f"/api/v1/cases/{world.case.pk}/notes", {"text": "z" * 10}, format="json").status_code == 201
