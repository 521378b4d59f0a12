-- Files ending in .mlbn are mlbn scenarios.
vim.filetype.add({ extension = { mlbn = "mlbn" } })
