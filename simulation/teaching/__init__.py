"""The teaching page for change-management workshops (``transnum app``).

Slider-friendly models over the transition model (:mod:`~simulation.teaching.models`),
what they hand the pictures (:mod:`~simulation.teaching.view`), the live pictures
(:mod:`~simulation.teaching.pictures`, which draw data and never import the model),
the Solara page (:mod:`~simulation.teaching.page`), its settings form
(:mod:`~simulation.teaching.settings`) and its server
(:mod:`~simulation.teaching.server`).
"""
