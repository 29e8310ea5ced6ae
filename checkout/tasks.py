"""Background work for checkout: the emailed receipt.

Sent from the task worker after the payment is committed, so a slow or failing mail server never
delays or undoes a fulfilment (the webhook must answer Stripe quickly).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task


@task()
def send_receipt_email(order_id):
    from .models import Order

    order = Order.objects.select_related("user").prefetch_related("lines").get(pk=order_id)
    context = {"order": order, "site_url": getattr(settings, "WAGTAILADMIN_BASE_URL", "")}
    send_mail(
        subject=f"Your receipt for order {order.number}",
        message=render_to_string("checkout/emails/receipt.txt", context),
        from_email=None,
        recipient_list=[order.user.email],
    )
