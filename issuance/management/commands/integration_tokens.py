from django.core.management.base import BaseCommand, CommandError

from issuance.models import IntegrationToken
from issuance.tokens import issue_token, revoke_token, scope_label
from partners.models import PartnerPage


class Command(BaseCommand):
    help = (
        "Manage the tokens LMSs and assessment platforms use for the integration API (docs/API.md). "
        "`add NAME (--partner SLUG ... | --all-partners)` prints the new token once (only its hash is "
        "stored); "
        "`list` shows every token; `revoke ID` stops one working at once."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,list,revoke}")
        add = actions.add_parser("add", help="Make a token and print it once.")
        add.add_argument("name", help="Who uses it, e.g. 'Canvas at ASU'.")
        add.add_argument(
            "--partner",
            action="append",
            default=[],
            metavar="SLUG",
            help="Limit it to the credentials this partner offers (its page's slug); repeat for more.",
        )
        add.add_argument(
            "--all-partners",
            action="store_true",
            help="Cover every partner's credentials, including partners added later. Give this or "
            "--partner, not both.",
        )
        actions.add_parser(
            "list", help="List tokens: id, name, prefix, partners, created, last used, revoked."
        )
        revoke = actions.add_parser("revoke", help="Revoke a token by its id (from `list`).")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_add(self, name, partner, all_partners, **options):
        if all_partners and partner:
            raise CommandError("Give --partner SLUG or --all-partners, not both.")
        if not all_partners and not partner:
            raise CommandError(
                "Say which partners the token covers: --partner SLUG (repeatable), or --all-partners "
                "for every partner."
            )
        name = name.strip()
        if not name:
            raise CommandError("Give the token a name, e.g. 'Canvas at ASU'.")
        max_length = IntegrationToken._meta.get_field("name").max_length
        if len(name) > max_length:
            raise CommandError(f"The name is longer than {max_length} characters.")
        partners = [self.partner(slug) for slug in dict.fromkeys(partner)]
        row, token = issue_token(name, partners=partners, all_partners=all_partners)
        self.stdout.write(f"Token {row.pk} for {row.name} ({scope_label(row)}):")
        self.stdout.write(token)
        self.stderr.write(self.style.WARNING("Copy it now: it is not stored and cannot be shown again."))

    def partner(self, slug):
        found = list(PartnerPage.objects.filter(slug=slug))
        if len(found) == 1:
            return found[0]
        if found:
            raise CommandError(f"More than one partner has the slug {slug!r}.")
        known = ", ".join(PartnerPage.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No partner with the slug {slug!r}. Partners: {known}.")

    def handle_list(self, **options):
        tokens = IntegrationToken.objects.prefetch_related("partners").order_by("pk")
        if not tokens:
            self.stdout.write("No integration tokens yet: `manage.py integration_tokens add NAME` makes one.")
        for row in tokens:
            last_used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
            state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
            self.stdout.write(
                f"{row.pk}\t{row.name}\t{row.token_prefix}…\t{scope_label(row)}\t"
                f"created {row.created_at:%Y-%m-%d %H:%M}\tlast used {last_used}\t{state}"
            )

    def handle_revoke(self, id, **options):
        row = IntegrationToken.objects.filter(pk=id).first() if 0 < id < 2**63 else None
        if row is None:
            raise CommandError(f"No integration token with id {id}; `integration_tokens list` shows them.")
        if revoke_token(row):
            self.stdout.write(self.style.SUCCESS(f"Revoked token {row.pk} ({row.name})."))
        else:
            self.stdout.write(f"Token {row.pk} ({row.name}) was already revoked.")
