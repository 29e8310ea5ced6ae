"""Issuer endpoints from the command line: add (printing the new secret once), list, rotate,
pause, resume. The same rules as the admin (issuance/admin/endpoints.py)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction

from catalog.models import MicrocredentialPage
from issuance import outbox
from issuance.models import DeliveryStatus, IssuerEndpoint
from partners.models import PartnerPage


class Command(BaseCommand):
    help = (
        "Manage the badge issuers completions are sent to. `add URL [--partner SLUG]… "
        "[--credential CODE]… [--description TEXT]` prints the endpoint's whsec_ signing secret "
        "once; `list`; `rotate ID` prints a new secret once; `pause ID`; `resume ID` (also enables "
        "an endpoint a 410 disabled, and sends what waited)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{add,list,rotate,pause,resume}"
        )
        add = actions.add_parser("add", help="Add an endpoint and print its secret once.")
        add.add_argument("url")
        add.add_argument(
            "--partner", action="append", default=[], metavar="SLUG", help="A partner it covers (repeatable)."
        )
        add.add_argument(
            "--credential",
            action="append",
            default=[],
            metavar="CODE",
            help="A credential's code (repeatable).",
        )
        add.add_argument("--description", default="")
        add.add_argument("--paused", action="store_true", help="Start paused.")
        actions.add_parser("list", help="List endpoints and their state.")
        for name, text in (
            ("rotate", "Make a new secret and print it once."),
            ("pause", "Hold the endpoint's deliveries."),
            ("resume", "Send again (and enable, if disabled)."),
        ):
            actions.add_parser(name, help=text).add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_add(self, url, partner, credential, description, paused, **options):
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommandError(f"{url!r} is not an http(s) URL.") from None
        if len(url) > IssuerEndpoint._meta.get_field("url").max_length:
            raise CommandError("The URL is longer than 500 characters.")
        partners = []
        for slug in partner:
            found = PartnerPage.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No partner with the slug {slug!r}.")
            partners.append(found)
        credentials = []
        for code in credential:
            found = MicrocredentialPage.objects.filter(short_code=code).first()
            if found is None:
                raise CommandError(f"No credential with the code {code!r}.")
            credentials.append(found)
        with transaction.atomic():
            endpoint = IssuerEndpoint.objects.create(url=url, description=description[:200], is_paused=paused)
            endpoint.partners.set(partners)
            endpoint.microcredentials.set(credentials)
        covers = ", ".join([p.title for p in partners] + [c.title for c in credentials]) or "everything"
        self.stdout.write(
            self.style.SUCCESS(f"Added issuer endpoint {endpoint.pk}: {url} (covers {covers}).")
        )
        self.print_secret(endpoint.secret)

    def handle_list(self, **options):
        endpoints = IssuerEndpoint.objects.prefetch_related("partners", "microcredentials")
        if not endpoints:
            self.stdout.write("No issuer endpoints.")
        for endpoint in endpoints:
            if endpoint.disabled_at:
                state = f"disabled {endpoint.disabled_at:%Y-%m-%d %H:%M} ({endpoint.disabled_reason})"
            else:
                state = "paused" if endpoint.is_paused else "active"
            names = [p.title for p in endpoint.partners.all()] + [
                c.title for c in endpoint.microcredentials.all()
            ]
            waiting = endpoint.deliveries.filter(status=DeliveryStatus.PENDING).count()
            dead = endpoint.deliveries.filter(status=DeliveryStatus.DEAD).count()
            self.stdout.write(
                f"{endpoint.pk}\t{endpoint.url}\t{state}\tcovers: {', '.join(names) or 'everything'}"
                f"\tpending {waiting}, dead {dead}"
            )

    def endpoint(self, pk):
        try:
            return IssuerEndpoint.objects.get(pk=pk)
        except IssuerEndpoint.DoesNotExist:
            raise CommandError(f"No issuer endpoint {pk}.") from None

    def handle_rotate(self, id, **options):
        endpoint = self.endpoint(id)
        secret = endpoint.rotate_secret()
        self.stdout.write(self.style.SUCCESS(f"New secret for {endpoint.url}; the old one no longer signs."))
        self.print_secret(secret)

    def handle_pause(self, id, **options):
        endpoint = self.endpoint(id)
        outbox.pause(endpoint)
        self.stdout.write(f"Paused {endpoint.url}: its deliveries wait until it is resumed.")

    def handle_resume(self, id, **options):
        endpoint = self.endpoint(id)
        sent = outbox.resume(endpoint)
        self.stdout.write(f"Resumed {endpoint.url}: {len(sent)} waiting delivery(ies) queued.")

    def print_secret(self, secret):
        self.stdout.write(f"Signing secret (shown once, give it to the issuer): {secret}")
