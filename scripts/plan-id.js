// Plan IDs in CI, checked before any AWS call: a protected environment (infra/envs/
// NAME.tfvars sets `protected = true`) is changed in CI only by the ID of a saved,
// reviewed plan (`tf-plan --env NAME --save`), never planned and applied at once.
//
//   node scripts/plan-id.js require ENV ID   fails when ENV is protected and ID is
//                                            empty, or when ID is not a plan ID
//   node scripts/plan-id.js output FILE      reads the ID the plan job exported and
//                                            writes `plan-id=ID` to $GITHUB_OUTPUT
//
// A step's `echo "plan-id=$(cat FILE)"` does not fail when cat does (bash -e ignores
// a failing command substitution inside another command): hence this script.
'use strict';

const fs = require('fs');
const path = require('path');

// ID is what `plan --save` prints: the SHA-256 of the plan file, in hex.
const ID = /^[0-9a-f]{64}$/;

// isProtected reads the environment's file as internal/envcfg does (one
// `protected = true` attribute); an unknown environment is an error.
function isProtected(root, env) {
  if (!/^[a-z][a-z0-9-]*$/.test(env)) {
    throw new Error(`environment ${JSON.stringify(env)} is not a name of infra/envs`);
  }
  const file = path.join(root, 'infra', 'envs', `${env}.tfvars`);
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`unknown environment ${JSON.stringify(env)}: no ${path.relative(root, file)}`);
  }
  return /^\s*protected\s*=\s*true\s*(#.*)?$/m.test(text);
}

function checkID(id) {
  if (!ID.test(id)) {
    throw new Error(`plan ID ${JSON.stringify(id)} is not the 64-hex SHA-256 that \`tf-plan --save\` prints`);
  }
}

// requireID returns nothing when env may be changed with id ('' for none).
function requireID(root, env, id) {
  if (id !== '') {
    checkID(id);
    return;
  }
  if (isProtected(root, env)) {
    throw new Error(`${env} is protected: CI changes it only by the ID of a saved, reviewed plan (\`tf-plan --env ${env} --save\`), and none was given`);
  }
}

// output reads the ID from file and appends it to the GitHub output file.
function output(file, githubOutput) {
  if (!githubOutput) {
    throw new Error('GITHUB_OUTPUT is not set: run this in a GitHub Actions step');
  }
  let id;
  try {
    id = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`read the plan ID: ${err.message}`);
  }
  checkID(id);
  fs.appendFileSync(githubOutput, `plan-id=${id}\n`);
  return id;
}

function main(argv, env) {
  const root = path.join(__dirname, '..');
  const [cmd, a, b] = argv;
  if (cmd === 'require' && a !== undefined) {
    requireID(root, a, b ?? '');
    return;
  }
  if (cmd === 'output' && a !== undefined) {
    output(a, env.GITHUB_OUTPUT);
    return;
  }
  throw new Error('usage: plan-id.js require ENV ID | plan-id.js output FILE');
}

if (require.main === module) {
  try {
    main(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`plan-id: ${err.message}`);
    process.exit(1);
  }
}

module.exports = { ID, isProtected, requireID, output, main };
