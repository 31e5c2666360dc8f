/**
 * Two-process races: `startRace` runs the same TypeScript worker (see `race-worker.ts`) in several
 * Node processes on one state database and referees them. Every message is logged in the order it
 * arrived (`events`, each with an ordinal), so a test can show that the processes raced: each one
 * reached the claim (`arrived`) before any was let through (`released`), and each then tried it
 * (its `report`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { FromWorker, Json, ToWorker } from './race-worker.ts';

/** How long a command may take before the race is declared stuck (liveness, not speed). */
const STUCK_MS = 45_000;

/** One step of a race: a worker's message, or the test releasing a gate. */
export type RaceStep = { worker: number; pid: number; message: FromWorker } | { worker: 'test'; message: { type: 'released'; key: string } };
/** A logged step, with its place in the order of everything that happened. */
export type RaceEvent = { ordinal: number } & RaceStep;

/** One worker's report at a gate (`report(key, data)` on the worker side). */
export interface RaceReport {
  worker: number;
  pid: number;
  /** Ordinal of the worker's arrival at the gate. */
  arrived: number;
  /** Ordinal of the release of the gate. */
  released: number;
  /** Ordinal of the report (after the claim returned). */
  reported: number;
  data: Json;
}

export interface Race {
  /** Process ids, by worker number. */
  readonly pids: number[];
  /** Everything that happened, in order. */
  readonly events: readonly RaceEvent[];
  /** Send `name` to every worker; resolves with each worker's answer (by worker number) once all have answered. */
  command(name: string, arg?: Json): Promise<Json[]>;
  /** Every worker's report at gate `key`, by worker number (throws unless each worker reported exactly once). */
  reportsAt(key: string): RaceReport[];
  /** Gates the workers reached, in the order they were released. */
  gates(): string[];
  /** Stop every worker (each closes its stores); resolves with their exit codes. */
  stop(): Promise<(number | null)[]>;
  /** Kill whatever still runs (after a failed test); harmless after `stop`. */
  kill(): Promise<void>;
}

interface Worker {
  child: ChildProcess;
  stderr: string;
  exited: Promise<number | null>;
  exitCode: number | null | undefined;
}

/**
 * Start `count` processes running the worker `file` (through tsx) with `args` (each knows its number
 * as `raceWorker().index`); resolves once all are loaded and waiting for commands.
 */
export async function startRace(file: string, args: readonly string[], count = 2): Promise<Race> {
  const events: RaceEvent[] = [];
  const arrivals = new Map<string, Set<number>>();
  const answers = new Map<number, Map<number, { ok: true; result: Json } | { ok: false; error: string }>>();
  const listeners = new Set<() => void>();
  let nextId = 1;
  const log = (e: RaceStep): void => {
    events.push({ ordinal: events.length, ...e });
  };
  const changed = (): void => {
    for (const l of [...listeners]) l();
  };

  const workers: Worker[] = Array.from({ length: count }, (_, index) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      env: { ...process.env, RACE_WORKER: String(index) },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const w: Worker = { child, stderr: '', exitCode: undefined, exited: Promise.resolve(null) };
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      w.stderr += d;
      process.stderr.write(d);
    });
    w.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        w.exitCode = code;
        resolve(code);
        changed();
      });
      child.on('error', () => {
        w.exitCode = -1;
        resolve(-1);
        changed();
      });
    });
    child.on('message', (message: FromWorker) => {
      log({ worker: index, pid: child.pid ?? -1, message });
      if (message.type === 'arrived') {
        const at = arrivals.get(message.key) ?? new Set<number>();
        at.add(index);
        arrivals.set(message.key, at);
        if (at.size === count) {
          log({ worker: 'test', message: { type: 'released', key: message.key } });
          for (const other of workers) send(other, { type: 'release', key: message.key });
        }
      } else if (message.type === 'done' || message.type === 'failed') {
        const byWorker = answers.get(message.id) ?? new Map<number, { ok: true; result: Json } | { ok: false; error: string }>();
        byWorker.set(index, message.type === 'done' ? { ok: true, result: message.result } : { ok: false, error: message.error });
        answers.set(message.id, byWorker);
      }
      changed();
    });
    return w;
  });

  function send(w: Worker, m: ToWorker): void {
    if (w.child.connected) w.child.send(m);
  }

  /** Resolve when `done()` holds; reject when a worker exits first or the race is stuck. */
  function until<T>(what: string, done: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const value = done();
        if (value !== undefined) {
          finish();
          resolve(value);
          return;
        }
        const dead = workers.findIndex((w) => w.exitCode !== undefined);
        if (dead >= 0) {
          finish();
          reject(new Error(`worker ${dead} exited (code ${String(workers[dead]!.exitCode)}) while waiting for ${what}:\n${workers[dead]!.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        const waiting = [...arrivals].filter(([, at]) => at.size < count).map(([key, at]) => `${key} (reached by worker ${[...at].join(', ')} only)`);
        reject(new Error(`stuck for ${STUCK_MS} ms waiting for ${what}; gates not reached by every worker: ${waiting.join('; ') || 'none'}`));
      }, STUCK_MS);
      const finish = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  }

  async function command(name: string, arg: Json = null): Promise<Json[]> {
    const id = nextId++;
    for (const w of workers) send(w, { type: 'command', id, name, arg });
    const byWorker = await until(`every worker to finish "${name}"`, () => {
      const got = answers.get(id);
      return got && got.size === count ? got : undefined;
    });
    return workers.map((_, i) => {
      const a = byWorker.get(i)!;
      if (!a.ok) throw new Error(`worker ${i} failed "${name}":\n${a.error}`);
      return a.result;
    });
  }

  try {
    await until('every worker to load', () => (events.filter((e) => e.message.type === 'ready').length === count ? true : undefined));
  } catch (err) {
    for (const w of workers) if (w.exitCode === undefined) w.child.kill('SIGKILL');
    throw err;
  }

  return {
    pids: workers.map((w) => w.child.pid ?? -1),
    events,
    command,
    reportsAt(key) {
      const ordinalOf = (type: string, worker: number | 'test'): number => {
        const found = events.find((e) => e.worker === worker && e.message.type === type && 'key' in e.message && e.message.key === key);
        if (!found) throw new Error(`no "${type}" at ${key} from worker ${worker}`);
        return found.ordinal;
      };
      const reports = events.filter(
        (e): e is RaceEvent & { worker: number; message: { type: 'report'; key: string; data: Json } } =>
          e.worker !== 'test' && e.message.type === 'report' && e.message.key === key,
      );
      return workers.map((w, i) => {
        const mine = reports.filter((r) => r.worker === i);
        if (mine.length !== 1) throw new Error(`worker ${i} reported ${mine.length} times at ${key}`);
        const r = mine[0]!;
        return {
          worker: i,
          pid: w.child.pid ?? -1,
          arrived: ordinalOf('arrived', i),
          released: ordinalOf('released', 'test'),
          reported: r.ordinal,
          data: r.message.data,
        };
      });
    },
    gates() {
      return events.flatMap((e) => (e.worker === 'test' ? [e.message.key] : []));
    },
    async stop() {
      const id = nextId++;
      for (const w of workers) send(w, { type: 'stop', id });
      await until('every worker to stop', () => (answers.get(id)?.size === count ? true : undefined));
      for (const w of workers) if (w.child.connected) w.child.disconnect();
      return Promise.all(workers.map((w) => w.exited));
    },
    async kill() {
      for (const w of workers) if (w.exitCode === undefined) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
    },
  };
}
