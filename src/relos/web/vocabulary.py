"""Readable, translatable names for the codes the treaty data and the services use.

Each label is marked with N_ so `pybabel extract` finds it; templates translate it with
the `label` filter at render time. An unknown code is shown as it is.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, don't translate"
    return message


LABELS: dict[str, str] = {
    # purposes
    "joint_exercise": N_("Joint exercise"),
    "training": N_("Training"),
    "counter_terrorism": N_("Counter-terrorism"),
    "evacuation": N_("Evacuation"),
    "humanitarian_assistance": N_("Humanitarian assistance"),
    "disaster_relief": N_("Disaster relief"),
    # cap categories and element kinds
    "warships": N_("Warships"),
    "aircraft": N_("Aircraft"),
    "personnel": N_("Personnel"),
    "warship": N_("Warship"),
    # facility capacities
    "berths": N_("berths"),
    "stands": N_("aircraft stands"),
    "accommodation": N_("accommodation"),
    "max draught": N_("max draught"),
    # facility kinds
    "port": N_("Port"),
    "airfield": N_("Airfield"),
    "training_range": N_("Training range"),
    "airspace": N_("Airspace"),
    # deployment statuses
    "cleared": N_("Cleared"),
    "pending_host_consent": N_("Awaiting host consent"),
    "declined": N_("Declined"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    # support orders
    "requested": N_("Requested"),
    "signed": N_("Signed by one side"),
    "agreed": N_("Agreed"),
    "partially_delivered": N_("Partially delivered"),
    "delivered": N_("Delivered"),
    "settled": N_("Settled"),
    "closed": N_("Closed"),
    # settlement methods
    "cash": N_("Cash"),
    "replacement_in_kind": N_("Replacement in kind"),
    "equal_value_exchange": N_("Equal-value exchange"),
    # renewal rules
    "mutual_consent": N_("Extendable by mutual consent"),
    "automatic": N_("Renews automatically"),
    "none": N_("No renewal"),
    # roles
    "viewer": N_("Viewer"),
    "planner": N_("Staff planner"),
    "host_liaison": N_("Host liaison officer"),
    "logistics": N_("Logistics officer"),
    "finance": N_("Finance officer"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
    # planner comparison
    "diff_feasible": N_("Feasible with the agreements"),
    "diff_baseline_feasible": N_("Feasible without them"),
    "diff_enabled_by_agreements": N_("Possible only with the agreements"),
    "diff_distance_nm": N_("Change in distance (nm)"),
    "diff_days": N_("Change in days"),
    "diff_fuel_t": N_("Change in fuel (t)"),
    "diff_stops": N_("Change in stops"),
    # planner objectives
    "distance": N_("Shortest distance"),
    "time": N_("Fastest"),
    "cost": N_("Cheapest"),
    "diff_cost": N_("Change in fuel cost"),
    "stops": N_("Fewest stops"),
}

# Violation codes (docs/deployments.md "The rules"), shown beside the element that breaks the rule.
VIOLATIONS: dict[str, str] = {
    "invalid_period": N_("The period is not well formed: the end must come after the start."),
    "party_not_in_agreement": N_("The deploying party is not a party to this agreement."),
    "agreement_not_in_force": N_("The agreement is not in force for the whole period."),
    "purpose_not_permitted": N_("The agreement does not permit this purpose."),
    "facility_unknown": N_("No such facility."),
    "facility_not_in_host_territory": N_("The facility is not on the host's territory."),
    "facility_kind_not_covered": N_("The agreement does not cover this kind of facility."),
    "facility_unsuitable": N_("The facility cannot take this element."),
    "facility_capacity_exceeded": N_("The facility's capacity would be exceeded."),
    "cap_exceeded": N_("The cap would be exceeded."),
    "unit_double_booked": N_("This unit is already deployed in an overlapping period."),
    "notice_too_short": N_("Filed with too little notice."),
}
