// The lint check against string-built SQL (scripts/check-sql.mjs) on good and bad samples.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the samples are source text with ${…} in it
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkDirs, checkSource } from '../../scripts/check-sql.mjs';

const lines = (src: string) => checkSource(src).map((p) => p.line);

test('literal SQL and placeholders pass', () => {
  const good = [
    "await pool.query('SELECT 1');",
    'await pool.execute("DELETE FROM api_key WHERE valid_key = ?", [key]);',
    'const [rows] = await db.query<RowDataPacket[]>(`SELECT a\n  FROM t WHERE b = ?`, [b]);',
    "await conn.query('INSERT INTO t (a) VALUES ?', [rows]);",
    "await pool.query('SELECT ' + 'a FROM t');",
    // Not SQL calls at all.
    'const k = ctx.query.key; const q = req.query;',
    "// pool.query(`SELECT ${x}`) in a comment",
  ];
  for (const src of good) assert.deepEqual(checkSource(src), [], src);
});

test('values interpolated or concatenated into SQL are flagged', () => {
  const bad = [
    'await pool.query(`SELECT * FROM api_key WHERE valid_key = \'${key}\'`);',
    'await db.execute(`DELETE FROM t WHERE id = ${id}`, []);',
    "await pool.query('SELECT * FROM t WHERE name = \\'' + name + '\\'');",
    "await pool.query(\"SELECT * FROM t WHERE id = \" + id, []);",
    'await pool.query(sql);',
    'await pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM t`);',
    'const sql = `SELECT ${a}`;\nawait conn\n  .query(\n    `SELECT * FROM ${table} WHERE x = ?`, [x]);',
    // A mark without a reason does not count.
    'await pool.query(`SELECT * FROM ${/* sql-safe */ table}`);',
  ];
  for (const src of bad) assert.ok(checkSource(src).length > 0, src);
  assert.deepEqual(lines('const a = 1;\n\nawait pool.query(`SELECT ${a}`);'), [3]);
});

test('marked constant fragments pass, unmarked ones do not', () => {
  const marked = [
    "// sql-safe: column list\nconst COLUMNS = 'a, b';\nawait pool.query(`SELECT ${COLUMNS} FROM t`);",
    "const COLUMNS = ['a', 'b']; // sql-safe: column list\nawait pool.query(`SELECT ${COLUMNS.join(', ')} FROM t`);",
    'await pool.query(`INSERT INTO t VALUES ${/* sql-safe: placeholders */ Array(n).fill(\'(?, ?)\').join(\', \')}`, params);',
    'await pool.query(/* sql-safe: a migration file */ sql);',
    'await pool.query(\n  // sql-safe: table from a union type\n  `DELETE FROM ${table} WHERE id = ?`, [id]);',
  ];
  for (const src of marked) assert.deepEqual(checkSource(src), [], src);
  // A mark on another constant does not cover this one.
  assert.equal(checkSource("// sql-safe: columns\nconst A = 'a';\nconst B = input;\nawait pool.query(`SELECT ${A}, ${B}`);").length, 1);
  // An imported name is safe only when a scanned file exports it marked.
  const importer = "import { COLUMNS } from './x.js';\nawait pool.query(`SELECT ${COLUMNS} FROM t`);";
  assert.equal(checkSource(importer).length, 1);
  assert.deepEqual(checkSource(importer, 'y.ts', new Set(['COLUMNS'])), []);
  assert.equal(checkSource(importer.replace('{ COLUMNS }', '{ OTHER as COLUMNS }'), 'y.ts', new Set(['COLUMNS'])).length, 1);
});

test('src/ has no string-built SQL', () => {
  assert.deepEqual(checkDirs([fileURLToPath(new URL('../../src', import.meta.url))]), []);
});
