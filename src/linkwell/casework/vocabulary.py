"""Casework vocabularies: discharge reasons, contact modes, risk flags.

Discharge reasons are a table (`DischargeReason`, loaded by migration 0002) with stable codes,
retired by `disabled_on`, never deleted. Each maps onto the referral's FHIR Task status and a
`referrals.ClosureReason` code, so closing a case closes the referral the referrer sees.
"""

from django.utils.translation import gettext_lazy as _

# code, label, referral status it moves to, referrals.ClosureReason code recorded
DISCHARGE_REASONS: list[tuple[str, str, str, str]] = [
    ("goals_met", _("Goals met"), "completed", "goals_met"),
    (
        "connected_to_community",
        _("Connected to community activities"),
        "completed",
        "connected_to_community",
    ),
    ("declined", _("The person decided not to continue"), "cancelled", "person_declined"),
    ("unable_to_contact", _("Unable to contact the person"), "failed", "unable_to_contact"),
    ("moved_away", _("The person moved away"), "cancelled", "person_moved"),
    ("needs_met_elsewhere", _("Needs met elsewhere"), "cancelled", "needs_met_elsewhere"),
    (
        "inappropriate_referral",
        _("Referral was not appropriate"),
        "cancelled",
        "inappropriate_referral",
    ),
]
DISCHARGE_REASON_LABELS = {code: label for code, label, _s, _r in DISCHARGE_REASONS}

# ClosureReason rows casework needs that the referrals vocabulary did not have. Added by
# casework migration 0002 (code, English label, applies_to). Labels here for translation.
EXTRA_CLOSURE_REASONS: list[tuple[str, str, list[str]]] = [
    ("connected_to_community", "Connected to community activities", ["completed"]),
    ("needs_met_elsewhere", "Needs met elsewhere", ["cancelled"]),
    ("inappropriate_referral", "Referral was not appropriate", ["cancelled"]),
]

# Risk flags a link worker can set on a case; each adds 1 to the case's complexity weight.
RISK_FLAGS: list[tuple[str, str]] = [
    ("lone_working", _("Lone working risk")),
    ("safeguarding", _("Safeguarding concern")),
    ("self_harm", _("Risk of self-harm")),
    ("aggression", _("History of aggression")),
    ("home_hazard", _("Home hazard (for example dogs or hoarding)")),
]
RISK_FLAG_LABELS = dict(RISK_FLAGS)
