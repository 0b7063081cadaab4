"""What the assistance forms on the case page cost: found with the cases benchmark (bench/README.md)."""

from __future__ import annotations

from django.core.management import call_command

from palermo.assistance import selectors as assistance_selectors
from palermo.assistance.forms import StageForm, case_members, stage_initial
from palermo.cases.models import Case
from palermo.organisations.models import Organisation

SEED = ("bench", "seed", "--organisations", "3", "--users", "20", "--people", "40", "--notes-per-case", "1")


def test_stage_form_shows_the_chosen_organisation_and_person(db: None) -> None:
    call_command(*SEED, "--cases", "3", verbosity=0)
    case = Case.objects.select_related("organisation").first()
    assert case is not None
    other = Organisation.objects.exclude(pk=case.organisation_id).first()
    assert other is not None
    members = case_members(case)
    stage = assistance_selectors.pathway_for(case)[0]
    initial = {**stage_initial(stage), "responsible_organisation": other.pk, "responsible_user": members[0][0]}
    html = StageForm(stage=stage, members=members, initial=initial, prefix="s").as_div()
    assert f'<option value="{other.pk}" selected>' in html
    assert f'<option value="{members[0][0]}" selected>' in html
    assert 'name="s-responsible_organisation"' in html
    assert 'id="id_s-responsible_organisation"' in html


def test_assistance_date_input_keeps_its_attributes() -> None:
    import datetime

    from palermo.assistance.forms import DateInput

    html = DateInput().render("s-started_on", datetime.date(2026, 1, 2), {"id": "id_s", "required": True})
    assert html.startswith("<input ")
    for part in ('type="date"', 'name="s-started_on"', 'value="2026-01-02"', 'id="id_s"', " required"):
        assert part in html
    assert "value=" not in DateInput().render("s-started_on", None)
