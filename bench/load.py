"""Load benchmark: signed-in pages and API calls against gunicorn, on loopback only.

    .venv/bin/python bench/load.py [--database-url postgres://postgres@127.0.0.1:5432/palermo_bench]
                                   [--workers 4] [--concurrency 16] [--duration 10]
                                   [--seed-organisations 50] [--seed-users 2000] [--seed-people 20000]

It makes a fresh database (SQLite in var/bench/ by default; with --database-url, the
PostgreSQL database named there is dropped and created again, and its name must contain
"bench"), migrates it, seeds it with `palermo bench seed`, signs in a handful of case
workers directly (a session made with the test client, plus an API token each), starts
gunicorn on 127.0.0.1, and drives each endpoint in turn with `--concurrency` threads that
each keep one HTTP connection (gunicorn's sync workers close it after every response, so
in practice each request opens one). Every phase stops after `--duration` seconds or
`--max-requests` requests, every request after `--timeout` seconds; any answer that is
not 2xx, and any connection failure, counts as an error. Then it stops gunicorn, checks
the audit chains (`palermo audit verify`), prints a table and writes
bench/results/<database>-<timestamp>.json.

During each phase it also reads /proc to say who used the CPU: gunicorn, PostgreSQL, this
client, and every other program. On a shared machine, --wait-quiet waits before each phase
for the others to go idle, and the table flags phases where they did not.

Only the Python standard library and what the project already installs (psycopg) are used.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.prefix) / "bin"
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
NOISE_PERCENT = 10  # other programs' share of the CPU above which a phase's figures are flagged
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")

# --- Endpoints ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """A case worker the load acts as: a browser session and an API token for one membership."""

    membership_id: int
    organisation: str
    cookie: str
    token: str
    person_ids: list[int]
    names: list[str] = field(default_factory=list)  # a few names of its people, for name search
    csrf: str = ""  # the CSRF secret, sent as cookie and header, for POSTed pages
    case_ids: list[int] = field(default_factory=list)  # cases of its organisation (seeded with --cases)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass(frozen=True)
class Endpoint:
    name: str
    build: Callable[[Identity, random.Random], Request]


GIVEN = ("Ada", "Omar", "Lena", "Yusuf", "Mei", "Petra", "Karim", "Sofia", "Dmitri", "Amara")


def _page(path: Callable[[Identity, random.Random], str]) -> Callable[[Identity, random.Random], Request]:
    def build(identity: Identity, rng: random.Random) -> Request:
        return Request("GET", path(identity, rng), {"Cookie": identity.cookie, "Accept": "text/html"})

    return build


def _api(path: Callable[[Identity, random.Random], str]) -> Callable[[Identity, random.Random], Request]:
    def build(identity: Identity, rng: random.Random) -> Request:
        headers = {"Authorization": f"Bearer {identity.token}", "Accept": "application/json"}
        return Request("GET", path(identity, rng), headers)

    return build


def _api_person_create(identity: Identity, rng: random.Random) -> Request:
    born = None
    if rng.random() > 0.2:
        born = (datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(18000))).isoformat()
    body = {"given_names": rng.choice(GIVEN), "family_name": f"Loadtest{rng.randrange(10**6):06d}"}
    if born:
        body["date_of_birth"] = born
    headers = {
        "Authorization": f"Bearer {identity.token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    return Request("POST", "/api/v1/persons", headers, json.dumps(body).encode())


def _typo(name: str, rng: random.Random) -> str:
    """The name as someone might type it: as written, in lower case, or with one letter changed."""
    roll = rng.random()
    if roll < 0.4 or len(name) < 4:
        return name
    if roll < 0.6:
        return name.lower()
    at = rng.randrange(1, len(name) - 1)
    return name[:at] + rng.choice("aeiouknr") + name[at + 1 :]


def _case_id(identity: Identity, rng: random.Random) -> int:
    # Without seeded cases, case 0 answers 404 and every request counts as an error, as it should.
    return rng.choice(identity.case_ids) if identity.case_ids else 0


def _search_query(identity: Identity, rng: random.Random) -> str:
    return _typo(rng.choice(identity.names), rng) if identity.names else rng.choice(GIVEN)


def _api_person_search(identity: Identity, rng: random.Random) -> Request:
    headers = {
        "Authorization": f"Bearer {identity.token}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    body = json.dumps({"query": _search_query(identity, rng)}).encode()
    return Request("POST", "/api/v1/persons/search", headers, body)


def _page_person_search(identity: Identity, rng: random.Random) -> Request:
    headers = {
        "Cookie": f"{identity.cookie}; csrftoken={identity.csrf}",
        "X-CSRFToken": identity.csrf,
        "Accept": "text/html",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = urlencode({"query": _search_query(identity, rng)}).encode()
    return Request("POST", "/people/", headers, body)


LABOUR_IDS = {
    "deceptive_recruitment": ("dr.nature_of_job", "dr.wages", "dr.conditions", "dr.contract"),
    "exploitative_conditions": ("ec.excessive_hours", "ec.low_or_no_salary", "ec.hazardous_work"),
    "coercion_at_destination": ("cd.documents", "cd.debt_bondage", "cd.isolation", "cd.threats"),
}


def _screening_body(rng: random.Random) -> dict[str, object]:
    answers = {i: rng.choice(("yes", "no", "unknown")) for ids in LABOUR_IDS.values() for i in ids}
    return {
        "catalogue": "ilo-2009-adult-labour",
        "age": rng.choice((None, 16, 24, 37, 52)),
        "answers": answers,
        "palermo": {"act": ["recruitment"], "purpose": ["forced_labour_or_services"]},
    }


def _api_post(path: str) -> Callable[[Identity, random.Random], Request]:
    def build(identity: Identity, rng: random.Random) -> Request:
        headers = {
            "Authorization": f"Bearer {identity.token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        return Request("POST", path, headers, json.dumps(_screening_body(rng)).encode())

    return build


TIP_TEXTS = (
    "Workers sleep in the container behind the car wash on the ring road.",
    "A van brings the same women to the nail bar at 7 and takes them away at 22.",
    "Men on the building site say their passports are kept by the foreman.",
)


def _public_tip(identity: Identity, rng: random.Random) -> Request:
    body = {"description": rng.choice(TIP_TEXTS), "language": rng.choice(("en", "fr")), "exploitation": "labour"}
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    return Request("POST", "/api/v1/public/tips", headers, json.dumps(body).encode())


ENDPOINTS = [
    Endpoint("page /", _page(lambda i, r: "/")),
    Endpoint("page /people/", _page(lambda i, r: "/people/")),
    Endpoint("page /people/<id>/", _page(lambda i, r: f"/people/{r.choice(i.person_ids)}/")),
    Endpoint("page /organisations/", _page(lambda i, r: "/organisations/")),
    Endpoint("GET /api/v1/organisations", _api(lambda i, r: "/api/v1/organisations")),
    Endpoint("GET /api/v1/persons", _api(lambda i, r: "/api/v1/persons")),
    Endpoint("GET /api/v1/persons/<id>", _api(lambda i, r: f"/api/v1/persons/{r.choice(i.person_ids)}")),
    Endpoint("POST /api/v1/persons", _api_person_create),
    Endpoint("POST /api/v1/persons/search", _api_person_search),
    Endpoint("page POST /people/ (search)", _page_person_search),
    Endpoint("POST /api/v1/screenings/evaluate", _api_post("/api/v1/screenings/evaluate")),
    Endpoint("POST /api/v1/screenings", _api_post("/api/v1/screenings")),
    Endpoint("POST /api/v1/public/tips", _public_tip),
    Endpoint("page /tips/", _page(lambda i, r: "/tips/")),
    # Cases and referrals (seed them with --seed-cases/--seed-referrals, or --reuse a database seeded with them).
    Endpoint("page /cases/<id>/", _page(lambda i, r: f"/cases/{_case_id(i, r)}/")),
    Endpoint("GET /api/v1/cases/<id>", _api(lambda i, r: f"/api/v1/cases/{_case_id(i, r)}")),
    Endpoint("page /referrals/", _page(lambda i, r: "/referrals/")),
    Endpoint("GET /api/v1/referrals", _api(lambda i, r: "/api/v1/referrals")),
    Endpoint("page /tips/?status=new", _page(lambda i, r: "/tips/?status=new")),
]

# --- Load generator -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one thread saw; merged after the phase."""

    latencies: list[float] = field(default_factory=list)  # seconds, 2xx only
    errors: Counter[str] = field(default_factory=Counter)


class Budget:
    """At most `limit` requests in a phase, shared by its threads."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def _drive(
    port: int,
    endpoint: Endpoint,
    identity: Identity,
    rng: random.Random,
    deadline: float,
    budget: Budget,
    timeout: float,
    tally: Tally,
    think: float = 0.0,
) -> None:
    connection: http.client.HTTPConnection | None = None
    try:
        while time.perf_counter() < deadline and budget.take():
            if think:
                # A person reads the answer before the next request: 0.5 to 1.5 times --think seconds.
                time.sleep(min(rng.uniform(0.5, 1.5) * think, max(0.0, deadline - time.perf_counter())))
                if time.perf_counter() >= deadline:
                    break
            request = endpoint.build(identity, rng)
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
                connection.request(request.method, request.path, body=request.body, headers=request.headers)
                response = connection.getresponse()
                response.read()
                # http.client closes the socket itself after `Connection: close` and reopens on the next request.
            except (OSError, http.client.HTTPException) as error:
                tally.errors[type(error).__name__] += 1
                if connection is not None:
                    connection.close()
                connection = None
                continue
            if 200 <= response.status < 300:
                tally.latencies.append(time.perf_counter() - started)
            else:
                tally.errors[f"HTTP {response.status}"] += 1
    finally:
        if connection is not None:
            connection.close()


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- Who used the CPU during a phase (Linux /proc; empty elsewhere) -----------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> list[tuple[int, int, str, int]]:
    """(pid, parent pid, command name, CPU ticks used) of every process we can read."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            found.append((int(entry.name), int(fields[1]), name, int(fields[11]) + int(fields[12])))
        except (OSError, ValueError, IndexError):
            continue
    return found


def cpu_sample(server_pid: int | None) -> dict[str, Any] | None:
    """CPU ticks so far: the machine (busy, all), and per process of gunicorn and of PostgreSQL; this client."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    server: dict[int, int] = {}
    database: dict[int, int] = {}
    for pid, parent, name, ticks in _processes():
        if server_pid is not None and server_pid in (pid, parent):
            server[pid] = ticks
        elif name.startswith("postgres"):
            database[pid] = ticks
    times = os.times()
    return {
        "all": sum(values[:8]),
        "busy": sum(values[:8]) - idle,
        "server": server,
        "database": database,
        "client": (times.user + times.system) * TICKS,
    }


def _used(before: dict[int, int], after: dict[int, int]) -> int:
    # Processes that ended meanwhile are lost (and counted as "other"); new ones count from zero.
    return sum(max(0, ticks - before.get(pid, 0)) for pid, ticks in after.items())


def cpu_share(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, float]:
    """Percent of the machine's CPU time (all cores) used by gunicorn, PostgreSQL, the client, and the rest."""
    if not before or not after or after["all"] <= before["all"]:
        return {}
    total = after["all"] - before["all"]
    used = {
        "server": _used(before["server"], after["server"]),
        "database": _used(before["database"], after["database"]),
        "client": max(0.0, after["client"] - before["client"]),
    }
    other = max(0.0, after["busy"] - before["busy"] - sum(used.values()))
    return {
        **{f"{name}_percent": round(100 * value / total, 1) for name, value in used.items()},
        "other_percent": round(100 * other / total, 1),
    }


def machine_busy_percent(seconds: float) -> float | None:
    before = cpu_sample(None)
    time.sleep(seconds)
    after = cpu_sample(None)
    if not before or not after or after["all"] <= before["all"]:
        return None
    return 100 * (after["busy"] - before["busy"]) / (after["all"] - before["all"])


def wait_quiet(limit: float, threshold: float) -> dict[str, Any]:
    """Wait (at most `limit` seconds) until other programs leave the machine idle; say how it went."""
    started = time.monotonic()
    busy = machine_busy_percent(2)
    while busy is not None and busy > threshold and time.monotonic() - started < limit:
        busy = machine_busy_percent(2)
    quiet = busy is None or busy <= threshold
    if not quiet:
        print(f"  machine still {busy:.0f}% busy after {limit:.0f} s; going on", flush=True)
    return {"waited_seconds": round(time.monotonic() - started, 1), "busy_percent": busy, "quiet": quiet}


def run_phase(
    *,
    port: int,
    endpoint: Endpoint,
    identities: list[Identity],
    concurrency: int,
    duration: float,
    max_requests: int,
    timeout: float,
    seed: int,
    server_pid: int | None = None,
    think: float = 0.0,
) -> dict[str, Any]:
    tallies = [Tally() for _ in range(concurrency)]
    cpu_before = cpu_sample(server_pid)
    budget = Budget(max_requests)
    started = time.perf_counter()
    deadline = started + duration
    threads = [
        threading.Thread(
            target=_drive,
            args=(
                port,
                endpoint,
                identities[n % len(identities)],
                random.Random(f"{seed}-{endpoint.name}-{n}"),
                deadline,
                budget,
                timeout,
                tallies[n],
                think,
            ),
            daemon=True,
        )
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + timeout + 5)
    elapsed = time.perf_counter() - started
    cpu = cpu_share(cpu_before, cpu_sample(server_pid))
    latencies = sorted(latency for tally in tallies for latency in tally.latencies)
    errors: Counter[str] = Counter()
    for tally in tallies:
        errors.update(tally.errors)
    completed = len(latencies) + sum(errors.values())
    return {
        "endpoint": endpoint.name,
        "requests": completed,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "seconds": round(elapsed, 3),
        "requests_per_second": round(completed / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "mean_ms": round(sum(latencies) / len(latencies) * 1000, 1) if latencies else math.nan,
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else math.nan,
        "unfinished_threads": sum(thread.is_alive() for thread in threads),
        "cpu": cpu,
    }


# --- Setup, run in a child process with Django loaded -------------------------------------------------


def setup_identities(count: int) -> None:
    """Print (JSON) sessions and tokens for up to `count` case workers of distinct bench organisations."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palermo.accounts.acting import SESSION_KEY
    from palermo.accounts.middleware import LOGIN_AT, SEEN_AT
    from palermo.accounts.services import api_token_create, login_session_register
    from palermo.cases.selectors import case_queryset_for
    from palermo.demo.fictional import BENCH_PREFIX
    from palermo.organisations.models import Membership, Role
    from palermo.people.selectors import person_queryset_for
    from palermo.permissions import ActingUser, Channel

    identities = []
    seen: set[int] = set()
    memberships = (
        Membership.objects.filter(
            role=Role.CASE_WORKER, is_active=True, user__is_active=True, organisation__name__startswith=BENCH_PREFIX
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "pk")
    )
    for membership in memberships:
        if len(identities) >= count:
            break
        if membership.organisation_id in seen:
            continue
        acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
        person_ids = list(person_queryset_for(acting).values_list("pk", flat=True)[:1000])
        # Decrypted here, in the benchmark's own process, only to have names to search for.
        names = [
            p.display_name for p in person_queryset_for(acting).order_by("?")[:50] if p.name or p.name_original_script
        ]
        if not person_ids:
            continue
        # Ids spread over the organisation's cases, not only the newest (ordering by id, every k-th).
        all_case_ids = list(case_queryset_for(acting).order_by("pk").values_list("pk", flat=True))
        case_ids = all_case_ids[:: max(1, len(all_case_ids) // 1000)][:1000]
        seen.add(membership.organisation_id)
        client = Client()
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        # Past the second step, as a person signed in with their authenticator: case workers need it.
        device, _ = TOTPDevice.objects.get_or_create(user=membership.user, confirmed=True, defaults={"name": "bench"})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[LOGIN_AT] = session[SEEN_AT] = time.time()
        session[SESSION_KEY] = membership.pk
        session.save()
        login_session_register(user=membership.user, session=session)
        _, token = api_token_create(acting=ActingUser.system(), membership=membership, name="bench load", days=1)
        identities.append(
            {
                "membership_id": membership.pk,
                "organisation": membership.organisation.name,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "token": token,
                "person_ids": person_ids,
                "names": names,
                "csrf": _get_new_csrf_string(),
                "case_ids": case_ids,
            }
        )
    json.dump(identities, sys.stdout)


# --- Orchestration ------------------------------------------------------------------------------------


def database_label(url: str | None) -> str:
    if not url:
        return "sqlite"
    scheme = urlsplit(url).scheme
    if scheme in POSTGRES_SCHEMES:
        return "postgresql"
    if scheme.startswith("sqlite"):
        return "sqlite"
    return scheme or "unknown"


def redact(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _postgres_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), parts.path.lstrip("/")


def postgres_recreate(url: str) -> None:
    """Drop and create the database named in `url` (only if its name says it is a bench database)."""
    import psycopg
    from psycopg import sql

    admin, name = _postgres_admin_url(url)
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop database {name!r}: its name must contain 'bench'.")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(_postgres_admin_url(url)[0], autocommit=True) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def sqlite_reset(data_dir: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        (data_dir / f"palermo.sqlite3{suffix}").unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def run(command: list[str], env: dict[str, str], *, capture: bool = False, timeout: float = 1800) -> tuple[str, float]:
    started = time.monotonic()
    print(f"$ {' '.join(command)}", flush=True)
    completed = subprocess.run(
        command, env=env, cwd=ROOT, check=False, timeout=timeout, stdout=subprocess.PIPE if capture else None, text=True
    )
    if completed.returncode != 0:
        raise SystemExit(f"Failed ({completed.returncode}): {' '.join(command)}")
    return completed.stdout or "", time.monotonic() - started


def wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not listen on {HOST}:{port} within {timeout:.0f} s; see {log}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the gunicorn we started: its master ends its workers; its own process group if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def smoke(port: int, identities: list[Identity], timeout: float) -> None:
    """Every identity's session and token work before any figure is taken."""
    for identity in identities:
        for name, request in (
            ("session", Request("GET", "/", {"Cookie": identity.cookie})),
            ("token", Request("GET", "/api/v1/me", {"Authorization": f"Bearer {identity.token}"})),
        ):
            connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
            try:
                connection.request(request.method, request.path, headers=request.headers)
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            if response.status != 200:
                raise SystemExit(f"The {name} of {identity.organisation} got HTTP {response.status} on {request.path}.")


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def _cpu_text(cpu: dict[str, float]) -> str:
    if not cpu:
        return "n/a"
    return "/".join(f"{cpu[f'{name}_percent']:.0f}" for name in ("server", "database", "client", "other"))


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'endpoint':<28} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f"  {'CPU % app/db/client/other':>25}"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        print(
            f"{row['endpoint']:<28} {row['requests']:>9} {row['errors']:>7} {row['requests_per_second']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f}  {_cpu_text(row['cpu']):>25}"
        )
    for row in results:
        if row["error_kinds"]:
            print(f"  errors on {row['endpoint']}: {row['error_kinds']}")
    noisy = [row["endpoint"] for row in results if row["cpu"].get("other_percent", 0) > NOISE_PERCENT]
    if noisy:
        print(f"  other programs used over {NOISE_PERCENT}% of the CPU during: {', '.join(noisy)}; figures not clean")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", help="PostgreSQL URL of a database to recreate (default: SQLite)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--duration", type=float, default=10, help="measured seconds per endpoint (default 10)")
    parser.add_argument("--warmup", type=float, default=1, help="unmeasured seconds per endpoint first (default 1)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per endpoint (default 200000)")
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        metavar="SECONDS",
        help="each client pauses 0.5-1.5 times this between requests, like a person (default 0: flat out)",
    )
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request (default 30)")
    parser.add_argument("--seed-organisations", type=int, default=50)
    parser.add_argument("--seed-users", type=int, default=2000)
    parser.add_argument("--seed-people", type=int, default=20000)
    parser.add_argument("--seed-tips", type=int, default=0, help="tips from the public, for the inbox (default 0)")
    parser.add_argument("--seed-cases", type=int, default=0, help="cases, one per person (default 0)")
    parser.add_argument("--seed-referrals", type=int, default=0, help="referrals between organisations (default 0)")
    parser.add_argument("--seed-notes-per-case", type=int, default=0, help="notes on each new case (default 0)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--identities", type=int, default=8, help="case workers signed in (default 8)")
    parser.add_argument("--only", action="append", help="run only endpoints whose name contains this (repeatable)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench", help="default var/bench")
    parser.add_argument("--reuse", action="store_true", help="keep the existing database (seed only tops it up)")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each endpoint, wait up to this long for other programs to leave the CPU idle (default 0)",
    )
    parser.add_argument("--quiet-threshold", type=float, default=15, help="idle means below this busy %% (default 15)")
    parser.add_argument("--no-verify-audit", action="store_true", help="skip `palermo audit verify` at the end")
    arguments = parser.parse_args(argv)
    for name in ("workers", "concurrency", "max_requests", "identities", "seed_organisations"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be 1 or more")
    if arguments.duration <= 0 or arguments.timeout <= 0 or arguments.warmup < 0 or not 0 <= arguments.think <= 60:
        parser.error("--duration and --timeout must be positive, --warmup not negative, --think 0 to 60")
    if arguments.seed_users < 1 or arguments.seed_people < 1:
        parser.error("--seed-users and --seed-people must be 1 or more: the load acts as case workers on people")
    scheme = urlsplit(arguments.database_url).scheme if arguments.database_url else ""
    if arguments.database_url and scheme not in POSTGRES_SCHEMES:
        parser.error("--database-url must be a PostgreSQL URL (leave it out for SQLite)")
    return arguments


def server_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment Palermo is served with in a benchmark: production-like (no DEBUG), its own data."""
    env = {
        **os.environ,
        "PALERMO_ENV": "development",
        "PALERMO_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "palermo.settings",
        # Every request comes from 127.0.0.1 here; a real campaign comes from many addresses.
        "PALERMO_TIP_RATE_LIMIT": "100000000",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def main(argv: list[str]) -> None:
    if argv[:1] == ["_setup"]:
        setup_identities(int(argv[1]))
        return
    arguments = parse_arguments(argv)
    endpoints = [e for e in ENDPOINTS if not arguments.only or any(part in e.name for part in arguments.only)]
    if not endpoints:
        raise SystemExit("--only matched no endpoint.")
    label = database_label(arguments.database_url)
    data_dir = arguments.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(data_dir, arguments.database_url)
    palermo = [str(BIN / "palermo")]

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    if arguments.reuse:
        print(f"Reusing the {label} database.")
    elif arguments.database_url:
        postgres_recreate(arguments.database_url)
        print(f"Recreated PostgreSQL database {urlsplit(arguments.database_url).path.lstrip('/')}.")
    else:
        sqlite_reset(data_dir)
        print(f"Fresh SQLite database in {data_dir}.")
    if arguments.database_url:
        database_version = postgres_version(arguments.database_url)
    else:
        import sqlite3

        database_version = sqlite3.sqlite_version

    if arguments.wait_quiet:
        wait_quiet(arguments.wait_quiet, arguments.quiet_threshold)
    _, migrate_seconds = run([*palermo, "migrate", "--no-input", "-v0"], env)
    _, seed_seconds = run(
        [
            *palermo,
            "bench",
            "seed",
            "--organisations",
            str(arguments.seed_organisations),
            "--users",
            str(arguments.seed_users),
            "--people",
            str(arguments.seed_people),
            "--tips",
            str(arguments.seed_tips),
            "--cases",
            str(arguments.seed_cases),
            "--referrals",
            str(arguments.seed_referrals),
            "--notes-per-case",
            str(arguments.seed_notes_per_case),
            "--seed",
            str(arguments.seed),
        ],
        env,
    )
    output, _ = run([sys.executable, __file__, "_setup", str(arguments.identities)], env, capture=True)
    identities = [Identity(**item) for item in json.loads(output)]
    if not identities:
        raise SystemExit("No bench case worker with people to act as: seed more users and people.")
    print(f"Acting as {len(identities)} case workers of distinct organisations.")

    port = free_port()
    log = data_dir / "gunicorn.log"
    gunicorn = [
        str(BIN / "gunicorn"),
        "palermo.wsgi",
        "-w",
        str(arguments.workers),
        "-k",
        arguments.worker_class,
        "-b",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
    ]
    results: list[dict[str, Any]] = []
    client_cpu = time.process_time()
    with log.open("w") as log_file:
        print(f"$ {' '.join(gunicorn)}", flush=True)
        process = subprocess.Popen(
            gunicorn, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_listening(process, port, log)
            smoke(port, identities, arguments.timeout)
            for number, endpoint in enumerate(endpoints):
                phase = {
                    "port": port,
                    "endpoint": endpoint,
                    "identities": identities,
                    "concurrency": arguments.concurrency,
                    "max_requests": arguments.max_requests,
                    "timeout": arguments.timeout,
                    "server_pid": process.pid,
                    "think": arguments.think,
                }
                quiet = wait_quiet(arguments.wait_quiet, arguments.quiet_threshold) if arguments.wait_quiet else {}
                if arguments.warmup:
                    run_phase(**phase, duration=arguments.warmup, seed=arguments.seed + 1000 + number)
                row = run_phase(**phase, duration=arguments.duration, seed=arguments.seed + number)
                row["before"] = quiet
                results.append(row)
                print(
                    f"  {row['endpoint']:<28} {row['requests']:>7} requests, {row['errors']} errors, "
                    f"{row['requests_per_second']:.1f}/s, p95 {row['p95_ms']:.1f} ms, "
                    f"CPU % app/db/client/other {_cpu_text(row['cpu'])}",
                    flush=True,
                )
                if process.poll() is not None:
                    raise SystemExit(f"gunicorn stopped during the run; see {log}")
        finally:
            stop(process)
    client_cpu = time.process_time() - client_cpu

    audit: dict[str, Any] = {"skipped": True}
    if not arguments.no_verify_audit:
        started = time.monotonic()
        verify = subprocess.run(
            [*palermo, "audit", "verify"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800
        )
        audit = {
            "ok": verify.returncode == 0,
            "output": (verify.stdout + verify.stderr).strip()[-2000:],
            "seconds": round(time.monotonic() - started, 1),
        }

    print()
    print(
        f"{label}, gunicorn {arguments.workers} {arguments.worker_class} workers, {arguments.concurrency} clients"
        f"{f' thinking {arguments.think:g} s' if arguments.think else ''}, "
        f"{arguments.duration:g} s per endpoint; seed {arguments.seed_organisations} organisations / "
        f"{arguments.seed_users} users / {arguments.seed_people} people "
        f"(migrate {migrate_seconds:.1f} s, seed {seed_seconds:.1f} s); {os.cpu_count()} CPUs"
    )
    print()
    print_table(results)
    if not audit.get("skipped"):
        print(f"\naudit verify: {audit['output']} ({audit['seconds']} s)")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{label}-{stamp}.json"
    report = {
        "database": label,
        "database_version": database_version,
        "database_url": redact(arguments.database_url),
        "started_at": stamp,
        "git": git_commit(),
        "command": " ".join([Path(sys.executable).name, "bench/load.py", *argv]),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "gunicorn": _version([str(BIN / "gunicorn"), "--version"]),
        },
        "config": {
            "workers": arguments.workers,
            "worker_class": arguments.worker_class,
            "concurrency": arguments.concurrency,
            "think": arguments.think,
            "duration": arguments.duration,
            "warmup": arguments.warmup,
            "max_requests": arguments.max_requests,
            "timeout": arguments.timeout,
            "wait_quiet": arguments.wait_quiet,
            "quiet_threshold": arguments.quiet_threshold,
            "identities": len(identities),
            "seed": {
                "organisations": arguments.seed_organisations,
                "users": arguments.seed_users,
                "people": arguments.seed_people,
                "cases": arguments.seed_cases,
                "referrals": arguments.seed_referrals,
                "notes_per_case": arguments.seed_notes_per_case,
                "seed": arguments.seed,
                "reused": arguments.reuse,
            },
            "cache": "shared" if os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") else "local memory",
        },
        "timings": {
            "migrate_seconds": round(migrate_seconds, 1),
            "seed_seconds": round(seed_seconds, 1),
            "client_cpu_seconds": round(client_cpu, 1),
        },
        "results": results,
        "audit_verify": audit,
    }
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nWritten {path.relative_to(ROOT)}")
    if not audit.get("skipped") and not audit["ok"]:
        raise SystemExit("The audit trail did not verify after the run.")


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(f"Stopped by signal {signum}.")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    main(sys.argv[1:])
