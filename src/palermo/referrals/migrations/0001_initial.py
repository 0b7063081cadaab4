import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import palermo.encryption.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0006_consent_and_referrals_move_out"),
        ("consent", "0001_initial"),
        ("organisations", "0004_invitation_role_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The table was created by cases (0002 to 0005) and keeps its name (Meta.db_table):
        # this app takes over the model; the database is not touched.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Referral",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("services", models.JSONField(default=list, verbose_name="services")),
                        ("fields", models.JSONField(default=list, verbose_name="information shared")),
                        (
                            "note",
                            palermo.encryption.fields.EncryptedTextField(
                                blank=True, verbose_name="note for the recipient"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Waiting for an answer"),
                                    ("accepted", "Accepted"),
                                    ("declined", "Declined"),
                                    ("revoked", "Revoked"),
                                ],
                                default="pending",
                                max_length=16,
                                verbose_name="status",
                            ),
                        ),
                        ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="sent")),
                        ("acknowledge_by", models.DateField(verbose_name="answer due")),
                        ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                        (
                            "decline_reason",
                            palermo.encryption.fields.EncryptedTextField(
                                blank=True, verbose_name="reason for declining"
                            ),
                        ),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="referrals", to="cases.case"
                            ),
                        ),
                        (
                            "consent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="referrals",
                                to="consent.consent",
                            ),
                        ),
                        (
                            "legal_basis",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="referrals",
                                to="consent.legalbasis",
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
                            "revoked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "sent_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "to_organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organisations.organisation",
                                verbose_name="to",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_referral",
                        "ordering": ["-sent_at", "-id"],
                        "indexes": [
                            models.Index(fields=["to_organisation", "status"], name="referral_inbox"),
                            models.Index(fields=["organisation", "status"], name="referral_outbox"),
                            models.Index(
                                fields=["to_organisation", "-sent_at", "-id"], name="referral_received_recent"
                            ),
                            models.Index(fields=["organisation", "-sent_at", "-id"], name="referral_sent_recent"),
                        ],
                    },
                ),
            ],
        ),
    ]
