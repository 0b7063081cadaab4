"""Uploads held in memory only (a photo with GPS data must never touch the disk unencrypted),
and never more than the limit of any one file kept: an oversized file is measured, not stored."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest


class LimitedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int, max_files: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.files_seen = 0
        self.buffer = io.BytesIO()
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        # Keep one byte over the limit, so the check downstream knows it was too big.
        room = self.max_bytes + 1 - self.buffer.tell()
        if room > 0 and self.files_seen <= self.max_files + 1:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        uploaded = InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        return uploaded


def limit_uploads(request: HttpRequest, *, max_bytes: int, max_files: int) -> None:
    """Call before anything reads request.POST or request.FILES."""
    request.upload_handlers = [LimitedMemoryUploadHandler(request, max_bytes=max_bytes, max_files=max_files)]
