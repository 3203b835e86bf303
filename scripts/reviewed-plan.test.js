'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { findComment, run } = require('./reviewed-plan.js');
const { MARKER } = require('./plan-comment.js');

const context = { repo: { owner: 'o', repo: 'r' }, sha: 'abcdef0123' };

function fakeCore() {
  const core = { outputs: {}, failed: '', warned: '' };
  core.setOutput = (k, v) => { core.outputs[k] = v; };
  core.setFailed = (m) => { core.failed = m; };
  core.warning = (m) => { core.warned = m; };
  return core;
}

function fakeGitHub(pulls, comments) {
  return {
    paginate: async () => comments,
    rest: {
      repos: { listPullRequestsAssociatedWithCommit: async () => ({ data: pulls }) },
      issues: { listComments: () => {} },
    },
  };
}

test('the newest bot plan comment wins; users cannot forge one', () => {
  const c = findComment([
    { id: 1, user: { type: 'Bot' }, body: `${MARKER} old` },
    { id: 2, user: { type: 'User' }, body: `${MARKER} forged` },
    { id: 3, user: { type: 'Bot' }, body: `${MARKER} new` },
  ]);
  assert.strictEqual(c.id, 3);
  assert.strictEqual(findComment([{ id: 2, user: { type: 'User' }, body: MARKER }]), null);
});

test('writes the merged pull request plan comment', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reviewed-')), 'r.md');
  const core = fakeCore();
  await run({ github: fakeGitHub([{ number: 4, merged_at: null }, { number: 5, merged_at: '2026-11-29' }], [{ user: { type: 'Bot' }, body: `${MARKER}\nplan` }]), context, core, file });
  assert.strictEqual(fs.readFileSync(file, 'utf8'), `${MARKER}\nplan`);
  assert.strictEqual(core.outputs.found, 'true');
  assert.strictEqual(core.failed, '');
});

test('no merged pull request: a warning, nothing written', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reviewed-')), 'r.md');
  const core = fakeCore();
  await run({ github: fakeGitHub([], []), context, core, file });
  assert.strictEqual(core.outputs.found, 'false');
  assert.match(core.warned, /without a reviewed change set/);
  assert.ok(!fs.existsSync(file));
});

test('a merged pull request without a plan comment fails', async () => {
  const core = fakeCore();
  await run({ github: fakeGitHub([{ number: 5, merged_at: 'x' }], []), context, core, file: '/nonexistent/r.md' });
  assert.match(core.failed, /#5 has no plan comment/);
});
