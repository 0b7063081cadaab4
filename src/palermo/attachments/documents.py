"""PDF documents: verified by parsing, refused when they can act on their own, and rewritten without metadata.

A PDF can run JavaScript, open a URL or launch a program when it is opened, carry other files inside
it, and says who wrote it, with what and when (the information dictionary and XMP). Only the pages
are copied into a new file: the catalogue (open actions, names tree, embedded files, XMP) stays
behind, and the new file gets no information dictionary.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from palermo.attachments.images import ImageRejected

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 2000
# Enough for any real document; a file with more objects is not worth the time to walk.
MAX_OBJECTS = 200_000

# Keys whose presence anywhere means the document can act by itself or carries other files.
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/OpenAction": "open_action",
    "/AA": "open_action",
    "/EmbeddedFile": "embedded_file",
    "/EmbeddedFiles": "embedded_file",
    "/EF": "embedded_file",  # a file specification that carries the file (e.g. a file attachment annotation)
    "/RichMedia": "embedded_file",
    "/XFA": "javascript",
}
# Action types (/S) that run something or leave the document.
ACTIVE_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch_action",
    "/ImportData": "launch_action",
    "/SubmitForm": "launch_action",
    "/Rendition": "embedded_file",
    "/GoToR": "launch_action",  # opens another file
    "/GoToE": "embedded_file",
}
# Annotation types that play or carry other content.
ACTIVE_SUBTYPES = {"/FileAttachment": "embedded_file", "/RichMedia": "embedded_file", "/Movie": "embedded_file"}
PRECEDENCE = ("javascript", "launch_action", "embedded_file", "open_action")


class DocumentRejected(ImageRejected):
    """A file that is not a usable PDF. Same shape as ImageRejected (`code`, `message`), so callers
    that accept both images and documents catch one exception."""


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str
    pages: int


def too_large_message(max_bytes: int) -> str:
    return _("This file is larger than %(size)s MB. Please choose a smaller one.") % {"size": max_bytes // 2**20}


def _messages() -> dict[str, str]:
    return {
        "javascript": _(
            "This PDF contains JavaScript, which could run when it is opened. Print it to a new PDF first."
        ),
        "open_action": _(
            "This PDF does something by itself when it is opened (an automatic action). Print it to a new PDF first."
        ),
        "embedded_file": _("This PDF carries other files inside it. Send those files separately."),
        "launch_action": _(
            "This PDF can start programs or send data elsewhere (a launch or submit action). "
            "Print it to a new PDF first."
        ),
    }


def _find_active_content(reader: PdfReader) -> str | None:
    """Walk every object reachable from the trailer; the most telling active feature found, as a code."""
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
        visited += 1
        if visited > MAX_OBJECTS:
            return "too_complex"
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in ACTIVE_KEYS:
                    found.add(ACTIVE_KEYS[name])
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    found.add(ACTIVE_ACTIONS[value])
                if name == "/Subtype" and isinstance(value, NameObject) and value in ACTIVE_SUBTYPES:
                    found.add(ACTIVE_SUBTYPES[value])
                if name == "/Parent":
                    continue  # the way back up the page tree: reached from the top anyway
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    # An automatic action that runs JavaScript is named for the JavaScript: that is what the sender can fix.
    return next((code for code in PRECEDENCE if code in found), None)


def sanitise_pdf(data: bytes, *, max_bytes: int = MAX_BYTES) -> CleanFile:
    """Parse, check and rewrite a PDF; what comes out holds the pages only, no metadata.

    Raises DocumentRejected with a stable `code`: too_large, empty, not_a_pdf, damaged, encrypted,
    too_complex, javascript, open_action, embedded_file, launch_action.
    """
    if len(data) > max_bytes:
        raise DocumentRejected("too_large", too_large_message(max_bytes))
    if not data:
        raise DocumentRejected("empty", _("This file is empty."))
    # The header may follow a little junk (the standard allows 1024 bytes), but it must be there.
    if b"%PDF-" not in data[:1024]:
        raise DocumentRejected("not_a_pdf", _("This file is not a PDF document."))
    damaged = DocumentRejected("damaged", _("This PDF seems damaged or incomplete. Please try another copy of it."))
    # pypdf logs warnings about every broken file it repairs; the file's content is none of the log's business.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentRejected(
                "encrypted", _("This PDF is protected by a password. Please send a copy without the password.")
            )
        if len(reader.pages) > MAX_PAGES:
            raise DocumentRejected("too_complex", _("This PDF has too many pages."))
        if not reader.pages:
            raise damaged
        found = _find_active_content(reader)
        if found == "too_complex":
            raise DocumentRejected("too_complex", _("This PDF is too complex to check."))
        if found:
            raise DocumentRejected(found, _messages()[found])
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            # A page can carry its own XMP and application data too.
            for key in ("/Metadata", "/PieceInfo"):
                if key in added:
                    del added[NameObject(key)]
        writer.metadata = None  # no information dictionary: no author, producer, title or dates
        out = io.BytesIO()
        writer.write(out)
    except DocumentRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise damaged from None
    finally:
        pypdf_log.setLevel(level)
    return CleanFile(out.getvalue(), "application/pdf", "pdf", len(reader.pages))
