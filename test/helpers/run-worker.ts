import { spawn } from 'node:child_process';

/** Run a TypeScript test worker in its own Node process (through tsx); resolves to its exit code. */
export function runWorker(file: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}
