"""The proxy test: production Palermo under gunicorn (3 workers) behind Debian's nginx, Redis as cache.

The deployment has its own database: PostgreSQL when the suite runs on it, else SQLite in tmp.
nginx runs from a copy of the shipped deploy/nginx.conf with only its ports, certificate, static
root and server name changed; TLS is terminated with a certificate made here. Each client connects
from its own loopback address (127.0.0.2, 127.0.0.3, ... are all local on Linux), so the addresses
are real: nginx sees them as $remote_addr and forwards them as the shipped site does.

Without /usr/sbin/nginx, or without Redis, the tests are skipped; PALERMO_REQUIRE_NGINX=1 (as in CI)
turns that into a failure.
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import json
import os
import pwd
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import copy_of_migrated
from tests.test_cli import PRODUCTION_SECRETS

pytestmark = pytest.mark.proxy

NGINX = "/usr/sbin/nginx"
REDIS_URL = os.environ.get("PALERMO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "palermo.test"
OWNER, PASSWORD = "owner@palermo.test", "a long and correct passphrase 7"
TIP_LIMIT, RECEIPT_LIMIT, WORKERS = 5, 3, 3
STARTUP_SECONDS = 180

# The only difference from production settings: static files are served as found (no
# collectstatic, which compresses megabytes for minutes); nothing here touches them.
SETTINGS_MODULE = """
from palermo.settings import *  # noqa: F403

STORAGES["staticfiles"] = {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = {prefix!r}  # noqa: F405
"""

ACCOUNTS = f"""
from palermo.accounts.models import User
from palermo.organisations.models import Membership, Organisation, OrganisationType, Role
from palermo.reporting.models import TipRoute
shelter = Organisation.objects.create(name="Proxy Test Shelter", type=OrganisationType.NGO, country="ZZ")
owner = User.objects.create_user(email={OWNER!r}, password={PASSWORD!r})
Membership.objects.create(user=owner, organisation=shelter, role=Role.CASE_WORKER)
TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=shelter)
"""


def _require(ready: bool, reason: str) -> None:
    if ready:
        return
    if os.environ.get("PALERMO_REQUIRE_NGINX") == "1":
        pytest.fail(f"{reason} (PALERMO_REQUIRE_NGINX=1 requires the proxy test)", pytrace=False)
    pytest.skip(reason)


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@contextmanager
def _database(directory: Path, migrated_data_dir: Path) -> Iterator[tuple[str, bool]]:
    """A database of its own, and whether it still needs `migrate`: PostgreSQL when the suite runs on it
    (DATABASE_URL), else a copy of the SQLite database migrated once for the run."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith(("postgres://", "postgresql://")):
        copy_of_migrated(migrated_data_dir, directory)
        yield f"sqlite:///{directory}/palermo.sqlite3", False
        return
    import psycopg

    name = f"palermo_proxy_{secrets.token_hex(6)}"
    server = urlsplit(suite)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(suite)._replace(path=f"/{name}").geturl(), True
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _site(directory: Path, *, app_port: int, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """The shipped site with this run's ports and paths, everything else as shipped."""
    site = (REPO / "deploy" / "nginx.conf").read_text()
    replacements = [
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ", f"listen 127.0.0.1:{https_port} "),
        ("server_name palermo.example.org;", f"server_name {HOST};"),
        ("/etc/ssl/palermo/fullchain.pem", str(cert)),
        ("/etc/ssl/palermo/privkey.pem", str(key)),
        ("/srv/palermo/var/static/", f"{directory}/static/"),
    ]
    for shipped, here in replacements:
        assert shipped in site, f"deploy/nginx.conf no longer has {shipped!r}: update this test with it"
        site = site.replace(shipped, here)
    return site


def _nginx_conf(directory: Path, site: Path) -> str:
    # A master running as root hands requests to workers as "nobody", who cannot enter pytest's
    # private tmp directory; so the workers stay the user that runs the test.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = " ".join(
        f"{kind}_temp_path {directory}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    {temp}
    include {site};
}}
"""


@dataclass
class Deployment:
    port: int
    tls: ssl.SSLContext
    access_log: Path

    def request(
        self, source: str, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, list[tuple[str, str]], str]:
        """One request from the loopback address `source`, on its own connection."""
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, source_address=(source, 0), context=self.tls, timeout=60
        )
        try:
            connection.request(method, path, body=body or None, headers={"Host": HOST, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            connection.close()

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.port}"

    def sign_in(self, source: str, password: str) -> tuple[int, str]:
        """The sign-in form as a browser sends it: the page first (CSRF cookie and token), then the post."""
        status, headers, page = self.request(source, "GET", "/login/")
        assert status == 200, page[:500]
        cookies = "; ".join(value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None
        form = urlencode({"csrfmiddlewaretoken": found.group(1), "email": OWNER, "password": password})
        status, headers, _ = self.request(
            source,
            "POST",
            "/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookies,
                "Origin": self.origin,
                "Referer": f"{self.origin}/login/",
            },
        )
        return status, dict(headers).get("Location", "")

    def post_json(self, source: str, path: str, data: dict[str, str], headers: dict[str, str] | None = None) -> int:
        headers = {"Content-Type": "application/json", **(headers or {})}
        status, _, _ = self.request(source, "POST", path, json.dumps(data), headers)
        return status


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, migrated_data_dir: Path) -> Iterator[Deployment]:
    _require(os.access(NGINX, os.X_OK), f"Debian's nginx not found at {NGINX}: proxy test not run")
    _require(_redis_answers(), f"Redis does not answer at {REDIS_URL}: proxy test not run")
    directory = tmp_path_factory.mktemp("proxy")
    (directory / "static").mkdir()
    prefix = f"palermo-proxy-test-{secrets.token_hex(6)}"
    (directory / "proxy_test_settings.py").write_text(SETTINGS_MODULE.format(prefix=prefix))
    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    cleanup = ExitStack()
    database, unmigrated = cleanup.enter_context(_database(directory, migrated_data_dir))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "DJANGO_", "DATABASE_URL"))},
        **PRODUCTION_SECRETS,
        "PALERMO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "proxy_test_settings",
        "PYTHONPATH": str(directory),
        "PALERMO_DATA_DIR": str(directory),
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "PALERMO_TASKS_BACKEND": "database",
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{https_port}",
        "PALERMO_PROXY_COUNT": "1",
        "PALERMO_TIP_RATE_LIMIT": str(TIP_LIMIT),
        "PALERMO_RECEIPT_RATE_LIMIT": str(RECEIPT_LIMIT),
    }
    with cleanup:
        # One process for both steps: each new one costs a second of Django's start-up.
        migrate = "from django.core.management import call_command\ncall_command('migrate', verbosity=0)\n"
        script = (migrate if unmigrated else "") + ACCOUNTS
        step = ["shell", "-v0", "-c", script]
        done = subprocess.run([str(BIN / "palermo"), *step], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        yield from _serve(directory, env, app_port=app_port, http_port=http_port, https_port=https_port, prefix=prefix)


def _serve(
    directory: Path, env: dict[str, str], *, app_port: int, http_port: int, https_port: int, prefix: str
) -> Iterator[Deployment]:
    cert, key = _certificate(directory)
    site = directory / "palermo-site.conf"
    site.write_text(_site(directory, app_port=app_port, http_port=http_port, https_port=https_port, cert=cert, key=key))
    conf = directory / "nginx.conf"
    conf.write_text(_nginx_conf(directory, site))
    access_log = directory / "gunicorn-access.log"
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "palermo.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{app_port}",
            # Which worker answered, and how: no client address in it.
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s %(m)s %(U)s",
            "--error-logfile",
            str(directory / "gunicorn-error.log"),
        ],
        env=env,
        cwd=directory,
    )
    nginx = subprocess.Popen([NGINX, "-e", str(directory / "nginx-error.log"), "-p", str(directory), "-c", str(conf)])
    tls = ssl.create_default_context(cafile=str(cert))
    server = Deployment(port=https_port, tls=tls, access_log=access_log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert gunicorn.poll() is None, (directory / "gunicorn-error.log").read_text()
            assert nginx.poll() is None, (directory / "nginx-error.log").read_text()
            try:
                if server.request("127.0.0.1", "GET", "/login/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn behind nginx did not answer in time"
            time.sleep(0.5)
        yield server
    finally:
        _stop(nginx, signal.SIGQUIT)
        _stop(gunicorn)
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        for name in store.scan_iter(match=f"{prefix}:*"):
            store.delete(name)


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another(deployment):
    attacker, owner = "127.0.0.2", "127.0.0.3"
    statuses = [deployment.sign_in(attacker, "not the password at all")[0] for _ in range(5)]
    # The fifth failure pauses that address...
    assert statuses == [400, 400, 400, 400, 429]
    assert deployment.sign_in(attacker, PASSWORD)[0] == 429
    # ...and only that one: the owner signs in from elsewhere, on to pairing an authenticator.
    assert deployment.sign_in(owner, PASSWORD) == (302, "/login/set-up/")


def test_the_tip_limit_counts_each_client(deployment):
    client_a, client_b = "127.0.0.4", "127.0.0.5"
    tip = {"description": "Workers sleep in the warehouse.", "language": "en"}
    # Client A claims a new address with each send: nginx writes the one it saw, so that does not help.
    sent = [
        deployment.post_json(client_a, "/api/v1/public/tips", tip, {"X-Forwarded-For": f"198.51.100.{n}"})
        for n in range(TIP_LIMIT + 2)
    ]
    assert sent == [201] * TIP_LIMIT + [429, 429]
    assert deployment.post_json(client_b, "/api/v1/public/tips", tip) == 201


def test_the_receipt_limit_counts_each_client(deployment):
    client_a, client_b = "127.0.0.7", "127.0.0.8"
    guess = {"receipt": "NOT-A-RECEIPT"}
    tries = [deployment.post_json(client_a, "/api/v1/public/tips/messages", guess) for _ in range(RECEIPT_LIMIT + 1)]
    assert tries == [404] * RECEIPT_LIMIT + [429]
    assert deployment.post_json(client_b, "/api/v1/public/tips/messages", guess) == 404


def test_the_workers_share_one_count(deployment):
    client = "127.0.0.6"
    tip = {"description": "Someone is kept in the back room.", "language": "en"}
    before = len(deployment.access_log.read_text().splitlines())
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(lambda _: deployment.post_json(client, "/api/v1/public/tips", tip), range(8 * TIP_LIMIT)))
    assert sent.count(201) == TIP_LIMIT
    assert sent.count(429) == 7 * TIP_LIMIT
    # The sends were spread over the workers, so one shared count held them to the limit.
    lines = deployment.access_log.read_text().splitlines()[before:]
    workers = {line.split()[0] for line in lines if line.endswith("POST /api/v1/public/tips")}
    assert len(workers) >= 2, lines
