import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from catalog.models import MicrocredentialPage

from .agreements import first_open_day, is_locked

# Dates outside these make no sense for a statement, and the far ends of Python's calendar
# would overflow when the range's end is moved to the next midnight.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
LONGEST_RANGE_DAYS = 366 * 10


def bounded(day, label):
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(f"Choose a {label} between {EARLIEST:%-d %b %Y} and {LATEST:%-d %b %Y}.")
    return day


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string; the defaults are the last twelve
    months, this one included."""

    start = forms.DateField(label="From", required=False, widget=AdminDateInput)
    end = forms.DateField(label="To", required=False, widget=AdminDateInput)
    credential = forms.ModelChoiceField(
        queryset=MicrocredentialPage.objects.none(), required=False, empty_label="All credentials"
    )

    def __init__(self, *args, partner, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # Titles only: a partner may offer hundreds, and whole pages are slow to load for a list.
        credentials = MicrocredentialPage.objects.filter(provider=partner).only("title").order_by("title")
        self.fields["credential"].queryset = credentials
        if not self.is_bound:
            self.initial = {"start": self.default_start(), "end": today}

    def default_start(self):
        month = self.today.replace(day=1)
        for _ in range(11):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        return month

    def clean_start(self):
        return bounded(self.cleaned_data.get("start"), "start date")

    def clean_end(self):
        return bounded(self.cleaned_data.get("end"), "end date")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        cleaned["start"] = start = cleaned.get("start") or self.default_start()
        cleaned["end"] = end = cleaned.get("end") or self.today
        if start > end:
            raise ValidationError("The start date must be on or before the end date.")
        if (end - start).days > LONGEST_RANGE_DAYS:
            raise ValidationError("Choose a range of at most ten years.")
        return cleaned


class MarkPaidForm(forms.Form):
    reference = forms.CharField(
        max_length=200, required=False, help_text="For example the bank transfer's reference (optional)."
    )


class RevenueAgreementForm(WagtailAdminModelForm):
    """An agreement takes effect from the first day of the current month at the earliest, and can
    be changed only until that month is over: months already over keep their figures (see
    partner_dashboard/agreements.py). Overrides name the partner's own credentials, once each."""

    def clean(self):
        cleaned = super().clean()
        today = self.today()
        if self.instance.pk is not None:
            original = type(self.instance).objects.get(pk=self.instance.pk)
            if is_locked(original, today):
                raise ValidationError(
                    f"This agreement took effect on {original.effective_from:%-d %b %Y}, in a month that is "
                    "over, so it can no longer change. Add a new agreement that starts on or after "
                    f"{first_open_day(today):%-d %b %Y} instead."
                )
            if original.partner_id != cleaned.get("partner", original.partner).pk:
                self.add_error(
                    "partner", "An agreement stays with its partner; add a new one for the other partner."
                )
        effective_from = cleaned.get("effective_from")
        if effective_from is not None and effective_from < first_open_day(today):
            self.add_error(
                "effective_from",
                f"Choose {first_open_day(today):%-d %b %Y} or later: months already over keep the figures "
                "they had.",
            )
        partner = cleaned.get("partner")
        overrides = self.formsets.get("overrides")
        if partner is not None and overrides is not None:
            seen = set()
            for form in overrides.forms:
                if not form.is_valid() or form.cleaned_data.get("DELETE"):
                    continue
                credential = form.cleaned_data.get("microcredential")
                if credential is None:
                    continue
                if getattr(credential, "provider_id", None) != partner.pk:
                    form.add_error("microcredential", f"Choose one of {partner.title}'s own credentials.")
                elif credential.pk in seen:
                    form.add_error("microcredential", "This credential already has an override here.")
                seen.add(credential.pk)
        return cleaned

    def today(self):
        return timezone.localdate()

    def save(self, commit=True):
        if self.instance.pk is None and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)
