"""The catalog: competency frameworks, microcredentials and the pathways they stack into.

Page tree: Home → Catalog (CatalogIndexPage) → PartnerPage → MicrocredentialPage / PathwayPage.

One module per concept; every name is re-exported here, so `from catalog.models import X`
works whichever module X lives in.
"""

# Dependency order, which is also the order the models register in (and their content types
# are created in): that of the former single module, but for CatalogIndexPage, now last.
# isort: off
from .vocabulary import (
    ZERO,
    AssessmentMethod,
    DeliveryFormat,
    Grading,
    Level,
    PartnerRole,
    PathwayOutcome,
    ProficiencyLevel,
)
from .competencies import Competency, CompetencyFramework
from .microcredentials import (
    SHORT_CODE_VALIDATOR,
    MicrocredentialManager,
    MicrocredentialPage,
    MicrocredentialQuerySet,
    provider_id_for_path,
)
from .microcredential_links import (
    MicrocredentialCompetency,
    MicrocredentialPartner,
    MicrocredentialPrerequisite,
    find_prerequisite_problem,
)
from .cobranding import CoBrandingConsent, ConsentStatus, with_consent
from .pathways import PathwayPage, PathwayStep, PathwayTotals
from .catalog_index import CatalogIndexPage

# isort: on

__all__ = [
    "ZERO",
    "SHORT_CODE_VALIDATOR",
    "AssessmentMethod",
    "CatalogIndexPage",
    "CoBrandingConsent",
    "Competency",
    "ConsentStatus",
    "CompetencyFramework",
    "DeliveryFormat",
    "Grading",
    "Level",
    "MicrocredentialCompetency",
    "MicrocredentialManager",
    "MicrocredentialPage",
    "MicrocredentialPartner",
    "MicrocredentialPrerequisite",
    "MicrocredentialQuerySet",
    "PartnerRole",
    "PathwayOutcome",
    "PathwayPage",
    "PathwayStep",
    "PathwayTotals",
    "ProficiencyLevel",
    "find_prerequisite_problem",
    "provider_id_for_path",
    "with_consent",
]
