"""My learning: what a learner has with us, on one page.

The page lives in issuance, the app at the top of the learner's story, because it shows what
checkout holds (enrolments, credit, orders and receipts) next to what issuance holds (completions
and the credentials the issuers gave back); issuance may import checkout, never the reverse.
Its query count does not depend on how many enrolments or orders the learner has.
"""

from dataclasses import dataclass

from checkout.models import Enrolment, Order, OrderStatus
from checkout.services import purchasable_credentials

from .credential_links import safe_credential_url
from .enrolment_completions import current_completion, with_current_completion
from .models import Completion


@dataclass
class EnrolmentRow:
    enrolment: Enrolment
    completion: Completion | None  # the current one; a refund revokes it and it no longer shows

    @property
    def is_issued(self):
        return self.completion is not None and bool(safe_credential_url(self.completion))


@dataclass
class PathwayRow:
    completion: Completion

    @property
    def is_issued(self):
        return bool(safe_credential_url(self.completion))


def my_learning_context(learner):
    enrolments = list(
        with_current_completion(
            Enrolment.objects.filter(user=learner).select_related("microcredential", "order")
        )
    )
    # Credit can be added only where the credential is still for sale (not unpublished or private).
    purchasable_ids = set(
        purchasable_credentials()
        .filter(pk__in={enrolment.microcredential_id for enrolment in enrolments})
        .values_list("pk", flat=True)
    )
    orders = (
        Order.objects.filter(user=learner)
        .exclude(status=OrderStatus.CANCELLED)
        .prefetch_related("lines")
        .order_by("-created_at")
    )
    pathways = list(
        Completion.objects.current()
        .filter(learner=learner, pathway__isnull=False)
        .select_related("pathway")
        .order_by("-completed_on", "-pk")
    )
    return {
        "enrolment_rows": [
            EnrolmentRow(enrolment, current_completion(enrolment)) for enrolment in enrolments
        ],
        "orders": orders,
        "purchasable_ids": purchasable_ids,
        "pathway_rows": [PathwayRow(completion) for completion in pathways],
    }
