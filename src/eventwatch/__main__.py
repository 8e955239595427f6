"""``python -m eventwatch`` runs the ``eventwatch`` command."""

from eventwatch.cli import main

main()
