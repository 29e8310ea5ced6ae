from django.urls import path

from . import views

# <dbid:...> (a database id, 1 to 2^63 - 1) is registered by config/urls.py before it includes
# these routes: config/converters.py.
# My learning itself (/my-learning/) is issuance's page (issuance/urls.py); receipts and the
# credit purchase stay here under its address.
app_name = "checkout"

urlpatterns = [
    path("my-learning/receipts/<str:number>/", views.receipt, name="receipt"),
    path("my-learning/credit/<dbid:credential_id>/", views.start_credit, name="start_credit"),
    path("checkout/enrol-free/<dbid:credential_id>/", views.enrol_in_free_credential, name="enrol_free"),
    path("checkout/enrol/<dbid:credential_id>/", views.start, name="start"),
    path("checkout/orders/<str:number>/", views.pay, name="pay"),
    path("checkout/orders/<str:number>/complete/", views.complete, name="complete"),
]
