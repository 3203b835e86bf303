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

const own = { login: 'github-actions[bot]', type: 'Bot' };

test('the newest plan comment of the workflow\'s own bot wins', () => {
  const c = findComment([
    { id: 1, user: own, body: `${MARKER} old` },
    { id: 2, user: { login: 'someone', type: 'User' }, body: `${MARKER} forged` },
    { id: 3, user: own, body: `${MARKER} new` },
    { id: 4, user: own, body: 'no marker' },
  ]);
  assert.strictEqual(c.id, 3);
});

test('a marked comment by another bot or a user never counts, even when newer', () => {
  const forged = [
    { id: 2, user: { login: 'someone', type: 'User' }, body: MARKER },
    { id: 3, user: { login: 'renovate[bot]', type: 'Bot' }, body: MARKER },
    // A user cannot take a [bot] login, but a type mismatch must not count either.
    { id: 4, user: { login: 'github-actions[bot]', type: 'User' }, body: MARKER },
  ];
  assert.strictEqual(findComment(forged), null);
  assert.strictEqual(findComment([{ id: 1, user: own, body: MARKER }, ...forged]).id, 1);
});

test('the expected author is a parameter', () => {
  const app = { login: 'predictor-ci[bot]', type: 'Bot' };
  const comments = [{ id: 1, user: own, body: MARKER }, { id: 2, user: app, body: MARKER }];
  assert.strictEqual(findComment(comments, 'predictor-ci[bot]').id, 2);
  assert.strictEqual(findComment(comments).id, 1);
});

test('a forged plan comment alone fails the job and is named; it is never written', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reviewed-')), 'r.md');
  const core = fakeCore();
  const comments = [{ user: { login: 'mallory-bot[bot]', type: 'Bot' }, body: `${MARKER}\nforged` }];
  await run({ github: fakeGitHub([{ number: 5, merged_at: 'x' }], comments), context, core, file });
  assert.match(core.failed, /#5 has no plan comment by github-actions\[bot\]/);
  assert.match(core.warned, /ignored 1 plan comment\(s\) not written by github-actions\[bot\]: mallory-bot\[bot\]/);
  assert.strictEqual(core.outputs.found, 'false');
  assert.ok(!fs.existsSync(file));
});

test('a forged plan comment beside the real one is ignored with a warning', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reviewed-')), 'r.md');
  const core = fakeCore();
  const comments = [
    { user: own, body: `${MARKER}\nreviewed` },
    { user: { login: 'mallory', type: 'User' }, body: `${MARKER}\nforged` },
  ];
  await run({ github: fakeGitHub([{ number: 5, merged_at: 'x' }], comments), context, core, file });
  assert.strictEqual(fs.readFileSync(file, 'utf8'), `${MARKER}\nreviewed`);
  assert.strictEqual(core.outputs.found, 'true');
  assert.strictEqual(core.failed, '');
  assert.match(core.warned, /mallory/);
});

test('writes the merged pull request plan comment', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reviewed-')), 'r.md');
  const core = fakeCore();
  await run({ github: fakeGitHub([{ number: 4, merged_at: null }, { number: 5, merged_at: '2026-11-29' }], [{ user: own, body: `${MARKER}\nplan` }]), context, core, file });
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
