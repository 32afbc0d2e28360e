"""The teaching page for change-management workshops (``transnum app``).

Slider-friendly models over the transition model (:mod:`~simulation.teaching.models`),
live pictures (:mod:`~simulation.teaching.pictures`), the Solara page
(:mod:`~simulation.teaching.page`) and its server (:mod:`~simulation.teaching.server`).
"""
