import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import palermo.encryption.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0006_consent_and_referrals_move_out"),
        ("organisations", "0004_invitation_role_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables were created by cases (0002 to 0005) and keep their names (Meta.db_table):
        # this app takes over the models; the database is not touched.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="LegalBasis",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("assistance", "Assistance by our organisation"),
                                    ("referral", "Referral to another organisation"),
                                    ("law_enforcement", "Sharing with law enforcement"),
                                    ("statistics", "Use in anonymised statistics"),
                                ],
                                max_length=24,
                                verbose_name="purpose",
                            ),
                        ),
                        ("fields", models.JSONField(blank=True, default=list, verbose_name="information shared")),
                        ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded")),
                        ("provision", models.CharField(max_length=300, verbose_name="legal provision")),
                        ("note", palermo.encryption.fields.EncryptedTextField(blank=True, verbose_name="note")),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="legal_bases", to="cases.case"
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_legalbasis",
                        "ordering": ["-recorded_at", "-id"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("assistance", "Assistance by our organisation"),
                                    ("referral", "Referral to another organisation"),
                                    ("law_enforcement", "Sharing with law enforcement"),
                                    ("statistics", "Use in anonymised statistics"),
                                ],
                                max_length=24,
                                verbose_name="purpose",
                            ),
                        ),
                        ("fields", models.JSONField(blank=True, default=list, verbose_name="information shared")),
                        ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded")),
                        ("services", models.JSONField(blank=True, default=list, verbose_name="services")),
                        (
                            "status",
                            models.CharField(
                                choices=[("given", "Given"), ("refused", "Refused"), ("withdrawn", "Withdrawn")],
                                max_length=16,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "informed_language",
                            models.CharField(
                                blank=True, max_length=16, verbose_name="language the person was informed in"
                            ),
                        ),
                        ("interpreter", models.BooleanField(default=False, verbose_name="through an interpreter")),
                        (
                            "informed_how",
                            models.CharField(
                                blank=True,
                                choices=[("written", "In writing"), ("oral", "Orally")],
                                max_length=16,
                                verbose_name="how the person was informed",
                            ),
                        ),
                        (
                            "guardian",
                            palermo.encryption.fields.EncryptedTextField(
                                blank=True, verbose_name="guardian or representative"
                            ),
                        ),
                        (
                            "best_interests_note",
                            palermo.encryption.fields.EncryptedTextField(
                                blank=True, verbose_name="best-interests note"
                            ),
                        ),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn")),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="consents", to="cases.case"
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "withdrawn_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_consent",
                        "ordering": ["-recorded_at", "-id"],
                        "abstract": False,
                        "indexes": [models.Index(fields=["case", "purpose"], name="consent_case_purpose")],
                    },
                ),
            ],
        ),
    ]
