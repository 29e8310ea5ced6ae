from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from .forms import AcceptInvitationForm
from .invitations import InvitationUnusable, accept_invitation, existing_account, find_invitation

TEMPLATE = "partners/accept_invitation.html"


class AcceptInvitationView(View):
    """The emailed link. A new address chooses a name and password; an address that already
    has an account logs in first (through the throttled login page) and then accepts with one
    button. Either way the user ends in the partner's group, signed in, in the admin.

    Opening the link changes nothing, so a mail scanner cannot use it up."""

    def dispatch(self, request, token):
        try:
            self.invitation = find_invitation(token)
        except InvitationUnusable as unusable:
            return render(request, "partners/invitation_unusable.html", {"reason": str(unusable)}, status=410)
        self.account = existing_account(self.invitation)
        return super().dispatch(request, token)

    def get(self, request, token):
        return self.page(request, AcceptInvitationForm(email=self.invitation.email))

    def post(self, request, token):
        signed_in_as_account = self.account is not None and request.user.pk == self.account.pk
        if signed_in_as_account:
            return self.accept(request, user=request.user)
        if self.account is not None or request.user.is_authenticated:
            # Someone else's session, or an existing account not yet logged in: nothing to accept.
            return self.page(request, None, status=403)
        form = AcceptInvitationForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self.page(request, form, status=400)
        return self.accept(
            request,
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )

    def accept(self, request, **details):
        try:
            user = accept_invitation(self.invitation, **details)
        except InvitationUnusable as unusable:
            return render(request, "partners/invitation_unusable.html", {"reason": str(unusable)}, status=410)
        login(request, user, backend="accounts.backends.EmailBackend")
        return redirect("wagtailadmin_home")

    def page(self, request, form, status=200):
        login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
        context = {
            "invitation": self.invitation,
            "account": self.account,
            "signed_in_as_account": self.account is not None and request.user.pk == self.account.pk,
            "signed_in_as_other": request.user.is_authenticated
            and (self.account is None or request.user.pk != self.account.pk),
            "login_url": login_url,
            "form": form if self.account is None else None,
        }
        return render(request, TEMPLATE, context, status=status)
