-- lastfix for Neovim 0.7 and 0.8 (no vim.lsp.start before 0.8, no willSaveWaitUntil before 0.9).
-- The README shows this file; tests/e2e/test_neovim.py runs it in a real headless Neovim.
--
--   local lastfix = dofile('/path/to/lastfix.lua')
--   lastfix.setup({ cmd = { 'lastfix', 'serve' }, settings = { lastfix = { candidates = 3 } }, fix_on_save = true })
local M = { client_id = nil }

M.patterns = { '*.py', '*.pyw', '*.ps1', '*.psm1', '*.xlf', '*.formula' }

-- Start the server once and attach it to a buffer.
function M.attach(bufnr, opts)
  if M.client_id == nil or vim.lsp.client_is_stopped(M.client_id) then
    M.client_id = vim.lsp.start_client({
      name = 'lastfix',
      cmd = opts.cmd or { 'lastfix', 'serve' },
      cmd_cwd = opts.cmd_cwd,
      root_dir = opts.root_dir or vim.fn.getcwd(),
      init_options = opts.init_options,
      settings = opts.settings or { lastfix = {} },
    })
  end
  vim.lsp.buf_attach_client(bufnr, M.client_id)
  return M.client_id
end

-- Request source.fixAll.lastfix for the whole buffer and apply it (what willSaveWaitUntil does in 0.9+).
function M.fix_all(bufnr, timeout_ms)
  local last = vim.api.nvim_buf_line_count(bufnr)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    context = { diagnostics = {}, only = { 'source.fixAll.lastfix' } },
  }
  local results = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout_ms or 1500)
  for client_id, response in pairs(results or {}) do
    local client = vim.lsp.get_client_by_id(client_id)
    for _, action in ipairs(response.result or {}) do
      if action.kind == 'source.fixAll.lastfix' then
        if action.edit == nil and action.data ~= nil then
          local resolved = client.request_sync('codeAction/resolve', action, timeout_ms or 1500, bufnr)
          if resolved and resolved.result then action = resolved.result end
        end
        if action.edit then
          vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
        end
      end
    end
  end
end

function M.setup(opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup('lastfix', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
    group = group, pattern = M.patterns,
    callback = function(args) M.attach(args.buf, opts) end,
  })
  if opts.fix_on_save then
    vim.api.nvim_create_autocmd('BufWritePre', {
      group = group, pattern = M.patterns,
      callback = function(args) M.fix_all(args.buf, opts.fix_on_save_timeout_ms) end,
    })
  end
end

return M
