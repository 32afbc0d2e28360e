"""Live pictures of the teaching page, fast enough to redraw every week.

* :class:`NetworkPicture` (:mod:`~simulation.teaching.pictures.network`): the staff at
  their layout positions over the ties of the network, coloured by profile, adoption
  stage or strain; staff who left are hollow grey rings.
* :class:`CurvesPicture` (:mod:`~simulation.teaching.pictures.curves`): weekly curves
  so far, side by side: per profile and for all staff (one plan) or one curve per plan
  (workshop).

Both draw from data: a :class:`~simulation.teaching.models.PlansView` (a teaching
model's ``view``) hands them the organisation's and each plan's arrays and the weekly
curves; nothing here imports the model or solara. Each picture is built once and
then only blitted (:mod:`~simulation.teaching.pictures.live`): with 2,000 staff a
frame of all the pictures costs a few tens of milliseconds (``transnum bench --case
app`` prints the figures).
"""

from simulation.reports.style import LEFT_COLOUR
from simulation.teaching.pictures.curves import CURVE_PANELS, PLAN_COLOURS, CurvesPicture
from simulation.teaching.pictures.live import DPI, LivePicture, png
from simulation.teaching.pictures.network import COLOUR_MODES, STRAIN_MAX, NetworkPicture

__all__ = [
    "COLOUR_MODES",
    "CURVE_PANELS",
    "DPI",
    "LEFT_COLOUR",
    "PLAN_COLOURS",
    "STRAIN_MAX",
    "CurvesPicture",
    "LivePicture",
    "NetworkPicture",
    "png",
]
