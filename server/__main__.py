"""``python -m lastfix.server`` runs the CLI (``python -m lastfix serve`` starts the language server)."""

import sys

from .cli import main

sys.exit(main())
