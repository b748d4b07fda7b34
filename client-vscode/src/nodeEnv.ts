/**
 * The real `DiscoveryEnv` pieces that need only Node: PATH lookup and the interpreter probe.
 * (The Python extension's selected interpreter comes from `vscodeapi.ts`.)
 */
import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { ProbeResult } from './discovery';

/**
 * Asks an interpreter whether `-m lastfix serve` can run and which lastfix it is. `find_spec` of the
 * command's module imports only the small package `__init__`s on the way (`lastfix`, `lastfix.cli`),
 * never onnxruntime, so this is fast; another project's `lastfix` package has no `cli/serve.py`.
 */
export const PROBE = `
import importlib.util, json, sys
out = {"python": sys.version.split()[0]}
try:
    out["serve"] = importlib.util.find_spec("lastfix.cli.serve") is not None
except Exception as e:
    out["serve"] = False
    out["error"] = repr(e)
try:
    import importlib.metadata as md
    out["lastfix"] = md.version("lastfix")
except Exception:
    out["lastfix"] = None
print(json.dumps(out))
`;

export interface NodeEnvOptions {
    /** Working directory of the probe and the server: one without a stray `lastfix/` package. */
    readonly cwd: string;
    readonly pathEnv: string | undefined;
    readonly platform: NodeJS.Platform;
    readonly pathExt?: string | undefined;
    readonly probeTimeoutMs?: number;
}

/** Absolute path of the first executable `name` on `pathEnv` (PATHEXT-aware on Windows). */
export async function findOnPath(name: string, options: NodeEnvOptions): Promise<string | undefined> {
    const dirs = (options.pathEnv ?? '').split(options.platform === 'win32' ? ';' : ':').filter((d) => d !== '');
    const exts =
        options.platform === 'win32' ? (options.pathExt ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e) : [''];
    for (const dir of dirs) {
        for (const ext of exts) {
            const candidate = path.join(dir, name + ext);
            if (await isExecutableFile(candidate, options.platform)) return candidate;
        }
    }
    return undefined;
}

/** Runs PROBE with `interpreter`; never rejects. */
export function probePython(interpreter: string, options: NodeEnvOptions): Promise<ProbeResult> {
    return new Promise((resolve) => {
        execFile(
            interpreter,
            ['-c', PROBE],
            { cwd: options.cwd, timeout: options.probeTimeoutMs ?? 15000, windowsHide: true },
            (error, stdout, stderr) => {
                if (error) {
                    const code = (error as NodeJS.ErrnoException).code;
                    const why = code === 'ENOENT' ? 'not found' : (stderr.trim().split('\n').pop() ?? error.message);
                    resolve({ ok: false, reason: `cannot run it (${why})` });
                    return;
                }
                resolve(interpretProbe(stdout));
            },
        );
    });
}

/** Turns PROBE's JSON line into a verdict with a reason a user can act on. */
export function interpretProbe(stdout: string): ProbeResult {
    let out: { python?: unknown; serve?: unknown; lastfix?: unknown };
    try {
        out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as typeof out;
    } catch {
        return { ok: false, reason: `unexpected probe output ${JSON.stringify(stdout.slice(0, 200))}` };
    }
    const python = typeof out.python === 'string' ? out.python : '?';
    const [major, minor] = python.split('.').map(Number);
    if (major !== undefined && minor !== undefined && (major < 3 || (major === 3 && minor < 10))) {
        return { ok: false, reason: `Python ${python} is too old (lastfix needs 3.10 or newer)` };
    }
    if (out.serve !== true) return { ok: false, reason: `lastfix is not installed in it (Python ${python})` };
    return { ok: true, version: typeof out.lastfix === 'string' ? out.lastfix : 'from source' };
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
    try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) return false;
        // Windows has no execute bit; PATHEXT already decided what counts as executable.
        if (platform !== 'win32') await fs.access(file, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
