/** Entry of the walker-scale child process: options as JSON in argv[2], result as JSON on stdout. */
import { walkerScale } from './walker-scale';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof walkerScale>[0];
process.stdout.write(JSON.stringify(await walkerScale(options)));
