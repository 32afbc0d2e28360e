"""Words and numbers in French or English, for every user-facing text.

The words come from one catalogue, ``catalogue.yaml``, read by
:mod:`~simulation.i18n.catalogue`; :mod:`~simulation.i18n.words` looks them up and
formats numbers with each language's typography. Its public names are importable
from here.
"""

from simulation.i18n import words
from simulation.i18n.catalogue import CatalogueError
from simulation.i18n.words import *  # noqa: F403 - the names of words.__all__

__all__ = ["CatalogueError", *words.__all__]
