import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { COMMAND_IDS, type CommandDeps, FIX_ALL_KIND, registerCommands, repairActiveFile } from '../src/commands';
import { ServerController } from '../src/restart';
import type { CodeActionInfo } from '../src/vscodeapi';
import { FakeServer, FakeVsCodeApi, RecordingLog } from './fakes';

async function setup(options: { running?: boolean; enabled?: boolean } = {}) {
    const api = new FakeVsCodeApi();
    let starts = 0;
    let outputShown = 0;
    const controller = new ServerController({
        log: new RecordingLog(),
        debounceMs: 10,
        start: () => {
            starts++;
            return Promise.resolve(options.running === false ? undefined : new FakeServer(starts, []));
        },
    });
    await controller.start();
    const deps: CommandDeps = {
        api,
        controller,
        showOutput: () => outputShown++,
        isEnabled: () => options.enabled ?? true,
    };
    return { api, controller, deps, starts: () => starts, outputShown: () => outputShown };
}

const action = (over: Partial<CodeActionInfo> = {}): CodeActionInfo => ({
    title: 'lastfix: repair the file',
    kind: FIX_ALL_KIND,
    edit: { marker: 'the edit' },
    command: undefined,
    disabledReason: undefined,
    ...over,
});

const broken = { uri: 'file:///w/a.xlf', languageId: 'excel-formula', fileName: '/w/a.xlf' };

describe('commands', () => {
    test('registers the three commands; Restart restarts, Show Output shows', async () => {
        const { api, deps, starts, outputShown } = await setup();
        registerCommands(deps);
        assert.deepEqual([...api.commands.keys()].sort(), Object.values(COMMAND_IDS).sort());
        await api.commands.get(COMMAND_IDS.restartServer)?.();
        assert.equal(starts(), 2);
        api.commands.get(COMMAND_IDS.showOutput)?.();
        assert.equal(outputShown(), 1);
    });

    test('Repair File requests source.fixAll.lastfix for the active document and applies its edit', async () => {
        const { api, deps } = await setup();
        api.document = broken;
        api.actions = [action({ kind: 'quickfix', edit: 'not this' }), action()];
        assert.equal(await repairActiveFile(deps), 'applied');
        assert.deepEqual(api.codeActionRequests, [{ uri: broken.uri, kind: FIX_ALL_KIND }]);
        assert.deepEqual(api.appliedEdits, [{ marker: 'the edit' }]);
    });

    test('Repair File runs an action command too', async () => {
        const { api, deps } = await setup();
        api.document = broken;
        api.actions = [action({ edit: undefined, command: { command: 'lastfix.applyRepair', arguments: [1] } })];
        assert.equal(await repairActiveFile(deps), 'applied');
        assert.deepEqual(api.executed, [{ id: 'lastfix.applyRepair', args: [1] }]);
    });

    test('Repair File explains why nothing happened', async () => {
        const none = await setup();
        assert.equal(await repairActiveFile(none.deps), 'no-editor');

        none.api.document = { ...broken, languageId: 'javascript' };
        assert.equal(await repairActiveFile(none.deps), 'unsupported');
        assert.match(none.api.infos.at(-1) ?? '', /javascript files are not supported/);

        none.api.document = broken;
        none.api.actions = [action({ disabledReason: 'no candidate within the time budget' })];
        assert.equal(await repairActiveFile(none.deps), 'no-fix');
        assert.equal(none.api.infos.at(-1), 'lastfix: no candidate within the time budget');
        assert.deepEqual(none.api.appliedEdits, []);

        none.api.applyResult = false;
        none.api.actions = [action()];
        assert.equal(await repairActiveFile(none.deps), 'not-applied');

        const disabled = await setup({ enabled: false });
        disabled.api.document = broken;
        assert.equal(await repairActiveFile(disabled.deps), 'disabled');
        assert.deepEqual(disabled.api.codeActionRequests, []);
    });

    test('Repair File without a server offers the output', async () => {
        const { api, deps, outputShown } = await setup({ running: false });
        api.document = broken;
        api.errorChoice = 'Show Output';
        assert.equal(await repairActiveFile(deps), 'no-server');
        assert.deepEqual(api.errors, [{ message: 'lastfix: the server is not running.', actions: ['Show Output'] }]);
        assert.equal(outputShown(), 1);
    });
});
