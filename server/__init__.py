"""The pygls language server and the ``lastfix`` command line."""
