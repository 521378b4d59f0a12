-- Buffer settings for .mlbn files: `#` comments (for gc / :commentary and formatoptions).
vim.bo.commentstring = "# %s"
vim.bo.comments = ":#"
