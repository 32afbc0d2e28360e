"""``python -m simulation`` runs the ``transnum`` command."""

from simulation.cli import main

main()
