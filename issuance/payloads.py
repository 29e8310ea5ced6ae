"""The JSON body of each webhook event, fixed when the event happens (stored on the Delivery).

    {
      "type": "credential.completed" | "pathway.completed" | "credential.revoked",
      "timestamp": when the event happened (ISO 8601, UTC),
      "completion": {"id", "result", "completed_on", "revoked_at"},
      "learner": {"name", "email"},
      "subject": {"kind": "microcredential" | "pathway", "id", "title", "code", "url"},
      "partners": [{"name", "role", "kind", "url", "website", "brand_colour", "logo"}],
      "credential": an unsigned Open Badges 3.0 AchievementCredential
    }

The top-level "type" is the Standard Webhooks event type (a string). Inside "credential" the Open
Badges 3.0 rules hold: "type" is an array on every object that the schema gives an array (the
credential, its subject, the achievement, profiles, alignments, results); Image and
IdentityObject take a plain string there, as the schema says. The credential is unsigned: the
issuer signs what it issues. tests/issuance/test_payloads.py validates every kind against the
official JSON Schema.
"""

import datetime
import uuid

from django.conf import settings

from catalog.models import Competency, MicrocredentialPage, PathwayPage
from partners.models import PartnerPage

from .models import EventType

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]

# What a pathway's outcome is called in Open Badges' achievementType vocabulary.
PATHWAY_ACHIEVEMENT_TYPE = {
    "certificate": "Certificate",
    "capstone_badge": "Badge",
    "degree_admission": "ext:DegreeAdmission",
    "academic_credit": "ext:AcademicCredit",
}


def absolute(url):
    """An absolute URL for a path of ours (page URLs, media), from WAGTAILADMIN_BASE_URL."""
    if not url:
        return None
    if url.startswith(("http://", "https://")):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def _iso(moment):
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _date_time(day):
    return f"{day.isoformat()}T00:00:00Z"


def _image(image, caption):
    if image is None:
        return None
    return {"id": absolute(image.file.url), "type": "Image", "caption": caption}


def _profile(partner):
    """An OB 3.0 Profile for a partner, or for the catalog itself when no partner offers it."""
    if partner is None:
        base = absolute("/")
        return {"id": base, "type": ["Profile"], "name": settings.WAGTAIL_SITE_NAME, "url": base}
    profile = {
        "id": absolute(partner.url),
        "type": ["Profile"],
        "name": partner.title,
        "url": partner.website or absolute(partner.url),
    }
    logo = _image(partner.logo, f"{partner.title} logo")
    if logo:
        profile["image"] = logo
    return profile


def offering_partner(page):
    """The partner a credential or pathway sits under in the page tree, or None."""
    parent = page.get_parent()
    return PartnerPage.objects.select_related("logo").filter(pk=parent.pk).first() if parent else None


def _partner(partner, role):
    return {
        "name": partner.title,
        "role": role,
        "kind": partner.kind,
        "url": absolute(partner.url),
        "website": partner.website or None,
        "brand_colour": partner.brand_colour,
        "logo": absolute(partner.logo.file.url) if partner.logo else None,
    }


def partners_payload(page, offering):
    """Co-branding: the offering partner first ("offering"), then the credential's co-branding
    partners with their roles (lead, co_developer, employer_endorser)."""
    partners = [_partner(offering, "offering")] if offering else []
    if isinstance(page, MicrocredentialPage):
        for link in page.get_partner_links():  # only co-brands that consented, as on the page
            partners.append(_partner(link.partner, link.role))
    return partners


def competencies_of(page):
    """The competencies a credential certifies; for a pathway, those of its steps, once each."""
    if isinstance(page, PathwayPage):
        found = Competency.objects.filter(credential_links__page__pathway_steps__page=page)
    else:
        found = Competency.objects.filter(credential_links__page=page)
    return list(found.select_related("framework").distinct().order_by("framework_id", "sort_order", "pk"))


def _alignment(competency):
    target_url = competency.case_uri or absolute(f"/skills/?competency={competency.pk}")
    alignment = {
        "type": ["Alignment"],
        "targetType": "CFItem",
        "targetName": competency.full_statement,
        "targetUrl": target_url,
        "targetFramework": competency.framework.title,
    }
    if competency.human_coding_scheme:
        alignment["targetCode"] = competency.human_coding_scheme
    return alignment


def achievement(page, offering):
    """The OB 3.0 Achievement: what the learner earned (the microcredential or the pathway)."""
    # A page outside every site has no URL; a stable URN names it then.
    url = absolute(page.url) or "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, absolute(f"/pages/{page.pk}/"))
    )
    if isinstance(page, PathwayPage):
        kind = PATHWAY_ACHIEVEMENT_TYPE.get(page.outcome, "Certificate")
        description = page.intro
        narrative = f"Complete the pathway's required steps and {page.electives_required} elective(s)."
        image = None
    else:
        kind = "MicroCredential"
        description = page.summary
        narrative = page.assessment_description or (
            f"Pass the {page.get_assessment_method_display().lower()} assessment."
        )
        image = _image(page.badge_image, f"{page.title} badge")
    data = {
        "id": url,
        "type": ["Achievement"],
        "achievementType": kind,
        "name": page.title,
        "description": description,
        "criteria": {"id": url, "narrative": narrative},
        "creator": _profile(offering),
        "alignment": [_alignment(c) for c in competencies_of(page)],
    }
    if image:
        data["image"] = image
    if getattr(page, "short_code", None):
        data["humanCode"] = page.short_code
    if isinstance(page, MicrocredentialPage) and page.credit_eligible and page.credit_hours:
        data["creditsAvailable"] = float(page.credit_hours)
    return data


def credential_id(completion):
    """A stable urn:uuid for the completion's credential: the same in every event about it."""
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, absolute(f"/issuance/completions/{completion.pk}"))
    )


def achievement_credential(completion, page, offering):
    learner = completion.learner
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": learner.email,
                "identityType": "emailAddress",
            }
        ],
        "achievement": achievement(page, offering),
    }
    if completion.result:
        subject["result"] = [{"type": ["Result"], "value": completion.result, "status": "Completed"}]
    return {
        "@context": OB3_CONTEXT,
        "id": credential_id(completion),
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": page.title,
        "issuer": _profile(offering),
        "validFrom": _date_time(completion.completed_on),
        "credentialSubject": subject,
    }


def event_payload(completion, event_type):
    learner = completion.learner
    page = completion.subject.specific
    offering = offering_partner(page)
    happened = completion.revoked_at if event_type == EventType.CREDENTIAL_REVOKED else completion.created_at
    return {
        "type": event_type,
        "timestamp": _iso(happened or completion.created_at),
        "completion": {
            "id": completion.pk,
            "result": completion.result,
            "completed_on": completion.completed_on.isoformat(),
            "revoked_at": _iso(completion.revoked_at) if completion.revoked_at else None,
        },
        "learner": {"name": learner.get_full_name() or learner.email, "email": learner.email},
        "subject": {
            "kind": "pathway" if completion.pathway_id else "microcredential",
            "id": page.pk,
            "title": page.title,
            "code": getattr(page, "short_code", None),
            "url": absolute(page.url),
        },
        "partners": partners_payload(page, offering),
        "credential": achievement_credential(completion, page, offering),
    }
