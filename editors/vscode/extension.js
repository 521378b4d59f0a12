// The VS Code side of mlbn: starts `mlbn lsp` over stdio and lets vscode-languageclient
// do the rest (diagnostics, inlay hints, hover, completion, quick fixes, formatting,
// outline, semantic tokens all come from the server).
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const configured = vscode.workspace.getConfiguration("mlbn").get("server.path");
  const command = configured && configured.trim() !== "" ? configured : "mlbn";
  return { command, args: ["lsp"], transport: TransportKind.stdio };
}

async function start(context) {
  client = new LanguageClient(
    "mlbn",
    "mlbn language server",
    serverOptions(),
    {
      documentSelector: [{ scheme: "file", language: "mlbn" }, { scheme: "untitled", language: "mlbn" }],
      outputChannelName: "mlbn",
    }
  );
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `mlbn: could not start \`${serverOptions().command} lsp\` (${err}). Set "mlbn.server.path" to the mlbn binary.`
    );
  }
}

async function activate(context) {
  await start(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("mlbn.server.path")) {
        if (client) await client.stop();
        await start(context);
      }
    })
  );
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
