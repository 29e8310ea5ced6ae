"""Logging in needs a confirmed email address, whichever login page is used."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's model backend, refusing accounts whose address is not confirmed yet.

    The check is in authenticate(), not user_can_authenticate(), so it closes every login page
    (the site's, the Wagtail admin's) but leaves sessions alone: a learner signed in by the
    confirmation link stays signed in. The site's login form passes `allow_unconfirmed=True` to
    tell a right password on an unconfirmed account from a wrong one, and offers the
    confirmation email again (accounts/forms.py); the password is checked the same way in
    both cases, so the answer's timing tells nothing either.
    """

    def authenticate(self, request, username=None, password=None, allow_unconfirmed=False, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not (allow_unconfirmed or user.email_verified):
            return None
        return user

    async def aauthenticate(self, request, username=None, password=None, allow_unconfirmed=False, **kwargs):
        user = await super().aauthenticate(request, username=username, password=password, **kwargs)
        if user is not None and not (allow_unconfirmed or user.email_verified):
            return None
        return user
