"""The two links a learner gets once the issuer has given their credential back.

"View credential" opens the credential the issuer holds; "Add to LinkedIn profile" opens
LinkedIn's add-to-profile form filled in with it. Both go through our own redirect views
(issuance/views.py), which count each use on the completion (the report's "claimed" and
"shared") and send the learner only to the URL stored on the completion, never to one taken
from the request, so the views cannot be used as an open redirect.
"""

from urllib.parse import urlencode, urlsplit

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.models import PartnerPage

from .models import Completion

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def safe_credential_url(completion):
    """The stored credential URL if it is an http(s) address with a host, else ''.

    It came from the issuer (its response or callback); a `javascript:` or relative value must
    never become a link or a redirect on our site.
    """
    url = (completion.credential_url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return url


def learners_credential(learner, completion_id):
    """The learner's own current completion with a usable credential URL, or None.

    Someone else's completion, a revoked one and one not issued yet all answer None, and the
    views turn that into the same 404.
    """
    completion = (
        Completion.objects.current()
        .issued()
        .select_related("enrolment__microcredential__provider", "pathway")
        .filter(pk=completion_id, learner=learner)
        .first()
    )
    if completion is None or not safe_credential_url(completion):
        return None
    return completion


def _count(completion, count_field, first_used_field):
    # One UPDATE with F(): two clicks at once both count, whatever each request read before.
    # The date is the first use (Coalesce keeps it), which is when the credential was claimed.
    Completion.objects.filter(pk=completion.pk).update(
        **{
            count_field: F(count_field) + 1,
            first_used_field: Coalesce(F(first_used_field), Value(timezone.now())),
        }
    )


def record_claim(completion):
    """The learner opened their credential through our link."""
    _count(completion, "claim_count", "claimed_at")


def record_share(completion):
    """The learner used our "Add to LinkedIn profile" link."""
    _count(completion, "share_count", "shared_at")


def issuing_organisation(completion):
    """The name LinkedIn shows as the issuer: the partner offering the credential or pathway."""
    if completion.enrolment_id:
        provider = completion.enrolment.microcredential.provider
        if provider is not None:
            return provider.title
    else:
        parent = completion.pathway.get_parent()
        if parent is not None and parent.specific_class is PartnerPage:
            return parent.title
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return (site.site_name if site else "") or "Microcredential Catalog"


def linkedin_add_to_profile_url(completion):
    """LinkedIn's add-to-profile address for this credential (a certification, pre-filled).

    Parameters as LinkedIn's "Add to Profile" form takes them: startTask=CERTIFICATION_NAME,
    name, organizationName, issueYear and issueMonth (of the issue, else the completion), certUrl
    and certId (the issuer's id, when it gave one).
    """
    issued = (
        timezone.localtime(completion.issued_at).date() if completion.issued_at else completion.completed_on
    )
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": completion.subject.title,
        "organizationName": issuing_organisation(completion),
        "issueYear": str(issued.year),
        "issueMonth": str(issued.month),
        "certUrl": safe_credential_url(completion),
    }
    if completion.credential_id:
        params["certId"] = completion.credential_id
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"
