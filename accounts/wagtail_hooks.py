from wagtail import hooks


@hooks.register("after_create_user")
def staff_vouch_for_the_address(request, user):
    """Accounts staff create in the Wagtail admin count as confirmed: staff typed the address,
    and an editor must not be stopped at the admin's login page by a link they never got."""
    user.mark_email_verified()
