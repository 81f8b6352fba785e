/**
 * Running the console tools as a user does: each `scripts/<tool>.ts` bundled once (bundleChildScript)
 * and run as `node <bundle> ...args` in a child process, with stdin text, collecting stdout, stderr and
 * the exit status. Asynchronous, so an in-process broker keeps serving while a tool runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChildScript } from '../helpers/child-script.js';

const SCRIPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts');

/** The console tools. */
export type ToolName = 'kafka-topics' | 'kafka-consumer-groups' | 'kafka-console-producer' | 'kafka-console-consumer' | 'kafka-producer-perf-test' | 'kafka-consumer-perf-test';

/** Path of a tool's bundle. */
export function toolPath(tool: ToolName): string {
  return bundleChildScript(path.join(SCRIPTS, `${tool}.ts`));
}

/** What a finished tool produced. */
export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Start a tool; `input` is written to its stdin and stdin closed (left open when undefined and `keepStdin`). */
export function startTool(tool: ToolName, args: string[], options: { input?: string; keepStdin?: boolean } = {}): { child: ChildProcess; result: Promise<ToolResult>; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [toolPath(tool), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.on('error', () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);
  else if (!options.keepStdin) child.stdin!.end();
  const result = new Promise<ToolResult>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, result, stdout: () => stdout, stderr: () => stderr };
}

/** Run a tool to completion (killed after `timeoutMs`, default 20 s). */
export async function runTool(tool: ToolName, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  const t = startTool(tool, args, options);
  const timer = setTimeout(() => t.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    return await t.result;
  } finally {
    clearTimeout(timer);
  }
}

/** Wait until `predicate` holds (polling every 50 ms), failing after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
