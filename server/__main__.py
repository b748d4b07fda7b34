"""``python -m lastfix.server`` runs the CLI (``python -m lastfix serve`` starts the language server)."""

import sys

from lastfix.cli import main

sys.exit(main())
