"""Time one signed-in page or API call in-process, and show where its time goes.

    DATABASE_URL=... PALERMO_DATA_DIR=... PALERMO_ENV=development \
        .venv/bin/python bench/profile_request.py /cases/{case}/ /referrals/ --repeat 50 [--cprofile 25]

`{case}` is replaced by case ids of the acting organisation, spread over its cases, as
`bench/load.py` does. The acting user is the first case worker of a bench organisation. Prints,
per path: the mean and median time, the median CPU time of this process alone (the part that
does not wait for the database or for other programs), the queries per request and the response size. This measures
one request alone; `bench/load.py` measures many at once, which is what the targets are about.
"""

from __future__ import annotations

import argparse
import cProfile
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
    arguments = parser.parse_args()
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palermo.settings")
    os.environ.setdefault("DEBUG", "false")  # as bench/load.py serves: cached templates, no query log
    import django

    django.setup()
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
    from palermo.permissions import Actor, Channel

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
    actor = Actor(user=membership.user, membership=membership, channel=Channel.CLI)
    case_ids = list(case_queryset_for(actor).order_by("pk").values_list("pk", flat=True))
    case_ids = case_ids[:: max(1, len(case_ids) // 1000)] or [0]

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    # Past the second step, as a person signed in with their authenticator: case workers need it.
    device, _ = TOTPDevice.objects.get_or_create(user=membership.user, confirmed=True, defaults={"name": "bench"})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGIN_AT] = session[SEEN_AT] = time.time()
    session[SESSION_KEY] = membership.pk
    session.save()
    _, token = api_token_create(actor=Actor.system(), membership=membership, name="bench profile", days=1)

    print(f"Acting as a case worker of {membership.organisation.name} ({len(case_ids)} case ids)")
    for template in arguments.paths:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if template.startswith("/api/") else {}
        timings, cpu, queries, size = [], [], 0, 0
        profiler = cProfile.Profile() if arguments.cprofile else None
        for n in range(arguments.repeat + 1):  # the first request warms caches and is not counted
            path = template.replace("{case}", str(case_ids[n % len(case_ids)]))
            with CaptureQueriesContext(connection) as captured:
                if profiler and n:
                    profiler.enable()
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path, **headers)
                elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
                if profiler and n:
                    profiler.disable()
            if response.status_code != 200:
                sys.exit(f"{path}: HTTP {response.status_code}")
            if n:
                timings.append(elapsed * 1000)
                cpu.append(elapsed_cpu * 1000)
                queries, size = len(captured), len(response.content)
        print(
            f"{template}: mean {statistics.mean(timings):.1f} ms, median {statistics.median(timings):.1f} ms"
            f" (of which this process's CPU: median {statistics.median(cpu):.1f} ms), {queries} queries,"
            f" {size / 1024:.0f} KiB"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
                arguments.cprofile
            )


if __name__ == "__main__":
    main()
