"""A scanned or photographed document uploaded to Losen: PDF, JPEG or PNG, at most 10 MB,
its content what its name says (the first bytes are checked, not only the extension)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png"

# Extension → (content types a browser may declare, the file's first bytes).
DOCUMENT_TYPES: dict[str, tuple[frozenset[str], tuple[bytes, ...]]] = {
    ".pdf": (frozenset({"application/pdf", "application/x-pdf"}), (b"%PDF-",)),
    ".jpg": (frozenset({"image/jpeg", "image/pjpeg"}), (b"\xff\xd8\xff",)),
    ".jpeg": (frozenset({"image/jpeg", "image/pjpeg"}), (b"\xff\xd8\xff",)),
    ".png": (frozenset({"image/png"}), (b"\x89PNG\r\n\x1a\n",)),
}
ERRORS = {
    "extension": _("Upload a PDF, JPEG or PNG file."),
    "too_big": _("The file is larger than 10 MB."),
    "content": _("The file's content is not a PDF, JPEG or PNG document."),
}


def check_document(upload: UploadedFile) -> UploadedFile:
    """The upload, if it is a document of an accepted kind; else a ValidationError."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise forms.ValidationError(ERRORS["extension"], code="extension")
    if (upload.size or 0) > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(ERRORS["too_big"], code="too_big")
    content_types, signatures = DOCUMENT_TYPES[extension]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if declared not in content_types or not head.startswith(signatures):
        raise forms.ValidationError(ERRORS["content"], code="content")
    return upload
