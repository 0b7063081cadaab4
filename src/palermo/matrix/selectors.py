"""Reads of response matrices, scoped to the owner organisation and its partners."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from palermo.matrix.models import MatrixAction, ResponseMatrix
from palermo.permissions import ActingUser, Capability, can


def matrix_list_for(*, acting: ActingUser) -> QuerySet[ResponseMatrix]:
    """Matrices of the acting organisation, and those it takes part in as a partner."""
    if not can(acting, Capability.DIRECTORY_VIEW):
        raise PermissionDenied(Capability.DIRECTORY_VIEW.value)
    assert acting.membership is not None
    organisation_id = acting.membership.organisation_id
    in_scope = ResponseMatrix.objects.filter(Q(organisation_id=organisation_id) | Q(partners__pk=organisation_id))
    return (
        ResponseMatrix.objects.filter(pk__in=in_scope.values("pk"))
        .select_related("organisation")
        .order_by("-held_on", "-pk")
    )


def matrix_get_for(*, acting: ActingUser, matrix_id: int | str) -> ResponseMatrix:
    """One matrix in the actor's scope; missing and out of scope both answer 404."""
    try:
        return matrix_list_for(acting=acting).get(pk=int(matrix_id))
    except (ResponseMatrix.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def matrix_action_get_for(*, matrix: ResponseMatrix, action_id: int | str) -> MatrixAction:
    """An action of a matrix already fetched through `matrix_get_for`."""
    try:
        return MatrixAction.objects.select_related("matrix", "updated_by").get(matrix=matrix, pk=int(action_id))
    except (MatrixAction.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
