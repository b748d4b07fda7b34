import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { type DiscoveryEnv, discoverServer, missingServerMessage, type ProbeResult } from '../src/discovery';
import { findOnPath, interpretProbe, probePython } from '../src/nodeEnv';
import { DEFAULTS, type ExtensionSettings } from '../src/settings';

/** A scripted world: which executables are on PATH, which interpreters have lastfix. */
function fakeEnv(world: { onPath?: string; selected?: string; withLastfix?: string[] }): DiscoveryEnv & { probed: string[] } {
    const probed: string[] = [];
    return {
        probed,
        findOnPath: (name) => Promise.resolve(name === 'lastfix' ? world.onPath : undefined),
        probePython: (interpreter): Promise<ProbeResult> => {
            probed.push(interpreter);
            return Promise.resolve(
                world.withLastfix?.includes(interpreter) === true
                    ? { ok: true, version: '0.1.0' }
                    : { ok: false, reason: 'lastfix is not installed in it (Python 3.12.1)' },
            );
        },
        selectedPython: () => Promise.resolve(world.selected),
        defaultPython: 'python3',
    };
}

const settings = (over: Partial<ExtensionSettings> = {}): ExtensionSettings => ({ ...DEFAULTS, ...over });

describe('discoverServer', () => {
    test('lastfix.serverCommand wins and is not probed', async () => {
        const env = fakeEnv({ onPath: '/usr/bin/lastfix', withLastfix: ['python3'] });
        const d = await discoverServer(settings({ serverCommand: ['/opt/lf', 'serve', '--x'] }), env);
        assert.ok(d.ok);
        assert.deepEqual(d.launch, { command: '/opt/lf', args: ['serve', '--x'], origin: 'lastfix.serverCommand' });
        assert.deepEqual(env.probed, []);
    });

    test('then `lastfix serve` from PATH', async () => {
        const env = fakeEnv({ onPath: '/usr/bin/lastfix', withLastfix: ['python3'] });
        const d = await discoverServer(settings(), env);
        assert.ok(d.ok);
        assert.deepEqual(d.launch, { command: '/usr/bin/lastfix', args: ['serve'], origin: 'PATH' });
    });

    test('then lastfix.interpreter before the Python extension and python3', async () => {
        const env = fakeEnv({ selected: '/sel/python', withLastfix: ['/mine/python', '/sel/python', 'python3'] });
        const d = await discoverServer(settings({ interpreter: '/mine/python' }), env);
        assert.ok(d.ok);
        assert.deepEqual(d.launch, { command: '/mine/python', args: ['-m', 'lastfix', 'serve'], origin: 'lastfix.interpreter' });
    });

    test('an interpreter without lastfix is skipped for the next one', async () => {
        const env = fakeEnv({ selected: '/sel/python', withLastfix: ['python3'] });
        const d = await discoverServer(settings({ interpreter: '/mine/python' }), env);
        assert.ok(d.ok);
        assert.equal(d.launch.origin, 'default python');
        assert.deepEqual(env.probed, ['/mine/python', '/sel/python', 'python3']);
        assert.match(d.tried.join('\n'), /lastfix\.interpreter: \/mine\/python: lastfix is not installed/);
    });

    test('the Python extension selection is used when no interpreter is set', async () => {
        const env = fakeEnv({ selected: '/sel/python', withLastfix: ['/sel/python'] });
        const d = await discoverServer(settings(), env);
        assert.ok(d.ok);
        assert.equal(d.launch.command, '/sel/python');
        assert.equal(d.launch.origin, 'Python extension');
    });

    test('the same interpreter is probed once', async () => {
        const env = fakeEnv({ selected: 'python3' });
        await discoverServer(settings({ interpreter: 'python3' }), env);
        assert.deepEqual(env.probed, ['python3']);
    });

    test('nothing found: every step is reported and the message names the fix', async () => {
        const d = await discoverServer(settings({ interpreter: '/mine/python' }), fakeEnv({ selected: '/sel/python' }));
        assert.equal(d.ok, false);
        assert.equal(d.tried.length, 4); // PATH, interpreter, extension, python3
        const message = missingServerMessage(d);
        assert.match(message, /\/mine\/python -m pip install \/path\/to\/lastfix/);
        assert.match(message, /lastfix\.serverCommand/);
        assert.match(message, /lastfix\.interpreter/);
    });
});

describe('nodeEnv (real file system and a real interpreter)', () => {
    let dir = '';
    before(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'lastfix-discovery-'));
    });
    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    test('findOnPath finds executables only, in PATH order', async () => {
        const a = path.join(dir, 'a');
        const b = path.join(dir, 'b');
        await mkdir(a);
        await mkdir(b);
        await writeFile(path.join(a, 'lastfix'), 'not executable');
        await writeFile(path.join(b, 'lastfix'), '#!/bin/sh\n');
        await chmod(path.join(b, 'lastfix'), 0o755);
        const options = { cwd: dir, pathEnv: `${a}:${path.join(dir, 'missing')}:${b}`, platform: 'linux' as const };
        assert.equal(await findOnPath('lastfix', options), path.join(b, 'lastfix'));
        assert.equal(await findOnPath('nothing-here', options), undefined);
        assert.equal(await findOnPath('lastfix', { ...options, pathEnv: undefined }), undefined);
    });

    test('findOnPath on Windows tries PATHEXT', async () => {
        const w = path.join(dir, 'w');
        await mkdir(w);
        await writeFile(path.join(w, 'lastfix.CMD'), '@echo off\n');
        const found = await findOnPath('lastfix', { cwd: dir, pathEnv: w, platform: 'win32', pathExt: '.EXE;.CMD' });
        assert.equal(found, path.join(w, 'lastfix.CMD'));
    });

    test('probePython: a missing interpreter, a foreign `lastfix` package, and lastfix from source', async (t) => {
        const python = process.platform === 'win32' ? 'python' : 'python3';
        const missing = await probePython(path.join(dir, 'no-python'), { cwd: dir, pathEnv: '', platform: process.platform });
        assert.deepEqual(missing, { ok: false, reason: 'cannot run it (not found)' });

        // The probe runs in `cwd`, which Python puts first on sys.path: build both cases there.
        const foreign = path.join(dir, 'foreign');
        await mkdir(path.join(foreign, 'lastfix'), { recursive: true });
        await writeFile(path.join(foreign, 'lastfix', '__init__.py'), '');
        const own = path.join(dir, 'own');
        await mkdir(path.join(own, 'lastfix', 'cli'), { recursive: true });
        await writeFile(path.join(own, 'lastfix', '__init__.py'), '');
        await writeFile(path.join(own, 'lastfix', 'cli', '__init__.py'), '');
        await writeFile(path.join(own, 'lastfix', 'cli', 'serve.py'), '');

        const first = await probePython(python, { cwd: foreign, pathEnv: '', platform: process.platform });
        if (!first.ok && first.reason.startsWith('cannot run it')) {
            t.skip(`${python} is not installed: ${first.reason}`);
            return;
        }
        if (first.ok) {
            // An installed lastfix shadows the stray package only if it sits earlier on sys.path; either
            // way the probe must then report the installed version.
            assert.notEqual(first.version, 'from source');
        } else {
            assert.match(first.reason, /lastfix is not installed in it \(Python 3\.\d+/);
        }
        const second = await probePython(python, { cwd: own, pathEnv: '', platform: process.platform });
        assert.equal(second.ok, true);
    });

    test('interpretProbe rejects old Pythons and garbage', () => {
        assert.deepEqual(interpretProbe('{"python": "3.8.10", "serve": true, "lastfix": "0.1"}'), {
            ok: false,
            reason: 'Python 3.8.10 is too old (lastfix needs 3.10 or newer)',
        });
        assert.deepEqual(interpretProbe('{"python": "3.12.1", "serve": true, "lastfix": "0.1.0"}'), { ok: true, version: '0.1.0' });
        assert.equal(interpretProbe('Traceback ...').ok, false);
    });
});
