"""Reusable pieces for files that people send: images made safe, and bytes encrypted at rest.

- `images.sanitise_image(data) -> CleanImage` decodes an upload with Pillow, refuses what is not
  a real JPEG, PNG or WebP (forged, truncated, too large, decompression bomb) with `ImageRejected`,
  and re-encodes the pixels alone, so no metadata (EXIF, GPS, XMP, ICC, comments) survives.
- `documents.sanitise_pdf(data) -> CleanFile` parses a PDF with pypdf, refuses encrypted, damaged
  and active ones (JavaScript, automatic or launch actions, embedded files) with `DocumentRejected`
  (an `ImageRejected`, same `code` and `message`), and rewrites the pages without the information
  dictionary and XMP.
- `fields.EncryptedBinaryField` stores bytes with AES-GCM through the project's keyring (the same
  keys, rotation and `palermo rotate-keys` as every encrypted field).
- `uploads.limited_upload_handlers(...)` keeps uploads in memory, never on disk, and never more
  than the limit of each file.
- `downloads.attachment_response(...)` answers a file as a download that the browser never renders.

No models of its own, so it needs no place in INSTALLED_APPS: an app adds a model with an
EncryptedBinaryField (see reporting.TipPhoto, cases.CaseAttachment).
"""
