"""``python -m server`` runs the CLI (``python -m server serve`` starts the language server)."""

import sys

from .cli import main

sys.exit(main())
