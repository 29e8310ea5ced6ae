"""Plain-dict views of search results for the JSON API and CSV export (one shape for both)."""

from catalog.links import page_full_url


def competency_dict(competency):
    return {
        "id": competency.pk,
        "code": competency.human_coding_scheme,
        "statement": competency.full_statement,
        "framework": competency.framework.title,
        "case_identifier": competency.case_identifier,
    }


def money(amount):
    """Money as a string with two decimals: JSON numbers would invite float arithmetic."""
    return None if amount is None else f"{amount:.2f}"


def coverage_dict(coverage, request):
    credential = coverage.credential
    return {
        "title": credential.title,
        "short_code": credential.short_code,
        "url": page_full_url(credential, request),
        "provider": credential.provider.title if credential.provider else None,
        "level": credential.get_level_display(),
        "format": credential.get_delivery_format_display(),
        "notional_hours": credential.notional_hours,
        "assessment_method": credential.get_assessment_method_display(),
        "price": money(credential.price),
        "currency": "USD",
        "credit_eligible": credential.credit_eligible,
        "credit_hours": None if credential.credit_hours is None else str(credential.credit_hours),
        "credit_conversion_fee": money(credential.credit_conversion_fee),
        "coverage": {"covered": coverage.covered_count, "of": coverage.covered_count + len(coverage.missing)},
        "covered": [
            {
                **competency_dict(skill.competency),
                "proficiency_level": skill.proficiency_level,
                "proficiency": skill.proficiency_label,
                "assessment_method": skill.assessment_method,
                "assessment": skill.assessment_label,
            }
            for skill in coverage.covered
        ],
        "missing": [competency_dict(competency) for competency in coverage.missing],
    }
