import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Jest global setup of the e2e project: its tests run the built apps and the compiled example
 * as child processes, so dist/ is built once here — never by a test while another runs from it.
 */
export default function build(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'examples/postgres-table-sync'], { cwd: ROOT, stdio: 'inherit' });
}
