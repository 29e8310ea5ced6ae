"""The Issuance menu in the Wagtail admin."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from .admin.deliveries import DeliveryViewSet, ViewOnlyPermissionPolicy
from .admin.endpoints import (
    PAUSE_ACTION,
    RESUME_ACTION,
    ROTATE_ACTION,
    EndpointPermissionPolicy,
    IssuerEndpointViewSet,
)
from .models import Delivery, IssuerEndpoint

# Endpoints are never deleted (their deliveries are history); deliveries are only viewed (and
# replayed, by users with "Can change delivery").
register_permission_policy(IssuerEndpoint, EndpointPermissionPolicy(IssuerEndpoint))
register_permission_policy(Delivery, ViewOnlyPermissionPolicy(Delivery))


class IssuanceViewSetGroup(ViewSetGroup):
    items = (
        IssuerEndpointViewSet("issuer_endpoints"),
        DeliveryViewSet("deliveries"),
    )
    menu_icon = "doc-full-inverse"
    menu_label = "Issuance"
    menu_name = "issuance"


@hooks.register("register_admin_viewset")
def register_issuance_viewsets():
    return IssuanceViewSetGroup()


@hooks.register("register_log_actions")
def register_endpoint_log_actions(actions):
    actions.register_action(ROTATE_ACTION, "Rotate signing secret", "Signing secret rotated")
    actions.register_action(PAUSE_ACTION, "Pause issuer endpoint", "Issuer endpoint paused")
    actions.register_action(RESUME_ACTION, "Resume issuer endpoint", "Issuer endpoint resumed")
