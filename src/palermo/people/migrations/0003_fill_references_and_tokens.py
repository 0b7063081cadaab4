"""Existing people get a reference and search tokens (own migration: data apart from schema on PostgreSQL)."""

from django.db import migrations


def fill_references_and_tokens(apps, schema_editor):
    """Existing people get a reference (in the order they were recorded) and their search tokens."""
    from palermo.people.search import tokens_for

    Person = apps.get_model("people", "Person")
    PersonSearchToken = apps.get_model("people", "PersonSearchToken")
    numbers: dict[tuple[int, int], int] = {}
    for person in Person.objects.order_by("created_at", "pk").iterator(chunk_size=500):
        key = (person.organisation_id, person.created_at.year)
        numbers[key] = numbers.get(key, 0) + 1
        person.reference = f"P-{person.created_at.year}-{numbers[key]:05d}"
        person.save(update_fields=["reference"])
        PersonSearchToken.objects.bulk_create(
            PersonSearchToken(organisation_id=t.organisation_id, person_id=t.person_id, kind=t.kind, token=t.token)
            for t in tokens_for(person)
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_details_and_search_tokens")]

    operations = [migrations.RunPython(fill_references_and_tokens, migrations.RunPython.noop)]
