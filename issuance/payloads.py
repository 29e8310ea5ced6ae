"""The JSON body of each webhook event, fixed when the event happens (stored on the Delivery)."""

from django.conf import settings


def event_payload(completion, event_type):
    learner = completion.learner
    page = completion.subject.specific
    return {
        "type": event_type,
        "completion": {
            "id": completion.pk,
            "result": completion.result,
            "completed_on": completion.completed_on.isoformat(),
            "revoked_at": completion.revoked_at.isoformat() if completion.revoked_at else None,
        },
        "learner": {"name": learner.get_full_name() or learner.email, "email": learner.email},
        "subject": {
            "kind": "pathway" if completion.pathway_id else "microcredential",
            "id": page.pk,
            "title": page.title,
            "code": getattr(page, "short_code", None),
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + page.url if page.url else None,
        },
    }
