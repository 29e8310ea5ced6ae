from django.urls import path

from . import views

app_name = "checkout"

urlpatterns = [
    path("my-learning/", views.my_learning, name="my_learning"),
    path("my-learning/receipts/<str:number>/", views.receipt, name="receipt"),
    path("checkout/enrol-free/<int:credential_id>/", views.enrol_in_free_credential, name="enrol_free"),
]
