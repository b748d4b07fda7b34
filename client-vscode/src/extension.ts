/**
 * Entry point: wires settings, discovery, the language client, restarts and commands together.
 * No logic here; each piece lives (and is tested) in its own module.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';

import { registerCommands } from './commands';
import { discoverServer } from './discovery';
import { Launcher, type NotificationAction, restartForPython, restartForSettings } from './launcher';
import { findOnPath, type NodeEnvOptions, probePython } from './nodeEnv';
import { ServerController } from './restart';
import { startLanguageClient } from './server';
import { readSettings } from './settings';
import { createVsCodeApi } from './vscodeapi';

/** Settings changes arrive one per keystroke while a path is typed into settings.json. */
const RESTART_DEBOUNCE_MS = 750;

// VS Code awaits the promise `deactivate` returns, not the subscriptions' dispose: keep the controller.
let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const api = createVsCodeApi();
    const output = vscode.window.createOutputChannel('lastfix', { log: true });
    const nodeOptions: NodeEnvOptions = {
        cwd: context.extensionPath,
        pathEnv: process.env.PATH,
        pathExt: process.env.PATHEXT,
        platform: process.platform,
    };
    const current = () =>
        readSettings((languageId) => api.getConfiguration(languageId), {
            workspaceFolder: api.workspaceFolder(),
            userHome: os.homedir(),
        });
    const onAction = (choice: string | undefined) => {
        if (choice === ('Show Output' satisfies NotificationAction)) output.show();
        if (choice === ('Open Settings' satisfies NotificationAction)) {
            void api.executeCommand('workbench.action.openSettings', 'lastfix');
        }
    };

    const launcher = new Launcher({
        readSettings: current,
        discover: (settings) =>
            discoverServer(settings, {
                findOnPath: (name) => findOnPath(name, nodeOptions),
                probePython: (interpreter) => probePython(interpreter, nodeOptions),
                selectedPython: () => api.selectedPython(),
                defaultPython: process.platform === 'win32' ? 'python' : 'python3',
            }),
        startClient: (launch, settings) =>
            startLanguageClient(launch, settings, {
                output,
                cwd: context.extensionPath,
                workspaceFolder: api.workspaceFolder(),
                currentSettings: () => current().settings,
            }),
        log: output,
        notifyError: (message, actions) => {
            void api.showErrorMessage(message, ...actions).then(onAction);
        },
    });
    const ctl = new ServerController({ start: () => launcher.start(), log: output, debounceMs: RESTART_DEBOUNCE_MS });
    controller = ctl;

    context.subscriptions.push(
        output,
        ...registerCommands({
            api,
            controller: ctl,
            showOutput: () => {
                output.show();
            },
            isEnabled: (languageId) => current().settings.enable[languageId],
        }),
        // Compare values rather than trust affectsConfiguration('lastfix'): `[python]` overrides count too.
        api.onDidChangeConfiguration(() => {
            if (restartForSettings(launcher, current().settings)) ctl.scheduleRestart();
        }),
        api.onDidChangePython(() => {
            if (restartForPython(launcher)) ctl.scheduleRestart();
        }),
    );
    await ctl.start();
}

export async function deactivate(): Promise<void> {
    await controller?.dispose();
    controller = undefined;
}
