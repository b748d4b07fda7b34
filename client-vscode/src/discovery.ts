/**
 * Finds the command that starts the lastfix language server.
 *
 * Order: `lastfix.serverCommand`; `lastfix` on PATH (`lastfix serve`); a Python interpreter that has
 * lastfix installed (`python -m lastfix serve`). The server is not bundled: tree-sitter and
 * onnxruntime ship compiled wheels (DESIGN.md "Editors"), so we start what the user installed.
 */
import type { ExtensionSettings } from './settings';

/** A way to start the server, and where it came from (shown in the output channel). */
export interface ServerLaunch {
    readonly command: string;
    readonly args: readonly string[];
    readonly origin: 'lastfix.serverCommand' | 'PATH' | 'lastfix.interpreter' | 'Python extension' | 'default python';
}

export type Discovery =
    | { readonly ok: true; readonly launch: ServerLaunch; readonly tried: readonly string[] }
    | { readonly ok: false; readonly tried: readonly string[]; readonly interpreter: string };

/** What an interpreter says about itself when asked (see `nodeEnv.ts` PROBE). */
export type ProbeResult =
    | { readonly ok: true; readonly version: string }
    | { readonly ok: false; readonly reason: string };

/** The outside world discovery looks at; the extension passes the real one, tests a fake. */
export interface DiscoveryEnv {
    /** Absolute path of an executable named `name` on PATH, if any. */
    findOnPath(name: string): Promise<string | undefined>;
    /** Whether `interpreter` can run `-m lastfix serve` from an installed lastfix. */
    probePython(interpreter: string): Promise<ProbeResult>;
    /** The interpreter selected in the Python extension (ms-python.python), if it is installed. */
    selectedPython(): Promise<string | undefined>;
    /** `python3`, or `python` on Windows where `python3` is often the Store stub. */
    readonly defaultPython: string;
}

export const SERVE_ARGS: readonly string[] = ['serve'];
export const MODULE_ARGS: readonly string[] = ['-m', 'lastfix', 'serve'];

/** Picks the first way to start the server that works; `tried` says what each step found. */
export async function discoverServer(settings: ExtensionSettings, env: DiscoveryEnv): Promise<Discovery> {
    const tried: string[] = [];
    const [first, ...rest] = settings.serverCommand;
    if (first !== undefined) {
        // An explicit command is trusted as is: it may be a wrapper script, ssh, a container.
        tried.push(`lastfix.serverCommand: ${[first, ...rest].join(' ')}`);
        return { ok: true, launch: { command: first, args: rest, origin: 'lastfix.serverCommand' }, tried };
    }

    const onPath = await env.findOnPath('lastfix');
    if (onPath !== undefined) {
        tried.push(`PATH: found ${onPath}`);
        return { ok: true, launch: { command: onPath, args: SERVE_ARGS, origin: 'PATH' }, tried };
    }
    tried.push('PATH: no `lastfix` executable');

    // An explicit interpreter beats the one inferred from the Python extension (as ruff-vscode's
    // `ruff.interpreter` does); the first interpreter that has lastfix installed wins.
    const candidates: [string, ServerLaunch['origin']][] = [];
    if (settings.interpreter !== '') candidates.push([settings.interpreter, 'lastfix.interpreter']);
    const selected = await env.selectedPython();
    if (selected !== undefined && selected !== '') candidates.push([selected, 'Python extension']);
    candidates.push([env.defaultPython, 'default python']);

    const seen = new Set<string>();
    for (const [interpreter, origin] of candidates) {
        if (seen.has(interpreter)) continue;
        seen.add(interpreter);
        const probe = await env.probePython(interpreter);
        if (probe.ok) {
            tried.push(`${origin}: ${interpreter} has lastfix ${probe.version}`);
            return { ok: true, launch: { command: interpreter, args: MODULE_ARGS, origin }, tried };
        }
        tried.push(`${origin}: ${interpreter}: ${probe.reason}`);
    }
    return { ok: false, tried, interpreter: candidates[0]?.[0] ?? env.defaultPython };
}

/** The notification shown when no server was found: what happened and the two ways to fix it. */
export function missingServerMessage(discovery: Extract<Discovery, { ok: false }>): string {
    return (
        'lastfix: the language server is not installed. ' +
        `Install it with \`${discovery.interpreter} -m pip install /path/to/lastfix\` ` +
        '(a checkout of its repository, or the wheel `python -m build` makes there; lastfix is not on PyPI), ' +
        'or point `lastfix.serverCommand` or `lastfix.interpreter` at an ' +
        'installation, then run "lastfix: Restart Server". The lastfix output lists what was tried.'
    );
}
