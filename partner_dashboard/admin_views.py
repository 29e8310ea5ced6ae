"""Revenue agreements in the Wagtail admin (staff who hold the agreement permissions): a
listing by partner, and create, edit and delete only as partner_dashboard/agreements.py allows,
so no agreement rewrites a month that is over."""

from django.shortcuts import redirect
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, PageChooserPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet

from .agreements import first_open_day, is_locked
from .forms import RevenueAgreementForm
from .models import RevenueAgreement


class AgreementDeleteView(DeleteView):
    """An agreement that took effect in a month that is over stays: a new one replaces it."""

    # get and post, not dispatch: Wagtail checks the user's permission in dispatch, first.
    def get(self, request, *args, **kwargs):
        return self.refuse_locked(request) or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_locked(request) or super().post(request, *args, **kwargs)

    def refuse_locked(self, request):
        if not is_locked(self.object):
            return None
        messages.error(
            request,
            f"{self.object} took effect in a month that is over, so it stays on record. Add a new "
            f"agreement starting on or after {first_open_day():%-d %b %Y} instead.",
        )
        return redirect(self.index_url_name)


def overrides_summary(agreement):
    return ", ".join(str(override) for override in agreement.overrides.all()) or "—"


class RevenueAgreementViewSet(ModelViewSet):
    model = RevenueAgreement
    url_prefix = "revenue-agreements"
    icon = "table"
    menu_label = "Revenue agreements"
    menu_order = 660
    add_to_admin_menu = True
    delete_view_class = AgreementDeleteView
    list_filter = ["partner"]
    list_display = [
        "partner",
        "effective_from",
        Column("share_percent", label="Partner's share (%)"),
        Column("overrides", label="Overrides", accessor=overrides_summary),
        "note",
    ]
    list_export = ["partner", "effective_from", "share_percent", "note"]
    ordering = ["partner__title", "-effective_from"]
    edit_handler = ObjectList(
        [
            FieldPanel("partner"),
            FieldPanel("effective_from"),
            FieldPanel("share_percent"),
            FieldPanel("note"),
            InlinePanel(
                "overrides",
                label="override",
                heading="Per-credential overrides",
                help_text="A different share for some of the partner's own credentials, for as long as this "
                "agreement lasts.",
                panels=[
                    PageChooserPanel("microcredential", "catalog.MicrocredentialPage"),
                    FieldPanel("share_percent"),
                ],
            ),
        ],
        base_form_class=RevenueAgreementForm,
    )

    def get_queryset(self, request):
        return RevenueAgreement.objects.select_related("partner").prefetch_related(
            "overrides__microcredential"
        )
