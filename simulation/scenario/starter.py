"""``transnum init``: a ready-to-edit description of one's own organisation.

The starter is three files: ``scenario.yaml`` (commented, in French), ``services.csv``
(the services and their headcounts, to be replaced by one's own) and
``relations.csv`` (working relations between services; optional, empty at first).
The tools are aimed at every service, so that renaming and resizing services in
``services.csv`` is all it takes to run.
"""

from __future__ import annotations

from pathlib import Path

from simulation.i18n.language import say
from simulation.scenario import commune
from simulation.scenario.errors import ScenarioError
from simulation.scenario.records import Scenario
from simulation.storage import write_text

SERVICES_HEADER = "name,headcount,technophile,follower,overwhelmed,manager_backing,job_type"


def _services_csv() -> str:
    lines = [
        "# Vos services : une ligne par service.",
        "#   name       identifiant du service (minuscules, sans espace ni accent, ex. accueil)",
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
    lines += [
        f"{name},{headcount},,,,,{commune.JOB_TYPES[name]}" for name, headcount in commune.SERVICES
    ]
    return "\n".join(lines) + "\n"


def _relations_csv() -> str:
    lines = [
        "# Relations de travail entre services (facultatif) : une ligne par paire de",
        "# services qui travaillent ensemble, avec une intensité de 0 (faible) à 1 (forte).",
        "# Sans relation, les agents ne se côtoient qu'au sein de leur service.",
        "# Exemples, à adapter puis à décommenter (retirer le # en début de ligne) :",
    ]
    lines += [f"# {a},{b},{w}" for a, b, w in commune.RELATIONS[:6]]
    lines.append("service_a,service_b,weight")
    return "\n".join(lines) + "\n"


def _scenario_yaml() -> str:
    defaults = Scenario()
    levers = defaults.levers
    tools = "\n".join(
        f"  - name: {tool.name}\n"
        f"    samr: {tool.samr}\n"
        f"    services: all\n"
        f"    information_load: {tool.information_load:g}\n"
        f'    description: "{tool.description}"'
        for tool in defaults.tools
    )
    return f"""# Scénario de transition numérique de votre collectivité, pour transnum.
#
# 1. Remplacez les services de services.csv par les vôtres (noms et effectifs).
# 2. Facultatif : décrivez les relations entre services dans relations.csv, ajustez
#    les outils ci-dessous et les leviers d'accompagnement.
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

organisation:
  services_file: services.csv
  relations_file: relations.csv

# Profils numériques des agents (étude CNFPT 2018 : 10 % à jour, 40 % qui suivent,
# 50 % dépassés). La somme doit faire 1.
profile_mix:
  technophile: {defaults.profile_mix.technophile:g}
  follower: {defaults.profile_mix.follower:g}
  overwhelmed: {defaults.profile_mix.overwhelmed:g}

# Les outils déployés. samr : profondeur du changement (substitution, augmentation,
# modification, redefinition). services : all, ou la liste des services concernés,
# par exemple [accueil_etat_civil, action_sociale].
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
"""


def write_starter(folder: str | Path) -> list[Path]:
    """Write the starter files into ``folder`` (created; it must be new or empty).

    Returns:
        The files written.

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
    written = []
    for name, content in files.items():
        path = folder / name
        write_text(path, content)
        written.append(path)
    return written
