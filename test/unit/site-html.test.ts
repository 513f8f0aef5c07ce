import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, html, raw } from '../../src/web/site/html.js';
import { renderPage } from '../../src/web/site/layout.js';

test('escapeHtml escapes the five markup characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('html escapes values, keeps nested html and raw markup, flattens arrays, drops null and false', () => {
  const items = ['<b>', 'c&d'].map((s) => html`<li>${s}</li>`);
  const out = html`<ul>${items}</ul>${raw('<hr>')}${null}${undefined}${false}${0}`.value;
  assert.equal(out, '<ul><li>&lt;b&gt;</li><li>c&amp;d</li></ul><hr>0');
});

test('renderPage builds a whole document with the navigation marked and the title escaped', () => {
  const page = renderPage({ title: 'A <title>', path: '/api', body: '<p>x</p>', scripts: ['/static/a.js'], styles: ['/static/b.css'] });
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /<title>A &lt;title&gt; · Ichnos<\/title>/);
  assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(page, /<a href="\/api" aria-current="page">API<\/a>/);
  assert.match(page, /<script src="\/static\/a.js" defer><\/script>/);
  assert.match(page, /<link rel="stylesheet" href="\/static\/b.css">/);
  assert.match(page, /<p>x<\/p>/);
  assert.match(page, /DB-IP/);
  assert.doesNotMatch(page, /<script>|style="/);
});

test('pages without a navigation entry mark their parent', () => {
  assert.match(renderPage({ title: 'Opt out', path: '/optout', body: '' }), /<a href="\/privacy" aria-current="page">Privacy<\/a>/);
  assert.doesNotMatch(renderPage({ title: 'Home', path: '/', body: '' }), /href="\/api" aria-current/);
});
