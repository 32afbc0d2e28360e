"""Behavioural mechanisms: small functions over the staff's state arrays.

Each module holds one mechanism, with its equation in the docstring and the source
of each parameter. Kernels are compiled with numba (``cache=True``) and take the
grouped state of :mod:`simulation.model.state` (staff, services, tools, ties), whose
arrays they update in place; their coefficients come in a ``NamedTuple`` whose fields
are named after the scenario parameters, built by the module's ``coefficients``
function. Order within a week (see
:meth:`simulation.model.model.TransitionModel.step`):

1. :mod:`~simulation.model.mechanisms.exposure`: tools go live, training opens;
2. :mod:`~simulation.model.mechanisms.training`: training hours are shared out;
3. :mod:`~simulation.model.mechanisms.learning`: proficiency grows;
4. :mod:`~simulation.model.mechanisms.adoption`: stage transitions;
5. :mod:`~simulation.model.mechanisms.strain`: strain (RPS) is updated;
6. :mod:`~simulation.model.mechanisms.dropout`: some staff leave, work shifts to colleagues;
7. :mod:`~simulation.model.mechanisms.peers`: neighbours' counts follow the changes.

:mod:`~simulation.model.mechanisms.efficiency` turns proficiency into processing time.
"""
