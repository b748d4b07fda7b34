/**
 * Fakes for what cannot run here: VS Code itself (its download is blocked), and time.
 * Each fake records what the code under test asked of it.
 */
import type { RunningServer, Timers } from '../src/restart';
import type { ConfigurationReader, ConfigurationSource, LanguageId } from '../src/settings';
import type { CodeActionInfo, Disposable, DocumentInfo, VsCodeApi } from '../src/vscodeapi';

/** Settings as in settings.json: `lastfix.*` values plus `[language]` overrides. */
export interface FakeConfig {
    values: Record<string, unknown>;
    overrides?: Partial<Record<LanguageId, Record<string, unknown>>>;
}

export function configSource(config: FakeConfig): ConfigurationSource {
    return (languageId?: LanguageId): ConfigurationReader => ({
        get: (key: string) => {
            const override = languageId === undefined ? undefined : config.overrides?.[languageId];
            if (override !== undefined && key in override) return override[key];
            return config.values[key];
        },
    });
}

/** Timers that fire only when the test advances the clock. */
export class ManualTimers implements Timers {
    now = 0;
    private next = 1;
    private readonly pending = new Map<number, { at: number; callback: () => void }>();

    setTimeout(callback: () => void, ms: number): unknown {
        const id = this.next++;
        this.pending.set(id, { at: this.now + ms, callback });
        return id;
    }

    clearTimeout(handle: unknown): void {
        this.pending.delete(handle as number);
    }

    get size(): number {
        return this.pending.size;
    }

    advance(ms: number): void {
        this.now += ms;
        for (const [id, timer] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
            if (timer.at <= this.now) {
                this.pending.delete(id);
                timer.callback();
            }
        }
    }
}

/** A server handle that records its life; `stopDelay` makes stop take a while. */
export class FakeServer implements RunningServer {
    stopped = false;
    constructor(
        readonly id: number,
        private readonly events: string[],
    ) {}

    async stop(): Promise<void> {
        this.events.push(`stop ${this.id}`);
        await Promise.resolve();
        this.stopped = true;
    }
}

/** Records log lines by level. */
export class RecordingLog {
    readonly lines: string[] = [];
    info(message: string): void {
        this.lines.push(`info: ${message}`);
    }
    warn(message: string): void {
        this.lines.push(`warn: ${message}`);
    }
    error(message: string): void {
        this.lines.push(`error: ${message}`);
    }
}

/** The VS Code API as the commands and settings see it, scripted per test. */
export class FakeVsCodeApi implements VsCodeApi {
    readonly commands = new Map<string, () => unknown>();
    readonly infos: string[] = [];
    readonly errors: { message: string; actions: string[] }[] = [];
    readonly executed: { id: string; args: unknown[] }[] = [];
    readonly appliedEdits: unknown[] = [];
    readonly codeActionRequests: { uri: string; kind: string }[] = [];
    document: DocumentInfo | undefined;
    actions: CodeActionInfo[] = [];
    applyResult = true;
    errorChoice: string | undefined;
    python: string | undefined;
    folder: string | undefined;
    private readonly configListeners: (() => void)[] = [];

    constructor(public config: FakeConfig = { values: {} }) {}

    getConfiguration(languageId?: LanguageId): ConfigurationReader {
        return configSource(this.config)(languageId);
    }
    workspaceFolder(): string | undefined {
        return this.folder;
    }
    onDidChangeConfiguration(listener: () => void): Disposable {
        this.configListeners.push(listener);
        return { dispose: () => undefined };
    }
    /** Changes settings the way editing settings.json does, and fires the change event. */
    changeConfig(config: FakeConfig): void {
        this.config = config;
        for (const listener of this.configListeners) listener();
    }
    registerCommand(id: string, handler: () => unknown): Disposable {
        this.commands.set(id, handler);
        return { dispose: () => this.commands.delete(id) };
    }
    executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
        this.executed.push({ id, args });
        return Promise.resolve(undefined);
    }
    showErrorMessage(message: string, ...actions: string[]): Promise<string | undefined> {
        this.errors.push({ message, actions });
        return Promise.resolve(this.errorChoice);
    }
    showInformationMessage(message: string): void {
        this.infos.push(message);
    }
    activeDocument(): DocumentInfo | undefined {
        return this.document;
    }
    codeActions(uri: string, kind: string): Promise<CodeActionInfo[]> {
        this.codeActionRequests.push({ uri, kind });
        return Promise.resolve(this.actions);
    }
    applyEdit(edit: unknown): Promise<boolean> {
        this.appliedEdits.push(edit);
        return Promise.resolve(this.applyResult);
    }
    selectedPython(): Promise<string | undefined> {
        return Promise.resolve(this.python);
    }
    onDidChangePython(): Disposable {
        return { dispose: () => undefined };
    }
}
