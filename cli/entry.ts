/**
 * The CLI's process entry: what `bin/ecr-keeper.mjs` runs, bundled into dist/ by scripts/build-cli.ts.
 * Everything about the process (its streams, its exit code) is here; cli/main.ts stays callable in-process.
 */
import { main } from './main';
import { endQuietlyOnBrokenPipe } from './quiet-pipe';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
endQuietlyOnBrokenPipe(process.stdout, (code) => process.exit(code));
// A closed stderr (`2>&1 | head`) must not end a run half-way through its changes: its lines go nowhere.
process.stderr.on('error', () => {});
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin });
