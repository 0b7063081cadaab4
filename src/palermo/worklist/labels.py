"""Words for the kinds of work item, shown on "my work" and in reminders (which carry no titles)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "task": _("Task"),
    "risk.review": _("Risk review"),
    "recovery.ends": _("End of the recovery and reflection period"),
    "pathway.stage": _("Stage of assistance"),
    "plan.item": _("Assistance plan"),
    "decision.reasonable_grounds": _("Reasonable-grounds decision"),
    "referral.unanswered": _("Unanswered referral"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, _("Work item")))
