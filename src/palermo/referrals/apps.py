from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "palermo.referrals"
    label = "referrals"

    def ready(self) -> None:
        from palermo.cases.panels import register_case_panel
        from palermo.referrals.selectors import referral_panel_context
        from palermo.referrals.worklist import referral_due_dates, referral_work_items
        from palermo.worklist.items import register

        register(referral_work_items, due_dates=referral_due_dates)
        # The case page's "Referrals" section, after the consents (INSTALLED_APPS order).
        register_case_panel("referrals/_case_panel.html", context=referral_panel_context)
