"""A partner editor's change goes live only when the university's staff approve it, through
each partner's own approval workflow, and nobody approves their own submission (wagtail#6995).

Everything goes through the admin's own URLs with the test client, as the people would."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from catalog.models import MicrocredentialPage
from partners.models import PartnerApprovalTask

from .conftest import is_refused

pytestmark = pytest.mark.django_db


def edit_form(page, action, **changes):
    """The credential editor's form for `page` as it stands, with `changes`, sent with `action`
    ("action-submit" to submit for approval, "action-publish", or "" to save a draft)."""
    links = list(page.competency_links.all())
    data = {
        "title": page.title,
        "slug": page.slug,
        "short_code": page.short_code,
        "summary": page.summary,
        "body": streamfield([]),
        "partner_links": inline_formset([]),
        "competency_links": inline_formset(
            [
                {
                    "id": link.pk,
                    "competency": link.competency_id,
                    "proficiency_level": str(link.proficiency_level),
                    "assessment_method": link.assessment_method,
                }
                for link in links
            ],
            initial=len(links),
        ),
        "prerequisite_links": inline_formset([]),
        "level": str(page.level),
        "delivery_format": page.delivery_format,
        "notional_hours": str(page.notional_hours),
        "duration_weeks": str(page.duration_weeks),
        "assessment_method": page.assessment_method,
        "assessment_description": "",
        "grading": page.grading,
        "price": str(page.price),
        "credit_hours": "",
        "credit_conversion_fee": "",
        "credit_granting_institution": "",
    }
    data.update(changes)
    if action:
        data[action] = action.removeprefix("action-")
    return nested_form_data(data)


def live_summary(page):
    return MicrocredentialPage.objects.get(pk=page.pk).summary


def submit_change(client, page, summary):
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_form(page, "action-submit", summary=summary)
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return WorkflowState.objects.active().get(object_id=str(page.pk)).current_task_state


def act(client, page, action, task_state):
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]), {"comment": ""}
    )


def assert_refused(response, task_state):
    """Refused, and the task is still waiting."""
    assert is_refused(response)
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS


def test_each_partner_has_its_own_approval_task_on_its_subtree(partner_a, partner_b, credential_a):
    workflow = credential_a.get_workflow()
    task = workflow.tasks.get().specific
    assert isinstance(task, PartnerApprovalTask) and task.partner_id == partner_a.pk
    assert [g.name for g in task.groups.all()] == ["Moderators"]
    assert partner_b.get_workflow() != workflow


def test_editor_change_is_not_live_until_staff_approve(login, credential_a, editor_a, staff, client):
    login(editor_a)
    task_state = submit_change(client, credential_a, "Plan, schedule and deliver projects.")
    assert live_summary(credential_a) == "Plan work."
    # Wagtail's own notification tells the approvers.
    assert staff.email in [address for message in mail.outbox for address in message.to]
    assert task_state.task.specific.partner_id == credential_a.get_parent().pk

    # The editor holds no publish permission: asking to publish does not publish.
    client.post(
        reverse("wagtailadmin_pages:edit", args=[credential_a.pk]),
        edit_form(credential_a, "action-publish", summary="Sneaked in."),
    )
    assert live_summary(credential_a) == "Plan work."

    login(staff)
    response = act(client, credential_a, "approve", task_state)
    assert response.status_code == 302
    assert live_summary(credential_a) == "Plan, schedule and deliver projects."
    public = client.get(MicrocredentialPage.objects.get(pk=credential_a.pk).url)
    assert b"Plan, schedule and deliver projects." in public.content


def test_rejection_keeps_the_live_page_unchanged(login, credential_a, editor_a, staff, client):
    login(editor_a)
    task_state = submit_change(client, credential_a, "Wrong claims here.")
    login(staff)
    assert act(client, credential_a, "reject", task_state).status_code == 302
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert (
        WorkflowState.objects.get(pk=task_state.workflow_state_id).status
        == WorkflowState.STATUS_NEEDS_CHANGES
    )
    assert live_summary(credential_a) == "Plan work."
    assert b"Wrong claims here." not in client.get(credential_a.url).content


def test_nobody_approves_their_own_submission(login, credential_a, staff, other_staff, client):
    login(staff)
    task_state = submit_change(client, credential_a, "Staff wrote this.")
    assert_refused(act(client, credential_a, "approve", task_state), task_state)
    assert live_summary(credential_a) == "Plan work."
    # Nor is it waiting for them on their dashboard; it is for another approver.
    task = task_state.task.specific
    assert not task.get_task_states_user_can_moderate(staff).exists()
    assert list(task.get_task_states_user_can_moderate(other_staff)) == [task_state]

    login(other_staff)
    assert act(client, credential_a, "approve", task_state).status_code == 302
    assert live_summary(credential_a) == "Staff wrote this."
    assert TaskState.objects.get(pk=task_state.pk).finished_by == other_staff


def test_an_approver_who_edits_a_submission_cannot_approve_it(
    login, credential_a, editor_a, staff, other_staff, client
):
    """Approving publishes the latest revision: whoever wrote it is a submitter too."""
    login(editor_a)
    task_state = submit_change(client, credential_a, "Editor's text.")
    login(staff)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[credential_a.pk]),
        edit_form(credential_a, "", summary="Editor's text, tidied by staff."),
    )
    assert response.status_code in (200, 302)
    assert_refused(act(client, credential_a, "approve", task_state), task_state)
    assert live_summary(credential_a) == "Plan work."
    login(other_staff)
    assert act(client, credential_a, "approve", task_state).status_code == 302
    assert live_summary(credential_a) == "Editor's text, tidied by staff."


def test_a_partner_task_moderates_only_its_own_partner(
    login, partner_b, credential_a, editor_a, staff, client
):
    login(editor_a)
    task_state = submit_change(client, credential_a, "For review.")
    own_task = task_state.task.specific
    other_task = PartnerApprovalTask.objects.get(partner=partner_b)
    assert list(own_task.get_task_states_user_can_moderate(staff)) == [task_state]
    # Even if B's task were attached to A's pages, it would not offer them for review.
    other_task.task_states.model.objects.filter(pk=task_state.pk).update(task=other_task)
    assert not other_task.get_task_states_user_can_moderate(staff).exists()


def test_partner_editor_cannot_approve(login, credential_a, editor_a, staff, client):
    login(staff)
    task_state = submit_change(client, credential_a, "Staff change.")
    login(editor_a)
    assert_refused(act(client, credential_a, "approve", task_state), task_state)
    assert_refused(act(client, credential_a, "reject", task_state), task_state)
    assert live_summary(credential_a) == "Plan work."


def test_approving_with_own_edits_from_the_editor_is_refused(login, credential_a, editor_a, staff, client):
    """The editor's *Approve* button saves the moderator's changes first: they wrote what would
    be published, so the approval is refused and the change waits for a colleague."""
    login(editor_a)
    task_state = submit_change(client, credential_a, "Editor's text.")
    login(staff)
    form = edit_form(credential_a, "action-workflow-action", summary="Rewritten by staff.")
    form["workflow-action-name"] = "approve"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[credential_a.pk]), form)
    assert_refused(response, task_state)
    assert live_summary(credential_a) == "Plan work."


def test_a_partner_editor_previews_their_unsaved_change(login, credential_a, editor_a, client):
    login(editor_a)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[credential_a.pk])
    response = client.post(url, edit_form(credential_a, "", summary="What the learner will read."))
    assert response.status_code == 200 and response.json()["is_valid"]
    preview = client.get(url)
    assert preview.status_code == 200
    assert b"What the learner will read." in preview.content
    assert live_summary(credential_a) == "Plan work."


def test_a_partner_editors_scheduled_change_goes_live_on_its_date_once_approved(
    login, credential_a, editor_a, staff, client
):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Revision

    go_live = timezone.now() + datetime.timedelta(hours=2)
    login(editor_a)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[credential_a.pk]),
        edit_form(
            credential_a,
            "action-submit",
            summary="From next term: a new capstone.",
            go_live_at=timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M"),
        ),
    )
    assert response.status_code == 302
    task_state = WorkflowState.objects.active().get(object_id=str(credential_a.pk)).current_task_state
    login(staff)
    assert act(client, credential_a, "approve", task_state).status_code == 302
    # Approved, but scheduled: still the old text until its date.
    assert live_summary(credential_a) == "Plan work."
    revision = Revision.objects.filter(object_id=str(credential_a.pk)).exclude(approved_go_live_at=None).get()
    assert abs(revision.approved_go_live_at - go_live) < datetime.timedelta(minutes=1)
    call_command("publish_scheduled")
    assert live_summary(credential_a) == "Plan work."
    # The date comes (moved back rather than waited for: both the schedule and the revision's own
    # go-live date) and `publish_scheduled`, which `make run` runs every 15 s, publishes it.
    past = timezone.now() - datetime.timedelta(seconds=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    assert live_summary(credential_a) == "From next term: a new capstone."
