'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { isProtected, requireID, output } = require('./plan-id.js');

const root = path.join(__dirname, '..');
const id = 'a'.repeat(64);

test('prod is protected and dev is not, read from infra/envs', () => {
  assert.strictEqual(isProtected(root, 'prod'), true);
  assert.strictEqual(isProtected(root, 'dev'), false);
});

test('a protected environment without a plan ID is refused', () => {
  assert.throws(() => requireID(root, 'prod', ''), /prod is protected: .*tf-plan --env prod --save/);
  assert.doesNotThrow(() => requireID(root, 'prod', id));
  assert.doesNotThrow(() => requireID(root, 'dev', ''));
});

test('a malformed plan ID is refused everywhere', () => {
  for (const bad of ['undefined', 'A'.repeat(64), 'a'.repeat(63), `${id}\nx`]) {
    assert.throws(() => requireID(root, 'dev', bad), /not the 64-hex SHA-256/, bad);
  }
});

test('an unknown environment is an error, not unprotected', () => {
  assert.throws(() => requireID(root, 'qa', ''), /unknown environment "qa"/);
  assert.throws(() => requireID(root, '../prod', ''), /not a name of infra\/envs/);
});

test('output writes a valid ID and fails on a missing or empty file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-id-'));
  const gh = path.join(dir, 'out');
  fs.writeFileSync(path.join(dir, 'id'), `${id}\n`);
  assert.strictEqual(output(path.join(dir, 'id'), gh), id);
  assert.strictEqual(fs.readFileSync(gh, 'utf8'), `plan-id=${id}\n`);
  fs.writeFileSync(path.join(dir, 'empty'), '');
  assert.throws(() => output(path.join(dir, 'empty'), gh), /not the 64-hex/);
  assert.throws(() => output(path.join(dir, 'missing'), gh), /read the plan ID/);
  assert.throws(() => output(path.join(dir, 'id'), ''), /GITHUB_OUTPUT is not set/);
});
