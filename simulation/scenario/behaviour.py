"""Behavioural parameters: how staff respond to the rollout.

They drive the mechanisms in :mod:`simulation.model.mechanisms` and are the candidates
for sensitivity analysis. All rates are per week. Sources cite the CNFPT 2018 study
by section, a paper, or say "assumption".
"""

from __future__ import annotations

import dataclasses

from simulation.scenario.levers import STUDY
from simulation.scenario.modes import ByMode
from simulation.scenario.profiles import ByProfile, BySamr
from simulation.scenario.schema import Record, spec


@dataclasses.dataclass(frozen=True)
class Behaviour(Record):
    """How staff respond to the rollout: the parameters of the mechanisms."""

    # --- adoption (Bass 1969; TAM/UTAUT staged acceptance)
    external_influence: float = spec(
        0.1,
        ge=0,
        le=1,
        unit="1/week",
        doc="Weekly probability that a staff member starts using a live tool under full "
        "external support (the Bass p); scaled by the support index of the levers.",
        source="Bass (1969) innovation coefficient p; value: assumption",
    )
    peer_influence: float = spec(
        0.25,
        ge=0,
        le=1,
        unit="1/week",
        doc="Added weekly probability of starting to use a tool when all one's colleagues "
        "have adopted it (the Bass q), proportional to the share who have.",
        source="Bass (1969) imitation coefficient q; value: assumption",
    )
    fear_of_failure: ByProfile = spec(
        ByProfile(0.1, 0.35, 0.7),
        ge=0,
        le=1,
        unit="0-1",
        doc="How much fear of failure holds back trying a tool one does not yet master "
        "(the probability of trying is multiplied by 1 - fear x (1 - proficiency)).",
        source=f"{STUDY}, section VI.A (fear of not knowing how, of making mistakes); "
        "values: assumption",
    )
    adoption_threshold: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="proficiency 0-1",
        doc="Proficiency at which a staff member trying a tool counts as having adopted it.",
        source="assumption (adoption means actual use with some mastery, not availability)",
    )
    revert_rate: float = spec(
        0.03,
        ge=0,
        le=1,
        unit="1/week",
        doc="Weekly probability of going back to paper for a tool at strain equal to the "
        "high-strain threshold, with no managerial backing and no proficiency.",
        source=f"{STUDY}, section V.E (re-materialisation under managerial resistance); "
        "value: assumption",
    )
    revert_pressure_cap: float = spec(
        2.0,
        ge=0,
        le=100,
        unit="relative",
        doc="Most that strain raises the weekly probability of going back to paper, as a "
        "multiple of its value at the high-strain threshold (the pressure strain / threshold "
        "is capped at this value).",
        source="assumption (strain far above the threshold adds no further pressure)",
    )
    refusal_weeks: int = spec(
        26,
        ge=1,
        le=1000,
        unit="weeks",
        doc="Consecutive weeks with most live tools unused after which a staff member "
        "counts as refusing the change.",
        source="assumption",
    )
    refusal_unused_share: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="share of live tools",
        doc="Share of one's live tools left unused above which a week counts towards refusing "
        "the change.",
        source="assumption (refusing means leaving most of one's live tools unused)",
    )
    # --- learning (CBAM levels of use; practice, training, help)
    learning_ability: ByProfile = spec(
        ByProfile(1.5, 1.0, 0.45),
        ge=0,
        le=10,
        unit="relative",
        doc="How fast staff learn, by profile: multiplies practice, training and help.",
        source=f"{STUDY}, section VI.A (uneven digital maturity; the overwhelmed 'undergo "
        "digital more than they seize it'); values: assumption",
    )
    learning_ability_spread: float = spec(
        0.5,
        ge=0,
        le=3,
        unit="log-sd",
        doc="Spread of individual learning ability around the profile value (sd of its log); "
        "its low tail stands for the digitally excluded.",
        source=f"{STUDY}, section VI.A, footnote 27 (illectronisme touches about 15 % of "
        "the population); value: assumption",
    )
    practice_rate: float = spec(
        0.06,
        ge=0,
        le=1,
        unit="1/week",
        doc="Share of the remaining proficiency gap closed by a week of using a tool, at "
        "learning ability 1 (divided by the tool's SAMR depth).",
        source="assumption (learning by doing, CBAM levels of use)",
    )
    training_rate: float = spec(
        0.04,
        ge=0,
        le=1,
        unit="1/hour",
        doc="Share of the remaining proficiency gap closed per hour of in-person training "
        "(divided by the tool's SAMR depth).",
        source="assumption",
    )
    training_effectiveness: ByMode = spec(
        ByMode(0.5, 1.0, 1.2),
        ge=0,
        le=3,
        unit="relative",
        doc="Value of a training hour in each in-person mode relative to an hour of internal "
        "training, for staff outside the project team.",
        source=f"{STUDY}, section IV.D (supplier training 'too theoretical or too technical, "
        "decontextualised' for the staff of the new service; internal training 'entirely "
        "contextualised'; action-training); values: assumption",
    )
    vendor_effectiveness_project_team: float = spec(
        1.0,
        ge=0,
        le=3,
        unit="relative",
        doc="Value of an hour of supplier training for the project team (the referents), "
        "relative to an hour of internal training.",
        source=f"{STUDY}, section IV.D (supplier training is 'effective when it concerns the "
        "project teams'); value: assumption",
    )
    training_completion: ByMode = spec(
        ByMode(0.9, 0.95, 0.95),
        ge=0,
        le=1,
        unit="share of hours",
        doc="Share of the scheduled in-person hours actually followed, by mode.",
        source="assumption (in-person sessions lose few people, unlike e-learning)",
    )
    e_learning_effectiveness: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="0-1",
        doc="Effectiveness of an e-learning hour relative to an in-person hour.",
        source=f"{STUDY}, section IV.D; value: assumption",
    )
    e_learning_completion: ByProfile = spec(
        ByProfile(0.9, 0.6, 0.3),
        ge=0,
        le=1,
        unit="share of hours",
        doc="Share of offered e-learning hours actually followed.",
        source=f"{STUDY}, section IV.D ('they forget, miss sessions or do not log in'); "
        "values: assumption",
    )
    peer_help_rate: float = spec(
        0.03,
        ge=0,
        le=1,
        unit="1/week",
        doc="Share of the remaining proficiency gap closed per week with full help from "
        "colleagues and referents who master the tool.",
        source=f"{STUDY}, section IV.D (peer tutoring); value: assumption",
    )
    tutor_extra_weight: float = spec(
        2.0,
        ge=0,
        le=100,
        unit="colleagues",
        doc="Extra weight of a technophile's or referent's help, at full peer tutoring, "
        "relative to an ordinary colleague's.",
        source=f"{STUDY}, section VI.A (technophiles as informal R&D and referents); "
        "value: assumption",
    )
    referent_reach: float = spec(
        15.0,
        gt=0,
        le=1000,
        unit="staff",
        doc="Colleagues of their service that one referent mastering a tool can support.",
        source="assumption",
    )
    mastery_threshold: float = spec(
        0.8,
        gt=0,
        le=1,
        unit="proficiency 0-1",
        doc="Proficiency at which a tool counts as mastered (for help given and strain).",
        source="assumption",
    )
    samr_depth: BySamr = spec(
        BySamr(0.25, 0.5, 1.0, 1.5),
        gt=0,
        le=10,
        unit="relative",
        doc="Depth of change per SAMR level: multiplies change load, divides learning rates.",
        source=f"{STUDY}, section I (SAMR reading grid); values: assumption",
    )
    # --- strain: Job Demands-Resources (Demerouti et al. 2001), technostress
    vulnerability: ByProfile = spec(
        ByProfile(0.6, 1.0, 1.5),
        ge=0,
        le=10,
        unit="relative",
        doc="How strongly job demands turn into strain, by profile.",
        source=f"{STUDY}, section VI.A (digital is 'mostly an extra workload' for the "
        "overwhelmed); values: assumption",
    )
    vulnerability_spread: float = spec(
        0.35,
        ge=0,
        le=3,
        unit="log-sd",
        doc="Spread of individual vulnerability around the profile value (sd of its log).",
        source="assumption",
    )
    baseline_demand: float = spec(
        0.05,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Job demands before any new tool (existing work and applications).",
        source=f"{STUDY}, section VI.C (150 business applications in daily use in one "
        "collectivité); value: assumption",
    )
    change_load_weight: float = spec(
        0.04,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Demand of one live, not yet mastered tool of SAMR depth 1.",
        source=f"{STUDY}, section VI.C (the radical 'digital turn'); Tarafdar et al. (2007) "
        "techno-complexity; value: assumption",
    )
    tool_load_weight: float = spec(
        0.002,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Demand per unit of information load of the live tools (overload, invasion).",
        source=f"{STUDY}, section VI.C (e-mail, always connected); Tarafdar et al. (2007) "
        "techno-overload; value: assumption",
    )
    always_on_weight: float = spec(
        0.003,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Extra demand per unit of information load of the live tools for staff who stay "
        "connected outside working hours (e-mail on rest days).",
        source=f"{STUDY}, section VI.C (always connected; 62 % of managers feel their "
        "workload grew, 60 % work on rest days); Tarafdar et al. (2007) techno-invasion; "
        "value: assumption, sized so that a connected manager with the default commune's "
        "tools live carries about 60 % more demand than before the rollout",
    )
    always_on_share_managers: float = spec(
        0.6,
        ge=0,
        le=1,
        unit="share",
        doc="Share of managers (and of staff of management services) who stay connected "
        "outside working hours.",
        source=f"{STUDY}, section VI.C ('60 % work on rest days')",
    )
    always_on_share_staff: float = spec(
        0.1,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the other staff who stay connected outside working hours.",
        source="assumption",
    )
    monotony_weight: float = spec(
        0.02,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Demand of monotony and isolation on a back-office (data-entry) post once all "
        "its tools are live, in proportion to the share of them that is live.",
        source=f"{STUDY}, sections VI.B ('a daily life that dehumanises') and VI.C (worst "
        "for flow operators and data-entry staff: isolation, monotony); value: assumption",
    )
    change_frequency_weight: float = spec(
        0.015,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Demand per unit of recent change (go-lives of the last weeks, by SAMR depth).",
        source=f"{STUDY}, section VI.C (frequency and scale of change, 'continuum of "
        "reform'); value: assumption",
    )
    change_memory_weeks: float = spec(
        8.0,
        gt=0,
        le=520,
        unit="weeks",
        doc="Time constant over which a go-live keeps adding to the change-frequency demand.",
        source="assumption",
    )
    workload_weight: float = spec(
        0.1,
        ge=0,
        le=10,
        unit="strain/week",
        doc="Demand per unit of extra workload left by colleagues who left the service.",
        source="Casiraghi, Zingg & Schweitzer (2021) overload cascades; value: assumption",
    )
    disconnect_relief: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the information-load and always-on demands removed by a "
        "right-to-disconnect policy.",
        source=f"{STUDY}, section VI.C; value: assumption",
    )
    resource_training: float = spec(
        0.15,
        ge=0,
        le=1,
        unit="buffer share",
        doc="Buffer against strain from training received this week (at the weekly maximum).",
        source="Tarafdar et al. (2007) literacy facilitation; value: assumption",
    )
    resource_support: float = spec(
        0.25,
        ge=0,
        le=1,
        unit="buffer share",
        doc="Buffer against strain from help by colleagues and referents who master the tools.",
        source="Tarafdar et al. (2007) technical support; Demerouti et al. (2001); "
        "value: assumption",
    )
    resource_backing: float = spec(
        0.25,
        ge=0,
        le=1,
        unit="buffer share",
        doc="Buffer against strain from managerial backing (at full backing).",
        source=f"{STUDY}, section IV.B; value: assumption",
    )
    resource_meaning: float = spec(
        0.15,
        ge=0,
        le=1,
        unit="buffer share",
        doc="Buffer against strain from understanding the sense of the project.",
        source=f"{STUDY}, section VI.A; value: assumption",
    )
    resource_involvement: float = spec(
        0.15,
        ge=0,
        le=1,
        unit="buffer share",
        doc="Buffer against strain from being involved in designing the tools and processes "
        "(at full staff involvement).",
        source="Tarafdar et al. (2007) involvement facilitation, a technostress inhibitor; "
        "value: assumption",
    )
    resources_cap: float = spec(
        0.95,
        ge=0,
        le=1,
        unit="buffer share",
        doc="Largest share of job demands that the resources together can buffer, so that "
        "demands always leave some strain.",
        source="assumption (Demerouti et al. 2001: resources buffer demands, they do not remove "
        "them)",
    )
    strain_recovery: float = spec(
        0.1,
        ge=0,
        le=1,
        unit="1/week",
        doc="Share of strain that fades each week.",
        source="assumption",
    )
    strain_contagion: float = spec(
        0.05,
        ge=0,
        le=1,
        unit="1/week",
        doc="Pull of one's strain towards the mean strain of one's close colleagues (team).",
        source="Bakker, Le Blanc & Schaufeli (2005) burnout contagion; value: assumption",
    )
    high_strain_threshold: float = spec(
        1.0,
        gt=0,
        le=100,
        unit="strain",
        doc="Strain above which a staff member counts as at high psychosocial risk (RPS).",
        source="assumption (strain is scaled so that 1 is the high-risk threshold)",
    )
    # --- acculturation (understanding and accepting the sense of the project)
    acculturation_initial: ByProfile = spec(
        ByProfile(0.5, 0.3, 0.15),
        ge=0,
        le=1,
        unit="0-1",
        doc="Acculturation at the start, by profile: how far staff already understand and "
        "accept the sense of a digital project.",
        source=f"{STUDY}, section VI.A (uneven digital culture; the overwhelmed 'undergo "
        "digital more than they seize it'); values: assumption",
    )
    acculturation_rate: float = spec(
        0.01,
        ge=0,
        le=1,
        unit="1/week",
        doc="Share of the remaining acculturation gap closed per week under full drive "
        "(meaning, involvement, backing and a business-side lead all at 1).",
        source=f"{STUDY}, section VI.A (the long time of acculturation 'does not match the pace "
        "imposed by digital change'); value: assumption (half the gap in about 70 weeks at "
        "full drive)",
    )
    acculturation_training: float = spec(
        0.5,
        ge=0,
        le=10,
        unit="drive per weekly maximum",
        doc="Drive to acculturation added by a week of internal or action-training at the "
        "weekly maximum (supplier training and e-learning add none).",
        source=f"{STUDY}, section IV.D (internal training 'gives meaning and creates links of "
        "cooperation'); value: assumption",
    )
    acculturation_trying: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="How far a lack of acculturation holds back trying a live tool: the weekly "
        "probability of trying is multiplied by 1 - acculturation_trying x (1 - "
        "acculturation) (0: trying ignores acculturation).",
        source=f"{STUDY}, section VI.A ('the sense of the project federates more than its "
        "technical features'); Davis (1989) TAM: use follows acceptance; value: assumption",
    )
    acculturation_refusal: float = spec(
        1.0,
        ge=0,
        le=1,
        unit="share",
        doc="How far acculturation protects from refusal: the refusal hazard is multiplied "
        "by 1 - acculturation_refusal x acculturation (0: refusal ignores acculturation).",
        source=f"{STUDY}, sections IV.D and VI.A (staff who do not accept the changes; the "
        "sense of the project federates); value: assumption",
    )
    # --- dropout (refusal, mobility)
    sustained_strain_weeks: int = spec(
        8,
        ge=1,
        le=1000,
        unit="weeks",
        doc="Consecutive weeks at high strain after which a staff member may leave.",
        source="assumption",
    )
    dropout_strain_rate: float = spec(
        0.008,
        ge=0,
        le=1,
        unit="1/week",
        doc="Weekly probability of leaving or asking for mobility under sustained high strain.",
        source=f"{STUDY}, section IV.A ('some left because they did not think they would "
        "make it'); value: assumption, calibrated with dropout_refusal_rate (refusal-driven "
        "departures of section IV.D)",
    )
    dropout_refusal_rate: float = spec(
        0.05,
        ge=0,
        le=1,
        unit="1/week",
        doc="Weekly probability of leaving or asking for mobility while refusing the change.",
        source=f"{STUDY}, section IV.D ('5 to 10 % of staff do not accept these changes'); "
        "value: assumption, calibrated to 5-10 % of staff leaving their post through refusal "
        "over the typical rollout",
    )
    internal_mobility_preference: float = spec(
        0.8,
        ge=0,
        le=1,
        unit="probability",
        doc="Probability that a member of staff leaving their post is repositioned inside "
        "the organisation (while internal_mobility_capacity lasts) rather than leaving it.",
        source=f"{STUDY}, sections IV.D ('internal, or even external, mobility') and VII.B "
        "(intermediate posts are 'a large pool for receiving the mobility of worn-out "
        "staff'); value: assumption",
    )
    backing_protection: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the dropout probability removed at full managerial backing.",
        source=f"{STUDY}, section IV.B; value: assumption",
    )
    # --- efficiency
    samr_time_saving: BySamr = spec(
        BySamr(0.05, 0.3, 0.55, 0.65),
        ge=0,
        lt=1,
        unit="share of processing time",
        doc="Processing time saved on the tasks a tool covers at full proficiency, by SAMR "
        "level (the saving grows with proficiency; a tool's own time_saving overrides it).",
        source=f"{STUDY}, section V.C (processing times divided by two or three)",
    )
    learning_overhead: float = spec(
        0.3,
        ge=0,
        le=5,
        unit="share of processing time",
        doc="Extra processing time of a tool used at zero proficiency (extra data entry and "
        "checks), fading in proportion to proficiency.",
        source=f"{STUDY}, section V.C (dematerialisation generates extra entry and checking work)",
    )
