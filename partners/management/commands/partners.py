from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from partners.access import sync_all_partners
from partners.invitations import create_invitation
from partners.models import PartnerPage, PartnerRole


class Command(BaseCommand):
    help = (
        "Partners' access. `sync`: give every partner its groups (editors, managers), page and "
        "collection permissions and approval workflow, fixing what differs (safe to run again). "
        "`invite EMAIL --partner SLUG --role editor|manager`: email a one-time link and print it."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="sync|invite")
        commands.add_parser("sync", help="Create or fix every partner's groups, permissions and workflow.")
        invite = commands.add_parser("invite", help="Invite someone to a partner; prints the one-time link.")
        invite.add_argument("email")
        invite.add_argument(
            "--partner", required=True, help="The partner page's slug, e.g. arizona-state-university."
        )
        invite.add_argument("--role", required=True, choices=PartnerRole.values)

    def handle(self, *args, action, **options):
        if action == "sync":
            self.sync()
        else:
            self.invite(options["email"], options["partner"], options["role"])

    def sync(self):
        results = sync_all_partners()
        if not results:
            self.stdout.write("No partners yet.")
        for partner, changes in results.items():
            if changes:
                self.stdout.write(self.style.SUCCESS(f"{partner.title}: {len(changes)} change(s)"))
                for change in changes:
                    self.stdout.write(f"  + {change}")
            else:
                self.stdout.write(f"{partner.title}: already right")

    def invite(self, email, slug, role):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        partner = PartnerPage.objects.filter(slug=slug).first()
        if partner is None:
            known = ", ".join(PartnerPage.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"No partner with the slug {slug!r}. Partners: {known}.")
        invitation, link = create_invitation(email, partner, role)
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {invitation.email} as {invitation.get_role_display().lower()} of {partner.title}; "
                f"email sent. The link works once, until {invitation.expires_at:%Y-%m-%d %H:%M} UTC:"
            )
        )
        self.stdout.write(link)
