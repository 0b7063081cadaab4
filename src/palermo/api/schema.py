"""The OpenAPI schema says what each operation needs and every status it can answer.

Each operation's description ends with the capability its method declares on `PalermoApiView`
(also as the `x-palermo-capability` extension), and its responses gain the refusals the shared layers
give, so they cannot drift from the code: 401 (the token), 403 (the declared capability), 404 (an
id in the path that matches nothing, a page past the end), 400 (a NUL character in a query parameter,
a malformed body), 413 and 415 (a body too large or of another media type). Each operation lists the
rest itself (its serializer's 400, its selector's 404, a rule's 403, a 409).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi

from palermo.api.errors import WHEN, ErrorOutput
from palermo.api.views import PalermoApiView, PublicApiView, Requirement, any_of, roles_for


def requirement_text(requirement: Requirement) -> str:
    wanted = any_of(requirement)
    roles = ", ".join(f"`{role}`" for role in roles_for(requirement))
    if not wanted:
        return f"Any member's token may call this (roles: {roles})."
    names = ", ".join(f"`{capability.value}`" for capability in wanted)
    if len(wanted) == 1:
        return f"Requires the capability {names} (roles: {roles})."
    return f"Requires one of the capabilities {names} (roles: {roles})."


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        refusals: set[int] = set()
        note = ""
        if isinstance(self.view, PalermoApiView):
            requirement = type(self.view).requirement(method)
            assert requirement is not None, f"{method} {path} declares no capability"
            note = requirement_text(requirement)
            operation["x-palermo-capability"] = {
                "any_of": [capability.value for capability in any_of(requirement)],
                "roles": roles_for(requirement),
            }
            refusals.add(401)
            if any_of(requirement):
                refusals.add(403)
        elif isinstance(self.view, PublicApiView):
            note = "No token needed."
        if note:
            operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters):
            refusals.add(404)
        if any(p["in"] == "query" for p in parameters):
            refusals.add(400)
        if method.upper() == "GET" and any(p["in"] == "query" and p["name"] == "page" for p in parameters):
            refusals.add(404)
        if "requestBody" in operation:
            refusals |= {400, 413, 415}
        responses = operation["responses"]
        error = self.resolve_serializer(ErrorOutput(), "response").ref
        for code in refusals:
            responses.setdefault(
                str(code), {"description": WHEN[code], "content": {"application/json": {"schema": error}}}
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation
