"""The integration API, version 1 (docs/API.md). Routed under /api/v1/ by config/urls.py.

Both spellings of each address (with and without the final slash) answer: an LMS that drops the
slash would otherwise get a redirect, which loses a POST's body.
"""

from django.urls import re_path

from . import api

urlpatterns = [
    re_path(r"^enrolments/?$", api.enrolments, name="api_enrolments"),
    re_path(r"^completions/?$", api.completions, name="api_completions"),
]
