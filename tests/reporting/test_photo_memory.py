"""A worker's memory under the worst photos the public can send: measured on a real gunicorn process.

Four reporters send a tip at the same time, each with three photos. Two send photos far over the pixel
limit (the 47 KB PNG of 7000 x 7000 blank pixels from the security review, and worse); two send the
largest photos that are accepted, in every format. No worker may go over 300 MB of resident memory,
the oversized tips are refused with a message the reporter understands, the others are stored.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from palermo.attachments.images import MAX_BYTES_DECODED_JPEG, MAX_PIXELS, MAX_PIXELS_DECODED_WHOLE
from tests.conftest import copy_of_migrated
from tests.reporting.photos import blank

BIN = Path(sys.executable).parent
MEMORY_LIMIT_MB = 300
WORKERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _largest_accepted(limit: int, ratio: float = 4 / 3) -> tuple[int, int]:
    """The largest frame of this width-to-height ratio at or under a pixel limit."""
    height = int((limit / ratio) ** 0.5)
    return int(height * ratio), height


def _multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for filename, content_type, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _request(port: int, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=240)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": content_type} if content_type else {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _memory_mb(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1)) // 1024  # type: ignore[union-attr]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


@pytest.fixture
def server(tmp_path: Path, migrated_data_dir: Path) -> Iterator[tuple[int, int]]:
    """gunicorn with sync workers, as deployed, on a free port, over its own SQLite database (a migrated copy)."""
    copy_of_migrated(migrated_data_dir, tmp_path)
    env = {
        **os.environ,
        "PALERMO_DATA_DIR": str(tmp_path),
        "PALERMO_ENV": "development",
        "DEBUG": "false",
        "PALERMO_TIP_RATE_LIMIT": "1000",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'palermo.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "palermo.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "240"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if _request(port, "GET", "/report/en/")[0] == 200 and len(_children(process.pid)) == WORKERS:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_four_concurrent_tips_with_the_worst_photos_stay_under_300_mb_per_worker(server):
    port, master = server
    workers = _children(master)
    before = {pid: _memory_mb(pid, "VmRSS") for pid in workers}
    # Over the limit: what the review sent, the same frame as WebP with an alpha channel, and a huge JPEG.
    bombs = [
        ("blank.png", "image/png", blank("PNG", "L", (7000, 7000))),
        ("blank.webp", "image/webp", blank("WEBP", "RGBA", (7000, 7000))),
        ("huge.jpg", "image/jpeg", blank("JPEG", "L", (10000, 8000))),
    ]
    # At the limits, in the modes that cost the most memory a pixel, and wider than what is stored, so that
    # they are also shrunk: PNG and WebP are decoded whole, a JPEG whole up to its decoding budget, a larger
    # one at a smaller scale.
    panorama = _largest_accepted(MAX_PIXELS_DECODED_WHOLE, ratio=6)
    largest = [
        ("screenshot.png", "image/png", blank("PNG", "RGBA", panorama)),
        ("sticker.webp", "image/webp", blank("WEBP", "RGBA", panorama)),
        ("camera.jpg", "image/jpeg", blank("JPEG", "RGB", _largest_accepted(MAX_BYTES_DECODED_JPEG // 3))),
    ]
    largest_camera = [
        ("camera.jpg", "image/jpeg", blank("JPEG", "CMYK", _largest_accepted(MAX_PIXELS))),
        *largest[:2],
    ]
    written = "Workers sleep in the container behind the car wash"
    tips = [bombs, largest, bombs, largest_camera]

    def send(photos: list[tuple[str, str, bytes]]) -> tuple[int, str]:
        return _request(
            port, "POST", "/report/en/", *_multipart({"description": written, "location": "Quay 4"}, photos)
        )

    with ThreadPoolExecutor(len(tips)) as pool:
        answers = list(pool.map(send, tips))

    peaks = {pid: _memory_mb(pid, "VmHWM") for pid in workers}
    print(f"resident memory per worker, MB: at start {before}, peak {peaks}")
    assert all(peak < MEMORY_LIMIT_MB for peak in peaks.values()), (before, peaks)
    for (status, page), photos in zip(answers, tips, strict=True):
        if photos is bombs:
            assert status == 400
            assert "Your report has not been sent yet" in page
            assert written in page
            assert 'value="Quay 4"' in page
            assert "blank.png: This photo is too large: at most 8 megapixels." in page
            assert "blank.webp: This photo is too large: at most 8 megapixels." in page
            assert "huge.jpg: This photo is too large: at most 50 megapixels." in page
        else:
            assert status == 200, page
            assert "receipt" in page.lower()
