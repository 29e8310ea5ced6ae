"""Routes that issuers call: the signed callback reporting a credential (issuance/callbacks.py)."""

from django.urls import path

from .callbacks import issuer_callback

# <dbid:…> is the project's database-id converter, registered by config/urls.py before it
# includes this module: an id past 2^63 - 1 is a 404, not a database error.
urlpatterns = [
    path("issuance/callback/<dbid:endpoint_id>/", issuer_callback, name="issuer_callback"),
]
