/**
 * Owns the running server: start, stop, restart now, restart debounced.
 *
 * Every transition runs on one promise chain, so a restart never overlaps a start or a stop (two
 * servers on one document would publish diagnostics twice), and bursts of settings changes (typing a
 * path into settings.json fires one event per keystroke) collapse into one restart.
 */

/** A started server; `stop` shuts it down (LSP shutdown + exit) and resolves when it is gone. */
export interface RunningServer {
    stop(): Promise<void>;
}

export interface Logger {
    info(message: string): void;
    error(message: string): void;
}

/** Timer functions, injectable so tests drive time by hand. */
export interface Timers {
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}

export interface ControllerOptions {
    /** Starts a server; resolves to undefined when it could not (the starter already told the user). */
    readonly start: () => Promise<RunningServer | undefined>;
    readonly log: Logger;
    readonly debounceMs: number;
    readonly timers?: Timers;
}

export type ControllerState = 'stopped' | 'starting' | 'running' | 'stopping';

const realTimers: Timers = {
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => {
        clearTimeout(handle as ReturnType<typeof setTimeout>);
    },
};

export class ServerController {
    private server: RunningServer | undefined;
    private chain: Promise<void> = Promise.resolve();
    private pendingTimer: unknown;
    private restartQueued = false;
    private disposed = false;
    private stateValue: ControllerState = 'stopped';
    private readonly timers: Timers;

    constructor(private readonly options: ControllerOptions) {
        this.timers = options.timers ?? realTimers;
    }

    get state(): ControllerState {
        return this.stateValue;
    }

    /** The server now running, if any. */
    get current(): RunningServer | undefined {
        return this.server;
    }

    /** Starts the server unless one is running. */
    start(): Promise<void> {
        return this.enqueue(async () => {
            if (this.server === undefined) await this.startNow();
        });
    }

    /** Stops the running server and starts a new one; coalesces with a restart already waiting. */
    restart(): Promise<void> {
        this.cancelTimer();
        if (this.restartQueued) return this.chain;
        this.restartQueued = true;
        return this.enqueue(async () => {
            this.restartQueued = false;
            await this.stopNow();
            await this.startNow();
        });
    }

    /** Restarts after `debounceMs` without another call (settings changes come in bursts). */
    scheduleRestart(): void {
        if (this.disposed) return;
        this.cancelTimer();
        this.pendingTimer = this.timers.setTimeout(() => {
            this.pendingTimer = undefined;
            void this.restart();
        }, this.options.debounceMs);
    }

    /** Stops the server (also cancels a pending restart). */
    stop(): Promise<void> {
        this.cancelTimer();
        return this.enqueue(() => this.stopNow());
    }

    /** For `context.subscriptions`: no restart after this, and the server is stopped. */
    async dispose(): Promise<void> {
        this.disposed = true;
        await this.stop();
    }

    /** Resolves when every queued transition has finished (tests and deactivate wait on it). */
    idle(): Promise<void> {
        return this.chain;
    }

    private enqueue(step: () => Promise<void>): Promise<void> {
        // A failed step is logged and the chain goes on: one bad start must not wedge later restarts.
        this.chain = this.chain.then(step).catch((e: unknown) => {
            this.options.log.error(`lastfix: ${e instanceof Error ? e.message : String(e)}`);
        });
        return this.chain;
    }

    private async startNow(): Promise<void> {
        if (this.disposed) return;
        this.stateValue = 'starting';
        try {
            this.server = await this.options.start();
        } finally {
            this.stateValue = this.server === undefined ? 'stopped' : 'running';
        }
    }

    private async stopNow(): Promise<void> {
        const server = this.server;
        if (server === undefined) return;
        this.stateValue = 'stopping';
        this.server = undefined;
        try {
            await server.stop();
            this.options.log.info('lastfix: server stopped');
        } finally {
            this.stateValue = 'stopped';
        }
    }

    private cancelTimer(): void {
        if (this.pendingTimer !== undefined) {
            this.timers.clearTimeout(this.pendingTimer);
            this.pendingTimer = undefined;
        }
    }
}
