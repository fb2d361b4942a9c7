"""``python -m takt.cli``: the same as the ``takt`` command."""

from takt.cli import main

main()
