"""The two organisations and the case of tests/cases (the `world` fixture), for the work-count tests."""

from tests.cases.conftest import world  # noqa: F401 - a fixture, used by name
