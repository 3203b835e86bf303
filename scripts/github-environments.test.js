'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const { environments, findings, dirSource, ghSource, ghArgs, notFound, plan } = require('./github-environments.js');

const root = path.join(__dirname, '..');
const script = path.join(__dirname, 'github-environments.js');
// compliant holds GitHub's responses, shaped as its REST reference documents them,
// for dev, prod and readonly set up as the repository expects.
const compliant = path.join(__dirname, 'testdata', 'github-environments');

// fixture copies the compliant responses into a new directory and lets change edit
// them: change(files) gets {"prod.json": object, ...} and may delete entries.
function fixture(change = () => {}) {
  const files = {};
  for (const f of fs.readdirSync(compliant)) {
    files[f] = JSON.parse(fs.readFileSync(path.join(compliant, f), 'utf8'));
  }
  change(files);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-environments-'));
  for (const [f, body] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, f), JSON.stringify(body));
  }
  return dir;
}

function reviewRule(env) {
  return env.protection_rules.find((r) => r.type === 'required_reviewers');
}

test('the environments come from infra/envs without the emulator, plus readonly', () => {
  assert.deepStrictEqual(environments(root), [
    { name: 'dev', protected: false },
    { name: 'prod', protected: true },
    { name: 'readonly', protected: false },
  ]);
});

test('the compliant set passes, through the command line', () => {
  const out = execFileSync('node', [script, 'check', '--from', fixture()], { encoding: 'utf8' });
  assert.strictEqual(out, 'github environments: dev, prod, readonly as the repository expects\n');
});

// Each case breaks one setting and expects exactly its one line.
const failing = {
  'prod without reviewers': {
    change: (f) => { f['prod.json'].protection_rules = f['prod.json'].protection_rules.filter((r) => r.type !== 'required_reviewers'); },
    want: /^prod: protected, but no required reviewers, .*fix: add one under Settings > Environments > prod > Required reviewers/,
  },
  'prod with an empty reviewer list': {
    change: (f) => { reviewRule(f['prod.json']).reviewers = []; },
    want: /^prod: protected, but no required reviewers/,
  },
  'prod with self review allowed': {
    change: (f) => { reviewRule(f['prod.json']).prevent_self_review = false; },
    want: /^prod: protected, but whoever starts a run may approve it .*fix: gh api --method PUT repos\/\{owner\}\/\{repo\}\/environments\/prod --input - <<< '\{"prevent_self_review":true,"reviewers":\[\{"type":"User","id":1\},\{"type":"Team","id":1\}\],"can_admins_bypass":false,"deployment_branch_policy":\{"protected_branches":false,"custom_branch_policies":true\}\}'$/,
  },
  'prod whose reviewers admins may bypass': {
    change: (f) => { f['prod.json'].can_admins_bypass = true; },
    want: /^prod: protected, but administrators may bypass its reviewers \(can_admins_bypass is not false\); fix: gh api --method PUT .*environments\/prod --input - <<< '.*"can_admins_bypass":false.*'$/,
  },
  'prod that does not say whether admins may bypass (GitHub: they may)': {
    change: (f) => { delete f['prod.json'].can_admins_bypass; },
    want: /^prod: protected, but administrators may bypass its reviewers/,
  },
  'dev deployable from any branch': {
    change: (f) => { f['dev.json'].deployment_branch_policy = null; delete f['dev.deployment-branch-policies.json']; },
    want: /^dev: any branch may deploy \(no deployment branch policy\); fix: gh api --method PUT .*environments\/dev --input - <<< '.*"custom_branch_policies":true.*' && gh api --method POST repos\/\{owner\}\/\{repo\}\/environments\/dev\/deployment-branch-policies -f name=main -f type=branch$/,
  },
  'dev deployable from every protected branch': {
    change: (f) => { f['dev.json'].deployment_branch_policy = { protected_branches: true, custom_branch_policies: false }; },
    want: /^dev: every protected branch may deploy, not only main; fix: gh api --method PUT /,
  },
  'a missing readonly environment': {
    change: (f) => { delete f['readonly.json']; delete f['readonly.deployment-branch-policies.json']; },
    want: /^readonly: does not exist \(or the token cannot read it\); fix: create it with what `node scripts\/github-environments.js plan` prints/,
  },
  'a missing prod environment': {
    change: (f) => { delete f['prod.json']; },
    want: /^prod: does not exist .*`node scripts\/github-environments.js plan LOGIN`/,
  },
  'an extra branch pattern *': {
    change: (f) => {
      const p = f['prod.deployment-branch-policies.json'];
      p.branch_policies.push({ id: 361480, node_id: 'MDE2OkdhdGVCcmFuY2hQb2xpY3kzNjE0ODA=', name: '*' });
      p.total_count = 2;
    },
    want: /^prod: branch pattern "\*" may deploy too; fix: gh api --method DELETE repos\/\{owner\}\/\{repo\}\/environments\/prod\/deployment-branch-policies\/361480$/,
  },
  'a tag named main instead of the branch': {
    change: (f) => { f['readonly.deployment-branch-policies.json'].branch_policies[0].type = 'tag'; },
    want: /^readonly: tag pattern "main" may deploy too; fix: gh api --method DELETE .*\/361473$/,
  },
};

for (const [name, { change, want }] of Object.entries(failing)) {
  test(`${name} fails with its line`, () => {
    const lines = findings(root, dirSource(fixture(change)));
    if (name === 'a tag named main instead of the branch') {
      // The tag rule is one line, the missing branch rule another.
      assert.strictEqual(lines.length, 2, lines.join('\n'));
      assert.match(lines[1], /^readonly: no deployment branch rule "main", so no branch may deploy; fix: gh api --method POST /);
    } else {
      assert.strictEqual(lines.length, 1, lines.join('\n'));
    }
    assert.match(lines[0], want);
  });
}

test('a failure exits 1 and prints its line', () => {
  const dir = fixture(failing['prod with self review allowed'].change);
  const res = spawnSync('node', [script, 'check', '--from', dir], { encoding: 'utf8' });
  assert.strictEqual(res.status, 1, res.stderr);
  assert.match(res.stdout, /^prod: protected, but whoever starts a run may approve it/);
});

test('gh reads the documented endpoints, and only a 404 counts as missing', () => {
  assert.deepStrictEqual(ghArgs.get('prod'), ['api', 'repos/{owner}/{repo}/environments/prod']);
  assert.deepStrictEqual(ghArgs.policies('prod'), ['api', 'repos/{owner}/{repo}/environments/prod/deployment-branch-policies?per_page=100']);
  assert.ok(notFound('gh: Not Found (HTTP 404)\n'));
  assert.ok(!notFound('gh: Resource not accessible by integration (HTTP 403)\n'));
  const failWith = (stderr) => () => { throw Object.assign(new Error('exit 1'), { stderr }); };
  assert.strictEqual(ghSource(failWith('gh: Not Found (HTTP 404)\n')).get('readonly'), null);
  assert.throws(() => ghSource(failWith('gh: Bad credentials (HTTP 401)\n')).get('prod'), /gh api repos\/\{owner\}\/\{repo\}\/environments\/prod: gh: Bad credentials \(HTTP 401\)/);
});

test('plan prints the calls for every environment, reviewers required for prod', () => {
  const lines = plan(root, ['octocat', 'team:justice-league']);
  const text = lines.join('\n');
  for (const env of ['dev', 'prod', 'readonly']) {
    assert.match(text, new RegExp(`gh api --method PUT repos/\\{owner\\}/\\{repo\\}/environments/${env} --input - <<JSON\n\\{.*"deployment_branch_policy":\\{"protected_branches":false,"custom_branch_policies":true\\}\\}\nJSON\ngh api --method POST repos/\\{owner\\}/\\{repo\\}/environments/${env}/deployment-branch-policies -f name=main -f type=branch`));
  }
  assert.match(text, /\{"prevent_self_review":true,"reviewers":\[\{"type":"User","id":\$\(gh api users\/octocat --jq \.id\)\},\{"type":"Team","id":\$\(gh api orgs\/\{owner\}\/teams\/justice-league --jq \.id\)\}\]/);
  assert.doesNotMatch(text, /environments\/dev --input - <<JSON\n.*reviewers/);
  assert.throws(() => plan(root, []), /prod protected: give at least one reviewer/);
  assert.throws(() => plan(root, ['octo cat']), /neither a LOGIN nor team:SLUG/);
  assert.throws(() => plan(root, ['$(id)']), /neither a LOGIN nor team:SLUG/);
});

test('two wrong settings of one environment get fixes that do not undo each other', () => {
  const lines = findings(root, dirSource(fixture((f) => {
    reviewRule(f['prod.json']).prevent_self_review = false;
    f['prod.json'].deployment_branch_policy = null;
    delete f['prod.deployment-branch-policies.json'];
  })));
  assert.strictEqual(lines.length, 2, lines.join('\n'));
  const bodies = lines.map((l) => JSON.parse(/<<< '([^']*)'/.exec(l)[1]));
  for (const body of bodies) {
    assert.deepStrictEqual(body, {
      prevent_self_review: true,
      reviewers: [{ type: 'User', id: 1 }, { type: 'Team', id: 1 }],
      can_admins_bypass: false,
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
  }
});
