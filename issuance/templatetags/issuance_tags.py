"""Issuance on pages of the apps below it, which must not import issuance: catalog's pathway page
loads `pathway_progress` here (a template dependency, noted in docs/ARCHITECTURE.md)."""

from django import template

from ..progress import pathway_progress as progress_of

register = template.Library()


@register.inclusion_tag("issuance/includes/pathway_progress.html", takes_context=True)
def pathway_progress(context, pathway, required_steps, elective_steps):
    """A signed-in learner's progress on this pathway; nothing (and no query) for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"progress": None}
    return {"progress": progress_of(user, pathway, required_steps, elective_steps), "request": request}
