"""What checkout tells the apps above it, which it must not import.

issuance listens: a refunded enrolment that was completed has its badge revoked.
"""

from django.dispatch import Signal

# Sent inside the refund's transaction, right after an enrolment is saved as revoked, so that a
# receiver's writes commit or roll back with the refund; kwargs: enrolment, previous_status.
enrolment_revoked = Signal()
