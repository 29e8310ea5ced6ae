"""Reading a completion report (from the API or a CSV row) into the enrolment it names.

The API and the CSV upload take the same four values (learner email, credential code, result,
completion date) and must refuse the same things with the same words, so the checks live here
once; record_completion() (services.py) still has the last word, under a row lock.
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import MicrocredentialPage
from checkout.models import Enrolment

from .models import Completion
from .services import CompletionError

FIELDS = ("learner_email", "credential_code", "result", "completed_on")
EMAIL_MAX_LENGTH = 254
CODE_MAX_LENGTH = MicrocredentialPage._meta.get_field("short_code").max_length
RESULT_MAX_LENGTH = Completion._meta.get_field("result").max_length
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_text(value, field, max_length, label):
    """A non-empty string a database can store: no NUL (PostgreSQL refuses it), no lone surrogate."""
    if not isinstance(value, str):
        raise CompletionError(f"{label} must be a string.", field=field)
    value = value.strip()
    if not value:
        raise CompletionError(f"{label} is missing.", field=field)
    if len(value) > max_length:
        raise CompletionError(f"{label} is longer than {max_length} characters.", field=field)
    if "\x00" in value:
        raise CompletionError(f"{label} contains a NUL character.", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CompletionError(f"{label} is not valid Unicode text.", field=field) from None
    return value


def parse_completion_date(value):
    """A YYYY-MM-DD string that is a real date, not after today."""
    if not isinstance(value, str):
        raise CompletionError("The completion date must be a string, YYYY-MM-DD.", field="completed_on")
    value = value.strip()
    if not value:
        raise CompletionError("The completion date is missing.", field="completed_on")
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CompletionError("Not a date: write it as YYYY-MM-DD.", field="completed_on") from None
    if day > timezone.localdate():
        raise CompletionError("The completion date is in the future.", field="completed_on")
    return day


def clean_report(learner_email, credential_code, result, completed_on):
    """The four values checked and normalised; raises CompletionError naming the first bad one."""
    return {
        "learner_email": check_text(learner_email, "learner_email", EMAIL_MAX_LENGTH, "The learner email"),
        "credential_code": check_text(
            credential_code, "credential_code", CODE_MAX_LENGTH, "The credential code"
        ).upper(),
        "result": check_text(result, "result", RESULT_MAX_LENGTH, "The result"),
        "completed_on": parse_completion_date(completed_on),
    }


def credentials_in_scope(partners=None):
    """Credentials a caller may see: all of them, or those offered by (sitting under) `partners`."""
    credentials = MicrocredentialPage.objects.all()
    if partners is not None:
        credentials = credentials.filter(provider__in=partners)
    return credentials


def find_credential(code, partners=None):
    """The credential with this short code, if in scope; one answer for "unknown" and "not yours"."""
    credential = credentials_in_scope(partners).filter(short_code=code).first()
    if credential is None:
        raise CompletionError("No credential with this code.", field="credential_code")
    return credential


def find_learner(email):
    User = get_user_model()
    learner = User.objects.filter(email=User.objects.normalize_email(email)).first()
    if learner is None:
        raise CompletionError("No learner with this email address.", field="learner_email")
    return learner


def find_enrolment(learner, credential):
    enrolment = (
        Enrolment.objects.select_related("user", "microcredential")
        .filter(user=learner, microcredential=credential)
        .first()
    )
    if enrolment is None:
        raise CompletionError(
            f"This learner is not enrolled in {credential.short_code}.", field="learner_email"
        )
    return enrolment


def find_enrolment_by_email(email, credential):
    """For integrations: "no such account" and "not enrolled" are one answer, so a token cannot
    learn who has an account on the site, only who is enrolled in its own credentials."""
    try:
        return find_enrolment(find_learner(email), credential)
    except CompletionError:
        raise CompletionError(
            "No enrolment of a learner with this email address in this credential.", field="learner_email"
        ) from None
