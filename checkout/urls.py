from django.urls import path

from config import converters  # noqa: F401  (registers <dbid:...>)

from . import views

app_name = "checkout"

urlpatterns = [
    path("my-learning/", views.my_learning, name="my_learning"),
    path("my-learning/receipts/<str:number>/", views.receipt, name="receipt"),
    path("my-learning/credit/<dbid:credential_id>/", views.start_credit, name="start_credit"),
    path("checkout/enrol-free/<dbid:credential_id>/", views.enrol_in_free_credential, name="enrol_free"),
    path("checkout/enrol/<dbid:credential_id>/", views.start, name="start"),
    path("checkout/orders/<str:number>/", views.pay, name="pay"),
    path("checkout/orders/<str:number>/complete/", views.complete, name="complete"),
]
