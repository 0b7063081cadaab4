"""Sections other apps add to the case page (e.g. the assistance pathway, plan and risk).

An app registers a template in its AppConfig.ready():

    from palermo.cases.panels import register_case_panel
    register_case_panel("assistance/case_panel.html")

The template is included inside the case page's `{% block case_extra %}` with the page's context:
`case` (already read through the scoped, audited selector), `actor`, and the usual `can` flags.
"""

from __future__ import annotations

CASE_PANELS: list[str] = []


def register_case_panel(template_name: str) -> None:
    if template_name not in CASE_PANELS:
        CASE_PANELS.append(template_name)
