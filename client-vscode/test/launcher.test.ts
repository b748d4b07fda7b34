import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { type Discovery, type ServerLaunch } from '../src/discovery';
import { Launcher, type NotificationAction, restartForPython, restartForSettings } from '../src/launcher';
import { DEFAULTS, type ExtensionSettings, readSettings } from '../src/settings';
import { configSource, type FakeConfig, FakeServer, RecordingLog } from './fakes';

function setup(discovery: Discovery, options: { startFails?: string; config?: FakeConfig } = {}) {
    const log = new RecordingLog();
    const notes: { message: string; actions: readonly NotificationAction[] }[] = [];
    const started: { launch: ServerLaunch; settings: ExtensionSettings }[] = [];
    const config: FakeConfig = options.config ?? { values: {} };
    const launcher = new Launcher({
        readSettings: () => readSettings(configSource(config), { userHome: '/home/u' }),
        discover: () => Promise.resolve(discovery),
        startClient: (launch, settings) => {
            started.push({ launch, settings });
            if (options.startFails !== undefined) return Promise.reject(new Error(options.startFails));
            return Promise.resolve(new FakeServer(1, []));
        },
        log,
        notifyError: (message, actions) => notes.push({ message, actions }),
    });
    return { launcher, log, notes, started };
}

const fromPath: Discovery = {
    ok: true,
    launch: { command: '/usr/bin/lastfix', args: ['serve'], origin: 'PATH' },
    tried: ['PATH: found /usr/bin/lastfix'],
};
const nothing: Discovery = {
    ok: false,
    tried: ['PATH: no `lastfix` executable', 'default python: python3: lastfix is not installed in it (Python 3.12.1)'],
    interpreter: 'python3',
};

describe('Launcher', () => {
    test('starts the discovered server with the current settings and logs what it did', async () => {
        const { launcher, log, notes, started } = setup(fromPath, { config: { values: { candidates: 3, device: 'tpu' } } });
        const server = await launcher.start();
        assert.ok(server !== undefined);
        assert.equal(started.length, 1);
        assert.equal(started[0]?.settings.candidates, 3);
        assert.deepEqual(notes, []);
        const text = log.lines.join('\n');
        assert.match(text, /warn: lastfix\.device: "tpu" is not one of auto, cpu, cuda/);
        assert.match(text, /info: discovery: PATH: found \/usr\/bin\/lastfix/);
        assert.match(text, /info: starting \/usr\/bin\/lastfix serve \(from PATH\)/);
        assert.equal(launcher.lastLaunch?.origin, 'PATH');
    });

    test('no server: one notification with the pip command and the settings, and the steps in the log', async () => {
        const { launcher, log, notes, started } = setup(nothing);
        assert.equal(await launcher.start(), undefined);
        assert.equal(started.length, 0);
        assert.equal(notes.length, 1);
        assert.match(notes[0]?.message ?? '', /python3 -m pip install \/path\/to\/lastfix/);
        assert.deepEqual(notes[0]?.actions, ['Open Settings', 'Show Output']);
        assert.match(log.lines.join('\n'), /lastfix is not installed in it/);
        assert.equal(launcher.lastLaunch, undefined);
    });

    test('a server that does not come up: the error, where to look, and no throw', async () => {
        const { launcher, log, notes } = setup(
            { ok: true, launch: { command: '/bad', args: [], origin: 'lastfix.serverCommand' }, tried: [] },
            { startFails: 'spawn /bad ENOENT' },
        );
        assert.equal(await launcher.start(), undefined);
        assert.match(notes[0]?.message ?? '', /did not start \(spawn \/bad ENOENT\)\. Check `lastfix\.serverCommand`/);
        assert.match(log.lines.join('\n'), /error: the server did not start: spawn \/bad ENOENT/);
    });

    test('restart decisions: settings changed, Python selection relevant', async () => {
        const { launcher } = setup(fromPath);
        assert.equal(restartForSettings(launcher, DEFAULTS), true); // never started
        await launcher.start();
        assert.equal(restartForSettings(launcher, DEFAULTS), false);
        assert.equal(restartForSettings(launcher, { ...DEFAULTS, enable: { ...DEFAULTS.enable, python: false } }), true);
        // Started from PATH: another interpreter selection changes nothing.
        assert.equal(restartForPython(launcher), false);

        const missing = setup(nothing).launcher;
        await missing.start();
        assert.equal(restartForPython(missing), true);
    });
});
