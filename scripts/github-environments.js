// The GitHub environments' protection rules, checked from the repository. The deploy
// roles trust GitHub environments by name (infra/github-oidc), so what keeps an
// unreviewed branch away from prod lives in GitHub's settings, not here: this script
// reads those settings and says what differs from what the repository relies on.
//
//   node scripts/github-environments.js check [--from DIR]
//       every environment of infra/envs but the emulator's (`local`), and `readonly`,
//       exists and deploys from the branch `main` only; every protected one
//       (`protected = true` in infra/envs/NAME.tfvars) has at least one required
//       reviewer and prevents self-review. One line per failure, exit 1 on any. Reads
//       GitHub with `gh api` (GH_TOKEN needs Actions read), or DIR/NAME.json and
//       DIR/NAME.deployment-branch-policies.json (the same responses, for tests).
//   node scripts/github-environments.js plan [REVIEWER...]
//       prints the `gh api` calls that create or update the environments so that
//       `check` passes; a REVIEWER is a user's LOGIN or `team:SLUG` (an organization's
//       team), required for a protected environment.
//
// The fields are those of GitHub's REST API reference ("REST API endpoints for
// deployment environments": Get an environment, Create or update an environment;
// "REST API endpoints for deployment branch policies": List and Create). Both reads
// need the "Actions" repository permission (read); the writes need "Administration"
// (write), which is why `plan` prints the calls for an administrator to run.
//
// Branches: GitHub offers `protected_branches` (every branch with a protection rule
// may deploy) or `custom_branch_policies` (the branches matching name patterns). Only
// the second says "main and nothing else", so that is what is required: custom
// policies, exactly one pattern, `main`, of type branch.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const { isProtected } = require('./plan-id.js');

// READONLY is the GitHub environment of the read-only role (infra/github-oidc's
// readonly_environment); EMULATOR is infra/envs' environment that never meets GitHub.
const READONLY = 'readonly';
const EMULATOR = 'local';
const BRANCH = 'main';
const SCRIPT = 'node scripts/github-environments.js';
// gh fills {owner}/{repo} from GH_REPO or the checkout's remote.
const API = 'repos/{owner}/{repo}/environments';

// environments lists the GitHub environments the repository relies on, sorted, with
// whether each is protected (read by plan-id.js's parser).
function environments(root) {
  const names = fs.readdirSync(path.join(root, 'infra', 'envs'))
    .filter((f) => f.endsWith('.tfvars'))
    .map((f) => f.slice(0, -'.tfvars'.length))
    .filter((n) => n !== EMULATOR);
  return [...new Set([...names, READONLY])].sort().map((name) => ({
    name,
    protected: name !== READONLY && isProtected(root, name),
  }));
}

// branchPolicy is the body part that limits deployments to custom patterns.
const branchPolicy = { protected_branches: false, custom_branch_policies: true };

// reviewersOf returns the environment's required_reviewers rule, or undefined.
function reviewersOf(env) {
  return (env.protection_rules ?? []).find((r) => r.type === 'required_reviewers');
}

// putBody is the PUT body of every fix: what env already has (reviewers, wait timer,
// admin bypass: a PUT sets what it is given) with all that check wants, so applying
// one line's fix never undoes another's.
function putBody(env, prot) {
  const body = {};
  const wait = (env.protection_rules ?? []).find((r) => r.type === 'wait_timer');
  if (wait) body.wait_timer = wait.wait_timer;
  const rule = reviewersOf(env);
  body.prevent_self_review = prot || (rule?.prevent_self_review ?? false);
  body.reviewers = (rule?.reviewers ?? []).map((r) => ({ type: r.type, id: r.reviewer?.id }));
  if (prot) body.can_admins_bypass = false;
  else if (typeof env.can_admins_bypass === 'boolean') body.can_admins_bypass = env.can_admins_bypass;
  body.deployment_branch_policy = branchPolicy;
  return body;
}

function putCall(name, body) {
  return `gh api --method PUT ${API}/${name} --input - <<< '${JSON.stringify(body)}'`;
}

function addMainCall(name) {
  return `gh api --method POST ${API}/${name}/deployment-branch-policies -f name=${BRANCH} -f type=branch`;
}

function deletePolicyCall(name, id) {
  return `gh api --method DELETE ${API}/${name}/deployment-branch-policies/${id}`;
}

function settings(name, what) {
  return `Settings > Environments > ${name} > ${what}`;
}

// branchFindings checks that only the branch main may deploy to env.
function branchFindings(name, prot, env, policies) {
  const dbp = env.deployment_branch_policy;
  const limit = `fix: ${putCall(name, putBody(env, prot))} && ${addMainCall(name)}`;
  if (!dbp) {
    return [`${name}: any branch may deploy (no deployment branch policy); ${limit}`];
  }
  if (dbp.protected_branches || !dbp.custom_branch_policies) {
    return [`${name}: every protected branch may deploy, not only ${BRANCH}; ${limit}`];
  }
  const list = policies?.branch_policies ?? [];
  const out = [];
  for (const p of list) {
    const type = p.type ?? 'branch'; // GitHub's documented response may omit it: a branch rule
    if (p.name !== BRANCH || type !== 'branch') {
      out.push(`${name}: ${type} pattern ${JSON.stringify(p.name)} may deploy too; fix: ${deletePolicyCall(name, p.id)}`);
    }
  }
  if (!list.some((p) => p.name === BRANCH && (p.type ?? 'branch') === 'branch')) {
    out.push(`${name}: no deployment branch rule ${JSON.stringify(BRANCH)}, so no branch may deploy; fix: ${addMainCall(name)}`);
  }
  if ((policies?.total_count ?? list.length) > list.length) {
    out.push(`${name}: ${policies.total_count} deployment branch rules, more than one page; fix: delete all but ${BRANCH} (${settings(name, 'Deployment branches and tags')})`);
  }
  return out;
}

// reviewFindings checks that a protected env waits for a reviewer other than the
// person who started the run.
function reviewFindings(name, env) {
  const rule = reviewersOf(env);
  if (!rule || (rule.reviewers ?? []).length === 0) {
    return [`${name}: protected, but no required reviewers, so a merge deploys it unreviewed; fix: add one under ${settings(name, 'Required reviewers')}, or run what \`${SCRIPT} plan LOGIN\` prints`];
  }
  const out = [];
  if (rule.prevent_self_review !== true) {
    out.push(`${name}: protected, but whoever starts a run may approve it (prevent_self_review is not true); fix: ${putCall(name, putBody(env, true))}`);
  }
  // Absent means GitHub's default, true: a repository admin's run skips the reviewers.
  if (env.can_admins_bypass !== false) {
    out.push(`${name}: protected, but administrators may bypass its reviewers (can_admins_bypass is not false); fix: ${putCall(name, putBody(env, true))}`);
  }
  return out;
}

// findings checks every environment with source, which answers get(name) (the
// environment, or null when it does not exist) and policies(name).
function findings(root, source) {
  const out = [];
  for (const { name, protected: prot } of environments(root)) {
    const env = source.get(name);
    if (env === null) {
      const plan = prot ? `${SCRIPT} plan LOGIN` : `${SCRIPT} plan`;
      out.push(`${name}: does not exist (or the token cannot read it); fix: create it with what \`${plan}\` prints (Settings > Environments > New environment)`);
      continue;
    }
    const custom = env.deployment_branch_policy?.custom_branch_policies === true;
    out.push(...branchFindings(name, prot, env, custom ? source.policies(name) : null));
    if (prot) out.push(...reviewFindings(name, env));
  }
  return out;
}

// readJSON parses file, or returns null when it does not exist.
function readJSON(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw new Error(`read ${file}: ${err.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`parse ${file}: ${err.message}`);
  }
}

// dirSource reads the responses from files: DIR/NAME.json, absent for a 404.
function dirSource(dir) {
  return {
    get: (name) => readJSON(path.join(dir, `${name}.json`)),
    policies: (name) => readJSON(path.join(dir, `${name}.deployment-branch-policies.json`)) ?? { total_count: 0, branch_policies: [] },
  };
}

// ghArgs are the `gh api` arguments of each read.
const ghArgs = {
  get: (name) => ['api', `${API}/${encodeURIComponent(name)}`],
  policies: (name) => ['api', `${API}/${encodeURIComponent(name)}/deployment-branch-policies?per_page=100`],
};

// notFound reports whether gh's error output is GitHub's 404 (gh prints
// "gh: Not Found (HTTP 404)").
function notFound(stderr) {
  return /\(HTTP 404\)/.test(stderr);
}

// ghSource reads GitHub with the gh CLI.
function ghSource(run = (args) => execFileSync('gh', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) {
  const call = (args, missing) => {
    try {
      return JSON.parse(run(args));
    } catch (err) {
      if (missing !== undefined && notFound(String(err.stderr ?? ''))) return missing;
      throw new Error(`gh ${args.join(' ')}: ${String(err.stderr ?? '').trim() || err.message}`);
    }
  };
  return {
    get: (name) => call(ghArgs.get(name), null),
    policies: (name) => call(ghArgs.policies(name)),
  };
}

// reviewerJSON is a reviewer of the PUT body; its id is looked up when the printed
// call runs, so a LOGIN or team SLUG is enough here.
function reviewerJSON(arg) {
  const team = /^team:([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(arg);
  if (team) return `{"type":"Team","id":$(gh api orgs/{owner}/teams/${team[1]} --jq .id)}`;
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(arg)) return `{"type":"User","id":$(gh api users/${arg} --jq .id)}`;
  throw new Error(`reviewer ${JSON.stringify(arg)} is neither a LOGIN nor team:SLUG`);
}

// plan returns the shell lines that make every environment pass check.
function plan(root, reviewers) {
  const envs = environments(root);
  const prot = envs.filter((e) => e.protected).map((e) => e.name);
  if (prot.length > 0 && reviewers.length === 0) {
    throw new Error(`${prot.join(', ')} protected: give at least one reviewer (LOGIN or team:SLUG)`);
  }
  if (reviewers.length > 6) {
    throw new Error('GitHub takes at most six reviewers');
  }
  const who = `[${reviewers.map(reviewerJSON).join(',')}]`;
  const lines = [];
  for (const { name, protected: p } of envs) {
    lines.push(`# ${name}: deployments from ${BRANCH} only${p ? '; protected: required reviewers, no self-review, no admin bypass' : ''}`);
    const body = p
      ? `{"prevent_self_review":true,"reviewers":${who},"can_admins_bypass":false,"deployment_branch_policy":${JSON.stringify(branchPolicy)}}`
      : `{"deployment_branch_policy":${JSON.stringify(branchPolicy)}}`;
    lines.push(`gh api --method PUT ${API}/${name} --input - <<JSON`, body, 'JSON');
    // A rule that exists already answers 303: harmless on a second run.
    lines.push(addMainCall(name));
  }
  lines.push(`# then \`${SCRIPT} check\` lists any other branch rule to delete`);
  return lines;
}

function main(argv, out) {
  const root = path.join(__dirname, '..');
  const [cmd, ...rest] = argv;
  if (cmd === 'check' && (rest.length === 0 || (rest.length === 2 && rest[0] === '--from'))) {
    const lines = findings(root, rest.length ? dirSource(rest[1]) : ghSource());
    for (const l of lines) out(l);
    if (lines.length === 0) out(`github environments: ${environments(root).map((e) => e.name).join(', ')} as the repository expects`);
    return lines.length === 0 ? 0 : 1;
  }
  if (cmd === 'plan') {
    for (const l of plan(root, rest)) out(l);
    return 0;
  }
  throw new Error('usage: github-environments.js check [--from DIR] | github-environments.js plan [LOGIN | team:SLUG]...');
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2), (l) => console.log(l));
  } catch (err) {
    console.error(`github-environments: ${err.message}`);
    process.exitCode = 1;
  }
}

module.exports = { environments, findings, dirSource, ghSource, ghArgs, notFound, plan, main };
