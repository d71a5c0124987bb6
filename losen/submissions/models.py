"""One row per form submission that carried a token: the token may be claimed once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    token = models.UUIDField(editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    path = models.CharField(max_length=300, editable=False)
    # Where the first post's answer sent the browser: where a second post is sent too.
    result_url = models.CharField(max_length=500, blank=True, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token"], name="submission_token_once")]
        indexes = [models.Index(fields=["submitted_at"], name="submission_submitted_at")]

    def __str__(self) -> str:
        return f"{self.path} ({self.submitted_at:%Y-%m-%d %H:%M})"
