"""The default organisation: an illustrative French commune of 500 staff.

Services, headcounts and working relations are typical of a town of about
25,000 inhabitants (assumption, with the service list of the study's collectivités:
reception, mail, HR, finance, social, technical, IT...). The five tools are a
representative set drawn from the nine projects of the CNFPT 2018 study
(section "D. Synoptique").

Plain data only, so that :mod:`simulation.scenario.records` can build its defaults from it.
"""

from __future__ import annotations

#: (name, headcount) of each service.
SERVICES: tuple[tuple[str, int], ...] = (
    ("direction_generale", 12),
    ("accueil_etat_civil", 35),
    ("courrier_assemblees", 10),
    ("ressources_humaines", 18),
    ("finances_commande_publique", 22),
    ("action_sociale", 45),
    ("education_periscolaire", 110),
    ("services_techniques", 150),
    ("culture_mediatheque", 40),
    ("urbanisme", 15),
    ("systemes_information", 10),
    ("police_municipale", 20),
    ("sports", 13),
)

#: The job type of each service's posts (see :data:`simulation.scenario.organisation.JOB_TYPES`):
#: front office for the services that receive the public, field for work outside the
#: offices, management for the general direction, back office for the rest.
JOB_TYPES: dict[str, str] = {
    "direction_generale": "management",
    "accueil_etat_civil": "front_office",
    "courrier_assemblees": "back_office",
    "ressources_humaines": "back_office",
    "finances_commande_publique": "back_office",
    "action_sociale": "front_office",
    "education_periscolaire": "field",
    "services_techniques": "field",
    "culture_mediatheque": "front_office",
    "urbanisme": "back_office",
    "systemes_information": "back_office",
    "police_municipale": "field",
    "sports": "field",
}

#: (service, service, weight 0-1) working relations between services.
RELATIONS: tuple[tuple[str, str, float], ...] = (
    ("direction_generale", "ressources_humaines", 0.6),
    ("direction_generale", "finances_commande_publique", 0.6),
    ("direction_generale", "courrier_assemblees", 0.6),
    ("direction_generale", "systemes_information", 0.4),
    ("direction_generale", "services_techniques", 0.3),
    ("direction_generale", "action_sociale", 0.3),
    ("accueil_etat_civil", "courrier_assemblees", 0.6),
    ("accueil_etat_civil", "action_sociale", 0.5),
    ("accueil_etat_civil", "education_periscolaire", 0.5),
    ("accueil_etat_civil", "urbanisme", 0.4),
    ("accueil_etat_civil", "police_municipale", 0.3),
    ("courrier_assemblees", "finances_commande_publique", 0.4),
    ("courrier_assemblees", "ressources_humaines", 0.3),
    ("ressources_humaines", "finances_commande_publique", 0.5),
    ("finances_commande_publique", "services_techniques", 0.5),
    ("systemes_information", "accueil_etat_civil", 0.3),
    ("systemes_information", "finances_commande_publique", 0.3),
    ("systemes_information", "ressources_humaines", 0.3),
    ("services_techniques", "urbanisme", 0.6),
    ("services_techniques", "education_periscolaire", 0.4),
    ("services_techniques", "sports", 0.4),
    ("services_techniques", "police_municipale", 0.3),
    ("culture_mediatheque", "education_periscolaire", 0.4),
    ("sports", "education_periscolaire", 0.4),
    ("action_sociale", "education_periscolaire", 0.3),
)

#: (name, SAMR level, target services or "all", information load, description).
TOOLS: tuple[tuple[str, str, tuple[str, ...] | str, float, str], ...] = (
    (
        "ged_courrier",
        "modification",
        "all",
        1.0,
        "Dematerialised mail and shared document management, reorganising mail handling "
        "in every service.",
    ),
    (
        "suite_collaborative",
        "augmentation",
        "all",
        3.0,
        "Shared e-mail, calendars and documents; the heaviest information load.",
    ),
    (
        "parapheur_finances",
        "augmentation",
        (
            "direction_generale",
            "finances_commande_publique",
            "ressources_humaines",
            "courrier_assemblees",
        ),
        1.0,
        "E-signature and dematerialised financial chain.",
    ),
    (
        "portail_usagers",
        "modification",
        (
            "accueil_etat_civil",
            "action_sociale",
            "education_periscolaire",
            "culture_mediatheque",
            "sports",
            "urbanisme",
        ),
        1.5,
        "Citizen portal and relationship management, as Parthenay's citizen card.",
    ),
    (
        "interventions_mobiles",
        "augmentation",
        ("services_techniques", "urbanisme", "police_municipale"),
        1.0,
        "Field interventions on tablets with GIS (Morbihan énergies).",
    ),
)
