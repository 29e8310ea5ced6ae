"""The permission matrix (issue #17): who may do what to whose object, through the real admin URLs.

Partners A and B; five roles; each object in an A and a B version where it belongs to a partner.
The fixture is built once and every case runs against it in one test (400 requests in about
20 seconds), which reports every case that went wrong at once rather than stopping at the first.

Expected answers:

- ``ok``: 200.
- ``shows`` / ``hides``: 200, and the object's title is / is not on the page (listings, search).
- ``refused``: Wagtail's answer to PermissionDenied in its admin views, a redirect to the dashboard
  with "Sorry, you do not have permission to access this area." (not a 403 page), or a plain 403
  where PermissionDenied is raised outside that handling (our own views).
- ``404``: the object is not there for this user (the page chooser and *Partner users* hide what
  a user may not reach rather than saying it exists).
- ``login``: a redirect to the admin login. Wagtail also sends signed-in users without admin
  access (learners) there, with "You do not have permission to access the admin".
- ``redirect``: a redirect elsewhere (a manager's *Partner users* goes to their one partner; an
  invitation sent returns to the partner's page, and the test checks which were sent).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from checkout.models import Enrolment, Order
from issuance.models import Delivery, IssuerEndpoint, new_webhook_secret
from issuance.services import record_completion
from partner_dashboard.models import RevenueAgreement, StatementPayment
from partners.models import Invitation, PartnerCollection
from tests.builders import make_credential, make_learner, make_partner, make_sale

from .conftest import make_partner_user, make_staff

pytestmark = pytest.mark.django_db

ROLES = ["editor_a", "manager_a", "staff", "learner", "anon"]

# One row per (object, action); one column per role; each cell is a case. Where Wagtail's own
# rules give partner users more than the groups' names suggest, the row says what Wagtail does:
# - `change` on a page lets Wagtail users delete its unpublished pages (draft_a delete), and
#   `change` on a collection lets them delete its images and documents.
# - Wagtail's workflow, aging-pages and site-history reports open for anyone with page
#   permissions but list only pages the user may edit or explore (B's titles hidden); the
#   locked-pages report needs unlock permission. The page-types usage report does not filter, so
#   partners/middleware.py refuses it to partner users.
# - *Partner users* answers 404 for a partner the user does not manage (it does not say it
#   exists); its index sends a manager of one partner straight to that partner (redirect), and an
#   invitation sent redirects back to the partner's page (checked after the table runs).
# - The competency chooser is open to partner editors: they tag their credentials with
#   competencies, which the public skills pages list anyway; the snippet listing is not.
# - `usage` is Wagtail's "Usage" page of A's image, used by B's draft (wagtail#9270): A's users
#   see a "(Private page)" row, not the title.
# - The partner dashboard (`pdash`), statements and their CSV: a partner's users see their own
#   partner's (the dashboard index sends them straight to it) and 404 for another's; staff (here
#   also in *Partner finance*) see every partner's. `publish` on a statement is *Mark as paid*
#   (staff only; a success redirects back to the statement). `agreement` is B's revenue agreement
#   in the admin, which only staff holding the agreement permissions reach; it took effect in a
#   month that is over, so its delete view sends staff back to the listing (it stays on record).
MATRIX = """
object        action    editor_a  manager_a  staff    learner  anon
page_a        list      shows     shows      shows    login    login
page_a        search    shows     shows      shows    login    login
page_a        find      shows     shows      shows    login    login
page_a        view      ok        ok         ok       login    login
page_a        edit      ok        ok         ok       login    login
page_a        publish   refused   refused    ok       login    login
page_a        delete    refused   refused    ok       login    login
page_a        choose    ok        ok         ok       login    login
page_b        list      hides     hides      shows    login    login
page_b        search    hides     hides      shows    login    login
page_b        find      shows     shows      shows    login    login
page_b        view      refused   refused    ok       login    login
page_b        edit      refused   refused    ok       login    login
page_b        publish   refused   refused    ok       login    login
page_b        delete    refused   refused    ok       login    login
page_b        choose    ok        ok         ok       login    login
draft_a       list      shows     shows      shows    login    login
draft_a       search    shows     shows      shows    login    login
draft_a       find      shows     shows      shows    login    login
draft_a       view      ok        ok         ok       login    login
draft_a       edit      ok        ok         ok       login    login
draft_a       delete    ok        ok         ok       login    login
draft_a       choose    ok        ok         ok       login    login
draft_b       list      hides     hides      shows    login    login
draft_b       search    hides     hides      shows    login    login
draft_b       find      hides     hides      shows    login    login
draft_b       view      refused   refused    ok       login    login
draft_b       edit      refused   refused    ok       login    login
draft_b       delete    refused   refused    ok       login    login
draft_b       choose    404       404        ok       login    login
image_a       list      shows     shows      shows    login    login
image_a       find      shows     shows      shows    login    login
image_a       edit      ok        ok         ok       login    login
image_a       delete    ok        ok         ok       login    login
image_a       choose    ok        ok         ok       login    login
image_a       usage     hides     hides      shows    login    login
image_b       list      hides     hides      shows    login    login
image_b       find      hides     hides      shows    login    login
image_b       edit      refused   refused    ok       login    login
image_b       delete    refused   refused    ok       login    login
image_b       choose    refused   refused    ok       login    login
document_a    list      shows     shows      shows    login    login
document_a    find      shows     shows      shows    login    login
document_a    edit      ok        ok         ok       login    login
document_a    delete    ok        ok         ok       login    login
document_a    choose    ok        ok         ok       login    login
document_b    list      hides     hides      shows    login    login
document_b    find      hides     hides      shows    login    login
document_b    edit      refused   refused    ok       login    login
document_b    delete    refused   refused    ok       login    login
document_b    choose    refused   refused    ok       login    login
competency    list      refused   refused    refused  login    login
competency    edit      refused   refused    refused  login    login
competency    delete    refused   refused    refused  login    login
competency    choose    ok        ok         ok       login    login
dashboard     list      hides     hides      shows    login    login
locked_pages  list      refused   refused    shows    login    login
workflows     list      hides     hides      shows    login    login
workflow_tasks list     hides     hides      shows    login    login
site_history  list      hides     hides      shows    login    login
aging_pages   list      hides     hides      shows    login    login
types_usage   list      refused   refused    shows    login    login
issuance_report list    refused   refused    refused  login    login
invitations_a list      refused   redirect   ok       login    login
invitations_a view      404       ok         ok       login    login
invitations_a edit      404       redirect   redirect login    login
invitations_b view      404       404        ok       login    login
invitations_b edit      404       404        redirect login    login
order         list      refused   refused    refused  login    login
order         view      refused   refused    refused  login    login
order         edit      refused   refused    refused  login    login
order         delete    refused   refused    refused  login    login
enrolment     list      refused   refused    refused  login    login
enrolment     view      refused   refused    refused  login    login
enrolment     edit      refused   refused    refused  login    login
enrolment     delete    refused   refused    refused  login    login
delivery      list      refused   refused    refused  login    login
delivery      view      refused   refused    refused  login    login
delivery      edit      refused   refused    refused  login    login
delivery      delete    refused   refused    refused  login    login
pdash_a       list      redirect  redirect   shows    login    login
pdash_a       view      shows     shows      shows    login    login
pdash_b       view      404       404        shows    login    login
statement_a   list      ok        ok         ok       login    login
statement_a   view      shows     shows      shows    login    login
statement_a   publish   refused   refused    redirect login    login
statement_b   list      404       404        ok       login    login
statement_b   view      404       404        shows    login    login
statement_b   publish   404       404        redirect login    login
statement_csv_a view    ok        ok         ok       login    login
statement_csv_b view    404       404        ok       login    login
agreement     list      refused   refused    shows    login    login
agreement     edit      refused   refused    ok       login    login
agreement     delete    refused   refused    redirect login    login
"""


def cases():
    header, *rows = [line.split() for line in MATRIX.strip().splitlines()]
    assert header[2:] == ROLES
    for obj, action, *expected in rows:
        assert len(expected) == len(ROLES), (obj, action)
        for role, outcome in zip(ROLES, expected, strict=True):
            yield role, obj, action, outcome


NAMES = {"a": "Alpha", "b": "Bravo"}


def build_world(catalog, framework):
    partner_a = make_partner(catalog, title="Arizona State University")
    partner_b = make_partner(catalog, title="Colorado Community College System", kind="college")
    competencies = framework[1][:1]
    w = {"partner_a": partner_a, "partner_b": partner_b, "competency": competencies[0]}
    w["page_a"] = make_credential(partner_a, competencies=competencies, title="Alpha Live Analytics")
    w["page_b"] = make_credential(partner_b, competencies=competencies, title="Bravo Live Welding")
    w["draft_a"] = make_credential(
        partner_a, competencies=competencies, title="Alpha Draft Ledger", live=False
    )
    w["draft_b"] = make_credential(
        partner_b, competencies=competencies, title="Bravo Draft Plumbing", live=False
    )
    for key, partner in [("a", partner_a), ("b", partner_b)]:
        collection = PartnerCollection.objects.get(partner=partner).collection
        w[f"image_{key}"] = get_image_model().objects.create(
            title=f"{NAMES[key]} image title", file=get_test_image_file(), collection=collection
        )
        w[f"document_{key}"] = get_document_model().objects.create(
            title=f"{NAMES[key]} document title",
            file=ContentFile(b"hello", name=f"{key}.txt"),
            collection=collection,
        )
    w["editor_a"] = make_partner_user(partner_a, "editor", "editor-a@asu.example.edu")
    w["manager_a"] = make_partner_user(partner_a, "manager", "manager-a@asu.example.edu")
    w["staff"] = make_staff("marketing@university.example.edu")
    w["learner"] = make_learner("learner@example.org")
    w["order"] = Order.objects.create(user=w["learner"], total=Decimal("120.00"))
    w["enrolment"] = Enrolment.objects.create(
        user=w["learner"], microcredential=w["page_b"], order=w["order"]
    )
    IssuerEndpoint.objects.create(
        url="http://127.0.0.1:9/webhooks", description="Matrix issuer", secret=new_webhook_secret()
    )
    record_completion(w["enrolment"], completed_on=datetime.date(2026, 11, 2), source="admin", result="Pass")
    w["delivery"] = Delivery.objects.get(completion__enrolment=w["enrolment"])
    # A sale of each partner's live credential in November 2026 under a 50% agreement, for the
    # dashboards and statements; staff are also in Partner finance.
    w["staff"].groups.add(Group.objects.get(name="Partner finance"))
    for key in ("a", "b"):
        w[f"agreement_{key}"] = RevenueAgreement.objects.create(
            partner=w[f"partner_{key}"], effective_from=datetime.date(2026, 1, 1), share_percent=50
        )
        paid_at = timezone.make_aware(datetime.datetime(2026, 11, 10, 12))
        make_sale(
            make_learner(f"buyer-{key}@example.org"), [(w[f"page_{key}"], "enrolment", "25.00")], paid_at
        )
    # B's draft is locked and in its approval workflow, so Wagtail's reports have it to show.
    draft_b = w["draft_b"]
    draft_b.save_revision(user=w["staff"])
    draft_b.get_workflow().start(draft_b, w["staff"])
    draft_b.locked, draft_b.locked_by, draft_b.locked_at = True, w["staff"], timezone.now()
    draft_b.hero_image = w["image_a"]  # what only staff could set: B's draft uses A's image
    draft_b.save(update_fields=["locked", "locked_by", "locked_at", "hero_image"])
    return w


def request_for(w, role, obj, action):
    """(method, url, data, title) for one case; `title` is what `shows`/`hides` look for."""
    if obj.startswith(("page_", "draft_")):
        page = w[obj]
        name, data = {
            "list": ("microcredentials:index", None),
            "view": ("wagtailadmin_pages:view_draft", page.pk),
            "edit": ("wagtailadmin_pages:edit", page.pk),
            "publish": ("wagtailadmin_pages:unpublish", page.pk),
            "delete": ("wagtailadmin_pages:delete", page.pk),
            "choose": ("wagtailadmin_choose_page_child", page.pk),
            "search": ("wagtailadmin_pages:search", None),
            "find": ("wagtailadmin_choose_page_search", None),
        }[action]
        # Search for the title's first word: the full title would be echoed in the search box.
        query = {"q": page.title.split()[0]} if action in ("search", "find") else {}
        return "get", reverse(name, args=[] if data is None else [data]), query, page.title
    for kind, app in [("image", "wagtailimages"), ("document", "wagtaildocs")]:
        if obj.startswith(kind):
            item = w[obj]
            url = {
                "list": reverse(f"{app}:index"),
                "edit": reverse(f"{app}:edit", args=[item.pk]),
                "delete": reverse(f"{app}:delete", args=[item.pk]),
                "choose": reverse(f"{app}_chooser:chosen", args=[item.pk]),
                "usage": reverse(f"{app}:{kind}_usage", args=[item.pk]),
                "find": reverse(f"{app}_chooser:choose_results"),
            }[action]
            query = {"q": item.title.split()[0]} if action == "find" else {}
            return "get", url, query, w["draft_b"].title if action == "usage" else item.title
    if obj == "competency":
        item = w[obj]
        url = {
            "list": reverse("wagtailsnippets_catalog_competency:list"),
            "edit": reverse("wagtailsnippets_catalog_competency:edit", args=[item.pk]),
            "delete": reverse("wagtailsnippets_catalog_competency:delete", args=[item.pk]),
            "choose": reverse("wagtailsnippetchoosers_catalog_competency:choose"),
        }[action]
        return "get", url, {}, item.human_coding_scheme
    reports = {
        "locked_pages": "wagtailadmin_reports:locked_pages",
        "workflows": "wagtailadmin_reports:workflow",
        "workflow_tasks": "wagtailadmin_reports:workflow_tasks",
        "site_history": "wagtailadmin_reports:site_history",
        "aging_pages": "wagtailadmin_reports:aging_pages",
        "types_usage": "wagtailadmin_reports:page_types_usage",
        "issuance_report": "issuance_reports:by_partner",
    }
    if obj == "dashboard":
        return "get", reverse("wagtailadmin_home"), {}, w["draft_b"].title
    if obj in reports:
        # B's page that the report lists for staff: live pages for aging, else the locked and
        # submitted draft.
        secret = w["page_b"] if obj == "aging_pages" else w["draft_b"]
        return "get", reverse(reports[obj]), {}, secret.title
    if obj.startswith("invitations_"):
        partner = w["partner_" + obj[-1]]
        if action == "list":
            return "get", reverse("partner_users:index"), {}, partner.title
        url = reverse("partner_users:partner", args=[partner.pk])
        if action == "view":
            return "get", url, {}, partner.title
        return "post", url, {"email": f"new-{role}@example.org", "role": "editor"}, partner.title
    if obj.startswith(("pdash_", "statement_")):
        key = obj[-1]
        partner, credential = w[f"partner_{key}"], w[f"page_{key}"]
        if obj.startswith("pdash_"):
            if action == "list":
                return "get", reverse("partner_dashboard:index"), {}, w["partner_b"].title
            return "get", reverse("partner_dashboard:partner", args=[partner.pk]), {}, credential.title
        if obj.startswith("statement_csv_"):
            return "get", reverse("partner_dashboard:statement_csv", args=[partner.pk, 2026, 11]), {}, None
        if action == "list":
            return "get", reverse("partner_dashboard:statements", args=[partner.pk]), {}, None
        url = reverse("partner_dashboard:statement", args=[partner.pk, 2026, 11])
        if action == "view":
            return "get", url, {}, credential.title
        return "post", url, {"reference": f"matrix-{role}"}, None
    if obj == "agreement":
        view = {"list": "index", "edit": "edit", "delete": "delete"}[action]
        args = [] if action == "list" else [w["agreement_b"].pk]
        return "get", reverse(f"revenue_agreements:{view}", args=args), {}, w["partner_b"].title
    viewset = {"order": "orders", "enrolment": "enrolments", "delivery": "deliveries"}[obj]
    view = {"list": "index", "view": "inspect", "edit": "edit", "delete": "delete"}[action]
    args = [] if action == "list" else [w[obj].pk]
    return "get", reverse(f"{viewset}:{view}", args=args), {}, None


def outcome_of(response, title):
    if response.status_code == 200:
        if title is None:
            return "ok"
        text = response.content.decode()
        return "shows" if title in text else "hides"
    if response.status_code == 403:
        return "refused"
    if response.status_code == 404:
        return "404"
    if response.status_code == 302:
        if response.url.startswith(reverse("wagtailadmin_login")):
            return "login"
        if response.url == reverse("wagtailadmin_home"):
            return "refused"
        return "redirect"
    return str(response.status_code)


def test_the_permission_matrix(client, catalog, framework, mailoutbox):
    w = build_world(catalog, framework)
    all_cases = list(cases())
    assert len(all_cases) >= 150
    wrong = []
    for role, obj, action, expected in all_cases:
        client.logout()
        if role != "anon":
            client.force_login(w[role], backend="accounts.backends.EmailBackend")
        method, url, data, title = request_for(w, role, obj, action)
        response = getattr(client, method)(url, data)
        got = outcome_of(response, title)
        if expected == "ok" and got == "shows":
            got = "ok"  # a 200 that names the object: the right one was served
        if got != expected:
            wrong.append(f"{role:10} {obj:15} {action:8} expected {expected:8} got {got}")
    sent = set(Invitation.objects.values_list("email", "partner__slug"))
    assert sent == {
        ("new-manager_a@example.org", w["partner_a"].slug),
        ("new-staff@example.org", w["partner_a"].slug),
        ("new-staff@example.org", w["partner_b"].slug),
    }
    paid = set(StatementPayment.objects.values_list("partner__slug", "month", "reference"))
    assert paid == {
        (w[f"partner_{key}"].slug, datetime.date(2026, 11, 1), "matrix-staff") for key in ("a", "b")
    }
    if wrong:
        pytest.fail(f"{len(wrong)} of {len(all_cases)} cases wrong:\n" + "\n".join(wrong))
