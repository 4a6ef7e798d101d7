// Lints code snippets as if they lived at the given paths, with the repo's own
// eslint.config.mjs. Runs as a child of the jest test: ESLint loads its config with
// import(), which jest's module sandbox cannot do without experimental flags.
// stdin: [{ code, filePath }]; stdout: one message list per snippet.
import fs from 'node:fs';
import { ESLint } from 'eslint';

const snippets = JSON.parse(fs.readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { code, filePath } of snippets) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line })));
}
process.stdout.write(JSON.stringify(results));
