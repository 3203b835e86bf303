// The pull-request plan comment: one comment per pull request, found by its marker
// and updated on each push, with every environment's plan Markdown and release diff
// (as `dagger call tf-plan --env E --no-policy comment-markdown` wrote them). The
// plans are made once per environment; this script is also the policy gate: it
// fails the check when any plan reports violations (the marker internal/policy
// writes).
'use strict';

const fs = require('fs');

const MARKER = '<!-- predictor-plan -->';
const LIMIT = 65536; // GitHub's comment limit
const VIOLATIONS = /<!-- predictor-policy violations=(\d+) -->/;
// The login of the workflow's GITHUB_TOKEN, which actions/github-script uses by
// default: only its comments are the pipeline's.
const BOT = 'github-actions[bot]';

// byAuthor reports whether comment c was written by the bot account login.
function byAuthor(c, login = BOT) {
  return c.user?.type === 'Bot' && c.user?.login === login;
}

// buildComment returns the comment body and the environments whose plans violate
// policy. plans maps an environment to its Markdown, or null when it has none.
function buildComment({ plans, sha, runUrl }) {
  let body = `${MARKER}\n## Terraform plan for ${sha.slice(0, 7)}\n`;
  const violating = [];
  for (const [env, text] of Object.entries(plans)) {
    body += `\n### ${env}\n\n${text ?? `No plan: see [the run](${runUrl}).`}\n`;
    const m = text && VIOLATIONS.exec(text);
    if (m && Number(m[1]) > 0) {
      violating.push(env);
    }
  }
  if (body.length > LIMIT) {
    body = body.slice(0, LIMIT - 200) + `\n\n... truncated: the full plans are in [the run](${runUrl}).`;
  }
  return { body, violating };
}

// readPlans reads plan-ENV.md for each environment from dir.
function readPlans(envs, dir = '.') {
  const plans = {};
  for (const env of envs) {
    const file = `${dir}/plan-${env}.md`;
    plans[env] = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  }
  return plans;
}

// run posts or updates the comment (actions/github-script's github, context, core).
async function run({ github, context, core, envs = ['dev', 'prod'], dir = '.', author = BOT }) {
  const runUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
  const { body, violating } = buildComment({ plans: readPlans(envs, dir), sha: context.sha, runUrl });
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  // Another account's marked comment is left alone (the token could not edit it).
  const mine = comments.find((c) => byAuthor(c, author) && c.body?.includes(MARKER));
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number, body });
  }
  if (violating.length > 0) {
    core.setFailed(`policy violations in the ${violating.join(' and ')} plan: see the comment`);
  }
}

module.exports = { buildComment, readPlans, run, byAuthor, MARKER, LIMIT, BOT };
