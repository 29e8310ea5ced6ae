"""Staff upload a CSV of completions, see every row checked before anything is written, and confirm:
the good rows are applied in one transaction, the rest reported with their reasons."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from checkout.models import Enrolment, EnrolmentStatus
from issuance import csv_intake
from issuance.models import Completion, CompletionSource
from issuance.services import record_completion
from tests.builders import make_credential, make_enrolment, make_learner

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/completion_uploads/"
DAY = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def world(partner):
    pm = make_credential(partner, title="Project Management", short_code="ASU-PM-101")
    data = make_credential(partner, title="Data Cleaning", short_code="ASU-DA-110")
    enrolled = ("ada", "grace", "alan", "edsger", "katherine", "margaret", "hedy", "radia")
    people = {name: make_learner(f"{name}@example.edu") for name in (*enrolled, "barbara")}
    enrolments = {name: make_enrolment(people[name], pm) for name in enrolled}
    return {"pm": pm, "data": data, "people": people, "enrolments": enrolments}


@pytest.fixture
def staff(client, site_tree):
    user = get_user_model().objects.create_superuser(email="registrar@example.edu", password="pw")
    client.force_login(user)
    client.user = user
    return client


def upload(client, content, name="completions.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def csv_file(*rows, header="learner_email,credential_code,result,completed_on"):
    return "\r\n".join([header, *rows]) + "\r\n"


def preview_rows(response):
    return {row.number: (row.status, row.message) for row in response.context["rows"]}


def test_the_preview_checks_every_row_and_writes_nothing(staff, world):
    record_completion(
        world["enrolments"]["edsger"],
        result="Merit",
        completed_on=datetime.date.fromisoformat(DAY),
        source="api",
    )
    Enrolment.objects.filter(pk=world["enrolments"]["alan"].pk).update(status=EnrolmentStatus.REVOKED)
    content = csv_file(
        f"ada@example.edu,ASU-PM-101,Pass,{DAY}",  # 2: good
        f"nobody@example.edu,ASU-PM-101,Pass,{DAY}",  # 3: unknown learner
        f"grace@example.edu,NOPE-1,Pass,{DAY}",  # 4: unknown credential
        f"barbara@example.edu,ASU-PM-101,Pass,{DAY}",  # 5: not enrolled
        f"alan@example.edu,ASU-PM-101,Pass,{DAY}",  # 6: refunded
        "katherine@example.edu,ASU-PM-101,Pass,20/11/2026",  # 7: bad date
        f"margaret@example.edu,ASU-PM-101,Pass,{TOMORROW}",  # 8: future date
        f"ADA@example.edu,asu-pm-101,Fail,{DAY}",  # 9: the same as row 2
        f"edsger@example.edu,ASU-PM-101,Pass,{DAY}",  # 10: already completed
        f"hedy@example.edu,ASU-PM-101,,{DAY}",  # 11: no result
        f"radia@example.edu,ASU-PM-101,{'x' * 101},{DAY}",  # 12: result too long
        "",  # 13: a blank line is not a row
        f"grace@example.edu,ASU-PM-101,92%,{DAY}",  # 14: good
    )
    response = upload(staff, content)
    assert response.status_code == 302
    preview = staff.get(response["Location"])
    assert preview.status_code == 200
    rows = preview_rows(preview)
    assert rows[2] == ("ready", "")
    assert rows[3] == ("error", "No learner with this email address.")
    assert rows[4] == ("error", "No credential with this code.")
    assert rows[5] == ("error", "barbara@example.edu is not enrolled in ASU-PM-101.")
    assert rows[6] == ("error", "This enrolment was refunded, so it cannot be completed.")
    assert rows[7] == ("error", "Not a date: write it as YYYY-MM-DD.")
    assert rows[8] == ("error", "The completion date is in the future.")
    assert rows[9][0] == "error" and "row 2" in rows[9][1]
    assert (
        rows[10][0] == "skipped"
        and rows[10][1].startswith("Already completed (Merit")
        and "skipped" in rows[10][1]
    )
    assert rows[11] == ("error", "The result is missing.")
    assert rows[12] == ("error", "The result is longer than 100 characters.")
    assert 13 not in rows and rows[14] == ("ready", "")
    page = preview.content.decode()
    assert "Complete 2 enrolments" in page and "Nothing has been written yet" in page
    assert Completion.objects.count() == 1  # only edsger's, from before

    result = staff.post(response["Location"])
    assert result.status_code == 200
    outcome = preview_rows(result)
    assert outcome[2] == ("completed", "Completed.") and outcome[14] == ("completed", "Completed.")
    assert outcome[3][0] == "error" and outcome[10][0] == "skipped"
    made = Completion.objects.filter(source=CompletionSource.CSV)
    assert {c.enrolment_id for c in made} == {world["enrolments"]["ada"].pk, world["enrolments"]["grace"].pk}
    assert {c.result for c in made} == {"Pass", "92%"} and {c.reported_by for c in made} == {staff.user}
    assert "2 completions recorded from completions.csv; 1 skipped, 9 with errors" in result.content.decode()


def test_confirming_checks_the_file_again(staff, world):
    content = csv_file(
        f"ada@example.edu,ASU-PM-101,Pass,{DAY}",
        f"grace@example.edu,ASU-PM-101,Pass,{DAY}",
        f"alan@example.edu,ASU-PM-101,Pass,{DAY}",
    )
    preview_url = upload(staff, content)["Location"]
    assert {status for status, _ in preview_rows(staff.get(preview_url)).values()} == {"ready"}
    # Between the preview and the confirmation: Grace is completed through the API, Alan refunded.
    record_completion(
        world["enrolments"]["grace"],
        result="API",
        completed_on=datetime.date.fromisoformat(DAY),
        source="api",
    )
    Enrolment.objects.filter(pk=world["enrolments"]["alan"].pk).update(status=EnrolmentStatus.REVOKED)
    outcome = preview_rows(staff.post(preview_url))
    assert outcome[2] == ("completed", "Completed.")
    assert outcome[3][0] == "skipped"
    assert outcome[4] == ("error", "This enrolment was refunded, so it cannot be completed.")
    assert Completion.objects.get(enrolment=world["enrolments"]["grace"]).result == "API"
    assert Completion.objects.count() == 2


def test_the_rows_confirmed_are_the_ones_kept_on_the_server(staff, world):
    preview_url = upload(staff, csv_file(f"ada@example.edu,ASU-PM-101,Pass,{DAY}"))["Location"]
    # Whatever the browser posts with the confirmation is not read: only the kept file counts.
    staff.post(preview_url, {"rows": f"grace@example.edu,ASU-PM-101,Pass,{DAY}", "file": "x"})
    assert list(Completion.objects.values_list("learner__email", flat=True)) == ["ada@example.edu"]


def test_an_upload_is_confirmed_once(staff, world):
    preview_url = upload(staff, csv_file(f"ada@example.edu,ASU-PM-101,Pass,{DAY}"))["Location"]
    staff.post(preview_url)
    again = staff.post(preview_url, follow=True)
    assert "no longer waiting for confirmation" in again.content.decode()
    assert again.redirect_chain[-1][0] == UPLOAD
    assert Completion.objects.count() == 1


def test_a_newer_upload_replaces_the_pending_one(staff, world):
    first = upload(staff, csv_file(f"ada@example.edu,ASU-PM-101,Pass,{DAY}"))["Location"]
    second = upload(staff, csv_file(f"grace@example.edu,ASU-PM-101,Pass,{DAY}"))["Location"]
    assert staff.post(first).status_code == 302 and not Completion.objects.exists()
    staff.post(second)
    assert list(Completion.objects.values_list("learner__email", flat=True)) == ["grace@example.edu"]
    for odd in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert staff.get(f"{UPLOAD}{odd}/").status_code in (302, 404)


def test_the_same_file_uploaded_twice_completes_once(staff, world):
    content = csv_file(f"ada@example.edu,ASU-PM-101,Pass,{DAY}")
    staff.post(upload(staff, content)["Location"])
    second = staff.get(upload(staff, content)["Location"])
    [(status, message)] = preview_rows(second).values()
    assert status == "skipped" and "Already completed (Pass" in message
    assert "No row can be completed" in second.content.decode()
    staff.post(second.request["PATH_INFO"])
    assert Completion.objects.count() == 1


def test_headers_in_any_order_capitalisation_and_extra_columns(staff, world):
    content = (
        "\ufeffName,Completed On,Credential Code,Learner Email,Result\r\n"
        + f"Ada,{DAY},ASU-PM-101,ada@example.edu,Pass\r\n"
    )
    preview = staff.get(upload(staff, content)["Location"])
    assert preview_rows(preview) == {2: ("ready", "")}
    assert "Ignored columns: Name" in preview.content.decode()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty."),  # Django's own words for a 0-byte upload
        (b"\r\n \r\n", "The file is empty."),
        (b"learner_email,credential_code,result,completed_on\r\n", "no completions under it"),
        (
            b"email,code,grade,date\r\nada@example.edu,ASU-PM-101,Pass,2026-11-01\r\n",
            "missing: learner_email, credential_code, result, completed_on",
        ),
        (b"learner_email;credential_code;result;completed_on\r\n", "missing:"),
        (
            b"learner_email,credential_code,result,completed_on,result\r\nx,y,z,w,v\r\n",
            "names result more than once",
        ),
        (
            "learner_email,credential_code,result,completed_on\r\nzoë@example.edu,A,B,C\r\n".encode(
                "latin-1"
            ),
            "not UTF-8",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "NUL characters"),
        (
            (
                'learner_email,credential_code,result,completed_on\r\n"' + "x" * 200_000 + '",A,B,C\r\n'
            ).encode(),
            "not valid CSV",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(staff, content, message):
    response = upload(staff, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Completion.objects.exists()


def test_size_and_row_limits(staff, world, monkeypatch):
    big = csv_file(*[f"ada@example.edu,ASU-PM-101,Pass,{DAY}"] * 40_000)
    assert len(big.encode()) > csv_intake.MAX_BYTES
    assert "larger than 1024 KB" in " ".join(upload(staff, big).context["form"].errors["file"])
    monkeypatch.setattr(csv_intake, "MAX_ROWS", 3)
    many = csv_file(*[f"ada@example.edu,ASU-PM-101,Pass,{DAY}"] * 4)
    assert "at most 3 fit in one upload" in " ".join(upload(staff, many).context["form"].errors["file"])
    assert not Completion.objects.exists()


def test_the_sample_file_downloads_and_reads(staff, world):
    response = staff.get(f"{UPLOAD}sample.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows, ignored = csv_intake.read_csv(response.content)
    assert (
        len(rows) == 2
        and ignored == []
        and set(rows[0][1]) == {"learner_email", "credential_code", "result", "completed_on"}
    )
    assert f"{UPLOAD}sample.csv" in staff.get(UPLOAD).content.decode()


def test_uploading_needs_the_add_completion_permission(client, world):
    from django.contrib.auth.models import Group, Permission

    clerk = make_learner("clerk@example.edu")
    group = Group.objects.create(name="Clerks")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    clerk.groups.add(group)
    client.force_login(clerk)
    assert upload(client, csv_file(f"ada@example.edu,ASU-PM-101,Pass,{DAY}")).status_code in (302, 403)
    assert client.get(f"{UPLOAD}sample.csv").status_code in (302, 403)
    assert not Completion.objects.exists()
