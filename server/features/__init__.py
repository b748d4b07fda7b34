"""One module per LSP feature; ``server.lsp_server`` registers them all in one place."""
