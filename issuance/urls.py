from django.urls import path

from . import views

# The learner's pages. <dbid:...> (a database id, 1 to 2^63 - 1) is registered by config/urls.py
# before it includes these routes: config/converters.py.
app_name = "issuance"

urlpatterns = [
    path("my-learning/", views.my_learning, name="my_learning"),
    path(
        "my-learning/credentials/<dbid:completion_id>/view/",
        views.view_credential,
        name="view_credential",
    ),
    path(
        "my-learning/credentials/<dbid:completion_id>/linkedin/",
        views.add_to_linkedin,
        name="add_to_linkedin",
    ),
]
