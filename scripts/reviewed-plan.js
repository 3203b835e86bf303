// The reviewed plan of a merge: finds the pull request that brought the pushed commit
// and writes its plan comment (scripts/plan-comment.js, with each environment's
// change-set block) to a file, for `deploy --reviewed-changeset FILE`. Without such a
// pull request (a manual run, a direct push) it writes nothing and says so.
'use strict';

const fs = require('fs');
const { MARKER } = require('./plan-comment.js');

// findComment returns the newest bot comment carrying the plan marker, or null.
function findComment(comments) {
  const mine = comments.filter((c) => c.user?.type === 'Bot' && c.body?.includes(MARKER));
  return mine.length > 0 ? mine[mine.length - 1] : null;
}

// run writes the reviewed plan to file and sets the `found` output.
async function run({ github, context, core, file = 'reviewed-plan.md' }) {
  const { owner, repo } = context.repo;
  const { data: pulls } = await github.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: context.sha });
  const pr = pulls.find((p) => p.merged_at);
  if (!pr) {
    core.warning(`no merged pull request brought ${context.sha.slice(0, 7)}: deploying without a reviewed change set`);
    core.setOutput('found', 'false');
    return;
  }
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: pr.number, per_page: 100 });
  const comment = findComment(comments);
  if (!comment) {
    core.setFailed(`pull request #${pr.number} has no plan comment: its plan was never reviewed`);
    core.setOutput('found', 'false');
    return;
  }
  fs.writeFileSync(file, comment.body);
  core.setOutput('found', 'true');
}

module.exports = { findComment, run };
