import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import palermo.encryption.fields


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonSearchToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("organisation_id", models.BigIntegerField()),
                (
                    "kind",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "name"),
                            (2, "phonetic"),
                            (3, "trigram"),
                            (4, "date of birth"),
                            (5, "citizenship"),
                            (6, "nysiis"),
                            (7, "consonant skeleton"),
                        ]
                    ),
                ),
                ("token", models.BigIntegerField()),
            ],
        ),
        migrations.AddField(
            model_name="person",
            name="aliases",
            field=palermo.encryption.fields.EncryptedJSONField(
                blank=True, default=list, verbose_name="other names and aliases"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="citizenships",
            field=palermo.encryption.fields.EncryptedJSONField(blank=True, default=list, verbose_name="citizenships"),
        ),
        migrations.AddField(
            model_name="person",
            name="dependants",
            field=palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="dependants"),
        ),
        migrations.AddField(
            model_name="person",
            name="estimated_age",
            field=palermo.encryption.fields.EncryptedJSONField(blank=True, null=True, verbose_name="estimated age"),
        ),
        migrations.AddField(
            model_name="person",
            name="gender_identity",
            field=palermo.encryption.fields.EncryptedTextField(
                blank=True, verbose_name="gender, as the person describes it"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="interpreter_needed",
            field=palermo.encryption.fields.EncryptedJSONField(
                blank=True, null=True, verbose_name="interpreter needed"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="languages",
            field=palermo.encryption.fields.EncryptedJSONField(blank=True, default=list, verbose_name="languages"),
        ),
        migrations.AddField(
            model_name="person",
            name="name_original_script",
            field=palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="name in its original script"),
        ),
        migrations.AddField(
            model_name="person",
            name="reference",
            field=models.CharField(default="", editable=False, max_length=32, verbose_name="reference"),
        ),
        migrations.AddField(
            model_name="person",
            name="residence_status",
            field=palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="residence status"),
        ),
        migrations.AddField(
            model_name="person",
            name="safe_contact",
            field=palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="safe way to contact"),
        ),
        migrations.AddField(
            model_name="person",
            name="sex",
            field=palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="sex"),
        ),
        migrations.AlterField(
            model_name="person",
            name="given_names",
            field=palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="given names"),
        ),
        migrations.AddField(
            model_name="personsearchtoken",
            name="person",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="people.person"
            ),
        ),
        migrations.AddIndex(
            model_name="personsearchtoken",
            index=models.Index(fields=["organisation_id", "token", "person", "kind"], name="person_token_search"),
        ),
        migrations.AddIndex(
            model_name="personsearchtoken",
            index=models.Index(fields=["person"], name="person_token_person"),
        ),
    ]
