"""Response matrix pages: the worksheet grid, one cell at a time for adding actions, and the views
people need after a workshop (gaps, by actor, the two levels compared), exports and import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.directory.models import MatrixLevel
from palermo.matrix import exports, selectors, services
from palermo.matrix.forms import ActionForm, ImportForm, MatrixForm, directory_choices
from palermo.matrix.grid import build_grid, matrix_by_actor, matrix_comparison, matrix_gaps
from palermo.matrix.imports import ImportProblems
from palermo.matrix.models import AREAS, LEVELS, STAGES, MatrixAction, ResponseMatrix
from palermo.matrix.services import ActionConflict
from palermo.permissions import ActingUser, Capability, can
from palermo.practices.selectors import practices_for_cell
from palermo.web.decorators import page


def _base_context(acting: ActingUser, matrix: ResponseMatrix, tab: str) -> dict[str, Any]:
    return {
        "matrix": matrix,
        "tab": tab,
        "may_contribute": services.matrix_may_contribute(acting, matrix),
        "may_manage": services.matrix_may_manage(acting, matrix),
    }


def _apply_errors(form: ActionForm | MatrixForm, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@page(Capability.DIRECTORY_VIEW)
def matrix_list(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    context = {
        "matrices": selectors.matrix_list_for(acting=acting),
        "can_create": can(acting, Capability.PLANNING_MANAGE),
    }
    return render(request, "matrix/matrix_list.html", context)


@page(Capability.PLANNING_MANAGE)
def matrix_create(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    assert acting.membership is not None
    form = MatrixForm(request.POST or None, owner=acting.membership.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            matrix = services.matrix_create(acting=acting, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The matrix is ready. Open a cell to add actions."))
            return redirect("matrix:detail", matrix_id=matrix.pk)
    return render(request, "matrix/matrix_form.html", {"form": form}, status=400 if form.errors else 200)


@page(Capability.PLANNING_MANAGE)
def matrix_update(request: HttpRequest, acting: ActingUser, matrix_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    if not services.matrix_may_manage(acting, matrix):
        raise PermissionDenied("matrix.manage")
    initial = {
        "title": matrix.title,
        "held_on": matrix.held_on,
        "participants": matrix.participants,
        "description": matrix.description,
        "partners": list(matrix.partners.all()),
    }
    form = MatrixForm(request.POST or None, initial=initial, owner=matrix.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_update(acting=acting, matrix=matrix, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The matrix is saved."))
            return redirect("matrix:detail", matrix_id=matrix.pk)
    context = {"form": form, "matrix": matrix}
    return render(request, "matrix/matrix_form.html", context, status=400 if form.errors else 200)


@page(Capability.DIRECTORY_VIEW)
def matrix_detail(request: HttpRequest, acting: ActingUser, matrix_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    context = {**_base_context(acting, matrix, "grid"), "grid": build_grid(matrix)}
    return render(request, "matrix/matrix_detail.html", context)


def _cell_args(level: str, area: str, stage: str) -> None:
    if level not in LEVELS or area not in AREAS or stage not in STAGES:
        raise Http404


def _render_cell(
    request: HttpRequest,
    acting: ActingUser,
    matrix: ResponseMatrix,
    level: str,
    area: str,
    stage: str,
    *,
    add_form: ActionForm | None = None,
    conflict: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    grid = build_grid(matrix)
    cell = grid.cell(level, area, stage)
    choices = directory_choices()
    edits = []
    for action in cell.actions:
        if conflict and conflict["action_id"] == action.pk:
            edits.append((action, conflict["form"]))
            continue
        initial = {
            "text": action.text,
            "responsible": action.responsible,
            "actors": [entry.pk for entry in action.actors.all()],
            "group": action.group,
            "version": action.version,
        }
        edits.append((action, ActionForm(initial=initial, prefix=f"action-{action.pk}", actor_choices=choices)))
    context = {
        **_base_context(acting, matrix, "grid"),
        "cell": cell,
        "edits": edits,
        "add_form": add_form or ActionForm(prefix="add", actor_choices=choices),
        "conflict": conflict,
        "practices": practices_for_cell(acting=acting, level=level, area=area, stage=stage),
    }
    return render(request, "matrix/matrix_cell.html", context, status=status)


@page(Capability.DIRECTORY_VIEW)
def matrix_cell(
    request: HttpRequest, acting: ActingUser, matrix_id: int, level: str, area: str, stage: str
) -> HttpResponse:
    """One cell: its actions, a form to add one (never overwrites anyone), what others did here."""
    _cell_args(level, area, stage)
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    if request.method != "POST":
        return _render_cell(request, acting, matrix, level, area, stage)
    form = ActionForm(request.POST, prefix="add")
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.matrix_action_add(acting=acting, matrix=matrix, level=level, area=area, stage=stage, **values)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your action is added."))
            return redirect("matrix:cell", matrix_id=matrix.pk, level=level, area=area, stage=stage)
    return _render_cell(request, acting, matrix, level, area, stage, add_form=form, status=400)


def _cell_redirect(action: MatrixAction) -> HttpResponse:
    return redirect("matrix:cell", matrix_id=action.matrix_id, level=action.level, area=action.area, stage=action.stage)


def _removed_meanwhile(
    request: HttpRequest, acting: ActingUser, matrix: ResponseMatrix, action_id: int
) -> HttpResponse:
    """Someone removed the action being edited: show its cell with the draft moved to the add form."""
    level, _slash, rest = request.POST.get("cell", "").partition("/")
    area, _slash, stage = rest.partition("/")
    if level not in LEVELS or area not in AREAS or stage not in STAGES:
        raise Http404
    draft = ActionForm(request.POST, prefix=f"action-{action_id}")
    draft.is_valid()
    initial = {k: v for k, v in getattr(draft, "cleaned_data", {}).items() if k != "version"}
    messages.error(
        request,
        _("Someone removed this action while you were changing it. Your text is kept in the form to add an action."),
    )
    add_form = ActionForm(prefix="add", initial=initial)
    return _render_cell(request, acting, matrix, level, area, stage, add_form=add_form, status=409)


@require_POST
@page(Capability.PLANNING_MANAGE)
def matrix_action_update(request: HttpRequest, acting: ActingUser, matrix_id: int, action_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    try:
        action = selectors.matrix_action_get_for(matrix=matrix, action_id=action_id)
    except Http404:
        return _removed_meanwhile(request, acting, matrix, action_id)
    form = ActionForm(request.POST, prefix=f"action-{action.pk}")
    cell = (action.level, action.area, action.stage)
    if not form.is_valid():
        conflict = {"action_id": action.pk, "form": form, "current": None, "invalid": True}
        return _render_cell(request, acting, matrix, *cell, conflict=conflict, status=400)
    values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    try:
        services.matrix_action_update(acting=acting, action=action, version=form.cleaned_data["version"] or 0, **values)
    except ActionConflict as conflict_error:
        current = conflict_error.current
        if current is None:
            messages.error(
                request,
                _(
                    "Someone removed this action while you were changing it. "
                    "Your text is kept in the form to add an action."
                ),
            )
            add_form = ActionForm(prefix="add", initial={**values, "version": None})
            return _render_cell(request, acting, matrix, *cell, add_form=add_form, status=409)
        # Keep what this person wrote, and let the next save start from the other person's version.
        data = request.POST.copy()
        data[f"action-{action.pk}-version"] = str(current.version)
        draft = ActionForm(data, prefix=f"action-{action.pk}")
        draft.is_valid()
        conflict = {"action_id": action.pk, "form": draft, "current": current}
        return _render_cell(request, acting, matrix, *cell, conflict=conflict, status=409)
    except ValidationError as error:
        _apply_errors(form, error)
        conflict = {"action_id": action.pk, "form": form, "current": None, "invalid": True}
        return _render_cell(request, acting, matrix, *cell, conflict=conflict, status=400)
    messages.success(request, _("The action is changed."))
    return _cell_redirect(action)


@require_POST
@page(Capability.PLANNING_MANAGE)
def matrix_action_delete(request: HttpRequest, acting: ActingUser, matrix_id: int, action_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    action = selectors.matrix_action_get_for(matrix=matrix, action_id=action_id)
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    try:
        services.matrix_action_delete(acting=acting, action=action, version=version)
    except ActionConflict:
        messages.error(request, _("Someone changed this action meanwhile, so it was not removed. Look at it again."))
    else:
        messages.success(request, _("The action is removed."))
    return _cell_redirect(action)


@page(Capability.DIRECTORY_VIEW)
def matrix_gaps_view(request: HttpRequest, acting: ActingUser, matrix_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    context = {**_base_context(acting, matrix, "gaps"), "gaps": matrix_gaps(build_grid(matrix))}
    return render(request, "matrix/matrix_gaps.html", context)


@page(Capability.DIRECTORY_VIEW)
def matrix_by_actor_view(request: HttpRequest, acting: ActingUser, matrix_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    context = {**_base_context(acting, matrix, "actors"), "duties": matrix_by_actor(build_grid(matrix))}
    return render(request, "matrix/matrix_by_actor.html", context)


@page(Capability.DIRECTORY_VIEW)
def matrix_compare_view(request: HttpRequest, acting: ActingUser, matrix_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    context = {
        **_base_context(acting, matrix, "compare"),
        "rows": matrix_comparison(build_grid(matrix)),
        "policy_label": MatrixLevel.POLICY.label,
        "outreach_label": MatrixLevel.OUTREACH.label,
    }
    return render(request, "matrix/matrix_compare.html", context)


def _download(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@page(Capability.DIRECTORY_VIEW)
def matrix_export(request: HttpRequest, acting: ActingUser, matrix_id: int, file_format: str) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    if file_format not in exports.CONTENT_TYPES:
        raise Http404
    content = exports.matrix_file(build_grid(matrix), file_format)
    services.matrix_export_record(acting=acting, matrix=matrix, file_format=file_format)
    return _download(content, file_format, f"matrix-{matrix.pk}-{slugify(matrix.title)[:40] or 'export'}")


@page(Capability.DIRECTORY_VIEW)
def matrix_template(request: HttpRequest, acting: ActingUser) -> HttpResponse:
    return _download(exports.matrix_xlsx(None), "xlsx", "response-matrix-template")


@page(Capability.PLANNING_MANAGE)
def matrix_import_view(request: HttpRequest, acting: ActingUser, matrix_id: int) -> HttpResponse:
    matrix = selectors.matrix_get_for(acting=acting, matrix_id=matrix_id)
    if not services.matrix_may_contribute(acting, matrix):
        raise PermissionDenied("matrix.contribute")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.matrix_import(acting=acting, matrix=matrix, upload=form.cleaned_data["file"])
        except ImportProblems as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Import done: %(added)d added, %(updated)d updated, %(unchanged)d unchanged.")
                % {"added": result.added, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("matrix:detail", matrix_id=matrix.pk)
    context = {**_base_context(acting, matrix, "import"), "form": form, "problems": problems}
    return render(request, "matrix/matrix_import.html", context, status=400 if problems or form.errors else 200)
