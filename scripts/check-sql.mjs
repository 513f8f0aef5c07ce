// Fails `npm run lint` on SQL built from values (issue 7: parameterised queries only). Finds every
// `.query(…)` / `.execute(…)` call in src/ and reads its first argument:
//   - a string literal, or a template literal without `${…}`: fine;
//   - a template literal's `${…}` is allowed only when it is marked safe, either
//       * its expression starts from a module constant whose declaration line (or the line above)
//         carries `// sql-safe: <why>` — column lists, fixed table names: fixed at load time —
//         declared in the same file, or exported by a scanned file and imported by name; or
//       * it contains an inline `/* sql-safe: <why> */` comment — placeholder lists such as
//         `${/* sql-safe: placeholders */ Array(n).fill('?').join(', ')}`, a table name chosen
//         from a union type;
//   - anything else (a variable, a concatenation with `+`, a call) needs an inline
//     `/* sql-safe: <why> */` comment in front of it.
// A lexical scan, not a parser: good enough for this code base's style, and it errs on the side
// of flagging. Run: node scripts/check-sql.mjs [dir…] (default src).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CALL = /\.(query|execute)\s*(<[^;()]*?>)?\s*\(/g;
const MARK = /sql-safe\s*:\s*\S/;

/**
 * Problems in one source text.
 * @param {string} text
 * @param {string} [file]
 * @param {Set<string>} [exported] marked constants exported by other files (usable when imported)
 * @returns {Array<{ file: string, line: number, message: string }>}
 */
export function checkSource(text, file = '<source>', exported = new Set()) {
  const safe = safeConstants(text);
  for (const name of importedNames(text)) if (exported.has(name)) safe.add(name);
  /** @type {Array<{ file: string, line: number, message: string }>} */
  const problems = [];
  const report = (at, message) => problems.push({ file, line: lineOf(text, at), message });
  for (const m of text.matchAll(CALL)) {
    const open = (m.index ?? 0) + m[0].length;
    if (insideCommentOrString(text, m.index ?? 0)) continue;
    const { start, marked } = skipSpaceAndComments(text, open);
    const end = argumentEnd(text, start);
    const arg = text.slice(start, end);
    if (marked || arg.trim() === '') continue;
    const operands = splitConcatenation(arg);
    if (operands.length > 1 && operands.some((o) => !isStringLiteral(o))) {
      report(start, `SQL built by concatenation in .${m[1]}(): use ? placeholders (or mark a constant fragment /* sql-safe: why */)`);
      continue;
    }
    for (const operand of operands) {
      if (isStringLiteral(operand)) continue;
      if (operand.startsWith('`')) {
        for (const expr of interpolations(operand)) {
          if (MARK.test(expr)) continue;
          const root = /^\s*([A-Za-z_$][\w$]*)/.exec(expr)?.[1];
          if (root && safe.has(root)) continue;
          report(start + operand.indexOf(expr), `\${${expr.trim().slice(0, 40)}} interpolated into SQL in .${m[1]}(): use ? placeholders, or mark a constant fragment (// sql-safe: why)`);
        }
        continue;
      }
      if (operand.startsWith('{') || operand.startsWith('[')) continue;
      report(start, `SQL passed to .${m[1]}() is not a literal (${operand.slice(0, 40)}): mark it /* sql-safe: why */ if it is built from constants only`);
    }
  }
  return problems;
}

/** Names brought in by `import { a, b as c } from '…'` (the local names). */
function importedNames(text) {
  const names = [];
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().replace(/^type\s+/, '');
      if (!name) continue;
      const alias = /\bas\s+([\w$]+)$/.exec(name);
      // Only an unrenamed import keeps the exporter's marked name.
      if (!alias) names.push(name);
    }
  }
  return names;
}

/** Module constants marked `// sql-safe: why` on their line or the line above. */
export function safeConstants(text) {
  const names = new Set();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^(?:export\s+)?const\s+([A-Za-z_$][\w$]*)\s*[:=]/.exec(line);
    if (m && (MARK.test(line) || (i > 0 && /^\s*\/\/.*sql-safe\s*:/.test(lines[i - 1])))) names.add(m[1]);
  });
  return names;
}

function lineOf(text, at) {
  let n = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Rough: is `at` inside a line comment, a block comment, or a quoted string on its line? */
function insideCommentOrString(text, at) {
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const before = text.slice(lineStart, at);
  if (/^\s*(\*|\/\/)/.test(before) || before.includes('//')) return true;
  const quotes = (before.match(/'/g) ?? []).length;
  return quotes % 2 === 1;
}

/** Skip blanks and comments; `marked` when a skipped comment says sql-safe. */
function skipSpaceAndComments(text, i) {
  let marked = false;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (MARK.test(text.slice(i, end))) marked = true;
      i = end < 0 ? text.length : end + 2;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      if (MARK.test(text.slice(i, end))) marked = true;
      i = end < 0 ? text.length : end + 1;
    } else {
      return { start: i, marked };
    }
  }
}

/** Index after a quoted string or template literal starting at i. */
function skipQuoted(text, i) {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === q) return j + 1;
    else if (q === '`' && c === '$' && text[j + 1] === '{') j = skipBalanced(text, j + 1) - 1;
  }
  return text.length;
}

/** Index after the bracket group opening at i ((, [ or {), strings, templates and comments skipped. */
function skipBalanced(text, i) {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === "'" || c === '"' || c === '`') j = skipQuoted(text, j) - 1;
    else if (text.startsWith('/*', j)) j = text.indexOf('*/', j + 2) + 1 || text.length;
    else if (text.startsWith('//', j)) j = text.indexOf('\n', j) === -1 ? text.length : text.indexOf('\n', j);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

/** End of the call's first argument: the top-level `,` or `)`. */
function argumentEnd(text, i) {
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === "'" || c === '"' || c === '`') j = skipQuoted(text, j) - 1;
    else if (c === '(' || c === '[' || c === '{') j = skipBalanced(text, j) - 1;
    else if (c === ',' || c === ')') return j;
  }
  return text.length;
}

/** Top-level `+` operands of an argument. */
function splitConcatenation(arg) {
  const parts = [];
  let from = 0;
  for (let j = 0; j < arg.length; j++) {
    const c = arg[j];
    if (c === "'" || c === '"' || c === '`') j = skipQuoted(arg, j) - 1;
    else if (c === '(' || c === '[' || c === '{') j = skipBalanced(arg, j) - 1;
    else if (c === '+') {
      parts.push(arg.slice(from, j).trim());
      from = j + 1;
    }
  }
  parts.push(arg.slice(from).trim());
  return parts;
}

function isStringLiteral(operand) {
  return (/^'.*'$/s.test(operand) || /^".*"$/s.test(operand)) && skipQuoted(operand, 0) === operand.length;
}

/** The `${…}` expressions of a template literal (outer level). */
function interpolations(template) {
  const out = [];
  for (let j = 1; j < template.length - 1; j++) {
    const c = template[j];
    if (c === '\\') j++;
    else if (c === '$' && template[j + 1] === '{') {
      const end = skipBalanced(template, j + 1);
      out.push(template.slice(j + 2, end - 1));
      j = end - 1;
    }
  }
  return out;
}

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

export function checkDirs(dirs) {
  const files = dirs.flatMap((dir) => [...tsFiles(dir)]).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const exported = new Set();
  for (const { text } of files) {
    for (const name of safeConstants(text)) if (new RegExp(`^export\\s+const\\s+${name}\\b`, 'm').test(text)) exported.add(name);
  }
  return files.flatMap(({ path, text }) => checkSource(text, relative(process.cwd(), path), exported));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dirs = process.argv.slice(2);
  const problems = checkDirs(dirs.length ? dirs : [fileURLToPath(new URL('../src', import.meta.url))]);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length) {
    console.error(`check-sql: ${problems.length} place(s) build SQL from values`);
    process.exit(1);
  }
  console.log('check-sql: every query is a literal or built from marked constants');
}
