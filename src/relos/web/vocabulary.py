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
    # logistics categories (the agreements' lists)
    "fuel": N_("Fuel"),
    "lubricants": N_("Lubricants"),
    "water": N_("Water"),
    "provisions": N_("Provisions"),
    "billeting": N_("Billeting"),
    "transportation": N_("Transportation"),
    "communications": N_("Communications"),
    "medical": N_("Medical services"),
    "maintenance": N_("Maintenance"),
    "spare_parts": N_("Spare parts"),
    "port_services": N_("Port services"),
    "airfield_services": N_("Airfield services"),
    "storage": N_("Storage"),
    "training_services": N_("Training services"),
    "ammunition": N_("Ammunition"),
    "weapon_systems": N_("Weapon systems"),
    # ledger posting kinds (statement lines)
    "delivery": N_("Delivery"),
    "settlement": N_("Settlement"),
    "reversal": N_("Reversal"),
    # deployment history
    "filed": N_("filed"),
    "amended": N_("amended"),
    "approved": N_("exception approved"),
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
    # inbox items
    "consent_requested": N_("Consent requested"),
    "signature_requested": N_("Signature requested"),
    "receipt_requested": N_("Delivery to acknowledge"),
    "settlement_overdue": N_("Settlement overdue"),
    "notice_due": N_("Notice to the host due"),
    "agreement_expiring": N_("Agreement expiring"),
    "extension_consent": N_("Extension consent outstanding"),
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
    # support orders and settlements
    "agreement_unknown": N_("No such agreement."),
    "no_logistics": N_("The agreement provides for no logistics support."),
    "same_party": N_("The requesting and supplying parties must differ."),
    "missing_element": N_("Something required is missing."),
    "invalid_quantity": N_("The quantity must be a positive number."),
    "unknown_line": N_("The order has no such line."),
    "facility_not_in_supplier_territory": N_("The facility is not on the supplier's territory."),
    "deployment_unknown": N_("No such deployment."),
    "deployment_mismatch": N_("The deployment does not belong to this agreement and party."),
    "counter_order_unknown": N_("No such counter-order."),
    "counter_order_mismatch": N_("The counter-order must run the other way under the agreement."),
    "settlement_not_permitted": N_("The agreement does not provide for this settlement method."),
    "category_excluded": N_("The agreement excludes this category of support."),
    "category_not_covered": N_("The agreement does not cover this category of support."),
    "no_price": N_("No price is in force for this item."),
    "over_delivery": N_("More would be delivered than was ordered."),
    "over_settlement": N_("More would be settled than is owed."),
}

# Problems in an uploaded price list or rate file, by code (each names its row).
IMPORT_PROBLEMS: dict[str, str] = {
    "missing_element": N_("a required column is empty"),
    "unknown_currency": N_("unknown currency"),
    "invalid_value": N_("a value is not valid (number, date or party code)"),
    "invalid_rate": N_("the rate must be positive"),
    "invalid_period": N_("valid_to is before valid_from"),
    "overlapping_period": N_("its period overlaps another price for the same item"),
}


# What happened, by the audit trail's action (the event type without its version); the
# code itself stays searchable with `q` and is kept in the row's data-action attribute.
AUDIT_ACTIONS: dict[str, str] = {
    "agreement.consent_recorded": N_("Consent to extend recorded"),
    "agreement.loaded": N_("Agreement loaded"),
    "deployment.amended": N_("Deployment amended"),
    "deployment.approved": N_("Exception approved by the host"),
    "deployment.cancelled": N_("Deployment cancelled"),
    "deployment.completed": N_("Deployment completed"),
    "deployment.declined": N_("Exception declined by the host"),
    "deployment.filed": N_("Deployment filed"),
    "exchange_rates.imported": N_("Exchange rates imported"),
    "facility.loaded": N_("Facility loaded"),
    "facility.withdrawn": N_("Facility withdrawn"),
    "ledger.posting_reversed": N_("Ledger posting reversed"),
    "ledger.postings_imported": N_("Ledger postings imported"),
    "platform.loaded": N_("Platform loaded"),
    "platform.withdrawn": N_("Platform withdrawn"),
    "price_list.imported": N_("Price list imported"),
    "settlement.recorded": N_("Settlement recorded"),
    "support_order.delivered": N_("Delivery received"),
    "support_order.raised": N_("Support order raised"),
    "support_order.signed": N_("Support order signed"),
    "token.issued": N_("Token issued"),
    "token.revoked": N_("Token revoked"),
    "user.added": N_("User added"),
    "user.disabled": N_("User disabled"),
    "user.enabled": N_("User enabled"),
    "user.password_set": N_("Password set"),
}

# The kind of record an audit entry is about.
RECORD_TYPES: dict[str, str] = {
    "agreement": N_("Agreement"),
    "deployment": N_("Deployment"),
    "support_order": N_("Support order"),
    "settlement": N_("Settlement entry"),
    "user": N_("User"),
    "token": N_("Token"),
    "facility": N_("Facility"),
    "platform": N_("Platform"),
    "price_list": N_("Price list"),
    "exchange_rates": N_("Exchange rates"),
    "posting": N_("Ledger posting"),
    "ledger": N_("Ledger"),
}

# Units of price lists and orders, as a reader of the page's language writes them.
UNITS: dict[str, str] = {
    "t": N_("t"),
    "kg": N_("kg"),
    "l": N_("l"),
    "m3": N_("m³"),
    "h": N_("h"),
    "pack": N_("pack"),
    "ea": N_("ea."),
}

# Item codes of the demo price lists that read as words (NATO fuel codes such as F-76 are
# the same in every language and are shown as they are).
ITEMS: dict[str, str] = {
    "ration-pack": N_("Ration pack"),
    "fresh-water": N_("Fresh water"),
    "hull-maintenance": N_("Hull maintenance"),
    "lube-oil": N_("Lubricating oil"),
}
