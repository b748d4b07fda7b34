/**
 * Reads the `lastfix.*` settings, validates them, and translates them into what the server reads
 * (initializationOptions and the answer to `workspace/configuration`).
 *
 * No `vscode` import: settings come through a `ConfigurationSource`, so tests pass plain objects.
 */

/** VS Code language ids the extension serves. */
export const LANGUAGE_IDS = ['python', 'powershell', 'excel-formula'] as const;
export type LanguageId = (typeof LANGUAGE_IDS)[number];

/** The server's grammar name for each VS Code language id (`get_grammar(name)` on the Python side). */
export const GRAMMAR_OF: Readonly<Record<LanguageId, string>> = {
    python: 'python',
    powershell: 'powershell',
    'excel-formula': 'excel',
};

export const DEVICES = ['auto', 'cpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

/** The Python versions code may be written for, up to the newest syntax the server knows (server:
 * grammars/python/target_syntax.py TARGET_VERSIONS). */
export const PYTHON_VERSIONS = ['3.8', '3.9', '3.10', '3.11', '3.12'] as const;

/** Everything the extension knows from `lastfix.*`, validated; `[]`/`''` mean "not set". */
export interface ExtensionSettings {
    readonly enable: Readonly<Record<LanguageId, boolean>>;
    readonly candidates: number;
    readonly fixOnSave: boolean;
    readonly fixOnSaveMaxDeletedTokens: number;
    readonly device: Device;
    /** `null`: the server's default for each language (1000 ms; PowerShell 400 ms). */
    readonly timeBudgetMs: number | null;
    /** A folder of `<language>/` model folders, or one folder per grammar name; `''` = shipped models. */
    readonly modelDir: string | Readonly<Record<string, string>>;
    readonly diagnosticsDelayMs: number;
    /** The Python the code is written for: newer syntax is an error. */
    readonly 'python.targetVersion': string;
    readonly serverCommand: readonly string[];
    readonly interpreter: string;
}

/**
 * What the server reads (server/settings.py `_FIELDS`): the `lastfix` section minus the client-only
 * launch settings, with `enable` keyed by the server's grammar names (`excel`, not `excel-formula`).
 */
export interface ServerSettings {
    enable: Record<string, boolean>;
    candidates: number;
    fixOnSave: boolean;
    fixOnSaveMaxDeletedTokens: number;
    device: Device;
    timeBudgetMs: number | null;
    modelDir: string | Record<string, string> | null;
    diagnosticsDelayMs: number;
    'python.targetVersion': string;
}

/** One settings scope, e.g. `workspace.getConfiguration('lastfix', {languageId})`. */
export interface ConfigurationReader {
    get(key: string): unknown;
}

/** Returns the `lastfix` section, overridden for `languageId` when one is given. */
export type ConfigurationSource = (languageId?: LanguageId) => ConfigurationReader;

/** Values substituted in path settings: `${workspaceFolder}`, `${userHome}`, a leading `~`. */
export interface PathVariables {
    readonly workspaceFolder?: string;
    readonly userHome: string;
}

export interface SettingsResult {
    readonly settings: ExtensionSettings;
    /** One line per ignored value: what was wrong and what is used instead. */
    readonly warnings: readonly string[];
}

export const DEFAULTS: ExtensionSettings = {
    enable: { python: true, powershell: true, 'excel-formula': true },
    candidates: 3,
    fixOnSave: false,
    fixOnSaveMaxDeletedTokens: 3,
    device: 'auto',
    timeBudgetMs: null,
    modelDir: '',
    diagnosticsDelayMs: 50,
    'python.targetVersion': '3.12',
    serverCommand: [],
    interpreter: '',
};

// Bounds match package.json and the server's validators; VS Code does not enforce them on settings.json.
const CANDIDATE_RANGE: readonly [number, number] = [1, 20];
const DELETED_TOKENS_RANGE: readonly [number, number] = [0, 50];
const BUDGET_RANGE: readonly [number, number] = [10, 60000];
const DELAY_RANGE: readonly [number, number] = [0, 5000];

/** Reads and validates every `lastfix.*` setting. */
export function readSettings(source: ConfigurationSource, vars: PathVariables): SettingsResult {
    const warnings: string[] = [];
    const root = source();
    const enable = {} as Record<LanguageId, boolean>;
    for (const lang of LANGUAGE_IDS) {
        enable[lang] = enabledFor(lang, source(lang).get('enable'), warnings);
    }
    const rawCommand = root.get('serverCommand');
    const serverCommand = toCommand(rawCommand, warnings).map((part) => expandPath(part, vars));
    return {
        settings: {
            enable,
            candidates: integerIn('candidates', root.get('candidates'), CANDIDATE_RANGE, DEFAULTS.candidates, warnings),
            fixOnSave: booleanOr('fixOnSave', root.get('fixOnSave'), DEFAULTS.fixOnSave, warnings),
            fixOnSaveMaxDeletedTokens: integerIn(
                'fixOnSaveMaxDeletedTokens',
                root.get('fixOnSaveMaxDeletedTokens'),
                DELETED_TOKENS_RANGE,
                DEFAULTS.fixOnSaveMaxDeletedTokens,
                warnings,
            ),
            device: deviceOr(root.get('device'), warnings),
            timeBudgetMs: integerIn('timeBudgetMs', root.get('timeBudgetMs'), BUDGET_RANGE, DEFAULTS.timeBudgetMs, warnings),
            modelDir: modelDirOf(root.get('modelDir'), vars, warnings),
            diagnosticsDelayMs: integerIn(
                'diagnosticsDelayMs',
                root.get('diagnosticsDelayMs'),
                DELAY_RANGE,
                DEFAULTS.diagnosticsDelayMs,
                warnings,
            ),
            'python.targetVersion': pythonVersionOr(root.get('python.targetVersion'), warnings),
            serverCommand,
            interpreter: expandPath(stringOr('interpreter', root.get('interpreter'), warnings), vars),
        },
        warnings,
    };
}

/** Translates extension settings to the server's view (initializationOptions, workspace/configuration). */
export function toServerSettings(settings: ExtensionSettings): ServerSettings {
    const enable: Record<string, boolean> = {};
    for (const lang of LANGUAGE_IDS) enable[GRAMMAR_OF[lang]] = settings.enable[lang];
    return {
        enable,
        candidates: settings.candidates,
        fixOnSave: settings.fixOnSave,
        fixOnSaveMaxDeletedTokens: settings.fixOnSaveMaxDeletedTokens,
        device: settings.device,
        timeBudgetMs: settings.timeBudgetMs,
        modelDir: settings.modelDir === '' ? null : typeof settings.modelDir === 'string' ? settings.modelDir : { ...settings.modelDir },
        diagnosticsDelayMs: settings.diagnosticsDelayMs,
        'python.targetVersion': settings['python.targetVersion'],
    };
}

/** True when the two settings would start or configure the server differently. */
export function settingsDiffer(a: ExtensionSettings, b: ExtensionSettings): boolean {
    return JSON.stringify(a) !== JSON.stringify(b);
}

/** Splits a command line on blanks outside single or double quotes (no backslash escapes: Windows paths). */
export function splitCommandLine(line: string): string[] {
    const parts: string[] = [];
    let current = '';
    let quote: string | undefined;
    let started = false;
    for (const ch of line) {
        if (quote !== undefined) {
            if (ch === quote) quote = undefined;
            else current += ch;
        } else if (ch === '"' || ch === "'") {
            quote = ch;
            started = true;
        } else if (/\s/.test(ch)) {
            if (started) parts.push(current);
            current = '';
            started = false;
        } else {
            current += ch;
            started = true;
        }
    }
    if (started) parts.push(current);
    return parts;
}

/** Substitutes `${workspaceFolder}`, `${userHome}` and a leading `~` (VS Code does not do it for us). */
export function expandPath(value: string, vars: PathVariables): string {
    let out = value.replace(/^~(?=$|[/\\])/, vars.userHome).replaceAll('${userHome}', vars.userHome);
    if (vars.workspaceFolder !== undefined) out = out.replaceAll('${workspaceFolder}', vars.workspaceFolder);
    return out;
}

function pythonVersionOr(value: unknown, warnings: string[]): string {
    if (value === undefined || value === null) return DEFAULTS['python.targetVersion'];
    if (typeof value === 'string' && (PYTHON_VERSIONS as readonly string[]).includes(value)) return value;
    const valid = PYTHON_VERSIONS.join(', ');
    const fallback = DEFAULTS['python.targetVersion'];
    warnings.push(`lastfix.python.targetVersion: expected one of ${valid}, got ${JSON.stringify(value)}; using ${fallback}`);
    return fallback;
}

function enabledFor(lang: LanguageId, value: unknown, warnings: string[]): boolean {
    if (value === undefined || value === null) return true;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'object' && !Array.isArray(value)) {
        // Accept both spellings of Excel: the language id users see and the server's grammar name.
        const record = value as Record<string, unknown>;
        const own = record[lang] ?? record[GRAMMAR_OF[lang]];
        if (own === undefined) return true;
        if (typeof own === 'boolean') return own;
        warnings.push(`lastfix.enable.${lang}: expected true or false, got ${JSON.stringify(own)}; using true`);
        return true;
    }
    const perLanguage = LANGUAGE_IDS.map((id) => `"${id}": bool`).join(', ');
    warnings.push(`lastfix.enable: expected true/false or {${perLanguage}}, got ${JSON.stringify(value)}; using true`);
    return true;
}

function toCommand(value: unknown, warnings: string[]): string[] {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return splitCommandLine(value);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        return value.filter((v) => v !== '');
    }
    warnings.push(
        `lastfix.serverCommand: expected a string or an array of strings, got ${JSON.stringify(value)}; ` +
            'discovering the server instead',
    );
    return [];
}

function integerIn<F extends number | null>(
    key: string,
    value: unknown,
    [lo, hi]: readonly [number, number],
    fallback: F,
    warnings: string[],
): number | F {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
        const instead = fallback === null ? "the server's default" : String(fallback);
        warnings.push(`lastfix.${key}: expected a number, got ${JSON.stringify(value)}; using ${instead}`);
        return fallback;
    }
    const clamped = Math.min(hi, Math.max(lo, Math.round(value)));
    if (clamped !== value) warnings.push(`lastfix.${key}: ${value} is outside ${lo}..${hi} or not whole; using ${clamped}`);
    return clamped;
}

function booleanOr(key: string, value: unknown, fallback: boolean, warnings: string[]): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    warnings.push(`lastfix.${key}: expected true or false, got ${JSON.stringify(value)}; using ${fallback}`);
    return fallback;
}

function stringOr(key: string, value: unknown, warnings: string[]): string {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value.trim();
    warnings.push(`lastfix.${key}: expected a string, got ${JSON.stringify(value)}; ignoring it`);
    return '';
}

/** `a, b or c`: the language lists of messages come from LANGUAGE_IDS and GRAMMAR_OF, never typed out. */
function orList(names: readonly string[]): string {
    return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** The grammar name for a language id or a grammar name; undefined for anything else. */
function grammarOf(key: string): string | undefined {
    if ((LANGUAGE_IDS as readonly string[]).includes(key)) return GRAMMAR_OF[key as LanguageId];
    return Object.values(GRAMMAR_OF).includes(key) ? key : undefined;
}

function modelDirOf(value: unknown, vars: PathVariables, warnings: string[]): ExtensionSettings['modelDir'] {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const perLanguage: Record<string, string> = {};
        for (const [key, dir] of Object.entries(value as Record<string, unknown>)) {
            const grammar = grammarOf(key);
            if (grammar === undefined || typeof dir !== 'string') {
                warnings.push(`lastfix.modelDir.${key}: expected a folder for ${orList(Object.values(GRAMMAR_OF))}; ignoring it`);
            } else if (dir.trim() !== '') {
                perLanguage[grammar] = expandPath(dir.trim(), vars);
            }
        }
        return Object.keys(perLanguage).length === 0 ? '' : perLanguage;
    }
    return expandPath(stringOr('modelDir', value, warnings), vars);
}

function deviceOr(value: unknown, warnings: string[]): Device {
    if (value === undefined || value === null) return DEFAULTS.device;
    if (typeof value === 'string' && (DEVICES as readonly string[]).includes(value)) return value as Device;
    warnings.push(`lastfix.device: ${JSON.stringify(value)} is not one of ${DEVICES.join(', ')}; using auto`);
    return DEFAULTS.device;
}

/**
 * The answer to one `workspace/configuration` item: `lastfix` gives the whole server view,
 * `lastfix.<key>` one field of it; undefined means "not ours, answer as VS Code would".
 */
export function configurationItem(section: string | undefined, server: ServerSettings): { value: unknown } | undefined {
    if (section === 'lastfix') return { value: server };
    if (section?.startsWith('lastfix.') === true) {
        const key = section.slice('lastfix.'.length);
        if (Object.hasOwn(server, key)) return { value: server[key as keyof ServerSettings] };
    }
    return undefined;
}
