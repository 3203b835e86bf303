// The reviewed plan of a merge: finds the pull request that brought the pushed commit
// and writes its plan comment (scripts/plan-comment.js, with each environment's
// change-set block) to a file, for `deploy --reviewed-changeset FILE`. Without such a
// pull request (a manual run, a direct push) it writes nothing and says so.
'use strict';

const fs = require('fs');
const { MARKER, BOT, byAuthor } = require('./plan-comment.js');

// findComment returns the newest comment carrying the plan marker written by author
// (the identity the pull-request workflow comments as), or null. Anyone can write
// the marker: a comment by another account is not a review.
function findComment(comments, author = BOT) {
  const mine = comments.filter((c) => byAuthor(c, author) && c.body?.includes(MARKER));
  return mine.length > 0 ? mine[mine.length - 1] : null;
}

// forgedAuthors lists the authors of marked comments that findComment ignores.
function forgedAuthors(comments, author = BOT) {
  return comments.filter((c) => !byAuthor(c, author) && c.body?.includes(MARKER)).map((c) => c.user?.login ?? '(unknown)');
}

// run writes the reviewed plan to file and sets the `found` output.
// A forged comment is ignored, never used and never fatal by itself: failing on it
// would let anyone who can comment on a merged pull request block every deploy. With
// no genuine comment left the deploy fails as unreviewed.
async function run({ github, context, core, file = 'reviewed-plan.md', author = BOT }) {
  const { owner, repo } = context.repo;
  const { data: pulls } = await github.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: context.sha });
  const pr = pulls.find((p) => p.merged_at);
  if (!pr) {
    core.warning(`no merged pull request brought ${context.sha.slice(0, 7)}: deploying without a reviewed change set`);
    core.setOutput('found', 'false');
    return;
  }
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number: pr.number, per_page: 100 });
  const forged = forgedAuthors(comments, author);
  if (forged.length > 0) {
    core.warning(`ignored ${forged.length} plan comment(s) not written by ${author}: ${forged.join(', ')}`);
  }
  const comment = findComment(comments, author);
  if (!comment) {
    core.setFailed(`pull request #${pr.number} has no plan comment by ${author}: its plan was never reviewed`);
    core.setOutput('found', 'false');
    return;
  }
  fs.writeFileSync(file, comment.body);
  core.setOutput('found', 'true');
}

module.exports = { findComment, run };
