import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
    configurationItem,
    DEFAULTS,
    expandPath,
    readSettings,
    settingsDiffer,
    splitCommandLine,
    toServerSettings,
} from '../src/settings';
import { configSource, type FakeConfig } from './fakes';

const vars = { workspaceFolder: '/ws', userHome: '/home/u' };
const read = (config: FakeConfig) => readSettings(configSource(config), vars);

describe('readSettings', () => {
    test('no settings give the defaults and no warnings', () => {
        const { settings, warnings } = read({ values: {} });
        assert.deepEqual(settings, DEFAULTS);
        assert.deepEqual(warnings, []);
    });

    test('enable as a boolean applies to every language', () => {
        const { settings } = read({ values: { enable: false } });
        assert.deepEqual(settings.enable, { python: false, powershell: false, 'excel-formula': false });
    });

    test('enable per language: object form, grammar-name alias, and [language] overrides', () => {
        const { settings, warnings } = read({
            values: { enable: { powershell: false, excel: false } },
            overrides: { python: { enable: false }, 'excel-formula': { enable: true } },
        });
        // The [excel-formula] override replaces the object for that language, as VS Code resolves it.
        assert.deepEqual(settings.enable, { python: false, powershell: false, 'excel-formula': true });
        assert.deepEqual(warnings, []);
    });

    test('wrong types and out-of-range numbers fall back with a warning that names the setting', () => {
        const { settings, warnings } = read({
            values: { enable: 'yes', candidates: 99, device: 'gpu', timeBudgetMs: 'fast', fixOnSave: 1, modelDir: 3 },
        });
        assert.equal(settings.candidates, 20);
        assert.equal(settings.device, 'auto');
        assert.equal(settings.timeBudgetMs, null); // the server's default for each language
        assert.equal(settings.fixOnSave, false);
        assert.equal(settings.modelDir, '');
        assert.deepEqual(settings.enable, DEFAULTS.enable);
        for (const key of ['enable', 'candidates', 'device', 'timeBudgetMs', 'fixOnSave', 'modelDir']) {
            assert.ok(
                warnings.some((w) => w.startsWith(`lastfix.${key}`)),
                `no warning for ${key} in ${warnings.join('\n')}`,
            );
        }
    });

    test('the Python target version is one of PYTHON_VERSIONS, else the default with a warning', () => {
        assert.equal(read({ values: { 'python.targetVersion': '3.11' } }).settings['python.targetVersion'], '3.11');
        const { settings, warnings } = read({ values: { 'python.targetVersion': '2.7' } });
        assert.equal(settings['python.targetVersion'], '3.12');
        assert.match(warnings.join('\n'), /^lastfix\.python\.targetVersion: expected one of 3\.8, .*3\.12, got "2\.7"/m);
        // newer than the syntax the server knows: refused too, whatever Python runs the server
        assert.equal(read({ values: { 'python.targetVersion': '3.13' } }).settings['python.targetVersion'], '3.12');
        assert.equal(toServerSettings(read({ values: { 'python.targetVersion': '3.9' } }).settings)['python.targetVersion'], '3.9');
    });

    test('the warnings list the languages of LANGUAGE_IDS and GRAMMAR_OF', () => {
        const { warnings } = read({ values: { enable: 'yes', modelDir: { cobol: '/m' } } });
        assert.ok(
            warnings.includes(
                'lastfix.enable: expected true/false or {"python": bool, "powershell": bool, "excel-formula": bool}, ' +
                    'got "yes"; using true',
            ),
            warnings.join('\n'),
        );
        assert.ok(
            warnings.includes('lastfix.modelDir.cobol: expected a folder for python, powershell or excel; ignoring it'),
            warnings.join('\n'),
        );
    });

    test('serverCommand as a string is split like a command line, paths expanded', () => {
        const { settings } = read({ values: { serverCommand: '"${workspaceFolder}/my env/bin/lastfix" serve --log debug' } });
        assert.deepEqual(settings.serverCommand, ['/ws/my env/bin/lastfix', 'serve', '--log', 'debug']);
    });

    test('serverCommand as an array is kept (empty parts dropped), ~ expanded', () => {
        const { settings } = read({ values: { serverCommand: ['~/bin/lastfix', '', 'serve'] } });
        assert.deepEqual(settings.serverCommand, ['/home/u/bin/lastfix', 'serve']);
    });

    test('serverCommand of another type is ignored with a warning', () => {
        const { settings, warnings } = read({ values: { serverCommand: [1, 2] } });
        assert.deepEqual(settings.serverCommand, []);
        assert.match(warnings.join('\n'), /lastfix\.serverCommand: expected a string or an array/);
    });

    test('interpreter and modelDir are trimmed and expanded', () => {
        const { settings } = read({ values: { interpreter: ' ${workspaceFolder}/.venv/bin/python ', modelDir: '~/models' } });
        assert.equal(settings.interpreter, '/ws/.venv/bin/python');
        assert.equal(settings.modelDir, '/home/u/models');
    });
});

test('modelDir per language: language ids become grammar names, unknown keys are reported', () => {
    const { settings, warnings } = read({ values: { modelDir: { 'excel-formula': '~/m/xl', python: ' ', cobol: '/c' } } });
    assert.deepEqual(settings.modelDir, { excel: '/home/u/m/xl' });
    assert.deepEqual(toServerSettings(settings).modelDir, { excel: '/home/u/m/xl' });
    assert.match(warnings.join('\n'), /lastfix\.modelDir\.cobol/);
});

describe('toServerSettings', () => {
    test('carries what the server reads, keys enable by grammar name, drops launch settings', () => {
        const { settings } = read({
            values: {
                enable: { 'excel-formula': false },
                candidates: 5,
                fixOnSave: true,
                fixOnSaveMaxDeletedTokens: 0,
                device: 'cuda',
                timeBudgetMs: 800,
                diagnosticsDelayMs: 0,
                interpreter: '/py',
                serverCommand: 'x',
            },
        });
        assert.deepEqual(toServerSettings(settings), {
            enable: { python: true, powershell: true, excel: false },
            candidates: 5,
            fixOnSave: true,
            fixOnSaveMaxDeletedTokens: 0,
            device: 'cuda',
            timeBudgetMs: 800,
            modelDir: null,
            diagnosticsDelayMs: 0,
            'python.targetVersion': '3.12',
        });
    });

    test('is plain JSON (it travels as initializationOptions)', () => {
        const server = toServerSettings({ ...DEFAULTS, modelDir: '/m' });
        assert.deepEqual(JSON.parse(JSON.stringify(server)), server);
        assert.equal(server.modelDir, '/m');
    });
});

describe('configurationItem', () => {
    const server = toServerSettings(DEFAULTS);
    test('answers the lastfix section and its fields, and nothing else', () => {
        assert.deepEqual(configurationItem('lastfix', server), { value: server });
        assert.deepEqual(configurationItem('lastfix.candidates', server), { value: 3 });
        assert.deepEqual(configurationItem('lastfix.modelDir', server), { value: null });
        assert.equal(configurationItem('lastfix.serverCommand', server), undefined);
        assert.equal(configurationItem('python', server), undefined);
        assert.equal(configurationItem(undefined, server), undefined);
    });
});

describe('helpers', () => {
    test('splitCommandLine keeps quoted blanks and empty quoted arguments', () => {
        assert.deepEqual(splitCommandLine(`  a 'b c'  "d'e" "" f`), ['a', 'b c', "d'e", '', 'f']);
        assert.deepEqual(splitCommandLine('C:\\Program Files\\x'), ['C:\\Program', 'Files\\x']);
        assert.deepEqual(splitCommandLine('"C:\\Program Files\\lastfix.exe" serve'), ['C:\\Program Files\\lastfix.exe', 'serve']);
    });

    test('expandPath replaces only a leading ~ and known variables', () => {
        assert.equal(expandPath('~', vars), '/home/u');
        assert.equal(expandPath('~user/x', vars), '~user/x');
        assert.equal(expandPath('${userHome}/a/${workspaceFolder}', vars), '/home/u/a//ws');
        assert.equal(expandPath('${workspaceFolder}/x', { userHome: '/h' }), '${workspaceFolder}/x');
    });

    test('settingsDiffer sees a per-language change', () => {
        const a = read({ values: {} }).settings;
        const b = read({ values: {}, overrides: { powershell: { enable: false } } }).settings;
        assert.equal(settingsDiffer(a, a), false);
        assert.equal(settingsDiffer(a, b), true);
    });
});
