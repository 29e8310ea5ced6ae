import unicodedata

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone


def normalize_email_address(value):
    """The one spelling of an address that accounts are stored, looked up and throttled under.

    NFKC folds compatibility forms (a phone's full-width "ａｎａ＠ｅｘａｍｐｌｅ．ｏｒｇ" is
    "ana@example.org") and casefold() lowers every script ("Straße" and "STRASSE" agree), the
    second NFKC tidying what casefolding composes (Unicode's NFKC_Casefold). Sign-up, login,
    password reset and the login throttle all go through here, so two spellings that reach the
    same account can never be counted, or registered, apart.
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return unicodedata.normalize("NFKC", text.casefold())


class UserManager(BaseUserManager):
    """Creates users identified by email, as the default manager cannot without a username."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return normalize_email_address(email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        # Made by an operator on the command line (or seed_demo), who vouches for the address.
        extra_fields.setdefault("email_verified_at", timezone.now())
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Stored addresses are normalised, so an exact match on the normalised input finds
        # "Ana@Example.org" and "ａｎａ@example.org" alike, on SQLite (whose LIKE folds ASCII only)
        # as on PostgreSQL.
        return self.get(email=normalize_email_address(email))


class User(AbstractUser):
    """A learner, editor or partner, who signs in with an email address.

    It exists from the first migration because Django cannot swap the user model later.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    email_verified_at = models.DateTimeField(
        "email confirmed at",
        null=True,
        blank=True,
        help_text=(
            "When this address was shown to reach its owner (the sign-up confirmation link or a "
            "password reset), or staff vouched for it. Empty: not confirmed, and no login."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def email_verified(self):
        """Whether mail to `email` is known to reach this user: the public check for anything sent
        to the address on the learner's behalf (badges), and for logging in (accounts.backends)."""
        return self.email_verified_at is not None

    def mark_email_verified(self):
        if self.email_verified_at is None:
            self.email_verified_at = timezone.now()
            self.save(update_fields=["email_verified_at"])

    @classmethod
    def normalize_username(cls, username):
        # AbstractBaseUser.clean() normalises the USERNAME_FIELD, which is the email here.
        return normalize_email_address(username)

    def clean(self):
        super().clean()
        self.email = normalize_email_address(self.email)
