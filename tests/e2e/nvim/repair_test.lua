-- Driven by tests/e2e/test_neovim.py: open a broken file, let lastfix attach, wait for its diagnostics,
-- request quick fixes with buf_request_sync, apply the first, write the file. Then open a second file
-- with two errors and save it through the BufWritePre fix-all autocmd of lastfix.lua.
-- Results go to $LASTFIX_RESULT as JSON; any failure exits with :cquit 1.
local result = { steps = {} }
local function note(key, value) result[key] = value end

local function run()
  local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h')
  local lastfix = dofile(here .. '/lastfix.lua')
  lastfix.setup({
    cmd = vim.fn.json_decode(os.getenv('LASTFIX_CMD')),
    cmd_cwd = os.getenv('LASTFIX_CWD'),
    settings = { lastfix = { timeBudgetMs = 5000 } },
    fix_on_save = os.getenv('LASTFIX_ON_SAVE') ~= nil,
    fix_on_save_timeout_ms = 15000,
  })

  -- 1. Quick fix: open, attach, diagnostics, code action, apply, write.
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LASTFIX_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(lastfix.client_id, 'lastfix did not start')
  assert(vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20), 'no diagnostics from lastfix')
  local first = vim.diagnostic.get(bufnr)[1]
  note('diagnostic', first.message)
  note('source', first.source)
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = first.lnum, character = first.col },
              ['end'] = { line = first.end_lnum, character = first.end_col } },
    context = { diagnostics = line_diagnostics, only = { 'quickfix' } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 30000)
  assert(responses, 'codeAction request timed out')
  local client = vim.lsp.get_client_by_id(lastfix.client_id)
  local actions = (responses[lastfix.client_id] or {}).result or {}
  assert(#actions > 0, 'no quick fix offered')
  local titles = {}
  for _, a in ipairs(actions) do table.insert(titles, a.title) end
  note('titles', titles)
  local action = actions[1]
  if action.edit == nil and action.data ~= nil then
    action = client.request_sync('codeAction/resolve', action, 30000, bufnr).result
  end
  assert(action.edit, 'the first quick fix has no edit')
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd('write')
  table.insert(result.steps, 'quickfix')

  -- 2. On save (Neovim < 0.9): BufWritePre requests source.fixAll.lastfix and applies it.
  local second = os.getenv('LASTFIX_SAVE_FILE')
  if second then
    vim.cmd('edit ' .. vim.fn.fnameescape(second))
    local buf2 = vim.api.nvim_get_current_buf()
    assert(vim.wait(20000, function() return #vim.diagnostic.get(buf2) > 0 end, 20), 'no diagnostics (save file)')
    vim.cmd('write')
    table.insert(result.steps, 'fix-on-save')
  end
end

local ok, err = pcall(run)
note('ok', ok)
if not ok then note('error', tostring(err)) end
vim.fn.writefile({ vim.fn.json_encode(result) }, os.getenv('LASTFIX_RESULT'))
if ok then vim.cmd('qall!') else vim.cmd('cquit 1') end
