"""The fixed vocabularies catalog fields choose from.

Kept apart from the models that use them so that forms, search facets and imports can name a
level or a format without pulling in page classes.
"""

from decimal import Decimal

from django.db import models

ZERO = Decimal("0.00")


class Level(models.IntegerChoices):
    """How advanced a credential is; an integer so that listings can sort and filter by it."""

    INTRODUCTORY = 1, "Introductory"
    INTERMEDIATE = 2, "Intermediate"
    ADVANCED = 3, "Advanced"


class ProficiencyLevel(models.IntegerChoices):
    """The proficiency a credential brings a learner to in one competency."""

    FOUNDATIONAL = 1, "Foundational"
    INTERMEDIATE = 2, "Intermediate"
    ADVANCED = 3, "Advanced"
    EXPERT = 4, "Expert"


class DeliveryFormat(models.TextChoices):
    ONLINE_SELF_PACED = "online_self_paced", "Online, self-paced"
    ONLINE_COHORT = "online_cohort", "Online, cohort-based"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


class AssessmentMethod(models.TextChoices):
    PROJECT = "project", "Applied project"
    EXAM = "exam", "Proctored exam"
    PORTFOLIO = "portfolio", "Portfolio review"
    PERFORMANCE = "performance", "Observed performance"
    QUIZZES = "quizzes", "Online quizzes"
    CAPSTONE = "capstone", "Capstone"


class Grading(models.TextChoices):
    PASS_FAIL = "pass_fail", "Pass/fail"
    LETTER = "letter", "Letter grade"


class PartnerRole(models.TextChoices):
    LEAD_INSTITUTION = "lead", "Lead institution"
    CO_DEVELOPER = "co_developer", "Co-developer"
    EMPLOYER_ENDORSER = "employer_endorser", "Employer endorser"


class PathwayOutcome(models.TextChoices):
    CERTIFICATE = "certificate", "Certificate"
    CAPSTONE_BADGE = "capstone_badge", "Capstone badge"
    DEGREE_ADMISSION = "degree_admission", "Earned admission to a degree"
    ACADEMIC_CREDIT = "academic_credit", "Block of academic credit"
