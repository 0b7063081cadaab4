"""The cost of one request: Palermo's signed-in reads beside a bare Django view, in one run.

    .venv/bin/python bench/request_cost.py [--database-url postgres://postgres@127.0.0.1:5432/palermo_bench_cost]
                                           [--rounds 3] [--duration 8] [--workers 4] [--connections 16]

It makes (or reuses) a PostgreSQL database of its own (its name must contain "bench"), migrates and
seeds it (`palermo bench seed` only tops up), signs in a few case workers (a session past both
sign-in steps and an API token each, as bench/load.py does), then starts two gunicorns on
127.0.0.1, both with the same number of sync workers and both kept running for the whole run:

- the bare project of bench/bare/: no middleware at all, one view that reads one organisation row
  of the same database through the ORM and returns it as JSON;
- Palermo, as bench/load.py serves it (DEBUG off, local-memory cache, sessions in the database).

One client drives every endpoint with the same number of connections: wrk when it is installed
(`apt-get install wrk`), else this script's own threads (`--client python`). The endpoints run in
rounds (bare, then each Palermo endpoint, then the next round), so that a neighbour that takes
the CPU for a while weighs on both sides alike; each Palermo endpoint is reported as a share of
the bare view's throughput over all rounds, and round by round. The target (issue 13, item 7) is
at least 35 %.

The person reads are audited: the script counts the `person.view` entries before and after, checks
that every answered read wrote one, and verifies the audit chains at the end. gunicorn is stopped
on exit, on an error and on Ctrl-C. Results go to bench/results/request-cost-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # bench/load.py: setup, gunicorn, CPU sampling and the thread client

ROOT = load.ROOT
BIN = load.BIN
HOST = load.HOST
TARGET_PERCENT = 35.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/palermo_bench_cost"
# A million-person seed of other benchmarks lives there: never touch it.
FORBIDDEN_DATABASES = {"palermo_bench_people"}
BARE = "bare GET /organisations/<id>"


# --- Endpoints: (name, server, builder of one request for an identity) ------------------------------------


def _bare(identity: load.Identity, rng: random.Random, organisation_ids: list[int]) -> load.Request:
    return load.Request("GET", f"/organisations/{rng.choice(organisation_ids)}", {"Accept": "application/json"})


def _api(path: Callable[[load.Identity, random.Random], str]) -> Callable[..., load.Request]:
    def build(identity: load.Identity, rng: random.Random, organisation_ids: list[int]) -> load.Request:
        headers = {"Authorization": f"Bearer {identity.token}", "Accept": "application/json"}
        return load.Request("GET", path(identity, rng), headers)

    return build


def _home(identity: load.Identity, rng: random.Random, organisation_ids: list[int]) -> load.Request:
    return load.Request("GET", "/", {"Cookie": identity.cookie, "Accept": "text/html"})


ENDPOINTS: list[tuple[str, str, Callable[..., load.Request]]] = [
    (BARE, "bare", _bare),
    ("GET /api/v1/organisations", "palermo", _api(lambda i, r: "/api/v1/organisations")),
    ("GET /api/v1/persons/<id>", "palermo", _api(lambda i, r: f"/api/v1/persons/{r.choice(i.person_ids)}")),
    ("page / (signed in)", "palermo", _home),
]
PERSON_READ = "GET /api/v1/persons/<id>"


# --- The wrk client -----------------------------------------------------------------------------------

WRK_SCRIPT = """
local plans = {plans}
local formatted = {{}}
local n = 0
init = function(args)
  for i, plan in ipairs(plans) do
    formatted[i] = wrk.format(plan[1], plan[2], plan[3])
  end
  n = math.random(#formatted)
end
request = function()
  n = n % #formatted + 1
  return formatted[n]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


def _lua(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid Lua string for these ASCII values
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    raise TypeError(value)


def wrk_phase(
    wrk: str, port: int, requests: list[load.Request], connections: int, threads: int, seconds: float, timeout: float
) -> dict[str, Any]:
    plans = [(r.method, r.path, {**r.headers, "Host": f"{HOST}:{port}"}) for r in requests]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(plans=_lua(plans)))
    try:
        command = [
            wrk,
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={max(1, round(timeout))}s",
            "-s",
            script.name,
            f"http://{HOST}:{port}",
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 30)
    finally:
        os.unlink(script.name)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("WRK-RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    seconds_run = raw["duration_us"] / 1e6
    errors = {k: raw[k] for k in ("connect", "read", "write", "status", "timeout") if raw[k]}
    # wrk counts a non-2xx answer both as a request and as a status error; socket errors are not requests.
    answered_ok = raw["requests"] - raw["status"]
    return {
        "requests": raw["requests"],
        "ok": answered_ok,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "seconds": round(seconds_run, 3),
        "requests_per_second": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
    }


def python_phase(
    port: int, requests: list[load.Request], connections: int, seconds: float, timeout: float, seed: int
) -> dict[str, Any]:
    """The same phase with bench/load.py's client: one thread and one connection per client."""
    endpoint = load.Endpoint("phase", lambda identity, rng: rng.choice(requests))
    identity = load.Identity(membership_id=0, organisation="", cookie="", token="", person_ids=[])
    row = load.run_phase(
        port=port,
        endpoint=endpoint,
        identities=[identity],
        concurrency=connections,
        duration=seconds,
        max_requests=10**9,
        timeout=timeout,
        seed=seed,
    )
    row["ok"] = row["requests"] - row["errors"]
    return row


# --- CPU: who used it during a phase --------------------------------------------------------------------


def _serves(pid: int, database: str) -> bool:
    """Whether a PostgreSQL process is a backend connected to `database` (its title names the database)."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return f" {database} " in title


def cpu_sample(server_pids: list[int], database: str) -> dict[str, Any] | None:
    """As bench/load.py samples, but the database is only the backends of this benchmark's database:
    other programs on a shared machine use the same PostgreSQL server."""
    sample = load.cpu_sample(None)
    if sample is None:
        return None
    servers: dict[int, int] = {}
    for pid, parent, _name, ticks in load._processes():
        if pid in server_pids or parent in server_pids:
            servers[pid] = ticks
    sample["server"] = servers
    sample["database"] = {pid: ticks for pid, ticks in sample["database"].items() if _serves(pid, database)}
    # The client is this process and the wrk it waited for.
    times = os.times()
    sample["client"] = (times.user + times.system + times.children_user + times.children_system) * load.TICKS
    return sample


def cpu_per_request(before: dict[str, Any] | None, after: dict[str, Any] | None, requests: int) -> dict[str, float]:
    """CPU milliseconds one request cost the web server and the database: the ratio that neighbours disturb least."""
    if not before or not after or not requests:
        return {}
    return {
        name: round(1000 * load._used(before[name], after[name]) / load.TICKS / requests, 2)
        for name in ("server", "database")
    }


# --- Setup: the database, the identities, the audit count ---------------------------------------------


def check_database_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in load.POSTGRES_SCHEMES:
        raise SystemExit("--database-url must be a PostgreSQL URL.")
    name = parts.path.lstrip("/")
    if "bench" not in name or name in FORBIDDEN_DATABASES:
        raise SystemExit(f"Refusing database {name!r}: use one of this benchmark's own, named with 'bench'.")
    return name


def ensure_database(url: str, fresh: bool) -> None:
    import psycopg
    from psycopg import sql

    admin, name = load._postgres_admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        if fresh:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created PostgreSQL database {name}.")


def audit_count(url: str, action: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        row = connection.execute("SELECT count(*) FROM audit_auditentry WHERE action = %s", [action]).fetchone()
    return int(row[0]) if row else 0


def organisation_ids(url: str) -> list[int]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        rows = connection.execute("SELECT id FROM organisations_organisation ORDER BY id").fetchall()
    return [int(row[0]) for row in rows]


# --- Serving --------------------------------------------------------------------------------------------


def start_gunicorn(
    app: str, env: dict[str, str], workers: int, log: Path, extra: list[str]
) -> tuple[subprocess.Popen[bytes], int, Any]:
    port = load.free_port()
    command = [
        str(BIN / "gunicorn"),
        app,
        *extra,
        "-w",
        str(workers),
        "-k",
        "sync",
        "-b",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
    ]
    print(f"$ {' '.join(command)}", flush=True)
    log_file = log.open("w")
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )
    return process, port, log_file


def smoke(port: int, request: load.Request, timeout: float) -> None:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(request.method, request.path, headers=request.headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise SystemExit(f"{request.path} answered HTTP {response.status} before the run; nothing measured.")


# --- Report ---------------------------------------------------------------------------------------------


def summarise(phases: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """Per endpoint over all rounds: throughput, latency of the middle round, share of the bare view."""
    bare = [p for p in phases if p["endpoint"] == BARE]
    bare_rate = sum(p["requests"] for p in bare) / sum(p["seconds"] for p in bare)
    rows = []
    for name in names:
        mine = [p for p in phases if p["endpoint"] == name]
        rate = sum(p["requests"] for p in mine) / sum(p["seconds"] for p in mine)
        per_round = []
        for phase in mine:
            # The bare phase of the same round.
            partner = next(b for b in bare if b["round"] == phase["round"])
            per_round.append(round(100 * phase["requests_per_second"] / partner["requests_per_second"], 1))
        middle = sorted(mine, key=lambda p: p["p95_ms"])[len(mine) // 2]
        rows.append(
            {
                "endpoint": name,
                "requests": sum(p["requests"] for p in mine),
                "errors": sum(p["errors"] for p in mine),
                "requests_per_second": round(rate, 1),
                "p50_ms": middle["p50_ms"],
                "p95_ms": middle["p95_ms"],
                "percent_of_bare": round(100 * rate / bare_rate, 1),
                "percent_of_bare_by_round": per_round,
                "cpu": mine[len(mine) // 2]["cpu"],
                "cpu_ms_per_request": {
                    side: round(sorted(p["cpu_ms_per_request"].get(side, 0.0) for p in mine)[len(mine) // 2], 2)
                    for side in ("server", "database")
                },
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'endpoint':<30} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'% of bare':>9}  {'by round':<14} {'CPU ms app/db':>13} {'CPU % app/db/client/other':>25}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        share = "" if row["endpoint"] == BARE else f"{row['percent_of_bare']:.1f}"
        verdict = "" if row["endpoint"] == BARE else (" ✓" if row["percent_of_bare"] >= TARGET_PERCENT else " ✗")
        cost = row["cpu_ms_per_request"]
        rounds = "" if row["endpoint"] == BARE else " ".join(f"{x:.0f}" for x in row["percent_of_bare_by_round"])
        print(
            f"{row['endpoint']:<30} {row['requests']:>8} {row['errors']:>6} {row['requests_per_second']:>8.1f}"
            f" {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {share + verdict:>9}  {rounds:<14}"
            f" {cost.get('server', 0):>6.2f}/{cost.get('database', 0):<6.2f} {load._cpu_text(row['cpu']):>25}"
        )


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help=f"PostgreSQL, name with 'bench' (default {DEFAULT_URL})"
    )
    parser.add_argument("--fresh", action="store_true", help="drop and create the database first")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers, each server (default 4)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--duration", type=float, default=8, help="measured seconds per endpoint and round (default 8)")
    parser.add_argument(
        "--warmup", type=float, default=2, help="unmeasured seconds per endpoint, first round (default 2)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all endpoints (default 3)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per request (default 10)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto", help="default: wrk if installed")
    parser.add_argument("--only", action="append", help="only Palermo endpoints whose name contains this (repeatable)")
    parser.add_argument("--identities", type=int, default=8, help="case workers signed in (default 8)")
    parser.add_argument("--seed-people", type=int, default=20000)
    parser.add_argument("--seed-cases", type=int, default=5000)
    parser.add_argument("--seed-referrals", type=int, default=500)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS", help="before each round (default 0)")
    parser.add_argument("--quiet-threshold", type=float, default=15)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-cost")
    arguments = parser.parse_args(argv)
    for name in ("workers", "connections", "threads", "rounds", "identities"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be 1 or more")
    if arguments.duration <= 0 or arguments.warmup < 0 or arguments.timeout <= 0:
        parser.error("--duration and --timeout must be positive, --warmup not negative")
    return arguments


def main(argv: list[str]) -> None:
    arguments = parse_arguments(argv)
    database = check_database_url(arguments.database_url)
    wrk = shutil.which("wrk") if arguments.client in ("auto", "wrk") else None
    if arguments.client == "wrk" and wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --client python.")
    client = "wrk" if wrk else "python"
    endpoints = [
        e for e in ENDPOINTS if e[0] == BARE or not arguments.only or any(part in e[0] for part in arguments.only)
    ]
    data_dir = arguments.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = load.server_env(data_dir, arguments.database_url)
    palermo = [str(BIN / "palermo")]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")

    ensure_database(arguments.database_url, arguments.fresh)
    load.run([*palermo, "migrate", "--no-input", "-v0"], env)
    load.run(
        [
            *palermo,
            "bench",
            "-v0",
            "seed",
            "--organisations",
            "50",
            "--users",
            "2000",
            "--people",
            str(arguments.seed_people),
            "--cases",
            str(arguments.seed_cases),
            "--referrals",
            str(arguments.seed_referrals),
        ],
        env,
    )
    output, _ = load.run([sys.executable, load.__file__, "_setup", str(arguments.identities)], env, capture=True)
    identities = [load.Identity(**item) for item in json.loads(output)]
    if not identities:
        raise SystemExit("No bench case worker with people to act as.")
    organisations = organisation_ids(arguments.database_url)
    print(f"Acting as {len(identities)} case workers of distinct organisations; client: {client}.")

    rng = random.Random(1)
    plans = {
        name: [build(identities[n % len(identities)], rng, organisations) for n in range(400)]
        for name, _, build in endpoints
    }
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bare.settings"}
    audited_before = audit_count(arguments.database_url, "person.view")
    person_ok = 0
    phases: list[dict[str, Any]] = []
    servers: dict[str, tuple[subprocess.Popen[bytes], int, Any]] = {}
    try:
        servers["bare"] = start_gunicorn(
            "bare.wsgi", bare_env, arguments.workers, data_dir / "gunicorn-bare.log", ["--chdir", "bench"]
        )
        servers["palermo"] = start_gunicorn("palermo.wsgi", env, arguments.workers, data_dir / "gunicorn.log", [])
        for process, port, log_file in servers.values():
            load.wait_until_listening(process, port, Path(log_file.name))
        for name, server, _ in endpoints:
            for request in plans[name][: len(identities)]:
                smoke(servers[server][1], request, arguments.timeout)
                person_ok += name == PERSON_READ
        server_pids = [process.pid for process, _, _ in servers.values()]
        for round_number in range(1, arguments.rounds + 1):
            quiet = load.wait_quiet(arguments.wait_quiet, arguments.quiet_threshold) if arguments.wait_quiet else {}
            for number, (name, server, _) in enumerate(endpoints):
                port = servers[server][1]

                def phase(seconds: float, seed: int, name: str = name, port: int = port) -> dict[str, Any]:
                    if wrk:
                        return wrk_phase(
                            wrk, port, plans[name], arguments.connections, arguments.threads, seconds, arguments.timeout
                        )
                    return python_phase(port, plans[name], arguments.connections, seconds, arguments.timeout, seed)

                if round_number == 1 and arguments.warmup:
                    warm = phase(arguments.warmup, 1000 + number)
                    person_ok += warm["ok"] if name == PERSON_READ else 0
                before = cpu_sample(server_pids, database)
                row = phase(arguments.duration, round_number * 100 + number)
                after = cpu_sample(server_pids, database)
                row["cpu"] = load.cpu_share(before, after)
                row["cpu_ms_per_request"] = cpu_per_request(before, after, row["requests"])
                row.update(endpoint=name, round=round_number, before=quiet)
                person_ok += row["ok"] if name == PERSON_READ else 0
                phases.append(row)
                print(
                    f"  round {round_number} {name:<30} {row['requests']:>6} requests, {row['errors']} errors, "
                    f"{row['requests_per_second']:>7.1f}/s, p95 {row['p95_ms']:>6.1f} ms, "
                    f"CPU % app/db/client/other {load._cpu_text(row['cpu'])}",
                    flush=True,
                )
                for process, _, log_file in servers.values():
                    if process.poll() is not None:
                        raise SystemExit(f"gunicorn stopped during the run; see {log_file.name}")
    finally:
        for process, _, log_file in servers.values():
            load.stop(process)
            log_file.close()

    audited = audit_count(arguments.database_url, "person.view") - audited_before
    # wrk stops with requests in flight: the server may have answered (and audited) up to one per connection
    # per phase that the client no longer counted.
    slack = arguments.connections * (arguments.rounds + 1) if PERSON_READ in plans else 0
    audit_ok = person_ok <= audited <= person_ok + slack
    verify = subprocess.run([*palermo, "audit", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)

    rows = summarise(phases, [name for name, _, _ in endpoints])
    print()
    print(
        f"PostgreSQL {database}, gunicorn {arguments.workers} sync workers each, {arguments.connections} connections,"
        f" client {client}, {arguments.rounds} rounds of {arguments.duration:g} s; {os.cpu_count()} CPUs"
    )
    print()
    print_table(rows)
    print(
        f"\nperson.view audit entries: {audited} written for {person_ok} person reads answered"
        f" ({'ok' if audit_ok else 'MISSING ENTRIES'}); audit verify: {(verify.stdout + verify.stderr).strip()[-300:]}"
    )
    load.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = load.RESULTS_DIR / f"request-cost-{stamp}.json"
    report = {
        "database": database,
        "database_version": load.postgres_version(arguments.database_url),
        "started_at": stamp,
        "git": load.git_commit(),
        # Set when another checkout's code is served (e.g. an earlier commit, for a before/after pair).
        "pythonpath": os.environ.get("PYTHONPATH", ""),
        "command": " ".join([Path(sys.executable).name, "bench/request_cost.py", *argv]),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "gunicorn": load._version([str(BIN / "gunicorn"), "--version"]),
            "client": load._version([wrk, "--version"]).splitlines()[0] if wrk else "python threads",
        },
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(arguments).items()},
        "target_percent_of_bare": TARGET_PERCENT,
        "summary": rows,
        "phases": phases,
        "audit": {"person_reads_ok": person_ok, "person_view_entries": audited, "ok": audit_ok},
        "audit_verify": {"ok": verify.returncode == 0, "output": (verify.stdout + verify.stderr).strip()[-2000:]},
    }
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nWritten {path.relative_to(ROOT)}")
    if not audit_ok or verify.returncode != 0:
        raise SystemExit("The audit trail is not what the reads should have written.")


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(f"Stopped by signal {signum}.")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    main(sys.argv[1:])
