"""Lists compiled once per process (palermo.prepared): the same rows as the ORM, with less work per call."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from palermo.cases.models import Case, CaseAttachment, CaseNote
from palermo.cases.selectors import case_attachments, case_page_records
from palermo.cases.services import case_attachment_add, case_note_add, case_open
from palermo.organisations.models import Organisation, Role
from palermo.people.services import person_create
from palermo.prepared import PreparedList
from tests.conftest import actor_of

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def two_cases(org_a: Organisation, member):  # type: ignore[no-untyped-def]
    actor = actor_of(member(Role.CASE_WORKER, org_a))
    cases = []
    for n, name in enumerate(("Ilvesta", "Marrowind")):
        case = case_open(actor=actor, person=person_create(actor=actor, given_names=name))
        for text in (f"first note {n}", f"second note {n}"):
            case_note_add(actor=actor, case=case, text=text)
        cases.append(case)
    return actor, cases


def test_it_reads_the_rows_the_queryset_reads_in_its_order_decrypted(two_cases) -> None:  # type: ignore[no-untyped-def]
    _, cases = two_cases
    notes_of = PreparedList(lambda case_id: CaseNote.objects.filter(case_id=case_id))
    for case in cases:
        expected = list(CaseNote.objects.filter(case_id=case.pk))
        rows = notes_of(case.pk)
        assert [r.pk for r in rows] == [e.pk for e in expected]
        assert [r.text for r in rows] == [e.text for e in expected]  # the encrypted field's converter ran
        assert [r.created_at for r in rows] == [e.created_at for e in expected]
        assert all(not r._state.adding for r in rows)
    assert notes_of(-1) == []  # an id with no rows: nothing, not another case's notes


def test_it_builds_the_query_once_and_reuses_it_for_other_ids(two_cases) -> None:  # type: ignore[no-untyped-def]
    _, cases = two_cases
    built: list[int] = []

    def build(case_id: int):  # type: ignore[no-untyped-def]
        built.append(case_id)
        return CaseNote.objects.filter(case_id=case_id)

    notes_of = PreparedList(build)
    first = notes_of(cases[0].pk)
    second = notes_of(cases[1].pk)
    assert len(built) == 1
    assert built[0] < 0  # built with a stand-in, never with a real id
    assert {n.case_id for n in first} == {cases[0].pk}
    assert {n.case_id for n in second} == {cases[1].pk}


def test_columns_the_query_leaves_out_stay_deferred(two_cases) -> None:  # type: ignore[no-untyped-def]
    actor, cases = two_cases
    upload = SimpleUploadedFile("dot.png", PNG, content_type="image/png")
    case_attachment_add(actor=actor, case=cases[0], upload=upload, title="Scan of the contract")
    records = case_page_records(cases[0])
    assert [a.pk for a in records.attachments] == [a.pk for a in case_attachments(cases[0])]
    listed = records.attachments[0]
    assert "content" in listed.get_deferred_fields()  # the file itself is not read (nor decrypted) for a list
    assert listed.title == "Scan of the contract"
    assert bytes(CaseAttachment.objects.get(pk=listed.pk).content).startswith(b"\x89PNG")


def test_the_page_lists_carry_their_case_without_another_query(
    two_cases,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    _, cases = two_cases
    case = Case.objects.get(pk=cases[1].pk)
    records = case_page_records(case)
    with django_assert_num_queries(0):
        assert {note.case.pk for note in records.notes} == {case.pk}
        assert [note.author.email for note in records.notes]


def test_bad_ids_and_bad_queries_are_refused_clearly(db: None) -> None:
    notes_of = PreparedList(lambda case_id: CaseNote.objects.filter(case_id=case_id))
    with pytest.raises(TypeError, match="ids \\(int\\), not str"):
        notes_of("1 OR 1=1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not bool"):
        notes_of(True)
    with pytest.raises(TypeError, match="takes 1 ids, not 2"):
        notes_of(1, 2)  # said before anything is built
    notes_of(1)
    with pytest.raises(TypeError, match="takes 1 ids, not 0"):
        notes_of()
    ignores_its_id = PreparedList(lambda case_id: CaseNote.objects.all())
    with pytest.raises(ValueError, match="does not use every id"):
        ignores_its_id(1)
    joined = PreparedList(lambda case_id: CaseNote.objects.filter(case_id=case_id).select_related("author"))
    with pytest.raises(ValueError, match="attach_related"):
        joined(1)
