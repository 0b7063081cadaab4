"""Sections other apps add to the case page (e.g. the assistance pathway, plan and risk).

An app registers a template, and optionally a function that adds its own context, in its AppConfig.ready():

    from palermo.cases.panels import register_case_panel
    register_case_panel("assistance/_case_panel.html", context=assistance_panel_context)

The template is included inside the case page's `{% block case_extra %}` with the page's context:
`case` (already read through the scoped, audited selector), `acting`, the usual `can` flags, and
whatever `context(acting=acting, case=case)` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from palermo.cases.models import Case
    from palermo.permissions import ActingUser

PanelContext = Callable[..., dict[str, Any]]
CASE_PANELS: list[str] = []
_CONTEXTS: list[PanelContext] = []


def register_case_panel(template_name: str, context: PanelContext | None = None) -> None:
    if template_name not in CASE_PANELS:
        CASE_PANELS.append(template_name)
        if context is not None:
            _CONTEXTS.append(context)


def case_panels_context(*, acting: ActingUser, case: Case) -> dict[str, Any]:
    """The registered panels' own context for one case.

    The case page's `case.view` audit entry covers what the panels show: they add none of their own."""
    extra: dict[str, Any] = {}
    for context in _CONTEXTS:
        extra.update(context(acting=acting, case=case))
    return extra
