"""Time one signed-in page or API call in-process, and show where its time goes.

    DATABASE_URL=... PALERMO_DATA_DIR=... PALERMO_ENV=development \
        .venv/bin/python bench/profile_request.py /cases/{case}/ /referrals/ --repeat 50 [--cprofile 25]

`{case}` is replaced by case ids of the acting organisation, spread over its cases, as
`bench/load.py` does, and `{person}` by ids of its people. `--queries` prints the SQL of the
last request; `--pyinstrument` a sampled call tree (pyinstrument is not a project dependency:
`.venv/bin/pip install pyinstrument` first). The acting user is the first case worker of a bench organisation. Prints,
per path: the mean and median time, the median CPU time of this process alone (the part that
does not wait for the database or for other programs), the queries per request and the response size. This measures
one request alone; `bench/load.py` measures many at once, which is what the targets are about.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="paths to request, e.g. /cases/{case}/ or /api/v1/referrals")
    parser.add_argument("--repeat", type=int, default=30, help="requests per path (default 30)")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--organisation", type=int, default=0, help="which bench organisation, 0-based (default 0)")
    parser.add_argument("--queries", action="store_true", help="print the SQL of the last request of each path")
    parser.add_argument(
        "--pyinstrument", action="store_true", help="print a pyinstrument call tree (pip install pyinstrument)"
    )
    arguments = parser.parse_args()
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    os.environ.setdefault("DEBUG", "false")  # as bench/load.py serves: cached templates, no query log
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palermo.accounts.acting import SESSION_KEY
    from palermo.accounts.middleware import LOGIN_AT, SEEN_AT
    from palermo.accounts.services import api_token_create
    from palermo.cases.selectors import case_queryset_for
    from palermo.demo.fictional import BENCH_PREFIX
    from palermo.organisations.models import Membership, Role
    from palermo.people.selectors import person_queryset_for
    from palermo.permissions import ActingUser, Channel

    memberships = Membership.objects.filter(
        role=Role.CASE_WORKER, is_active=True, organisation__name__startswith=BENCH_PREFIX
    ).order_by("organisation__name", "pk")
    by_organisation: dict[int, Membership] = {}
    for membership in memberships.select_related("user", "organisation"):
        by_organisation.setdefault(membership.organisation_id, membership)
    chosen = list(by_organisation.values())
    if not chosen:
        sys.exit("No bench case worker: run `palermo bench seed` first.")
    membership = chosen[arguments.organisation % len(chosen)]
    acting = ActingUser(user=membership.user, membership=membership, channel=Channel.CLI)
    case_ids = list(case_queryset_for(acting).order_by("pk").values_list("pk", flat=True))
    case_ids = case_ids[:: max(1, len(case_ids) // 1000)] or [0]
    person_ids = list(person_queryset_for(acting).order_by("pk").values_list("pk", flat=True))
    person_ids = person_ids[:: max(1, len(person_ids) // 1000)] or [0]

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    # Past the second step, as a person signed in with their authenticator: case workers need it.
    device, _ = TOTPDevice.objects.get_or_create(user=membership.user, confirmed=True, defaults={"name": "bench"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGIN_AT] = session[SEEN_AT] = time.time()
    session[SESSION_KEY] = membership.pk
    session.save()
    _, token = api_token_create(acting=ActingUser.system(), membership=membership, name="bench profile", days=1)

    # Requests go straight to the WSGI handler, as gunicorn calls it (the test client adds its own
    # signals and template instrumentation). An API client sends its token and no session cookie.
    handler = WSGIHandler()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    page_headers = {"HTTP_COOKIE": cookie, "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en"}
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/json"}

    def get(path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            **headers,
        }
        status: list[str] = []
        body = b"".join(handler(environ, lambda s, h, e=None: status.append(s)))
        return int(status[0].split()[0]), body

    print(f"Acting as a case worker of {membership.organisation.name} ({len(case_ids)} case ids)")
    for template in arguments.paths:
        headers = api_headers if template.startswith("/api/") else page_headers
        timings, cpu, queries, size = [], [], 0, 0
        # PROFILE_TIMER=cpu counts this process's CPU time only, not the waits for the database.
        timer = time.process_time if os.environ.get("PROFILE_TIMER") == "cpu" else time.perf_counter
        profiler = cProfile.Profile(timer) if arguments.cprofile else None
        sampler = None
        if arguments.pyinstrument:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0002)
        for n in range(arguments.repeat + 1):  # the first request warms caches and is not counted
            path = template.replace("{case}", str(case_ids[n % len(case_ids)]))
            path = path.replace("{person}", str(person_ids[n % len(person_ids)]))
            with CaptureQueriesContext(connection) as captured:
                if profiler and n:
                    profiler.enable()
                if sampler and n:
                    sampler.start()
                started, started_cpu = time.perf_counter(), time.process_time()
                status, body = get(path, headers)
                elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
                if profiler and n:
                    profiler.disable()
                if sampler and n:
                    sampler.stop()
            if status != 200:
                sys.exit(f"{path}: HTTP {status}")
            if n:
                timings.append(elapsed * 1000)
                cpu.append(elapsed_cpu * 1000)
                queries, size = len(captured), len(body)
        print(
            f"{template}: mean {statistics.mean(timings):.1f} ms, median {statistics.median(timings):.1f} ms"
            f" (of which this process's CPU: median {statistics.median(cpu):.1f} ms), {queries} queries,"
            f" {size / 1024:.0f} KiB"
        )
        if arguments.queries:
            for number, query in enumerate(captured.captured_queries, 1):
                print(f"  {number:>2}. {query['sql'][:400]}")
        if sampler:
            print(sampler.output_text(unicode=True, show_all=False))
        if profiler and os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])  # for pstats or snakeviz
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
                arguments.cprofile
            )


if __name__ == "__main__":
    main()
