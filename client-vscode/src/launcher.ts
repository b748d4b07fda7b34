/**
 * One server start: read the settings, find the server, start the client, and tell the user what to
 * do when any of it fails. The `ServerController` calls `start` on every (re)start.
 */
import { type Discovery, type ServerLaunch, missingServerMessage } from './discovery';
import type { Logger, RunningServer } from './restart';
import { type ExtensionSettings, type SettingsResult, settingsDiffer } from './settings';

/** Buttons on the failure notifications; the extension maps them to commands. */
export type NotificationAction = 'Open Settings' | 'Show Output';

export interface LauncherDeps {
    readonly readSettings: () => SettingsResult;
    readonly discover: (settings: ExtensionSettings) => Promise<Discovery>;
    readonly startClient: (launch: ServerLaunch, settings: ExtensionSettings) => Promise<RunningServer>;
    readonly log: Logger & { warn(message: string): void };
    readonly notifyError: (message: string, actions: readonly NotificationAction[]) => void;
}

export class Launcher {
    private started: { settings: ExtensionSettings; launch: ServerLaunch | undefined } | undefined;

    constructor(private readonly deps: LauncherDeps) {}

    /** Settings of the last start attempt (compared on configuration changes). */
    get lastSettings(): ExtensionSettings | undefined {
        return this.started?.settings;
    }

    /** Where the last started server came from; undefined when none was found. */
    get lastLaunch(): ServerLaunch | undefined {
        return this.started?.launch;
    }

    /** Starts a server; resolves to undefined after telling the user why it could not. */
    async start(): Promise<RunningServer | undefined> {
        const { settings, warnings } = this.deps.readSettings();
        for (const warning of warnings) this.deps.log.warn(warning);
        this.started = { settings, launch: undefined };

        const discovery = await this.deps.discover(settings);
        for (const line of discovery.tried) this.deps.log.info(`discovery: ${line}`);
        if (!discovery.ok) {
            this.deps.notifyError(missingServerMessage(discovery), ['Open Settings', 'Show Output']);
            return undefined;
        }

        const { launch } = discovery;
        this.started = { settings, launch };
        this.deps.log.info(`starting ${[launch.command, ...launch.args].join(' ')} (from ${launch.origin})`);
        try {
            return await this.deps.startClient(launch, settings);
        } catch (e) {
            const why = e instanceof Error ? e.message : String(e);
            this.deps.log.error(`the server did not start: ${why}`);
            const hint =
                launch.origin === 'lastfix.serverCommand'
                    ? 'Check `lastfix.serverCommand`'
                    : 'Check the lastfix installation (`lastfix serve --help` in a terminal)';
            this.deps.notifyError(`lastfix: the server did not start (${why}). ${hint}.`, ['Show Output', 'Open Settings']);
            return undefined;
        }
    }
}

/** Whether a configuration change calls for a restart: the settings differ from the last start's. */
export function restartForSettings(launcher: Launcher, current: ExtensionSettings): boolean {
    const last = launcher.lastSettings;
    return last === undefined || settingsDiffer(last, current);
}

/** Whether a new Python interpreter selection calls for a restart: when it may change what we start. */
export function restartForPython(launcher: Launcher): boolean {
    const origin = launcher.lastLaunch?.origin;
    return origin === undefined || origin === 'Python extension' || origin === 'default python';
}
