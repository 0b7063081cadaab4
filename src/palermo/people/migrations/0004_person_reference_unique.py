from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0003_fill_references_and_tokens")]

    operations = [
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(fields=("organisation", "reference"), name="person_reference_unique"),
        ),
    ]
