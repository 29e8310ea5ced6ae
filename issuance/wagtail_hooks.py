"""The Issuance menu in the Wagtail admin: completing enrolments (one, many, or from a CSV file),
every completion, and the tokens integrations use for the API (issuance/admin/)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from .admin.completions import CompleteEnrolmentsViewSet, CompletionViewSet, MarkCompleteBulkAction
from .admin.tokens import IntegrationTokenViewSet
from .admin.uploads import CompletionUploadViewSet


class IssuanceViewSetGroup(ViewSetGroup):
    items = (
        CompleteEnrolmentsViewSet("complete_enrolments"),
        CompletionUploadViewSet("completion_uploads"),
        CompletionViewSet("completions"),
        IntegrationTokenViewSet("integration_tokens"),
    )
    menu_icon = "tick-inverse"
    menu_label = "Issuance"
    menu_name = "issuance"


@hooks.register("register_admin_viewset")
def register_issuance_viewsets():
    return IssuanceViewSetGroup()


hooks.register("register_bulk_action", MarkCompleteBulkAction)
