"""A partner's access, in Wagtail's own terms: two groups, page permissions on the partner's
subtree, a collection for its media, and a staff approval workflow.

`ensure_partner_access()` makes (or puts back) all of it for one partner and says what it
changed; it runs when a partner page is created or published (partners/signals.py) and from
`manage.py partners sync`. Running it again changes nothing.

Who may invite or deactivate whom is decided here too (`invitable_roles`, `can_deactivate`),
so the admin views, the command and the tests share one rule: nobody grants more than they hold.
"""

import copy

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.permissions import policy_registry

from .models import PartnerApprovalTask, PartnerCollection, PartnerGroup, PartnerPage, PartnerRole

# The university's marketing staff who approve partners' changes: Wagtail's own "Moderators"
# group, which Wagtail's migrations create with publish permission on the whole tree.
APPROVERS_GROUP_NAME = "Moderators"

# (app label, codename): exactly what each partner group holds, and nothing else.
ADMIN_PERMISSIONS = [("wagtailadmin", "access_admin")]
PAGE_PERMISSIONS = [("wagtailcore", "add_page"), ("wagtailcore", "change_page")]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]

GROUP_SUFFIX = {PartnerRole.EDITOR: "editors", PartnerRole.MANAGER: "managers"}


def _permissions(pairs):
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(codename__in=[codename for _, codename in pairs]).select_related(
            "content_type"
        )
    }
    return [found[pair] for pair in pairs]


def _group_name(partner, role):
    """ "<Partner> editors"; with the slug added if another group already has that name."""
    name = f"{partner.title} {GROUP_SUFFIX[role]}"[:150]
    taken = Group.objects.filter(name=name).exclude(partner_role__partner=partner, partner_role__role=role)
    if taken.exists():
        name = f"{partner.title} ({partner.slug}) {GROUP_SUFFIX[role]}"[:150]
    return name


def _ensure_group(partner, role, changes):
    link = PartnerGroup.objects.filter(partner=partner, role=role).select_related("group").first()
    name = _group_name(partner, role)
    if link is None:
        group = Group.objects.create(name=name)
        PartnerGroup.objects.create(partner=partner, role=role, group=group)
        changes.append(f"created group {name!r}")
        return group
    group = link.group
    if group.name != name:
        changes.append(f"renamed group {group.name!r} to {name!r}")
        group.name = name
        group.save(update_fields=["name"])
    return group


def _ensure_exact(current, wanted, add, remove, label, changes):
    """Make a set of held permissions equal `wanted`, saying what was added or taken away."""
    for permission in sorted(wanted - current, key=_codename):
        add(permission)
        changes.append(f"gave {label} {_codename(permission)}")
    for permission in sorted(current - wanted, key=_codename):
        remove(permission)
        changes.append(f"took {_codename(permission)} from {label}")


def _codename(permission):
    return f"{permission.content_type.app_label}.{permission.codename}"


def _ensure_collection(partner, changes):
    link = PartnerCollection.objects.filter(partner=partner).select_related("collection").first()
    if link is None:
        root = Collection.get_first_root_node()
        collection = root.add_child(instance=Collection(name=partner.title))
        PartnerCollection.objects.create(partner=partner, collection=collection)
        changes.append(f"created collection {partner.title!r}")
        return collection
    collection = link.collection
    if collection.name != partner.title:
        changes.append(f"renamed collection {collection.name!r} to {partner.title!r}")
        collection.name = partner.title
        collection.save(update_fields=["name"])
    return collection


def _ensure_group_permissions(group, partner, collection, changes):
    label = f"group {group.name!r}"
    _ensure_exact(
        set(group.permissions.select_related("content_type")),
        set(_permissions(ADMIN_PERMISSIONS)),
        group.permissions.add,
        group.permissions.remove,
        label,
        changes,
    )

    _ensure_object_permissions(
        GroupPagePermission, "page", group, partner, PAGE_PERMISSIONS, "page permission", changes
    )
    _ensure_object_permissions(
        GroupCollectionPermission,
        "collection",
        group,
        collection,
        COLLECTION_PERMISSIONS,
        "collection permission",
        changes,
    )


def _ensure_object_permissions(model, field, group, target, pairs, kind, changes):
    """Make `group`'s rows of `model` (page or collection permissions) exactly `pairs` on
    `target`: rows on other pages or collections, or with other permissions, are removed."""
    wanted = {(target.pk, permission.pk): permission for permission in _permissions(pairs)}
    rows = model.objects.filter(group=group).select_related("permission", field)
    held = {(getattr(row, f"{field}_id"), row.permission_id): row for row in rows}
    for key in sorted(set(wanted) - set(held)):
        model.objects.create(group=group, permission=wanted[key], **{field: target})
        changes.append(f"gave group {group.name!r} {kind} {wanted[key].codename} on {str(target)!r}")
    for key in sorted(set(held) - set(wanted)):
        row = held[key]
        changes.append(
            f"took {kind} {row.permission.codename} on {str(getattr(row, field))!r} from group {group.name!r}"
        )
        row.delete()


def approvers_group():
    group, _ = Group.objects.get_or_create(name=APPROVERS_GROUP_NAME)
    return group


def _ensure_workflow(partner, changes):
    name = f"{partner.title} approval"[:255]
    task = PartnerApprovalTask.objects.filter(partner=partner).order_by("pk").first()
    if task is None:
        task = PartnerApprovalTask.objects.create(name=name, partner=partner)
        changes.append(f"created approval task {name!r}")
    elif task.name != name or not task.active:
        task.name, task.active = name, True
        task.save(update_fields=["name", "active"])
        changes.append(f"renamed or reactivated approval task {name!r}")
    approvers = approvers_group()
    if not task.groups.filter(pk=approvers.pk).exists() or task.groups.count() != 1:
        task.groups.set([approvers])
        changes.append(f"set approval task {name!r} approvers to {approvers.name!r}")

    workflow = Workflow.objects.filter(workflow_tasks__task=task).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=name, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        changes.append(f"created workflow {name!r}")
    elif workflow.name != name or not workflow.active:
        workflow.name, workflow.active = name, True
        workflow.save(update_fields=["name", "active"])
        changes.append(f"renamed or reactivated workflow {name!r}")

    assigned = WorkflowPage.objects.filter(page=partner).first()
    if assigned is None:
        WorkflowPage.objects.create(page=partner, workflow=workflow)
        changes.append(f"assigned workflow {name!r} to {partner.title!r}")
    elif assigned.workflow_id != workflow.pk:
        assigned.workflow = workflow
        assigned.save(update_fields=["workflow"])
        changes.append(f"reassigned {partner.title!r} to workflow {name!r}")


@transaction.atomic
def ensure_partner_access(partner):
    """Make the partner's groups, collection, permissions and workflow what they should be.

    Returns a list of what was created or fixed (empty when everything was already right)."""
    partner = PartnerPage.objects.get(pk=partner.pk)  # the saved title and path
    changes = []
    collection = _ensure_collection(partner, changes)
    for role in PartnerRole:
        group = _ensure_group(partner, role, changes)
        _ensure_group_permissions(group, partner, collection, changes)
    _ensure_workflow(partner, changes)
    return changes


def sync_all_partners():
    """{partner: changes} for every partner page."""
    return {partner: ensure_partner_access(partner) for partner in PartnerPage.objects.order_by("path")}


# Roles: who holds what, and what they may grant ------------------------------------------------


def partner_group(partner, role):
    return PartnerGroup.objects.select_related("group").get(partner=partner, role=role).group


def roles_held(user, partner):
    """The roles `user` holds for `partner` (through its groups)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(PartnerGroup.objects.filter(partner=partner, group__user=user).values_list("role", flat=True))


def is_partner_staff(user):
    """Staff who manage every partner's users (the permission, or a superuser)."""
    return user.is_active and user.has_perm("partners.invite_any_partner_user")


def invitable_roles(user, partner):
    """The roles `user` may invite people to for `partner`: staff any, a partner's manager
    only editors of that same partner, anyone else none."""
    if is_partner_staff(user):
        return {PartnerRole.EDITOR, PartnerRole.MANAGER}
    if PartnerRole.MANAGER in roles_held(user, partner):
        return {PartnerRole.EDITOR}
    return set()


def manageable_partners(user):
    """The partners whose users `user` may see and invite to."""
    if is_partner_staff(user):
        return PartnerPage.objects.order_by("title")
    if not user.is_authenticated:
        return PartnerPage.objects.none()
    return PartnerPage.objects.filter(
        access_groups__role=PartnerRole.MANAGER, access_groups__group__user=user
    ).order_by("title")


def members(partner):
    """(user, role) for each of the partner's users, managers first."""
    rows = (
        PartnerGroup.objects.filter(partner=partner)
        .prefetch_related("group__user_set")
        .order_by("-role")  # "manager" after "editor" alphabetically; managers first
    )
    return [(user, row.role) for row in rows for user in row.group.user_set.order_by("email")]


def can_deactivate(actor, partner, target, role):
    """Whether `actor` may take `role` for `partner` away from `target`.

    Staff may take any role; a manager only the editor role, of their own partner, from someone
    who is not staff and not themselves."""
    if actor.pk == target.pk:
        return False
    if is_partner_staff(actor):
        return True
    return (
        role == PartnerRole.EDITOR
        and PartnerRole.MANAGER in roles_held(actor, partner)
        and not target.is_superuser
        and not target.is_staff
    )


@transaction.atomic
def deactivate(actor, partner, target, role):
    """Take `role` for `partner` away from `target`. Their account stays (it may also be a
    learner's); they can no longer reach this partner's content in the admin."""
    if not can_deactivate(actor, partner, target, role):
        raise PermissionError("You may not deactivate this user.")
    partner_group(partner, role).user_set.remove(target)


# What a partner user may see of other partners' pages ------------------------------------------


def partner_pages_of(user):
    """The partner pages whose groups `user` is in."""
    return PartnerPage.objects.filter(access_groups__group__user=user).distinct()


def is_partner_only_user(user):
    """A partner's editor or manager with no page permissions beyond their partners' groups:
    the people whose admin views must show only their own partner's unpublished content."""
    if not user.is_authenticated or user.is_superuser:
        return False
    if not PartnerGroup.objects.filter(group__user=user).exists():
        return False
    return not GroupPagePermission.objects.filter(group__user=user, group__partner_role__isnull=True).exists()


def pages_visible_to_partner_user(pages, user):
    """`pages` cut to the user's own partners' subtrees (drafts and all) and, elsewhere, the
    live, public pages anyone can read on the site (co-branding partners, prerequisites)."""
    own = Q()
    for path in partner_pages_of(user).values_list("path", flat=True):
        own |= Q(path__startswith=path)
    public_ids = Page.objects.live().public().values("pk")
    if not own:
        return pages.filter(pk__in=public_ids)
    return pages.filter(own | Q(pk__in=public_ids))


def own_partner_paths(user):
    """The tree paths of the partner pages `user` works for: their own pages lie below them."""
    return tuple(partner_pages_of(user).values_list("path", flat=True))


def as_shown_outside_own_partner(page, own_paths):
    """`page` as a partner user may see it: below their own partner as it is (drafts are theirs
    to see); elsewhere with the title it was published with, never an unpublished rename.

    Wagtail's admin shows `draft_title` (`get_admin_display_title()`), and so would show another
    partner's rename before staff approve it. The answer is a copy for display, never saved; its
    parent is shown the same way (the chooser's search results name each page's parent)."""
    if page is None or page.path.startswith(own_paths):
        return page
    shown = copy.copy(page)
    shown.draft_title = page.title
    shown.get_parent = lambda update=False: as_shown_outside_own_partner(page.get_parent(update), own_paths)
    return shown


# What a partner user may see of the tags of others' images and documents ---------------------


def tags_on_objects_user_may_use(model, user, actions):
    """The tags used on `model` objects (images, documents) in the collections where `user`
    holds one of `actions` (Wagtail's collection permission policy)."""
    objects = policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)
    return Tag.objects.filter(
        taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(model),
        taggit_taggeditem_items__object_id__in=objects.values("pk"),
    )


def popular_tags_for_user(model, user, actions, count=10):
    """Wagtail's `popular_tags_for_model()` counting only the objects `user` may use: the ten
    tags the user's own images (or documents) use most, never another partner's (wagtail#7161).
    The filter and the count share one join, so only those objects are counted."""
    return (
        tags_on_objects_user_may_use(model, user, actions)
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count", "name")[:count]
    )


TAGGED_MEDIA_ACTIONS = ["change", "choose"]


def tag_names_for_partner_user(user, term, limit):
    """Tag names starting with `term` for the admin's tag field autocomplete: only those used on
    images and documents the partner user may change or choose. (Images and documents are the
    only tagged models here; tags of any other model are not offered to partner users.)"""
    if not term:
        return []
    used = Q()
    for model in (get_image_model(), get_document_model()):
        used |= Q(pk__in=tags_on_objects_user_may_use(model, user, TAGGED_MEDIA_ACTIONS).values("pk"))
    return list(
        Tag.objects.filter(used, name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:limit]
    )
