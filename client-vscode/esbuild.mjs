// Bundles the extension and vscode-languageclient into one CommonJS file (VS Code loads `main`).
// `vscode` is provided by the editor at run time, so it stays external.
import process from 'node:process';

import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

await esbuild.build({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    // VS Code 1.91 runs extensions on Electron 29 (Node 20).
    target: 'node20',
    external: ['vscode'],
    outfile: 'dist/extension.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
});
