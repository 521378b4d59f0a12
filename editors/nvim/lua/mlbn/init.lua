-- Starts the mlbn language server (`mlbn lsp`) for .mlbn buffers, with inlay hints on.
--
--   require("mlbn").setup()                      -- `mlbn` on $PATH
--   require("mlbn").setup({ cmd = { "/path/to/mlbn", "lsp" } })
--
-- Works on Neovim >= 0.8 (vim.lsp.start). Inlay hints need Neovim >= 0.10; on older
-- versions everything else works and hints are skipped.
local M = {}

local function enable_inlay_hints(client, bufnr)
  if not (vim.lsp.inlay_hint and client.server_capabilities.inlayHintProvider) then
    return
  end
  -- 0.10 takes (bufnr, enable); 0.11+ takes (enable, { bufnr = bufnr }).
  if not pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr }) then
    pcall(vim.lsp.inlay_hint.enable, bufnr, true)
  end
end

M.defaults = {
  name = "mlbn",
  cmd = { "mlbn", "lsp" },
}

function M.on_attach(client, bufnr)
  enable_inlay_hints(client, bufnr)
end

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", M.defaults, opts or {})
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "mlbn",
    group = vim.api.nvim_create_augroup("mlbn_lsp", { clear = true }),
    callback = function(args)
      local path = vim.api.nvim_buf_get_name(args.buf)
      local root = vim.fs.dirname(vim.fs.find({ ".git" }, { upward = true, path = vim.fs.dirname(path) })[1] or path)
      vim.lsp.start({
        name = opts.name,
        cmd = opts.cmd,
        root_dir = root,
        on_attach = function(client, bufnr)
          M.on_attach(client, bufnr)
          if opts.on_attach then
            opts.on_attach(client, bufnr)
          end
        end,
      }, { bufnr = args.buf })
    end,
  })
end

-- An nvim-lspconfig entry, for users who manage servers with lspconfig:
--   require("mlbn").register_lspconfig()
--   require("lspconfig").mlbn.setup({})
function M.register_lspconfig(opts)
  opts = vim.tbl_deep_extend("force", M.defaults, opts or {})
  local configs = require("lspconfig.configs")
  if not configs.mlbn then
    configs.mlbn = {
      default_config = {
        cmd = opts.cmd,
        filetypes = { "mlbn" },
        root_dir = function(fname)
          return require("lspconfig.util").find_git_ancestor(fname) or vim.fs.dirname(fname)
        end,
        single_file_support = true,
        on_attach = M.on_attach,
      },
      docs = { description = "mlbn language server: live tok/s, memory fit and fixes for .mlbn files." },
    }
  end
end

return M
