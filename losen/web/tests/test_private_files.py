"""Files with personal data are written 0600, in folders 0700, whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from losen.cases.actions import intake
from losen.jobs import files
from losen.jobs.models import Job
from losen.lib.private_files import open_private, private_directory
from losen.outreach.sms import FileGateway

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def permissive_umask():
    """A umask that would leave files readable by everyone (0644) if the code let it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_private_file_is_0600_even_when_it_existed_with_wider_rights(tmp_path):
    path = tmp_path / "outbox.jsonl"
    path.write_text("old\n")
    path.chmod(0o644)
    with open_private(path, "a", encoding="utf-8") as out:
        out.write("new\n")
    assert mode(path) == 0o600
    assert path.read_text() == "old\nnew\n"


def test_a_private_folder_and_the_parents_it_makes_are_0700(tmp_path):
    folder = private_directory(tmp_path / "a" / "b")
    assert (mode(folder), mode(tmp_path / "a")) == (0o700, 0o700)


def test_an_uploaded_signed_application_is_0600_in_folders_0700(
    settings, tmp_path, coordinator, person, team
):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = intake.do_register_referral(
        coordinator, team=team, person=person, source="nav", reason="Needs a start."
    ).referral.case
    application = intake.do_upload_signed_application(
        coordinator,
        case,
        paper=SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf"),
        signed_on=timezone.localdate(),
        youth_name="Nora Hansen",
    )
    path = application.paper.path
    assert mode(path) == 0o600
    folder = os.path.dirname(path)
    while folder != str(tmp_path):
        assert mode(folder) == 0o700, folder
        folder = os.path.dirname(folder)


def test_an_upload_kept_for_a_job_is_0600_in_a_0700_folder(coordinator, municipality):
    job = Job.objects.create(kind="import", title="Import", owner=coordinator)
    path = files.save_upload(job, SimpleUploadedFile("liste.csv", b"a,b\n1,2\n"))
    assert (mode(path), mode(path.parent), mode(files.job_root())) == (0o600, 0o700, 0o700)
    files.delete_files(job)


@override_settings(LOSEN_EXPORT_DIRECT_ROWS=0)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_jobs_export_and_its_list_of_people_are_0600(client, coordinator, person, fmt):
    client.force_login(coordinator)
    client.post(reverse("people:export", args=[fmt]))
    job = Job.objects.get()
    written = sorted(files.job_dir(job).iterdir())
    assert len(written) == 2  # the export and the people in it
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_the_sms_outbox_is_0600_in_a_0700_folder(tmp_path):
    gateway = FileGateway(tmp_path / "sms-outbox")
    gateway.send("+4740000000", "Hei")
    (written,) = (tmp_path / "sms-outbox").iterdir()
    assert (mode(written), mode(written.parent)) == (0o600, 0o700)
