"""Real-browser tests: Playwright drives Debian's chromium against pytest-django's live server.

The browser is never downloaded: without /usr/bin/chromium these tests are skipped, unless
PALERMO_REQUIRE_BROWSER=1 (as in CI), which turns the absence into an error.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}


def _chromium_or_skip() -> None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return
    reason = f"Debian chromium not found at {CHROMIUM}: browser tests not run"
    if os.environ.get("PALERMO_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PALERMO_REQUIRE_BROWSER=1 requires them; install the chromium package)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium per worker for the whole run: every test still gets a fresh profile (`new_page`).

    Launching it took one to three seconds per module. Playwright's sync API keeps an asyncio event
    loop running in this thread from then on, so Django would refuse every ORM call made by the tests
    (SynchronousOnlyOperation), in this module and in the ones that run after it on the same worker.
    Nothing async ever touches the database here (the live server answers in its own threads, and
    Palermo has no async code), so the check is switched off until the browser is closed.
    """
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _audit_trail_emptied_for_flush(transactional_db: None) -> Iterator[None]:
    """Let pytest-django empty the database after each live-server test.

    The audit trail is append-only down to a database trigger. pytest-django empties the
    tables with DELETE on SQLite, which that trigger refuses (PostgreSQL uses TRUNCATE,
    which row triggers do not see); so, on SQLite, the trigger is lifted for this clean-up only.
    """
    yield
    if connection.vendor != "sqlite":
        return
    trigger = importlib.import_module("palermo.audit.migrations.0002_append_only_trigger")
    with connection.cursor() as cursor:
        for statement in trigger.SQLITE_DROP:
            cursor.execute(statement)
        cursor.execute("DELETE FROM audit_auditentry")
        for statement in trigger.SQLITE_CREATE:
            cursor.execute(statement)


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """new_page(**context_options) -> a page in a fresh browser profile, served by the live server.

    Every page fails its test at teardown if the Content Security Policy blocked anything
    or a script error happened: either would break the page for a real user.
    """
    contexts: list[Any] = []
    problems: list[str] = []

    def make(**options: Any) -> Page:
        options = {"viewport": DESKTOP, "locale": "en-GB", **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", on_console)
        return page

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"blocked by the Content Security Policy: {message.text}")

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
