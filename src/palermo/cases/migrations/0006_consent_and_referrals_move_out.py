from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_referral_list_indexes"),
    ]

    operations = [
        # Consent, LegalBasis and Referral now belong to the consent and referrals apps: Django forgets them
        # here and learns them there (their 0001_initial). The tables, their rows and indexes stay as they are.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="referral",
                    name="consent",
                ),
                migrations.RemoveField(
                    model_name="legalbasis",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="legalbasis",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="legalbasis",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="legalbasis",
                    name="recipient",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="legal_basis",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="answered_by",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="organisation",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="revoked_by",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="sent_by",
                ),
                migrations.RemoveField(
                    model_name="referral",
                    name="to_organisation",
                ),
                migrations.DeleteModel(
                    name="Consent",
                ),
                migrations.DeleteModel(
                    name="LegalBasis",
                ),
                migrations.DeleteModel(
                    name="Referral",
                ),
            ],
        ),
    ]
