"""``python -m lastfix`` runs the command line (``python -m lastfix serve`` starts the language server)."""

import sys

from lastfix.cli import main

sys.exit(main())
