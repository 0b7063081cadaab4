"""Completed screenings stored as "not indicated" on too few answers say "not enough information to assess".

The answers do not change; only the label the rules give them, so that the lists, the decision queue and
the API stop telling that nothing was found when almost nothing was asked. Backwards leaves them be.
"""

from django.conf import settings
from django.db import migrations
from django.utils import translation


def relabel_nearly_empty(apps, schema_editor):
    Screening = apps.get_model("identification", "Screening")
    rows = Screening.objects.filter(outcome="not_indicated").select_related("catalogue")
    if not rows.exists():
        return
    from palermo.identification.catalogues import parse_catalogue
    from palermo.identification.rules import INSUFFICIENT, evaluate, parse_input

    parsed = {}
    with translation.override(settings.LANGUAGE_CODE):
        for screening in rows.iterator(chunk_size=200):
            stored = screening.catalogue
            if stored.pk not in parsed:
                parsed[stored.pk] = parse_catalogue(stored.content, name=stored.catalogue_id)
            catalogue = parsed[stored.pk]
            responses = screening.responses or {}
            data = {k: responses.get(k) or ({} if k != "age" else None) for k in ("age", "answers", "palermo")}
            evaluation = evaluate(catalogue, parse_input(catalogue, data))
            if evaluation.outcome == INSUFFICIENT:
                screening.outcome = INSUFFICIENT
                screening.result = evaluation.as_dict()
                screening.save(update_fields=["outcome", "result"])


class Migration(migrations.Migration):
    dependencies = [("identification", "0004_outcome_insufficient")]

    operations = [migrations.RunPython(relabel_nearly_empty, migrations.RunPython.noop)]
