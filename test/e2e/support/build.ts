import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Jest global setup of the e2e project: the tests run the built apps, so build them once. */
export default function build(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: join(__dirname, '..', '..', '..'), stdio: 'inherit' });
}
