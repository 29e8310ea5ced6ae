"""Sending one delivery: sign, POST, record, and schedule the next try. (Being written: s15-webhooks.)"""


def attempt_delivery(delivery_id):
    raise NotImplementedError("s15-webhooks implements the sender")
