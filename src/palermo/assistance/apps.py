from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "palermo.assistance"
    label = "assistance"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from palermo.assistance.panel import assistance_panel_context
        from palermo.assistance.sharing import shared_assistance_plan, shared_risk
        from palermo.assistance.work import assistance_work_items
        from palermo.cases.panels import register_case_panel
        from palermo.cases.sharing import register_shareable
        from palermo.worklist.items import register

        register(assistance_work_items)
        register_case_panel("assistance/_case_panel.html", context=assistance_panel_context)
        # What a referral may share of this app, by consent: the level and dates, the plan; never a note.
        from palermo.assistance.models import PlanStatus, RiskLevel, ServiceVariant

        register_shareable(
            "risk",
            _("Risk level and review date"),
            shared_risk,
            subfield_labels={"level": _("Risk level"), "assessed_on": _("Assessed on"), "review_on": _("Review by")},
            value_labels={"level": dict(RiskLevel.choices)},
        )
        register_shareable(
            "assistance_plan",
            _("Assistance plan"),
            shared_assistance_plan,
            subfield_labels={
                "service_label": _("Type of assistance"),
                "variant": _("Where"),
                "provider": _("Provider"),
                "starts_on": _("Start"),
                "ends_on": _("End"),
            },
            value_labels={"status": dict(PlanStatus.choices), "variant": dict(ServiceVariant.choices)},
            hidden_subfields=("service",),
        )
