"""``transnum init``: a ready-to-edit description of one's own organisation.

The starter is four files: ``scenario.yaml`` (commented, in French),
``organisation.xlsx`` (a workbook with a « Services » sheet of the services and their
headcounts, to be replaced by one's own, a « Relations » sheet of working relations
between services, optional and empty at first, and an « Aide » sheet explaining each
column), and the same two tables as CSV files, ``services.csv`` and
``relations.csv``, for those who prefer text. The scenario reads the workbook; one
line of it switches to the CSV files. The tools are aimed at every service, so that
renaming and resizing the services is all it takes to run.
"""

from __future__ import annotations

from pathlib import Path

from simulation.i18n.language import say
from simulation.scenario import commune
from simulation.scenario.errors import ScenarioError
from simulation.scenario.records import Scenario
from simulation.scenario.starter_workbook import write_starter_workbook
from simulation.storage import write_text

WORKBOOK = "organisation.xlsx"

NAMES: dict[str, str] = {
    "direction_generale": "Direction générale",
    "accueil_etat_civil": "Accueil et état civil",
    "courrier_assemblees": "Courrier et assemblées",
    "ressources_humaines": "Ressources humaines",
    "finances_commande_publique": "Finances et commande publique",
    "action_sociale": "Action sociale",
    "education_periscolaire": "Éducation et périscolaire",
    "services_techniques": "Services techniques",
    "culture_mediatheque": "Culture et médiathèque",
    "urbanisme": "Urbanisme",
    "systemes_information": "Systèmes d'information",
    "police_municipale": "Police municipale",
    "sports": "Sports",
}
"""The example services' names as a DGS writes them (those of the default commune are
identifiers): names are shown as written, accents and spaces included."""

SERVICES: tuple[tuple[str, int, str], ...] = tuple(
    (NAMES[name], headcount, commune.JOB_TYPES[name]) for name, headcount in commune.SERVICES
)
"""Name, headcount and kind of post of each example service, in both starter tables."""

SERVICES_HEADER = "name,headcount,technophile,follower,overwhelmed,manager_backing,job_type"


def _services_csv() -> str:
    lines = [
        "# Vos services : une ligne par service.",
        "#   name       nom du service, tel qu'il apparaîtra dans les résultats (accents,",
        "#              espaces et majuscules permis, ex. État civil)",
        "#   headcount  effectif du service, encadrant compris",
        "# Colonnes facultatives, à laisser vides :",
        "#   technophile, follower, overwhelmed  profils propres au service (parts dont la",
        "#               somme fait 1, ex. 0.4,0.4,0.2 pour un service informatique) ;",
        "#               vides = répartition de scenario.yaml (10 / 40 / 50 %)",
        "#   manager_backing  soutien de l'encadrant de ce service au changement, de 0 à 1",
        "#   job_type   nature des postes : front_office (accueil du public), back_office",
        "#              (instruction, saisie ; par défaut), field (terrain) ou management ;",
        "#              les agents repositionnés vont vers les postes front_office",
        "# Les lignes qui commencent par # sont des commentaires.",
        SERVICES_HEADER,
    ]
    lines += [f"{name},{headcount},,,,,{kind}" for name, headcount, kind in SERVICES]
    return "\n".join(lines) + "\n"


def _relations_csv() -> str:
    lines = [
        "# Relations de travail entre services (facultatif) : une ligne par paire de",
        "# services qui travaillent ensemble, avec une intensité de 0 (faible) à 1 (forte).",
        "# Sans relation, les agents ne se côtoient qu'au sein de leur service.",
        "# Exemples, à adapter puis à décommenter (retirer le # en début de ligne) :",
    ]
    lines += [f"# {NAMES[a]},{NAMES[b]},{w}" for a, b, w in commune.RELATIONS[:6]]
    lines.append("service_a,service_b,weight")
    return "\n".join(lines) + "\n"


def _scenario_yaml() -> str:
    defaults = Scenario()
    levers = defaults.levers
    tools = "\n".join(
        f"  - name: {tool.name}\n"
        f"    label: {tool.shown}\n"
        f"    samr: {tool.samr}\n"
        f"    services: all\n"
        f"    information_load: {tool.information_load:g}\n"
        f'    description: "{tool.description}"'
        for tool in defaults.tools
    )
    return f"""# Scénario de transition numérique de votre collectivité, pour transnum.
#
# 1. Ouvrez organisation.xlsx dans votre tableur et remplacez, dans la feuille
#    « Services », les services d'exemple par les vôtres (noms et effectifs) ; la
#    feuille « Aide » explique chaque colonne.
# 2. Facultatif : décrivez les relations entre services dans la feuille « Relations »,
#    ajustez les outils ci-dessous et les leviers d'accompagnement.
# 3. Vérifiez :       transnum validate scenario.yaml
#    Comparez :       transnum compare scenario.yaml --out resultats
#    Rapport :        transnum report resultats
#
# Toute rubrique absente prend sa valeur par défaut (voir docs/parameters.md).

name: Ma collectivité
description: >-
  Déploiement de cinq outils numériques dans les services de la collectivité.
# Durée simulée en semaines (156 = 3 ans).
horizon_weeks: 156

# Vos services et leurs relations de travail. Chaque ligne nomme un fichier, à côté de
# ce scénario : un classeur (.xlsx ou .ods), dont on lit la feuille « Services » ou
# « Relations », ou un fichier CSV (séparé par des virgules, des points-virgules ou
# des tabulations). Pour lire plutôt les fichiers CSV, écrivez :
#   services_file: services.csv
#   relations_file: relations.csv
# Une feuille d'un autre nom se désigne par services_sheet: ou relations_sheet:,
# par exemple services_sheet: Effectifs 2024.
organisation:
  services_file: {WORKBOOK}
  relations_file: {WORKBOOK}

# Profils numériques des agents (étude CNFPT 2018 : 10 % à jour, 40 % qui suivent,
# 50 % dépassés). La somme doit faire 1.
profile_mix:
  technophile: {defaults.profile_mix.technophile:g}
  follower: {defaults.profile_mix.follower:g}
  overwhelmed: {defaults.profile_mix.overwhelmed:g}

# Les outils déployés. samr : profondeur du changement (substitution, augmentation,
# modification, redefinition). services : all, ou la liste des services concernés,
# écrits comme dans le tableau des services, par exemple
# ["Accueil et état civil", "Action sociale"]. label : le nom de l'outil dans le
# rapport, le classeur et les figures (par exemple « GED et courrier »).
tools:
{tools}

# Stratégie de déploiement : big_bang, small_steps (petits pas), short_cycle (cycles
# courts) ou custom (vagues explicites). transnum compare les compare toutes.
rollout:
  strategy: short_cycle
  start_week: {defaults.rollout.start_week}

# Leviers d'accompagnement.
levers:
  # Formation interne en présentiel : heures de formateur par semaine.
  training_capacity: {levers.training_capacity:g}
  # Heures de e-learning proposées chaque semaine à chaque agent qui apprend.
  e_learning_hours: {levers.e_learning_hours:g}
  # Part des agents nommés référents (appui de premier niveau dans chaque service).
  referent_share: {levers.referent_share:g}
  # Soutien de l'encadrement au changement, de 0 à 1.
  manager_backing: {levers.manager_backing:g}
  # Chef de projet issu des métiers (true) ou non (false).
  business_project_lead: {str(levers.business_project_lead).lower()}
  # Sens du projet expliqué aux agents, de 0 à 1.
  project_meaning: {levers.project_meaning:g}
  # Association des agents à la conception, de 0 à 1.
  staff_involvement: {levers.staff_involvement:g}
  # Droit à la déconnexion et charte d'usage des outils.
  right_to_disconnect: {str(levers.right_to_disconnect).lower()}
  # Part de la charge laissée par les agents partis qu'absorbent des renforts
  # temporaires, de 0 à 1.
  workload_relief: {levers.workload_relief:g}
"""


def write_starter(folder: str | Path) -> list[Path]:
    """Write the starter files into ``folder`` (created; it must be new or empty).

    Returns:
        The files written: the scenario, the workbook it reads, then the CSV files.

    Raises:
        ScenarioError: the folder already holds files.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScenarioError(say("error.file.not_empty"), source=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "scenario.yaml": _scenario_yaml(),
        "services.csv": _services_csv(),
        "relations.csv": _relations_csv(),
    }
    written = [write_text(folder / "scenario.yaml", files.pop("scenario.yaml"))]
    written.append(write_starter_workbook(folder / WORKBOOK, SERVICES))
    for name, content in files.items():
        written.append(write_text(folder / name, content))
    return written
