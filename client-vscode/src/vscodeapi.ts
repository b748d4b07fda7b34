/**
 * The thin layer over the `vscode` module: the only place besides `extension.ts` and `server.ts`
 * that imports it. Everything else talks to `VsCodeApi`, which unit tests replace with a fake
 * (VS Code itself cannot run here). Keep each member a direct call: no logic to test lives here.
 */
import * as vscode from 'vscode';

import type { ConfigurationReader, LanguageId } from './settings';

export interface Disposable {
    dispose(): unknown;
}

/** The active editor's document, as much of it as the commands need. */
export interface DocumentInfo {
    readonly uri: string;
    readonly languageId: string;
    readonly fileName: string;
}

/** A code action returned by VS Code; `edit` is opaque, handed back to `applyEdit`. */
export interface CodeActionInfo {
    readonly title: string;
    readonly kind: string | undefined;
    readonly edit: unknown;
    readonly command: { readonly command: string; readonly arguments?: readonly unknown[] } | undefined;
    readonly disabledReason: string | undefined;
}

export interface VsCodeApi {
    getConfiguration(languageId?: LanguageId): ConfigurationReader;
    workspaceFolder(): string | undefined;
    onDidChangeConfiguration(listener: () => void): Disposable;
    registerCommand(id: string, handler: () => unknown): Disposable;
    executeCommand(id: string, ...args: unknown[]): Promise<unknown>;
    showErrorMessage(message: string, ...actions: string[]): Promise<string | undefined>;
    showInformationMessage(message: string): void;
    activeDocument(): DocumentInfo | undefined;
    /** `vscode.executeCodeActionProvider` over the whole document, filtered to `kind`, first item resolved. */
    codeActions(uri: string, kind: string): Promise<CodeActionInfo[]>;
    applyEdit(edit: unknown): Promise<boolean>;
    /** The interpreter selected in ms-python.python, if that extension is installed. */
    selectedPython(): Promise<string | undefined>;
    onDidChangePython(listener: () => void): Disposable;
}

/** The subset of ms-python.python's exported API we use (see @vscode/python-extension). */
interface PythonExtensionApi {
    environments: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
        resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
    };
}

const PYTHON_EXTENSION = 'ms-python.python';

async function pythonApi(): Promise<PythonExtensionApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
    if (extension === undefined) return undefined;
    try {
        return extension.isActive ? extension.exports : await extension.activate();
    } catch {
        return undefined;
    }
}

export function createVsCodeApi(): VsCodeApi {
    return {
        getConfiguration: (languageId) =>
            vscode.workspace.getConfiguration('lastfix', languageId === undefined ? undefined : { languageId }),
        workspaceFolder: () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        onDidChangeConfiguration: (listener) => vscode.workspace.onDidChangeConfiguration(() => {
            listener();
        }),
        registerCommand: (id, handler) => vscode.commands.registerCommand(id, handler),
        executeCommand: (id, ...args) => Promise.resolve(vscode.commands.executeCommand(id, ...args)),
        showErrorMessage: (message, ...actions) => Promise.resolve(vscode.window.showErrorMessage(message, ...actions)),
        showInformationMessage: (message) => {
            void vscode.window.showInformationMessage(message);
        },
        activeDocument: () => {
            const doc = vscode.window.activeTextEditor?.document;
            return doc === undefined ? undefined : { uri: doc.uri.toString(), languageId: doc.languageId, fileName: doc.fileName };
        },
        codeActions: async (uri, kind) => {
            const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
            const whole = doc.validateRange(new vscode.Range(0, 0, doc.lineCount, 0));
            const actions =
                (await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>(
                    'vscode.executeCodeActionProvider',
                    doc.uri,
                    whole,
                    kind,
                    1,
                )) ?? [];
            return actions.map((a) => ({
                title: a.title,
                kind: a.kind?.value,
                edit: a.edit,
                command: a.command,
                disabledReason: a.disabled?.reason,
            }));
        },
        applyEdit: (edit) => Promise.resolve(vscode.workspace.applyEdit(edit as vscode.WorkspaceEdit)),
        selectedPython: async () => {
            const api = await pythonApi();
            if (api === undefined) return undefined;
            const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
            const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
            return env?.executable.uri?.fsPath;
        },
        onDidChangePython: (listener) => {
            const subscriptions: vscode.Disposable[] = [];
            void pythonApi().then((api) => {
                if (api !== undefined) subscriptions.push(api.environments.onDidChangeActiveEnvironmentPath(listener));
            });
            return {
                dispose: () => {
                    for (const s of subscriptions) s.dispose();
                },
            };
        },
    };
}
