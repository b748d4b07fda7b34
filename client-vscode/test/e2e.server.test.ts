/**
 * The client's side against the real `lastfix serve` over stdio, without VS Code (its download is
 * blocked here): discovery finds the server, settings.ts builds the initializationOptions and answers
 * `workspace/configuration`, and vscode-languageserver-protocol's Node transport carries the messages
 * vscode-languageclient would send. Skips, saying why, when the Python server is not importable.
 *
 * The Python is the repo's `.venv/bin/python` when present (else `python3`); LASTFIX_PYTHON overrides.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import {
    type CodeAction,
    CodeActionRequest,
    CodeActionResolveRequest,
    createProtocolConnection,
    type Diagnostic,
    DidChangeTextDocumentNotification,
    DidOpenTextDocumentNotification,
    ExitNotification,
    InitializedNotification,
    InitializeRequest,
    type InitializeResult,
    type ProtocolConnection,
    PublishDiagnosticsNotification,
    type PublishDiagnosticsParams,
    ShutdownRequest,
    StreamMessageReader,
    StreamMessageWriter,
    type TextEdit,
    TextDocumentSaveReason,
    WillSaveTextDocumentWaitUntilRequest,
    type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

import { FIX_ALL_KIND } from '../src/commands';
import { type Discovery, discoverServer } from '../src/discovery';
import { probePython } from '../src/nodeEnv';
import { configurationItem, readSettings, type ServerSettings, toServerSettings } from '../src/settings';
import { configSource } from './fakes';

const REPO = path.join(__dirname, '..', '..', '..');
const VENV_PYTHON = path.join(REPO, '.venv', process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
const PYTHON = process.env.LASTFIX_PYTHON ?? (existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3');
const WAIT_MS = 60_000; // a cold server on a busy 2-core machine loads grammars and models first

/** What VS Code 1.91 declares that matters to lastfix (from vscode-languageclient's capabilities). */
const VSCODE_CAPABILITIES = {
    general: { positionEncodings: ['utf-16'] },
    workspace: { configuration: true, workspaceEdit: { documentChanges: true }, didChangeConfiguration: { dynamicRegistration: true } },
    window: { workDoneProgress: true, showMessage: {} },
    textDocument: {
        synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: false, codeDescriptionSupport: true, dataSupport: true },
        codeAction: {
            dynamicRegistration: true,
            isPreferredSupport: true,
            disabledSupport: true,
            dataSupport: true,
            resolveSupport: { properties: ['edit'] },
            codeActionLiteralSupport: {
                codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.organizeImports', 'source.fixAll'] },
            },
        },
    },
};

/** One server process and the client half of the conversation. */
class Session {
    readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
    readonly stderr: string[] = [];
    readonly configurationRequests: unknown[] = [];
    private waiters: (() => void)[] = [];
    readonly connection: ProtocolConnection;

    constructor(
        readonly process: ChildProcessWithoutNullStreams,
        private readonly settings: ServerSettings,
    ) {
        process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
        this.connection = createProtocolConnection(new StreamMessageReader(process.stdout), new StreamMessageWriter(process.stdin));
        // What vscode-languageclient answers, with the configuration middleware of server.ts.
        this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => {
            this.configurationRequests.push(params);
            return params.items.map((item) => configurationItem(item.section, this.settings)?.value ?? null);
        });
        this.connection.onRequest('client/registerCapability', () => null);
        this.connection.onRequest('client/unregisterCapability', () => null);
        this.connection.onRequest('window/workDoneProgress/create', () => null);
        this.connection.onNotification('window/logMessage', () => undefined);
        this.connection.onNotification('window/showMessage', (params: { message: string }) => {
            this.stderr.push(`showMessage: ${params.message}\n`);
        });
        this.connection.onNotification('$/progress', () => undefined);
        this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
            const list = this.diagnostics.get(params.uri) ?? [];
            list.push(params);
            this.diagnostics.set(params.uri, list);
            for (const wake of this.waiters.splice(0)) wake();
        });
        this.connection.listen();
    }

    /** Resolves with the first diagnostics publication for `uri` that `accept` takes. */
    async diagnosticsFor(uri: string, accept: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]> {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
            const found = this.diagnostics.get(uri)?.find((p) => accept(p.diagnostics));
            if (found !== undefined) return found.diagnostics;
            if (Date.now() > deadline) throw new Error(`no ${what} for ${uri} within ${WAIT_MS} ms; got ${JSON.stringify(this.diagnostics.get(uri))}\nserver stderr:\n${this.stderr.join('')}`);
            await new Promise<void>((resolve) => {
                this.waiters.push(resolve);
                setTimeout(resolve, 500);
            });
        }
    }

    async close(): Promise<void> {
        try {
            await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 5000))]);
            await this.connection.sendNotification(ExitNotification.type);
        } catch {
            // the process may already be gone; it is killed below either way
        }
        await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
                this.process.kill('SIGKILL');
                resolve();
            }, 3000);
            this.process.once('exit', () => {
                clearTimeout(timer);
                resolve();
            });
        });
        this.connection.dispose();
    }
}

/** Applies LSP text edits (UTF-16 positions, as negotiated) to `text`. */
function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
    const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
    let out = text;
    for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
    return out;
}

/** The text edits a WorkspaceEdit makes to `uri` (documentChanges or changes). */
function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
    if (edit === undefined) return [];
    const fromChanges = edit.changes?.[uri] ?? [];
    const fromDocumentChanges = (edit.documentChanges ?? []).flatMap((change) =>
        'textDocument' in change && change.textDocument.uri === uri ? change.edits.filter((e): e is TextEdit => 'range' in e && 'newText' in e) : [],
    );
    return [...fromChanges, ...fromDocumentChanges];
}

describe('the real lastfix server over stdio', () => {
    let skipReason: string | undefined;
    let session: Session | undefined;
    let workdir = '';
    let initialize: InitializeResult | undefined;
    let discovery: Discovery | undefined;

    before(async () => {
        workdir = await mkdtemp(path.join(tmpdir(), 'lastfix-e2e-'));
        // The extension's own settings path: raw values in, validated settings out.
        const { settings } = readSettings(configSource({ values: { interpreter: PYTHON, fixOnSave: true, candidates: 3, device: 'cpu' } }), {
            userHome: tmpdir(),
        });
        // PATH is left out so that discovery takes the interpreter route (`python -m lastfix serve`).
        const nodeOptions = { cwd: workdir, pathEnv: '', platform: process.platform };
        discovery = await discoverServer(settings, {
            findOnPath: () => Promise.resolve(undefined),
            probePython: (interpreter) => probePython(interpreter, nodeOptions),
            selectedPython: () => Promise.resolve(undefined),
            defaultPython: PYTHON,
        });
        if (!discovery.ok) {
            skipReason = `lastfix server not importable from ${PYTHON} (${discovery.tried.join('; ')}); install it with \`pip install -e .\` at the repo root`;
            console.log(`# SKIP e2e: ${skipReason}`);
            return;
        }
        const { launch } = discovery;
        // Run where the extension runs it: a directory without a `lastfix/` package to shadow the installed one.
        const child = spawn(launch.command, [...launch.args], { cwd: workdir, stdio: 'pipe' });
        const serverSettings = toServerSettings(settings);
        session = new Session(child, serverSettings);
        initialize = await session.connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            // eslint-disable-next-line @typescript-eslint/no-deprecated -- VS Code still sends it; so do we
            rootUri: pathToFileURL(workdir).toString(),
            workspaceFolders: [{ uri: pathToFileURL(workdir).toString(), name: 'e2e' }],
            capabilities: VSCODE_CAPABILITIES,
            initializationOptions: serverSettings,
            clientInfo: { name: 'lastfix-vscode e2e', version: '0' },
        });
        await session.connection.sendNotification(InitializedNotification.type, {});
    });

    after(async () => {
        await session?.close();
        await rm(workdir, { recursive: true, force: true });
    });

    test('discovery starts `python -m lastfix serve` from the interpreter setting', (t) => {
        if (skipReason !== undefined) {
            t.skip(skipReason);
            return;
        }
        assert.ok(discovery?.ok);
        assert.deepEqual(discovery.launch.args, ['-m', 'lastfix', 'serve']);
        assert.equal(discovery.launch.origin, 'lastfix.interpreter');
    });

    test('the server offers what the extension relies on', (t) => {
        if (skipReason !== undefined) {
            t.skip(skipReason);
            return;
        }
        const caps = initialize?.capabilities;
        const kinds = typeof caps?.codeActionProvider === 'object' ? caps.codeActionProvider.codeActionKinds : undefined;
        assert.ok(kinds?.includes('quickfix') === true, `codeActionKinds ${JSON.stringify(kinds)}`);
        assert.ok(kinds.includes(FIX_ALL_KIND), `codeActionKinds ${JSON.stringify(kinds)}`);
    });

    test('the server pulled the lastfix section and accepted every setting the extension sends', async (t) => {
        if (skipReason !== undefined || session === undefined) {
            t.skip(skipReason);
            return;
        }
        const s = session;
        const deadline = Date.now() + WAIT_MS;
        while (s.configurationRequests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.deepEqual(s.configurationRequests[0], { items: [{ section: 'lastfix' }] });
        // server/settings.py logs "lastfix.<key> = <value> ignored: <why>" for anything it cannot use.
        assert.doesNotMatch(s.stderr.join(''), /ignored/);
    });

    test('an unclosed call in an .xlf file: diagnostic, quick fix, fix-all, fix on save, then clean', async (t) => {
        if (skipReason !== undefined || session === undefined) {
            t.skip(skipReason);
            return;
        }
        const s = session;
        const uri = pathToFileURL(path.join(workdir, 'broken.xlf')).toString();
        const broken = '=SUM(A1:A3\n=A1+1\n';
        const fixed = '=SUM(A1:A3)\n=A1+1\n';
        await s.connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: { uri, languageId: 'excel-formula', version: 1, text: broken },
        });

        const diagnostics = await s.diagnosticsFor(uri, (d) => d.length > 0, 'diagnostics');
        const [first] = diagnostics;
        assert.ok(first !== undefined);
        assert.equal(first.range.start.line, 0, JSON.stringify(diagnostics));

        // Quick fixes for the diagnostic, as the light bulb asks for them.
        const quick = ((await s.connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: first.range,
            context: { diagnostics: [first], only: ['quickfix'] },
        })) ?? []) as CodeAction[];
        const repaired = quick.map((a) => applyTextEdits(broken, editsFor(a.edit, uri)));
        assert.ok(repaired.includes(fixed), `quick fixes ${JSON.stringify(quick.map((a) => a.title))} gave ${JSON.stringify(repaired)}`);
        assert.ok(quick.length <= 3, 'more quick fixes than lastfix.candidates');

        // Fix-all, as "lastfix: Repair File" and codeActionsOnSave request it (resolved lazily).
        const listed = ((await s.connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri },
            range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
            context: { diagnostics, only: [FIX_ALL_KIND] },
        })) ?? []) as CodeAction[];
        const fixAll = listed.find((a) => a.kind === FIX_ALL_KIND);
        assert.ok(fixAll !== undefined, `no ${FIX_ALL_KIND} in ${JSON.stringify(listed)}`);
        const resolved = fixAll.edit === undefined ? await s.connection.sendRequest(CodeActionResolveRequest.type, fixAll) : fixAll;
        assert.equal(applyTextEdits(broken, editsFor(resolved.edit, uri)), fixed);

        // lastfix.fixOnSave: the server's willSaveWaitUntil makes the same repair.
        const onSave = await s.connection.sendRequest(WillSaveTextDocumentWaitUntilRequest.type, {
            textDocument: { uri },
            reason: TextDocumentSaveReason.Manual,
        });
        assert.equal(applyTextEdits(broken, onSave ?? []), fixed);

        // The repaired formula parses: the server clears the diagnostics.
        await s.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 2 },
            contentChanges: [{ text: fixed }],
        });
        const after = await s.diagnosticsFor(uri, (d) => d.length === 0, 'empty diagnostics after the fix');
        assert.deepEqual(after, []);
    });
});
