/**
 * Tokenizes formulas with the TextMate engine VS Code itself uses (vscode-textmate + the Oniguruma
 * WASM build), so what these tests see is what the editor colours.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';

import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = path.join(__dirname, '..', '..');
let grammar: vsctm.IGrammar;

before(async () => {
    const wasm = readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
            createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: (scopeName: string) => {
            if (scopeName !== 'source.excel-formula') return Promise.resolve(null);
            const file = path.join(ROOT, 'syntaxes', 'excel-formula.tmLanguage.json');
            return Promise.resolve(vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file));
        },
    });
    const loaded = await registry.loadGrammar('source.excel-formula');
    assert.ok(loaded !== null, 'grammar did not load');
    grammar = loaded;
});

/** [text, innermost scope without the language suffix] for every token of one line. */
function tokens(line: string): [string, string][] {
    const { tokens: raw } = grammar.tokenizeLine(line, vsctm.INITIAL);
    return raw
        .map((t): [string, string] => [line.slice(t.startIndex, t.endIndex), (t.scopes.at(-1) ?? '').replace(/\.excel-formula$/, '')])
        .filter(([text]) => text.trim() !== '');
}

function scopeOf(line: string, text: string): string | undefined {
    return tokens(line).find(([t]) => t === text)?.[1];
}

describe('Excel formula TextMate grammar', () => {
    test('functions, references, strings, errors, separators', () => {
        assert.deepEqual(tokens('=SUM(A1:A3, "a""b", #N/A)'), [
            ['=', 'keyword.operator.comparison'],
            ['SUM', 'support.function'],
            ['(', 'punctuation.section.parens.begin'],
            ['A1', 'variable.other.reference'],
            [':', 'keyword.operator.range'],
            ['A3', 'variable.other.reference'],
            [',', 'punctuation.separator.arguments'],
            ['"', 'punctuation.definition.string.begin'],
            ['a', 'string.quoted.double'],
            ['""', 'constant.character.escape'],
            ['b', 'string.quoted.double'],
            ['"', 'punctuation.definition.string.end'],
            [',', 'punctuation.separator.arguments'],
            ['#N/A', 'constant.language.error'],
            [')', 'punctuation.section.parens.end'],
        ]);
    });

    test('every error literal is one constant', () => {
        for (const error of ['#NULL!', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#N/A', '#SPILL!', '#CALC!']) {
            assert.deepEqual(tokens(`=IFERROR(1/0,${error})`).at(-2), [error, 'constant.language.error'], error);
        }
    });

    test('numbers, booleans, operators', () => {
        const line = '=1.5E3+.5%*2^3&TRUE<>false';
        assert.equal(scopeOf(line, '1.5E3'), 'constant.numeric');
        assert.equal(scopeOf(line, '.5'), 'constant.numeric');
        assert.equal(scopeOf(line, '%'), 'keyword.operator.percent');
        assert.equal(scopeOf(line, '^'), 'keyword.operator.arithmetic');
        assert.equal(scopeOf(line, '&'), 'keyword.operator.concatenation');
        assert.equal(scopeOf(line, 'TRUE'), 'constant.language.boolean');
        assert.equal(scopeOf(line, '<>'), 'keyword.operator.comparison');
        assert.equal(scopeOf(line, 'false'), 'constant.language.boolean');
        // TRUE() is the function, not the constant.
        assert.equal(scopeOf('=TRUE()', 'TRUE'), 'support.function');
    });

    test('sheet-qualified, absolute, whole-column/row and spilled references', () => {
        const line = "='My Sheet'!$B$2+Sheet1!A:A+[Book.xlsx]Data!1:3+A2#";
        assert.equal(scopeOf(line, "'My Sheet'"), 'entity.name.tag.sheet');
        assert.equal(scopeOf(line, '$B$2'), 'variable.other.reference');
        assert.equal(scopeOf(line, 'Sheet1'), 'entity.name.tag.sheet');
        assert.equal(scopeOf(line, 'A:A'), 'variable.other.reference');
        assert.equal(scopeOf(line, '[Book.xlsx]Data'), 'entity.name.tag.sheet');
        assert.equal(scopeOf(line, '1:3'), 'variable.other.reference');
        assert.equal(scopeOf(line, '#'), 'keyword.operator.spill');
    });

    test('a name that looks like a cell but is called is a function (LOG10, _xlfn.)', () => {
        assert.equal(scopeOf('=LOG10(100)', 'LOG10'), 'support.function');
        assert.equal(scopeOf('=_xlfn.XLOOKUP(A1,B:B,C:C)', '_xlfn.XLOOKUP'), 'support.function');
        assert.equal(scopeOf('=TaxRate*A1', 'TaxRate'), 'variable.other.name');
    });

    test('structured references and array constants', () => {
        const line = '=SUM(Sales[[#Totals],[Amount]])+{1,2;3,4}';
        assert.equal(scopeOf(line, 'Sales'), 'variable.other.table');
        assert.equal(scopeOf(line, '#Totals'), 'keyword.other.item-specifier');
        assert.equal(scopeOf(line, 'Amount'), 'variable.other.column');
        assert.equal(scopeOf(line, '{'), 'punctuation.section.array.begin');
        assert.equal(scopeOf(line, ';'), 'punctuation.separator.array.row');
    });

    test('an unclosed string or call (what lastfix repairs) still tokenizes to the end of the line', () => {
        const unclosed = tokens('=CONCAT("abc, A1');
        assert.equal(unclosed.at(-1)?.[1], 'string.quoted.double');
        assert.equal(scopeOf('=SUM(A1:A3', 'A3'), 'variable.other.reference');
    });
});
