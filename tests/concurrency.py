"""Two people acting on one record at the same moment, for the race tests (PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

_postgresql_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs real concurrent transactions, which the SQLite test database cannot give; CI runs this on PostgreSQL",
)


def concurrent(test: Callable[..., None]) -> Callable[..., None]:
    return _postgresql_only(pytest.mark.django_db(transaction=True)(test))


def at_once(*steps: Callable[[], Any]) -> list[Any]:
    """Run the steps in threads released together; each returns its result or the exception it raised."""
    barrier = threading.Barrier(len(steps))

    def run(step: Callable[[], Any]) -> Any:
        try:
            barrier.wait(timeout=10)
            return step()
        except Exception as error:  # the test inspects what each side got
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(steps)) as pool:
        return list(pool.map(run, steps))
