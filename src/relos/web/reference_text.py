"""Agreement titles, short names, sources and notes as the catalogues translate them.

These are the English texts of the agreement files (relos/data/agreements); each is marked
here so the extraction puts it in the catalogues, where the Russian form is kept. The page
translates a reference text through the `ref` filter; a text missing here (an agreement
file changed or added) shows as it is, and the Russian page test reports it.
"""

from __future__ import annotations

from relos.web.vocabulary import N_

REFERENCE_TEXTS: tuple[str, ...] = (
    # titles
    N_(
        "Agreement between India and Russia on Reciprocal Exchange of Logistics Support (RELOS)"
        " and the deployment of military formations, warships and aircraft"
    ),
    N_("Logistics Exchange Memorandum of Agreement between India and the United States"),
    N_(
        "Agreement between India and France regarding the Provision of Reciprocal Logistics"
        " Support between their Armed Forces"
    ),
    N_(
        "Agreement between India and Japan concerning Reciprocal Provision of Supplies and"
        " Services between their Self-Defense Forces and Armed Forces"
    ),
    N_("Mutual Logistics Support Arrangement between India and Australia"),
    # short names
    N_("India–France RLS"),
    N_("India–Japan RPSS"),
    # sources
    N_(
        "Signed 18 Feb 2025 in Moscow; ratified by the State Duma 2 Dec 2025; signed into"
        " Russian law 15 Dec 2025."
    ),
    N_(
        "Caps of 5 warships, 10 aircraft and 3,000 personnel at the same time, 'unless"
        " otherwise agreed'; initial term 5 years extendable by mutual consent (India Defense,"
        " 'Russian Duma Ratifies Defence Treaty...')."
    ),
    N_("Ship visits notified at least 14 days ahead."),
    N_("Signed 29 Aug 2016 in Washington by the defence ministers of India and the United States."),
    N_("Signed 10 Mar 2018 in New Delhi during the French President's state visit."),
    N_("Signed 10 Sep 2020 in New Delhi."),
    N_("Signed 4 Jun 2020 at the India–Australia virtual summit."),
    # notes
    N_(
        "Crews are not counted as personnel: the text caps warships and personnel separately"
        " and does not say whether crews count against 3,000; relos reads the personnel cap as"
        " troops ashore and counts crews with their ships."
    ),
    N_(
        "Purposes as published at signature: joint exercises, training missions,"
        " counter-terrorism, evacuation and humanitarian assistance (with disaster relief)."
    ),
    N_(
        "A LEMOA-type pact: reciprocal logistics support during port calls, exercises, training,"
        " humanitarian and disaster relief; it grants no basing or standing access, so relos"
        " records no access caps for it."
    ),
)
