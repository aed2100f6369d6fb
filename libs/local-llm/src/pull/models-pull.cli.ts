import { runModelsPull } from './models-pull';

// `npm run models:pull -- <uri>` (package.json), compiled by scripts/tsconfig.models-pull.json on its own:
// no other lib, so it builds in seconds without the gateway.
void runModelsPull(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
