/**
 * Starts `lastfix serve` over stdio with vscode-languageclient and hands back a stoppable handle.
 */
import type * as vscode from 'vscode';
import {
    LanguageClient,
    type LanguageClientOptions,
    RevealOutputChannelOn,
    type ServerOptions,
    TransportKind,
} from 'vscode-languageclient/node';

import type { ServerLaunch } from './discovery';
import type { RunningServer } from './restart';
import { configurationItem, type ExtensionSettings, LANGUAGE_IDS, toServerSettings } from './settings';

export const CLIENT_ID = 'lastfix';
export const CLIENT_NAME = 'lastfix';

/** Documents the server sees: saved files and untitled buffers of the three languages. */
export const DOCUMENT_SELECTOR = LANGUAGE_IDS.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
]);

export interface ClientContext {
    readonly output: vscode.LogOutputChannel;
    /** The probe's working directory too: a directory without a stray `lastfix/` package. */
    readonly cwd: string;
    /** Where a user's own `lastfix.serverCommand` runs (relative paths in it mean the workspace). */
    readonly workspaceFolder: string | undefined;
    /** Current settings, re-read for every `workspace/configuration` request. */
    readonly currentSettings: () => ExtensionSettings;
}

/** Builds the client options: initializationOptions and `workspace/configuration` in the server's shape. */
export function clientOptions(settings: ExtensionSettings, context: ClientContext): LanguageClientOptions {
    return {
        documentSelector: DOCUMENT_SELECTOR,
        outputChannel: context.output,
        // The user asked for quiet: the server logs its troubles; notifications come from us.
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: toServerSettings(settings),
        middleware: {
            workspace: {
                // The default answer is the raw `lastfix` section (with serverCommand, interpreter and
                // per-language overrides unresolved); answer with what initializationOptions carried.
                configuration: async (params, token, next) => {
                    const raw = await next(params, token);
                    if (!Array.isArray(raw)) return raw;
                    const server = toServerSettings(context.currentSettings());
                    return params.items.map((item, i) => {
                        const ours = configurationItem(item.section, server);
                        return ours === undefined ? (raw[i] as unknown) : ours.value;
                    });
                },
            },
        },
    };
}

/** Starts the server described by `launch`; rejects (after cleaning up) when it does not come up. */
export async function startLanguageClient(
    launch: ServerLaunch,
    settings: ExtensionSettings,
    context: ClientContext,
): Promise<RunningServer> {
    const serverOptions: ServerOptions = {
        command: launch.command,
        args: [...launch.args],
        transport: TransportKind.stdio,
        // `python -m lastfix` puts the working directory first on sys.path: run it where no other
        // `lastfix` package can shadow the installed one.
        options: {
            cwd: launch.origin === 'lastfix.serverCommand' ? (context.workspaceFolder ?? context.cwd) : context.cwd,
        },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions(settings, context));
    try {
        await client.start();
    } catch (e) {
        await client.dispose().catch(() => undefined);
        throw e;
    }
    context.output.info(`server running: ${client.initializeResult?.serverInfo?.name ?? 'lastfix'} ${client.initializeResult?.serverInfo?.version ?? ''}`);
    return {
        stop: async () => {
            // dispose = stop (shutdown + exit, killing the process after a timeout) + free the handlers.
            await client.dispose(2000);
        },
    };
}
