/**
 * Opens the .vsix that `npm run package` built (npm test builds it first) and checks what VS Code
 * will read from it: the files, the manifest's contributions, and that the bundle needs nothing
 * but `vscode` and Node's built-ins at run time.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';

import * as yauzl from 'yauzl';

const ROOT = path.join(__dirname, '..', '..');
const source = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const VSIX = path.join(ROOT, `${source.name}-${source.version}.vsix`);

interface Manifest {
    main: string;
    engines: { vscode: string };
    activationEvents: string[];
    repository?: { url: string };
    contributes: {
        languages: { id: string; extensions: string[]; configuration: string }[];
        grammars: { language: string; scopeName: string; path: string }[];
        commands: { command: string; title: string; category: string }[];
        configuration: { properties: Record<string, { type: unknown; default: unknown; enum?: string[] }> };
    };
}

/** All files of a zip, by name. */
async function unzip(file: string): Promise<Map<string, Buffer>> {
    const zip = await yauzl.openPromise(file, { lazyEntries: true });
    const files = new Map<string, Buffer>();
    for await (const entry of zip.eachEntry()) {
        if (entry.fileName.endsWith('/')) continue;
        const stream = await zip.openReadStreamPromise(entry);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        files.set(entry.fileName, Buffer.concat(chunks));
    }
    zip.close();
    return files;
}

let files: Map<string, Buffer>;
let manifest: Manifest;
const text = (name: string): string => {
    const data = files.get(name);
    assert.ok(data !== undefined, `${name} is not in the .vsix (has: ${[...files.keys()].join(', ')})`);
    return data.toString('utf8');
};

before(async () => {
    try {
        files = await unzip(VSIX);
    } catch (e) {
        throw new Error(`cannot open ${VSIX}: run \`npm run package\` first (npm test does): ${String(e)}`, { cause: e });
    }
    manifest = JSON.parse(text('extension/package.json')) as Manifest;
});

describe('the packaged .vsix', () => {
    test('holds the bundle, manifests, grammar and docs, and no sources or node_modules', () => {
        const names = [...files.keys()].filter((n) => n.startsWith('extension/')).sort();
        assert.deepEqual(names, [
            'extension/LICENSE.txt',
            'extension/dist/extension.js',
            'extension/language-configuration.json',
            'extension/package.json',
            'extension/readme.md',
            'extension/syntaxes/excel-formula.tmLanguage.json',
        ]);
        assert.ok(files.has('extension.vsixmanifest'));
        assert.equal(`extension/${manifest.main.replace(/^\.\//, '')}`, 'extension/dist/extension.js');
    });

    test('activates on the three languages', () => {
        assert.deepEqual(manifest.activationEvents.sort(), ['onLanguage:excel-formula', 'onLanguage:powershell', 'onLanguage:python']);
    });

    test('contributes the excel-formula language with its grammar and configuration', () => {
        const [language] = manifest.contributes.languages;
        assert.equal(language?.id, 'excel-formula');
        assert.deepEqual(language.extensions, ['.xlf', '.formula']);
        const configuration = JSON.parse(text(`extension/${language.configuration.replace(/^\.\//, '')}`)) as {
            brackets: string[][];
            autoClosingPairs: { open: string }[];
        };
        assert.deepEqual(configuration.brackets[0], ['(', ')']);
        assert.ok(configuration.autoClosingPairs.some((p) => p.open === '"'));

        const [grammar] = manifest.contributes.grammars;
        assert.equal(grammar?.language, 'excel-formula');
        const tm = JSON.parse(text(`extension/${grammar.path.replace(/^\.\//, '')}`)) as { scopeName: string };
        assert.equal(tm.scopeName, grammar.scopeName);
    });

    test('contributes the three commands under the lastfix category', () => {
        const commands = manifest.contributes.commands.map((c) => `${c.category}: ${c.title} (${c.command})`).sort();
        assert.deepEqual(commands, [
            'lastfix: Repair File (lastfix.repairFile)',
            'lastfix: Restart Server (lastfix.restartServer)',
            'lastfix: Show Output (lastfix.showOutput)',
        ]);
    });

    test('contributes the settings the server and the launcher read', () => {
        const properties = manifest.contributes.configuration.properties;
        assert.deepEqual(Object.keys(properties).sort(), [
            'lastfix.candidates',
            'lastfix.device',
            'lastfix.diagnosticsDelayMs',
            'lastfix.enable',
            'lastfix.fixOnSave',
            'lastfix.fixOnSaveMaxDeletedTokens',
            'lastfix.interpreter',
            'lastfix.modelDir',
            'lastfix.python.targetVersion',
            'lastfix.serverCommand',
            'lastfix.timeBudgetMs',
            'lastfix.trace.server',
        ]);
        assert.deepEqual(properties['lastfix.enable']?.type, ['boolean', 'object']);
        assert.deepEqual(properties['lastfix.serverCommand']?.type, ['array', 'string']);
        assert.deepEqual(properties['lastfix.device']?.enum, ['auto', 'cpu', 'cuda']);
        assert.equal(properties['lastfix.fixOnSave']?.default, false);
    });

    test('asks for a VS Code new enough for the bundled vscode-languageclient', () => {
        const client = JSON.parse(
            readFileSync(path.join(ROOT, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'),
        ) as { engines: { vscode: string } };
        const minimum = (range: string) => range.replace(/^[\^~>=]+/, '').split('.').map(Number);
        const [ourMajor = 0, ourMinor = 0] = minimum(manifest.engines.vscode);
        const [needMajor = 0, needMinor = 0] = minimum(client.engines.vscode);
        assert.ok(ourMajor > needMajor || (ourMajor === needMajor && ourMinor >= needMinor),
            `engines.vscode ${manifest.engines.vscode} is below vscode-languageclient's ${client.engines.vscode}`);
    });

    test('the bundle requires only vscode and Node built-ins', () => {
        const bundle = text('extension/dist/extension.js');
        const required = new Set([...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1] ?? ''));
        const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
        const foreign = [...required].filter((m) => m !== 'vscode' && !builtins.has(m));
        assert.deepEqual(foreign, []);
        assert.ok(required.has('vscode'));
    });
});
