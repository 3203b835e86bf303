'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { buildComment, readPlans, run, MARKER, LIMIT } = require('./plan-comment.js');

const clean = '### Terraform plan for `dev`\n#### Policy: no violations\n<!-- predictor-policy violations=0 -->\n';
const bad = '### Terraform plan for `prod`\n#### :no_entry: Policy: 2 violation(s)\n<!-- predictor-policy violations=2 -->\n';

test('comment holds every plan under its environment, with the marker', () => {
  const { body, violating } = buildComment({ plans: { dev: clean, prod: clean }, sha: '0123456789abcdef', runUrl: 'https://run' });
  assert.ok(body.startsWith(`${MARKER}\n## Terraform plan for 0123456`));
  assert.ok(body.includes('### dev\n\n### Terraform plan for `dev`'));
  assert.deepStrictEqual(violating, []);
});

test('violations are found per environment', () => {
  const { violating } = buildComment({ plans: { dev: clean, prod: bad }, sha: 'abcdef0', runUrl: 'https://run' });
  assert.deepStrictEqual(violating, ['prod']);
});

test('a missing plan points at the run and is no violation', () => {
  const { body, violating } = buildComment({ plans: { dev: null }, sha: 'abcdef0', runUrl: 'https://run/1' });
  assert.ok(body.includes('No plan: see [the run](https://run/1).'));
  assert.deepStrictEqual(violating, []);
});

test('a long comment is cut below the limit', () => {
  const { body } = buildComment({ plans: { dev: 'x'.repeat(LIMIT * 2) }, sha: 'abcdef0', runUrl: 'https://run' });
  assert.ok(body.length <= LIMIT);
  assert.ok(body.endsWith('... truncated: the full plans are in [the run](https://run).'));
});

function fakeGitHub(existing) {
  const calls = [];
  return {
    calls,
    paginate: async () => existing,
    rest: {
      issues: {
        listComments: () => {},
        updateComment: async (a) => calls.push(['update', a.comment_id]),
        createComment: async (a) => calls.push(['create', a.issue_number]),
      },
    },
  };
}

const context = { serverUrl: 'https://gh', repo: { owner: 'o', repo: 'r' }, runId: 7, sha: 'abcdef0123', issue: { number: 5 } };

test('run updates its own comment and fails the check on violations', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-comment-'));
  fs.writeFileSync(path.join(dir, 'plan-dev.md'), clean);
  fs.writeFileSync(path.join(dir, 'plan-prod.md'), bad);
  const gh = fakeGitHub([{ id: 1, user: { login: 'someone', type: 'User' }, body: MARKER }, { id: 2, user: { login: 'github-actions[bot]', type: 'Bot' }, body: `${MARKER} old` }]);
  let failed = '';
  await run({ github: gh, context, core: { setFailed: (m) => { failed = m; } }, dir });
  assert.deepStrictEqual(gh.calls, [['update', 2]]);
  assert.match(failed, /policy violations in the prod plan/);
});

test('another bot\'s marked comment is not the pipeline\'s: run creates its own', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-comment-'));
  fs.writeFileSync(path.join(dir, 'plan-dev.md'), clean);
  const gh = fakeGitHub([{ id: 3, user: { login: 'renovate[bot]', type: 'Bot' }, body: MARKER }]);
  await run({ github: gh, context, core: { setFailed: () => {} }, dir });
  assert.deepStrictEqual(gh.calls, [['create', 5]]);
});

test('run creates a comment and passes without violations', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-comment-'));
  fs.writeFileSync(path.join(dir, 'plan-dev.md'), clean);
  const gh = fakeGitHub([]);
  let failed = '';
  await run({ github: gh, context, core: { setFailed: (m) => { failed = m; } }, dir });
  assert.deepStrictEqual(gh.calls, [['create', 5]]);
  assert.strictEqual(failed, '');
  assert.deepStrictEqual(Object.keys(readPlans(['dev', 'prod'], dir)), ['dev', 'prod']);
});
