"""The learner's side of issuance: My learning, and the credential links that count their use."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from .credential_links import (
    learners_credential,
    linkedin_add_to_profile_url,
    record_claim,
    record_share,
    safe_credential_url,
)
from .learning import my_learning_context


@login_required
def my_learning(request):
    return TemplateResponse(request, "issuance/my_learning.html", my_learning_context(request.user))


def _own_credential(request, completion_id):
    # Someone else's completion, a revoked or not yet issued one: the same 404 as no completion.
    completion = learners_credential(request.user, completion_id)
    if completion is None:
        raise Http404("No credential here.")
    return completion


@never_cache
@login_required
def view_credential(request, completion_id):
    """Count the claim, then send the learner to their credential at the issuer."""
    completion = _own_credential(request, completion_id)
    record_claim(completion)
    return HttpResponseRedirect(safe_credential_url(completion))


@never_cache
@login_required
def add_to_linkedin(request, completion_id):
    """Count the share, then open LinkedIn's add-to-profile form filled in with the credential."""
    completion = _own_credential(request, completion_id)
    record_share(completion)
    return HttpResponseRedirect(linkedin_add_to_profile_url(completion))
