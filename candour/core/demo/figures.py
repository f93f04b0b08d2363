"""The numbers the demo data set is drawn from: one table per fact, so each is easy to change.

Everything here is synthetic. Headcounts are rounded approximations of the Home Office's
"Police workforce, England and Wales" tables (March 2024), shares and weights are rough
approximations of the IOPC's annual "Police complaints: statistics for England and Wales" and
of the national workforce statistics. They exist to make the demo look plausible, not to
describe any real force.
"""

from __future__ import annotations

import datetime as dt

SEED = 20150101

# Cases are received from START to END. The end is fixed (not date.today()) so that the same
# seed always gives the same data set; matters whose outcome would fall after END are open.
DEMO_START = dt.date(2015, 1, 1)
DEMO_END = dt.date(2026, 10, 31)

# Allegation categories: the lettered scheme until the IOPC's 2020 categories took over.
CATEGORIES_2020_FROM = dt.date(2020, 2, 1)

# Workforce rows per real person: 1:10, so the Met (about 34,000 officers) has about 3,400
# officer rows and is about 20 times Cambridgeshire (about 1,700 officers, 170 rows).
WORKFORCE_SCALE = 1 / 10

# Real headcounts in post at the end (rounded): officers, staff, PCSOs, specials, volunteers.
HEADCOUNTS: dict[str, dict[str, int]] = {
    "metropolitan": {
        "officer": 34000,
        "staff": 11500,
        "pcso": 1300,
        "special_constable": 1400,
        "volunteer": 1000,
    },
    "hertfordshire": {
        "officer": 2200,
        "staff": 1700,
        "pcso": 180,
        "special_constable": 250,
        "volunteer": 200,
    },
    "norfolk": {
        "officer": 1850,
        "staff": 1300,
        "pcso": 0,
        "special_constable": 200,
        "volunteer": 150,
    },
    "cambridgeshire": {
        "officer": 1700,
        "staff": 1150,
        "pcso": 80,
        "special_constable": 150,
        "volunteer": 120,
    },
    "bedfordshire": {
        "officer": 1450,
        "staff": 1000,
        "pcso": 60,
        "special_constable": 130,
        "volunteer": 100,
    },
    "suffolk": {
        "officer": 1400,
        "staff": 1000,
        "pcso": 40,
        "special_constable": 150,
        "volunteer": 100,
    },
}

# Short prefixes for the forces' case and person references.
FORCE_PREFIXES = {
    "metropolitan": "MPS",
    "hertfordshire": "HER",
    "norfolk": "NFK",
    "cambridgeshire": "CAM",
    "bedfordshire": "BED",
    "suffolk": "SFK",
}

# Share of each role's headcount that left during the demo period, per year (turnover).
ANNUAL_TURNOVER = {
    "officer": 0.06,
    "staff": 0.09,
    "pcso": 0.14,
    "special_constable": 0.18,
    "volunteer": 0.15,
}

# Roles that no longer exist in a force: people in them all left before the date given.
# Norfolk replaced its PCSOs in 2018 (about 150 posts).
ROLES_ENDED: dict[tuple[str, str], tuple[int, dt.date]] = {
    ("norfolk", "pcso"): (150, dt.date(2018, 4, 1)),
}

# Officer ranks: the national pyramid, approximately (constables about four in five).
OFFICER_RANKS = {
    "constable": 0.775,
    "sergeant": 0.135,
    "inspector": 0.05,
    "chief_inspector": 0.02,
    "superintendent": 0.01,
    "chief_superintendent": 0.0055,
    "chief_officer": 0.0045,
}

# Share of women by role; among officers it has risen with recent recruitment (see joined year).
FEMALE_SHARE = {
    "officer_before_2015": 0.27,
    "officer_since_2015": 0.41,
    "staff": 0.62,
    "pcso": 0.46,
    "special_constable": 0.31,
    "volunteer": 0.5,
}

# Longest length of service when the demo ends, in years, by role.
MAX_SERVICE_YEARS = {
    "officer": 32,
    "staff": 35,
    "pcso": 18,
    "special_constable": 15,
    "volunteer": 20,
}

# How likely each kind of person is to be named as a subject, relative to a constable.
SUBJECT_WEIGHTS = {
    "constable": 1.0,
    "sergeant": 0.8,
    "inspector": 0.5,
    "chief_inspector": 0.3,
    "superintendent": 0.25,
    "chief_superintendent": 0.2,
    "chief_officer": 0.15,
    "staff": 0.12,
    "pcso": 0.35,
    "special_constable": 0.3,
    "volunteer": 0.03,
}

# Case volumes: new matters a year per workforce row (at the 1:10 scale above). These are about
# a fifth of real rates, so the demo holds cases 1:50 and loads in seconds.
CASES_PER_HEAD_PER_YEAR = {"complaint": 0.06, "conduct_matter": 0.009, "dsi_matter": 0.0006}

# Year-on-year change: the 2020 reforms widened what counts as a complaint; conduct matters rose
# after 2021 (the murder of Sarah Everard, the data wash, the vetting inspection).
YEAR_TREND = {
    "complaint": {2020: 1.15, 2021: 1.25, 2022: 1.3, 2023: 1.3, 2024: 1.35, 2025: 1.35, 2026: 1.35},
    "conduct_matter": {2021: 1.3, 2022: 1.7, 2023: 1.8, 2024: 1.8, 2025: 1.75, 2026: 1.75},
    "dsi_matter": {},
}

# Allegations per matter, and identified subjects per allegation (0 = not identified).
ALLEGATIONS_PER_CASE = {
    "complaint": {1: 0.6, 2: 0.25, 3: 0.1, 4: 0.05},
    "conduct_matter": {1: 0.75, 2: 0.2, 3: 0.05},
    "dsi_matter": {1: 1.0},
}
SUBJECTS_PER_CASE = {
    "complaint": {0: 0.3, 1: 0.5, 2: 0.14, 3: 0.06},
    "conduct_matter": {1: 0.82, 2: 0.13, 3: 0.05},
    "dsi_matter": {0: 0.1, 1: 0.6, 2: 0.2, 3: 0.1},
}

# Category weights (codes of candour/reference/categories.csv) by kind of matter and period.
LEGACY_COMPLAINT_CATEGORIES = {
    "legacy_s_neglect_of_duty": 36,
    "legacy_u_incivility": 15,
    "legacy_t_procedure_irregularity": 8,
    "legacy_d_oppressive_conduct": 7,
    "legacy_c_other_assault": 6,
    "legacy_e_unlawful_arrest": 5,
    "legacy_q_lack_of_fairness": 5,
    "legacy_j_mishandling_property": 4,
    "legacy_f_discriminatory_behaviour": 3,
    "legacy_w_other": 3,
    "legacy_x_improper_disclosure": 2,
    "legacy_m_pace_code_c": 2,
    "legacy_g_evidence_irregularity": 1.5,
    "legacy_h_corrupt_practice": 1,
    "legacy_l_pace_code_b": 1,
    "legacy_k_pace_code_a": 1,
    "legacy_v_traffic_irregularity": 1,
    "legacy_r_multiple_pace": 0.5,
    "legacy_a_serious_non_sexual_assault": 0.3,
    "legacy_y_other_sexual_conduct": 0.3,
    "legacy_b_sexual_assault": 0.2,
    "legacy_n_pace_code_d": 0.2,
    "legacy_p_pace_code_e": 0.1,
}
COMPLAINT_2020_CATEGORIES = {
    "police_action_following_contact": 28,
    "decisions": 9,
    "general_level_of_service": 8,
    "information": 6,
    "arrest_and_detention": 6,
    "use_of_force": 4,
    "unprofessional_attitude": 4,
    "property_handling_or_damage": 4,
    "search_of_premises": 3,
    "detention_in_custody": 3,
    "impolite_language": 3,
    "overbearing_or_harassing": 3,
    "information_disclosure": 3,
    "evidential_procedures": 2,
    "other_powers_and_policies": 2,
    "impolite_actions": 2,
    "lack_of_fairness": 2,
    "other_complaint": 2,
    "bail_identification_interview": 1.5,
    "use_of_police_vehicles": 1.5,
    "discrimination_race": 1.5,
    "stop_and_search": 1,
    "discrimination_disability": 0.5,
    "abuse_of_position_other": 0.4,
    "discrimination_sex": 0.3,
    "discrimination_religion": 0.2,
    "discrimination_age": 0.2,
    "discrimination_sexual_orientation": 0.2,
    "sexual_assault": 0.15,
    "sexual_harassment": 0.15,
    "discrimination_other": 0.1,
    "abuse_of_position_sexual": 0.1,
    "abuse_of_position_emotional": 0.1,
    "other_sexual_conduct": 0.1,
    "discrimination_gender_reassignment": 0.05,
}
CONDUCT_CATEGORIES = {
    "discreditable_conduct": 30,
    "honesty_and_integrity": 15,
    "duties_and_responsibilities": 15,
    "authority_respect_courtesy": 12,
    "confidentiality": 8,
    "orders_and_instructions": 6,
    "equality_and_diversity": 5,
    "use_of_force_standard": 4,
    "fitness_for_work": 3,
    "challenging_improper_conduct": 2,
}
DSI_CATEGORIES_LEGACY = {
    "legacy_a_serious_non_sexual_assault": 3,
    "legacy_m_pace_code_c": 3,
    "legacy_s_neglect_of_duty": 2,
    "legacy_v_traffic_irregularity": 2,
}
DSI_CATEGORIES_2020 = {
    "detention_in_custody": 3,
    "use_of_force": 3,
    "police_action_following_contact": 2,
    "use_of_police_vehicles": 2,
}

# Flags added beyond a category's default flags: (category, flag, probability).
# Domestic abuse is no category: it is a theme of conduct matters about an officer's own
# relationships, and of a few complaints.
EXTRA_FLAGS: list[tuple[str, str, float]] = [
    ("discreditable_conduct", "domestic_abuse", 0.22),
    ("authority_respect_courtesy", "domestic_abuse", 0.05),
    ("honesty_and_integrity", "domestic_abuse", 0.03),
    ("discreditable_conduct", "sexual", 0.18),
    ("authority_respect_courtesy", "sexual", 0.06),
    ("honesty_and_integrity", "corruption", 0.25),
    ("confidentiality", "corruption", 0.35),
    ("discreditable_conduct", "dishonesty", 0.1),
    ("discreditable_conduct", "use_of_force", 0.05),
    ("overbearing_or_harassing", "domestic_abuse", 0.04),
    ("abuse_of_position_emotional", "vawg", 0.5),
    ("legacy_d_oppressive_conduct", "domestic_abuse", 0.03),
    ("impolite_actions", "discrimination", 0.1),
    ("lack_of_fairness", "discrimination", 0.15),
    ("legacy_q_lack_of_fairness", "discrimination", 0.1),
    ("arrest_and_detention", "use_of_force", 0.15),
    ("detention_in_custody", "use_of_force", 0.1),
    ("evidential_procedures", "dishonesty", 0.1),
    ("information_disclosure", "corruption", 0.1),
    ("legacy_x_improper_disclosure", "corruption", 0.1),
]
# Domestic abuse allegations are also violence against women and girls, most of the time.
DOMESTIC_ABUSE_VAWG_SHARE = 0.8
