/**
 * The three commands: "lastfix: Restart Server", "lastfix: Repair File", "lastfix: Show Output".
 */
import type { ServerController } from './restart';
import { LANGUAGE_IDS, type LanguageId } from './settings';
import type { Disposable, VsCodeApi } from './vscodeapi';

export const COMMAND_IDS = {
    restartServer: 'lastfix.restartServer',
    repairFile: 'lastfix.repairFile',
    showOutput: 'lastfix.showOutput',
} as const;

/** The code action kind the server offers for "repair the whole document" (also used on save). */
export const FIX_ALL_KIND = 'source.fixAll.lastfix';

export type RepairOutcome = 'no-editor' | 'unsupported' | 'disabled' | 'no-server' | 'no-fix' | 'applied' | 'not-applied';

export interface CommandDeps {
    readonly api: VsCodeApi;
    readonly controller: ServerController;
    readonly showOutput: () => void;
    readonly isEnabled: (languageId: LanguageId) => boolean;
}

export function registerCommands(deps: CommandDeps): Disposable[] {
    const { api } = deps;
    return [
        api.registerCommand(COMMAND_IDS.restartServer, () => deps.controller.restart()),
        api.registerCommand(COMMAND_IDS.repairFile, () => repairActiveFile(deps)),
        api.registerCommand(COMMAND_IDS.showOutput, () => {
            deps.showOutput();
        }),
    ];
}

/** Requests `source.fixAll.lastfix` for the active document and applies the first fix offered. */
export async function repairActiveFile(deps: CommandDeps): Promise<RepairOutcome> {
    const { api, controller } = deps;
    const doc = api.activeDocument();
    if (doc === undefined) {
        api.showInformationMessage('lastfix: open a Python, PowerShell or Excel formula file to repair it.');
        return 'no-editor';
    }
    if (!isServed(doc.languageId)) {
        api.showInformationMessage(
            `lastfix: ${doc.languageId} files are not supported (only ${LANGUAGE_IDS.join(', ')}).`,
        );
        return 'unsupported';
    }
    if (!deps.isEnabled(doc.languageId)) {
        api.showInformationMessage(`lastfix is disabled for ${doc.languageId} (setting lastfix.enable).`);
        return 'disabled';
    }
    // A restart may be under way (settings just changed): wait for it rather than report no server.
    await controller.idle();
    if (controller.current === undefined) {
        const choice = await api.showErrorMessage('lastfix: the server is not running.', 'Show Output');
        if (choice === 'Show Output') deps.showOutput();
        return 'no-server';
    }

    const actions = (await api.codeActions(doc.uri, FIX_ALL_KIND)).filter(
        (a) => a.kind !== undefined && (a.kind === FIX_ALL_KIND || a.kind.startsWith(`${FIX_ALL_KIND}.`)),
    );
    const action = actions.find((a) => a.disabledReason === undefined);
    if (action === undefined) {
        const reason = actions[0]?.disabledReason;
        api.showInformationMessage(
            reason === undefined ? 'lastfix: no syntax error to repair, or no repair found.' : `lastfix: ${reason}`,
        );
        return 'no-fix';
    }
    let applied = action.edit === undefined;
    if (action.edit !== undefined) applied = await api.applyEdit(action.edit);
    if (action.command !== undefined) {
        await api.executeCommand(action.command.command, ...(action.command.arguments ?? []));
        applied = true;
    }
    if (!applied) {
        // VS Code refuses an edit when the document changed since the request; the user can retry.
        api.showInformationMessage('lastfix: the document changed before the repair could be applied; try again.');
        return 'not-applied';
    }
    return 'applied';
}

function isServed(languageId: string): languageId is LanguageId {
    return (LANGUAGE_IDS as readonly string[]).includes(languageId);
}
