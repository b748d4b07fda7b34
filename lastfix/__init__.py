"""lastfix: a language server that repairs last-mile syntax errors with a code diffusion model.

The distribution installs one import package, ``lastfix``; the repository's top-level folders are its
subpackages (``grammars/`` is ``lastfix.grammars``, ``server/`` is ``lastfix.server``, ...).
"""

from importlib import metadata

try:
    __version__ = metadata.version("lastfix")
except metadata.PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
