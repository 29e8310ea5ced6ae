"""Demo catalog content, drawn from the case studies in the domain reading (shared/seeds).

Arizona State University's Universal Learner Courses ($25 non-credit, $400 to convert to
credit, earned admission), SUNY's system-wide microcredential policy and Registered
Apprenticeship alignment, the Colorado Community College System's employer-designed
manufacturing badges and micro-pathways, and Penn State's "Library Connection" badge series
that builds into an "Uber Badge". Course details are illustrative, not the institutions' own.
"""

from .credentials import CREDENTIALS  # noqa: F401  (content.CREDENTIALS, with the rest of the demo)

CASE_FRAMEWORK_FILE = "catalog/fixtures/case/workforce-skills.json"

CATALOG = {
    "title": "Microcredential catalog",
    "slug": "catalog",
    "intro": (
        "<p>Short, stackable credentials from universities, colleges, employers and professional "
        "associations. Each one certifies specific competencies, is assessed, and can count toward "
        "a larger pathway — many can be converted to academic credit now or later.</p>"
    ),
}

HOME = {
    "title": "Home",
    "hero_heading": "Short credentials that employers recognise",
    "hero_text": (
        "Learn an in-demand skill in weeks, prove it with an assessed, shareable badge, and stack "
        "it toward a certificate or a degree."
    ),
}

# slug: (title, kind, colour, initials, website, description)
PARTNERS = [
    {
        "slug": "arizona-state-university",
        "title": "Arizona State University",
        "kind": "university",
        "brand_colour": "#8C1D40",
        "initials": "ASU",
        "website": "https://www.asu.edu/",
        "short_description": (
            "Universal Learner Courses open to anyone: take a course for $25 without applying, pay "
            "$400 to convert it to ASU credit, and earn admission by completing 24 credit hours."
        ),
    },
    {
        "slug": "suny-empire-state-university",
        "title": "SUNY Empire State University",
        "kind": "university",
        "brand_colour": "#005A9C",
        "initials": "SUNY",
        "website": "https://www.sunyempire.edu/",
        "short_description": (
            "A SUNY campus offering microcredentials under SUNY's system-wide policy, aligned to "
            "New York State Registered Apprenticeships and stackable into associate and bachelor's degrees."
        ),
    },
    {
        "slug": "colorado-community-college-system",
        "title": "Colorado Community College System",
        "kind": "college",
        "brand_colour": "#00467F",
        "initials": "CCCS",
        "website": "https://www.cccs.edu/",
        "short_description": (
            "Digital badges designed with local employers and embedded in Associate of Applied Science "
            "degrees, plus micro-pathways in energy, manufacturing and healthcare."
        ),
    },
    {
        "slug": "penn-state-university-libraries",
        "title": "Penn State University Libraries",
        "kind": "university",
        "brand_colour": "#1E407C",
        "initials": "PSU",
        "website": "https://libraries.psu.edu/",
        "short_description": (
            "The “Library Connection” badge series recognises information-literacy skills and builds "
            "into a summative Uber Badge."
        ),
    },
    {
        "slug": "front-range-manufacturing-alliance",
        "title": "Front Range Manufacturing Alliance",
        "kind": "employer",
        "brand_colour": "#E35205",
        "initials": "FRMA",
        "website": "",
        "short_description": (
            "A consortium of Colorado manufacturers (fictional, for the demo) that helped design the "
            "CCCS manufacturing badges and interviews badge earners first."
        ),
    },
    {
        "slug": "education-design-lab",
        "title": "Education Design Lab",
        "kind": "nonprofit",
        "brand_colour": "#2E7D32",
        "initials": "EDL",
        "website": "https://eddesignlab.org/",
        "short_description": (
            "A nonprofit that co-designs micro-pathways with colleges and employers, including the "
            "CCCS energy and healthcare micro-pathways."
        ),
    },
]

PATHWAYS = [
    {
        "parent": "arizona-state-university",
        "slug": "applied-business-data-analytics",
        "title": "Applied Business Data Analytics Mastery Certificate",
        "intro": "Three courses — two required, and your choice of a third — that take you from spreadsheets to dashboards and, with credit, toward admission to an ASU bachelor's degree.",
        "outcome": "degree_admission",
        "outcome_description": "A Mastery Certificate and 9 ASU credit hours toward earned admission",
        "electives_required": 1,
        "steps": [
            ("ASU-BDA-110", True),
            ("ASU-BDA-120", True),
            ("ASU-BDA-130", False),
            ("ASU-PM-101", False),
        ],
    },
    {
        "parent": "colorado-community-college-system",
        "slug": "advanced-manufacturing-micro-pathway",
        "title": "Advanced Manufacturing Micro-Pathway",
        "intro": "Three employer-designed badges you can earn in a semester, each one a step toward the AAS degree.",
        "outcome": "certificate",
        "outcome_description": "A CCCS Manufacturing Technician certificate, endorsed by Front Range employers",
        "electives_required": 0,
        "steps": [("CCCS-MFG-101", True), ("CCCS-MFG-102", True), ("CCCS-MFG-103", True)],
    },
    {
        "parent": "penn-state-university-libraries",
        "slug": "library-connection-series",
        "title": "Library Connection Badge Series",
        "intro": "Introductory library badges that build into a summative Uber Badge in information literacy.",
        "outcome": "capstone_badge",
        "outcome_description": "The Information Literacy Uber Badge",
        "electives_required": 0,
        "steps": [
            ("PSU-LIB-101", True),
            ("PSU-LIB-102", True),
            ("PSU-LIB-103", True),
            ("PSU-LIB-UBER", True),
        ],
    },
]

FEATURED = ["ASU-BDA-110", "CCCS-MFG-101", "SUNY-CYB-110", "PSU-LIB-UBER"]

DEMO_ADMIN_EMAIL = "admin@example.com"
DEMO_ADMIN_PASSWORD = "demo-admin-password"

# A partner editor (docs/PARTNERS.md): edits Arizona State University's pages; staff approve.
DEMO_PARTNER_EDITOR_EMAIL = "asu-editor@example.com"
DEMO_PARTNER_EDITOR_PASSWORD = "demo-partner-password"
DEMO_PARTNER_EDITOR_PARTNER = "arizona-state-university"
