// Copies the repository's TextMate grammar into the extension: the grammar's one home is
// grammar/mlbn.tmLanguage.json (kept in step with the parser by its tests); the extension
// package can only ship files inside its own folder.
"use strict";
const fs = require("fs");
const path = require("path");

const source = path.join(__dirname, "..", "..", "..", "grammar", "mlbn.tmLanguage.json");
const target = path.join(__dirname, "..", "syntaxes", "mlbn.tmLanguage.json");

JSON.parse(fs.readFileSync(source, "utf8")); // fail loudly on a broken grammar
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`copied ${path.relative(process.cwd(), source)} -> ${path.relative(process.cwd(), target)}`);
