"""schema.org JSON-LD for microcredential pages, so search engines can show course details.

Uses Course with offers (the non-credit fee, and the credit conversion as a second Offer),
provider, and educationalCredentialAwarded as an EducationalOccupationalCredential whose
competencyRequired lists the competencies (DefinedTerm, in the framework's DefinedTermSet).
"""

import json

from django.utils.safestring import mark_safe

from catalog.links import page_full_url

# Same escapes as Django's json_script: nothing in the data can close the <script> element.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

COURSE_MODE = {
    "online_self_paced": "online",
    "online_cohort": "online",
    "in_person": "onsite",
    "hybrid": "blended",
}


def _organization(partner, request):
    if partner is None:
        return None
    data = {"@type": "Organization", "name": partner.title, "url": page_full_url(partner, request)}
    if partner.website:
        data["sameAs"] = partner.website
    return data


def microcredential_json_ld(page, request, *, provider, partner_links, competency_links):
    url = page_full_url(page, request)
    offers = [
        {
            "@type": "Offer",
            "name": "Non-credit enrolment",
            "category": "Free" if page.is_free else "Paid",
            "price": f"{page.price:.2f}",
            "priceCurrency": "USD",
            "url": url,
        }
    ]
    if page.offers_credit:
        offers.append(
            {
                "@type": "Offer",
                "name": "Conversion to academic credit",
                "category": "Paid",
                "price": f"{page.credit_conversion_fee:.2f}",
                "priceCurrency": "USD",
                "url": url,
            }
        )
    competencies = []
    for link in competency_links:
        competency = link.competency
        term = {
            "@type": "DefinedTerm",
            "name": competency.full_statement,
            "termCode": competency.human_coding_scheme or None,
            "inDefinedTermSet": competency.framework.case_uri or competency.framework.title,
        }
        if competency.case_uri:
            term["url"] = competency.case_uri
        competencies.append({key: value for key, value in term.items() if value})

    credential = {
        "@type": "EducationalOccupationalCredential",
        "name": page.title,
        "credentialCategory": "Microcredential",
        "educationalLevel": page.get_level_display(),
        "competencyRequired": competencies,
    }
    if provider is not None:
        credential["recognizedBy"] = _organization(provider, request)

    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": page.title,
        "description": page.summary,
        "courseCode": page.short_code,
        "url": url,
        "educationalLevel": page.get_level_display(),
        "timeRequired": f"PT{page.notional_hours}H",
        "offers": offers,
        "educationalCredentialAwarded": credential,
        "hasCourseInstance": {
            "@type": "CourseInstance",
            "courseMode": COURSE_MODE.get(page.delivery_format, "online"),
            "courseWorkload": f"PT{page.notional_hours}H",
        },
    }
    if provider is not None:
        data["provider"] = _organization(provider, request)
    contributors = [_organization(link.partner, request) for link in partner_links]
    if contributors:
        data["contributor"] = contributors
    if page.offers_credit:
        hours = page.credit_hours
        # schema.org allows an Integer or a StructuredValue; never a float for a fraction.
        data["numberOfCredits"] = (
            int(hours)
            if hours == hours.to_integral_value()
            else {"@type": "StructuredValue", "value": str(hours)}
        )
    return data


def as_script(data):
    """The data as the body of a <script type="application/ld+json">, safe inside HTML."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES))
