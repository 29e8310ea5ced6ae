"""Demo catalog content, drawn from the case studies in the domain reading (shared/seeds).

Arizona State University's Universal Learner Courses ($25 non-credit, $400 to convert to
credit, earned admission), SUNY's system-wide microcredential policy and Registered
Apprenticeship alignment, the Colorado Community College System's employer-designed
manufacturing badges and micro-pathways, and Penn State's "Library Connection" badge series
that builds into an "Uber Badge". Course details are illustrative, not the institutions' own.
"""

from decimal import Decimal

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

ASU_CREDIT = {
    "credit_eligible": True,
    "credit_hours": Decimal("3.0"),
    "credit_conversion_fee": Decimal("400.00"),
    "credit_granting_institution": "arizona-state-university",
}


def _credit(hours, fee, institution):
    return {
        "credit_eligible": True,
        "credit_hours": Decimal(hours),
        "credit_conversion_fee": Decimal(fee),
        "credit_granting_institution": institution,
    }


FAQ_ASU = {
    "type": "faq",
    "value": {
        "heading": "Frequently asked questions",
        "questions": [
            {
                "question": "Do I need to apply to ASU?",
                "answer": "<p>No. Anyone can enrol in a Universal Learner Course without an application.</p>",
            },
            {
                "question": "When can I convert to credit?",
                "answer": (
                    "<p>Add the $400 credit conversion at checkout, or later from My learning once you "
                    "have passed. Credit appears on an ASU transcript and transfers to universities "
                    "that accept ASU credit.</p>"
                ),
            },
        ],
    },
}

# Each credential: its partner (parent page) and fields; competencies as (code, proficiency 1–4,
# assessment method); co-branding partners as (slug, role); prerequisites by short code.
CREDENTIALS = [
    {
        "partner": "arizona-state-university",
        "short_code": "ASU-PM-101",
        "title": "Project Management Foundations",
        "summary": "Plan, schedule and steer a small project from charter to close, with a real project plan as your assessment.",
        "level": 1,
        "delivery_format": "online_self_paced",
        "notional_hours": 45,
        "duration_weeks": 7,
        "assessment_method": "project",
        "assessment_description": "You submit a project charter, schedule and risk register for a project of your choice.",
        "grading": "letter",
        "price": Decimal("25.00"),
        **ASU_CREDIT,
        "competencies": [
            ("PM.1", 2, "project"),
            ("PM.2", 2, "project"),
            ("PM.3", 1, "quizzes"),
            ("PM.4", 1, "project"),
        ],
        "body": [
            {
                "type": "paragraph",
                "value": "<h2>What you will do</h2><p>Work through seven weekly modules on scope, scheduling, risk and communication. Each week ends with a short quiz; the course ends with a project plan graded by ASU faculty.</p>",
            },
            FAQ_ASU,
        ],
    },
    {
        "partner": "arizona-state-university",
        "short_code": "ASU-BDA-110",
        "title": "Applied Business Data Analytics I: Spreadsheets",
        "summary": "Clean, summarise and question business data in spreadsheets — the first course of ASU's data analytics Mastery Certificate.",
        "level": 1,
        "delivery_format": "online_self_paced",
        "notional_hours": 40,
        "duration_weeks": 6,
        "assessment_method": "project",
        "assessment_description": "A graded analysis of a retail sales data set.",
        "grading": "letter",
        "price": Decimal("25.00"),
        **ASU_CREDIT,
        "competencies": [("DA.1", 2, "project"), ("DA.2", 2, "quizzes")],
        "body": [
            {
                "type": "paragraph",
                "value": "<p>Start from messy exports and finish with tidy tables, pivot summaries and a one-page memo for a manager.</p>",
            },
            {
                "type": "quote",
                "value": {
                    "text": "I used the pivot-table project in my interview and got the analyst job.",
                    "attribution": "Jordan P.",
                    "role": "Universal Learner",
                },
            },
            FAQ_ASU,
        ],
    },
    {
        "partner": "arizona-state-university",
        "short_code": "ASU-BDA-120",
        "title": "Data Visualisation for Business Decisions",
        "summary": "Turn analysis into charts and dashboards that answer a business question and persuade non-specialists.",
        "level": 2,
        "delivery_format": "online_cohort",
        "notional_hours": 45,
        "duration_weeks": 7,
        "assessment_method": "portfolio",
        "assessment_description": "A portfolio of three dashboards reviewed by an instructor and an employer panel.",
        "grading": "letter",
        "price": Decimal("25.00"),
        **ASU_CREDIT,
        "competencies": [("DA.3", 3, "portfolio"), ("DA.4", 2, "performance")],
        "partners": [("education-design-lab", "co_developer")],
        "prerequisites": ["ASU-BDA-110"],
        "body": [
            {
                "type": "paragraph",
                "value": "<p>Cohorts meet online once a week to critique each other's dashboards.</p>",
            },
            FAQ_ASU,
        ],
    },
    {
        "partner": "arizona-state-university",
        "short_code": "ASU-BDA-130",
        "title": "Business Statistics with Real Data",
        "summary": "Descriptive statistics, sampling and confidence intervals applied to questions managers actually ask.",
        "level": 2,
        "delivery_format": "online_self_paced",
        "notional_hours": 45,
        "duration_weeks": 7,
        "assessment_method": "exam",
        "assessment_description": "A proctored online final exam.",
        "grading": "letter",
        "price": Decimal("25.00"),
        **ASU_CREDIT,
        "competencies": [("DA.2", 3, "exam"), ("DA.4", 1, "exam")],
        "prerequisites": ["ASU-BDA-110"],
        "body": [FAQ_ASU],
    },
    {
        "partner": "suny-empire-state-university",
        "short_code": "SUNY-AM-101",
        "title": "Advanced Manufacturing Safety and Quality (Apprenticeship)",
        "summary": "The classroom component of a NYS Registered Apprenticeship in advanced manufacturing, as a stackable microcredential.",
        "level": 1,
        "delivery_format": "hybrid",
        "notional_hours": 60,
        "duration_weeks": 10,
        "assessment_method": "performance",
        "assessment_description": "Observed on the shop floor by your apprenticeship supervisor, plus an online test.",
        "grading": "pass_fail",
        "price": Decimal("150.00"),
        **_credit("4.0", "0.00", "suny-empire-state-university"),
        "competencies": [("MF.1", 2, "performance"), ("MF.2", 2, "performance"), ("MF.4", 1, "exam")],
        "partners": [("front-range-manufacturing-alliance", "employer_endorser")],
        "body": [
            {
                "type": "paragraph",
                "value": "<p>Aligned to the related-instruction hours of a New York State Department of Labor Registered Apprenticeship; credit applies to SUNY associate degrees at no extra charge.</p>",
            }
        ],
    },
    {
        "partner": "suny-empire-state-university",
        "short_code": "SUNY-DL-201",
        "title": "Digital Skills for the Modern Workplace",
        "summary": "Everyday security habits, spreadsheet basics and online collaboration for adult learners returning to work.",
        "level": 1,
        "delivery_format": "online_self_paced",
        "notional_hours": 30,
        "duration_weeks": 5,
        "assessment_method": "quizzes",
        "grading": "pass_fail",
        "price": Decimal("0.00"),
        "competencies": [("IT.3", 1, "quizzes"), ("IT.4", 1, "quizzes"), ("DA.1", 1, "quizzes")],
        "body": [
            {
                "type": "paragraph",
                "value": "<p>Free for New York residents through SUNY's workforce programme.</p>",
            }
        ],
    },
    {
        "partner": "suny-empire-state-university",
        "short_code": "SUNY-CYB-110",
        "title": "Cybersecurity Essentials",
        "summary": "Secure a small-office network and spot social engineering before it costs your employer.",
        "level": 2,
        "delivery_format": "online_cohort",
        "notional_hours": 50,
        "duration_weeks": 8,
        "assessment_method": "project",
        "assessment_description": "Harden a virtual small-office network and write the incident playbook.",
        "grading": "letter",
        "price": Decimal("295.00"),
        **_credit("3.0", "250.00", "suny-empire-state-university"),
        "competencies": [("IT.2", 3, "project"), ("IT.3", 3, "project"), ("IT.4", 2, "performance")],
        "prerequisites": ["SUNY-DL-201"],
        "body": [],
    },
    {
        "partner": "colorado-community-college-system",
        "short_code": "CCCS-MFG-101",
        "title": "Manufacturing Badge 1: Workplace Safety",
        "summary": "The first of the employer-designed manufacturing badges: safe work on a production floor.",
        "level": 1,
        "delivery_format": "in_person",
        "notional_hours": 24,
        "duration_weeks": 3,
        "assessment_method": "performance",
        "assessment_description": "A lab check-off observed by an instructor and an industry partner.",
        "grading": "pass_fail",
        "price": Decimal("75.00"),
        **_credit("1.0", "0.00", "colorado-community-college-system"),
        "competencies": [("MF.1", 2, "performance")],
        "partners": [("front-range-manufacturing-alliance", "co_developer")],
        "body": [
            {
                "type": "paragraph",
                "value": "<p>Designed at a summit of Front Range manufacturers about the skills they could not hire for. Counts toward the Associate of Applied Science in Advanced Manufacturing.</p>",
            }
        ],
    },
    {
        "partner": "colorado-community-college-system",
        "short_code": "CCCS-MFG-102",
        "title": "Manufacturing Badge 2: Precision Measurement",
        "summary": "Measure parts with calipers, micrometers and gauges, and read the drawings that specify them.",
        "level": 1,
        "delivery_format": "in_person",
        "notional_hours": 32,
        "duration_weeks": 4,
        "assessment_method": "performance",
        "grading": "pass_fail",
        "price": Decimal("75.00"),
        **_credit("1.0", "0.00", "colorado-community-college-system"),
        "competencies": [("MF.3", 2, "performance"), ("MF.4", 2, "exam"), ("MF.2", 1, "performance")],
        "partners": [("front-range-manufacturing-alliance", "co_developer")],
        "prerequisites": ["CCCS-MFG-101"],
        "body": [],
    },
    {
        "partner": "colorado-community-college-system",
        "short_code": "CCCS-MFG-103",
        "title": "Manufacturing Badge 3: CNC Operation",
        "summary": "Set up, run and inspect jobs on a CNC mill under production conditions.",
        "level": 2,
        "delivery_format": "in_person",
        "notional_hours": 48,
        "duration_weeks": 6,
        "assessment_method": "performance",
        "grading": "pass_fail",
        "price": Decimal("120.00"),
        **_credit("2.0", "0.00", "colorado-community-college-system"),
        "competencies": [("MF.5", 2, "performance"), ("MF.2", 2, "performance")],
        "partners": [("front-range-manufacturing-alliance", "employer_endorser")],
        "prerequisites": ["CCCS-MFG-102"],
        "body": [
            {
                "type": "call_to_action",
                "value": {
                    "heading": "Hiring CNC operators?",
                    "text": "Front Range Manufacturing Alliance members interview badge earners first.",
                    "button_label": "Read about the alliance",
                    "page": None,
                    "url": "https://example.org/frma",
                },
            },
        ],
    },
    {
        "partner": "colorado-community-college-system",
        "short_code": "CCCS-HC-101",
        "title": "Patient Care Fundamentals (Healthcare Micro-Pathway)",
        "summary": "Vital signs, infection prevention and patient communication: the first step of the CCCS healthcare micro-pathway.",
        "level": 1,
        "delivery_format": "hybrid",
        "notional_hours": 36,
        "duration_weeks": 6,
        "assessment_method": "performance",
        "grading": "pass_fail",
        "price": Decimal("95.00"),
        "competencies": [("HC.1", 2, "performance"), ("HC.2", 2, "performance"), ("HC.3", 2, "exam")],
        "partners": [("education-design-lab", "co_developer")],
        "body": [],
    },
    {
        "partner": "penn-state-university-libraries",
        "short_code": "PSU-LIB-101",
        "title": "Library Connection: Finding and Requesting Materials",
        "summary": "Find books and articles, request what the library does not hold, and get help from a librarian.",
        "level": 1,
        "delivery_format": "online_self_paced",
        "notional_hours": 3,
        "duration_weeks": 1,
        "assessment_method": "quizzes",
        "grading": "pass_fail",
        "price": Decimal("0.00"),
        "competencies": [("IL.1", 1, "quizzes")],
        "body": [],
    },
    {
        "partner": "penn-state-university-libraries",
        "short_code": "PSU-LIB-102",
        "title": "Library Connection: Citation and Academic Integrity",
        "summary": "Cite sources correctly and understand what academic integrity asks of you.",
        "level": 1,
        "delivery_format": "online_self_paced",
        "notional_hours": 3,
        "duration_weeks": 1,
        "assessment_method": "quizzes",
        "grading": "pass_fail",
        "price": Decimal("0.00"),
        "competencies": [("IL.2", 1, "quizzes")],
        "body": [],
    },
    {
        "partner": "penn-state-university-libraries",
        "short_code": "PSU-LIB-103",
        "title": "Library Connection: Evaluating Sources",
        "summary": "Judge whether a source is credible, current and relevant before you rely on it.",
        "level": 1,
        "delivery_format": "online_self_paced",
        "notional_hours": 3,
        "duration_weeks": 1,
        "assessment_method": "quizzes",
        "grading": "pass_fail",
        "price": Decimal("0.00"),
        "competencies": [("IL.3", 1, "quizzes")],
        "body": [],
    },
    {
        "partner": "penn-state-university-libraries",
        "short_code": "PSU-LIB-UBER",
        "title": "Information Literacy Uber Badge",
        "summary": "The summative badge of the Library Connection series: a researched argument that shows holistic information literacy.",
        "level": 2,
        "delivery_format": "online_self_paced",
        "notional_hours": 10,
        "duration_weeks": 3,
        "assessment_method": "capstone",
        "assessment_description": "A short researched paper reviewed by a librarian.",
        "grading": "pass_fail",
        "price": Decimal("0.00"),
        "competencies": [("IL.3", 2, "capstone"), ("IL.4", 2, "capstone"), ("IL.2", 2, "capstone")],
        "prerequisites": ["PSU-LIB-101", "PSU-LIB-102", "PSU-LIB-103"],
        "body": [
            {
                "type": "quote",
                "value": {
                    "text": "Students who earned the badges used better sources and cited them properly.",
                    "attribution": "Penn State Libraries",
                    "role": "programme review",
                },
            }
        ],
    },
]

PATHWAYS = [
    {
        "parent": "arizona-state-university",
        "slug": "applied-business-data-analytics",
        "title": "Applied Business Data Analytics Mastery Certificate",
        "intro": "Four courses that take you from spreadsheets to dashboards — and, with credit, toward admission to an ASU bachelor's degree.",
        "outcome": "degree_admission",
        "outcome_description": "A Mastery Certificate and 12 ASU credit hours toward earned admission",
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
