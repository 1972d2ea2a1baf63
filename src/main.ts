import { runCli } from './adapters/cli/index.ts';

await runCli(process.argv.slice(2));
