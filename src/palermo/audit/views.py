"""The audit trail pages for organisation admins: browse with filters, export as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from palermo.audit.selectors import audit_entries_for
from palermo.audit.services import audit_record
from palermo.exports import csv_row
from palermo.permissions import ActingUser, Capability
from palermo.web.decorators import page


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _filtered(request: HttpRequest, acting: ActingUser) -> tuple[AuditFilterForm, object]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, audit_entries_for(
        acting=acting, action=filters.get("action", ""), since=filters.get("since"), until=filters.get("until")
    )


@page(Capability.AUDIT_VIEW)
def audit_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    form, entries = _filtered(request, acting)
    entries_page: Any = Paginator(entries, 50).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/audit_list.html", {"form": form, "page_obj": entries_page, "query": query.urlencode()}
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@page(Capability.AUDIT_VIEW)
def audit_export(request: HttpRequest, acting: ActingUser) -> StreamingHttpResponse:
    _form, entries = _filtered(request, acting)
    audit_record(acting=acting, action="audit.export", detail={k: str(v) for k, v in request.GET.items()})
    writer = csv.writer(_Echo())
    header = [
        "chain",
        "sequence",
        "at",
        "actor",
        "actor_email",
        "membership",
        "channel",
        "action",
        "object_type",
        "object_id",
        "hash",
    ]

    def rows():
        yield writer.writerow(header)
        for e in entries.iterator(chunk_size=2000):
            # The e-mail address is typed by a person; the rest are ours, but one rule for every field.
            yield writer.writerow(
                csv_row(
                    [
                        e.chain,
                        e.sequence,
                        e.at.isoformat(),
                        e.actor_id or "",
                        e.actor.email if e.actor else "",
                        e.membership_id or "",
                        e.channel,
                        e.action,
                        e.object_type,
                        e.object_id,
                        e.hash,
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="palermo-audit.csv"'
    return response
