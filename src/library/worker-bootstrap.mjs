// Starts the build worker from TypeScript sources (tests, tsx): registers tsx's loader in this
// worker thread, then loads the worker module. The bundled app (dist/) starts dist/build-worker.mjs directly.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
