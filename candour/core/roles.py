"""Roles and what each may do: the one table the access rules read.

Deny by default: a capability not listed for a role is refused, in pages and API alike.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    INVESTIGATOR = "investigator", "PSD investigator"
    APPROPRIATE_AUTHORITY = "appropriate_authority", "Appropriate authority"
    VETTING_OFFICER = "vetting_officer", "Vetting officer"
    CCU_ANALYST = "ccu_analyst", "Counter-corruption analyst"
    FOI_OFFICER = "foi_officer", "FOI officer"
    PCC_OFFICE = "pcc_office", "PCC office"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    NEIGHBOURHOOD_TEAM = "neighbourhood_team", "Neighbourhood policing team"


class Capability(models.TextChoices):
    VIEW_CASES = "view_cases", "Read case records"
    EDIT_CASES = "edit_cases", "Record and change cases"
    DECIDE_OUTCOMES = "decide_outcomes", "Decide severity and outcomes"
    VIEW_COMPLAINANTS = "view_complainants", "Read complainants' personal details"
    EXPORT_CASES = "export_cases", "Export case records"
    VIEW_VETTING = "view_vetting", "Read and decide vetting"
    VIEW_INTELLIGENCE = "view_intelligence", "Early-warning patterns"
    VIEW_STATISTICS = "view_statistics", "Statistics for the user's forces"
    SEE_SMALL_NUMBERS = (
        "see_small_numbers",
        "See counts below the disclosure threshold (inside the force only)",
    )
    ANSWER_FOI = "answer_foi", "Prepare FOI answers"
    REPORT_TO_IOPC = "report_to_iopc", "Prepare the force's quarterly return to the IOPC"
    ADMINISTER = "administer", "Manage users and reference data"
    VIEW_STREETSAFE = "view_streetsafe", "StreetSafe hotspots and patrol plans"
    RECORD_AREA_ACTIONS = "record_area_actions", "Record what was done in a StreetSafe area"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.INVESTIGATOR: frozenset(
        {
            Capability.VIEW_CASES,
            Capability.EDIT_CASES,
            Capability.VIEW_COMPLAINANTS,
            Capability.VIEW_STATISTICS,
            Capability.SEE_SMALL_NUMBERS,
            Capability.REPORT_TO_IOPC,
        }
    ),
    Role.APPROPRIATE_AUTHORITY: frozenset(
        {
            Capability.VIEW_CASES,
            Capability.EDIT_CASES,
            Capability.DECIDE_OUTCOMES,
            Capability.VIEW_COMPLAINANTS,
            Capability.EXPORT_CASES,
            Capability.VIEW_STATISTICS,
            Capability.SEE_SMALL_NUMBERS,
            Capability.REPORT_TO_IOPC,
        }
    ),
    # Small numbers are shown only to roles that read the records they count anyway; a role
    # that hands figures out (FOI, the PCC's office, neighbourhood teams) sees them withheld.
    Role.VETTING_OFFICER: frozenset(
        {Capability.VIEW_VETTING, Capability.VIEW_STATISTICS, Capability.SEE_SMALL_NUMBERS}
    ),
    Role.CCU_ANALYST: frozenset(
        {
            Capability.VIEW_CASES,
            Capability.VIEW_INTELLIGENCE,
            Capability.VIEW_STATISTICS,
            Capability.SEE_SMALL_NUMBERS,
        }
    ),
    Role.FOI_OFFICER: frozenset(
        {Capability.VIEW_STATISTICS, Capability.ANSWER_FOI, Capability.REPORT_TO_IOPC}
    ),
    Role.PCC_OFFICE: frozenset({Capability.VIEW_STATISTICS, Capability.VIEW_STREETSAFE}),
    Role.SYSTEM_ADMIN: frozenset({Capability.ADMINISTER}),
    Role.NEIGHBOURHOOD_TEAM: frozenset(
        {Capability.VIEW_STREETSAFE, Capability.RECORD_AREA_ACTIONS, Capability.VIEW_STATISTICS}
    ),
}

# Roles that can see personal case or vetting data must use two-factor authentication.
SENSITIVE_CAPABILITIES = frozenset(
    {
        Capability.VIEW_CASES,
        Capability.VIEW_VETTING,
        Capability.VIEW_INTELLIGENCE,
        Capability.ADMINISTER,
    }
)


def capabilities_of(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())
