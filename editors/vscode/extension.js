// Starts `cardlint lsp` for card payloads, templates, .http files and pages; everything else
// (diagnostics, quick fixes, hover, completion) is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function settings() {
  const c = vscode.workspace.getConfiguration("cardlint");
  return {
    lang: c.get("lang") || null,
    select: c.get("select"),
    ignore: c.get("ignore"),
    show: c.get("show"),
    debounceMs: c.get("debounceMs"),
  };
}

async function activate(context) {
  const command = vscode.workspace.getConfiguration("cardlint").get("path") || "cardlint";
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "json" },
      { scheme: "file", language: "jsonc" },
      { scheme: "file", language: "http" },
      { scheme: "file", pattern: "**/*.{http,rest}" },
      { scheme: "file", language: "html" },
      { scheme: "file", language: "javascript" },
      { scheme: "file", language: "typescript" },
      { scheme: "file", language: "vue" },
      { scheme: "untitled", language: "json" },
    ],
    initializationOptions: settings(),
    synchronize: {
      // a changed cardlint.toml re-checks the open documents
      fileEvents: vscode.workspace.createFileSystemWatcher("**/cardlint.toml"),
    },
  };
  client = new LanguageClient("cardlint", "cardlint", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("cardlint") && client) {
        client.sendNotification("workspace/didChangeConfiguration", { settings: settings() });
      }
    })
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
