"""Admin forms for catalog pages: checks that span the page and its inline rows.

A page's model `clean()` cannot see inline rows the editor has just added (they are only
attached to the page when the form saves), so rules about prerequisites and pathway steps
live here, on the form Wagtail builds for the page editor.
"""

from wagtail.admin.forms import WagtailAdminPageForm


def _kept_rows(formset):
    """The cleaned rows the editor did not delete, or None if the rows themselves are invalid."""
    if not formset.is_valid():
        return None
    return [row for row in formset.cleaned_data if row and not row.get("DELETE")]


class MicrocredentialPageForm(WagtailAdminPageForm):
    def clean(self):
        from .models import find_prerequisite_problem

        cleaned_data = super().clean()
        partner_rows = _kept_rows(self.formsets["partner_links"])
        provider = getattr(self, "parent_page", None)
        if partner_rows and provider is not None:
            if any(row.get("partner") and row["partner"].pk == provider.pk for row in partner_rows):
                self.add_error(
                    None,
                    f"Co-branding partners: {provider.title} already offers this credential "
                    "(it is the page's parent); list only other partners.",
                )
        rows = _kept_rows(self.formsets["prerequisite_links"])
        if rows is not None:
            ids = [row["prerequisite"].pk for row in rows if row.get("prerequisite")]
            problem = find_prerequisite_problem(self.instance, ids)
            if problem:
                self.add_error(None, f"Prerequisites: {problem}")
        return cleaned_data


class PathwayPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        rows = _kept_rows(self.formsets["steps"])
        if rows is None:
            return cleaned_data
        credential_ids = [row["microcredential"].pk for row in rows if row.get("microcredential")]
        if len(credential_ids) != len(set(credential_ids)):
            self.add_error(None, "Steps: each microcredential can appear only once in a pathway.")
        electives = sum(1 for row in rows if not row.get("required"))
        required_electives = cleaned_data.get("electives_required") or 0
        if required_electives > electives:
            self.add_error(
                "electives_required",
                f"The pathway has {electives} elective step(s); a learner cannot complete "
                f"{required_electives}. Lower this number or untick “required” on more steps.",
            )
        return cleaned_data
