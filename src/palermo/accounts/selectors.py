"""Reads about users: their memberships and tokens."""

from __future__ import annotations

from typing import cast

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from palermo.accounts.models import ApiToken, User, token_digest
from palermo.joined import Joined, joined
from palermo.organisations.models import Membership, Organisation


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(membership__user=user).select_related("membership__organisation")


def api_token_get_for_user(*, user: User, token_id: int | str) -> ApiToken:
    try:
        return api_token_list_for_user(user=user).get(pk=int(token_id))
    except (ApiToken.DoesNotExist, ValueError):
        raise Http404 from None


def api_token_authenticate(clear: str) -> ApiToken | None:
    """The usable token matching `clear`, with its membership, organisation and user loaded.

    Read on every API call, so nothing is cached: a revoked token, or a membership, user or
    organisation made inactive, stops working at the next call.
    """
    connection = connections[ApiToken.objects.db]
    read, sql = _token_read(connection)
    now = ApiToken._meta.get_field("expires_at").get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_digest(clear), now, True, True, True])
        row = cursor.fetchone()
    if row is None:
        return None
    made = read.instances(row, connection)
    token, membership = cast(ApiToken, made[0]), cast(Membership, made[1])
    membership.organisation = cast(Organisation, made[2])
    membership.user = cast(User, made[3])
    token.membership = membership
    return token


def membership_list_acting(*, user: User) -> list[Membership]:
    """`membership_list_for_user` as a list, for the middleware that reads it on every page; each
    membership has its organisation and `user` loaded. The first is the one acted for by default."""
    connection = connections[Membership.objects.db]
    read, sql = _membership_read(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, True, True])
        rows = cursor.fetchall()
    memberships = []
    for row in rows:
        made = read.instances(row, connection)
        membership = cast(Membership, made[0])
        membership.organisation = cast(Organisation, made[1])
        membership.user = user
        memberships.append(membership)
    return memberships


# Both reads run on every request: their SQL is written once per database (see palermo.joined).
# Only quoted table and column names of our own models go into the text; values are parameters.
_STATEMENTS: dict[tuple[str, str], tuple[Joined, str]] = {}


def _token_read(connection: BaseDatabaseWrapper) -> tuple[Joined, str]:
    key = ("token", connection.alias)
    if key not in _STATEMENTS:
        read = joined(connection.alias, ApiToken, Membership, Organisation, User)

        def column(model: type[Model], name: str) -> str:
            return read.column(model, name, connection)

        sql = (
            f"SELECT {read.columns} FROM {read.table(ApiToken, connection)}"  # noqa: S608
            f" INNER JOIN {read.table(Membership, connection)}"
            f" ON {column(Membership, 'id')} = {column(ApiToken, 'membership')}"
            f" INNER JOIN {read.table(Organisation, connection)}"
            f" ON {column(Organisation, 'id')} = {column(Membership, 'organisation')}"
            f" INNER JOIN {read.table(User, connection)} ON {column(User, 'id')} = {column(Membership, 'user')}"
            f" WHERE {column(ApiToken, 'digest')} = %s AND {column(ApiToken, 'revoked_at')} IS NULL"
            f" AND {column(ApiToken, 'expires_at')} > %s AND {column(Membership, 'is_active')} = %s"
            f" AND {column(Organisation, 'is_active')} = %s AND {column(User, 'is_active')} = %s"
        )
        _STATEMENTS[key] = (read, sql)
    return _STATEMENTS[key]


def _membership_read(connection: BaseDatabaseWrapper) -> tuple[Joined, str]:
    key = ("memberships", connection.alias)
    if key not in _STATEMENTS:
        read = joined(connection.alias, Membership, Organisation)

        def column(model: type[Model], name: str) -> str:
            return read.column(model, name, connection)

        # Ordered as Membership's Meta.ordering (organisation name, role), as the queryset is.
        sql = (
            f"SELECT {read.columns} FROM {read.table(Membership, connection)}"  # noqa: S608
            f" INNER JOIN {read.table(Organisation, connection)}"
            f" ON {column(Organisation, 'id')} = {column(Membership, 'organisation')}"
            f" WHERE {column(Membership, 'user')} = %s AND {column(Membership, 'is_active')} = %s"
            f" AND {column(Organisation, 'is_active')} = %s"
            f" ORDER BY {column(Organisation, 'name')} ASC, {column(Membership, 'role')} ASC"
        )
        _STATEMENTS[key] = (read, sql)
    return _STATEMENTS[key]
