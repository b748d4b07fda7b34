import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ServerController } from '../src/restart';
import { FakeServer, ManualTimers, RecordingLog } from './fakes';

/** A controller whose starts are recorded; `gate` holds a start open until the test releases it. */
function setup(options: { failFirst?: boolean; declineFirst?: boolean } = {}) {
    const events: string[] = [];
    const timers = new ManualTimers();
    const log = new RecordingLog();
    let count = 0;
    let release: (() => void) | undefined;
    let gated = false;
    const controller = new ServerController({
        log,
        timers,
        debounceMs: 500,
        start: async () => {
            const id = ++count;
            events.push(`start ${id}`);
            if (gated) await new Promise<void>((resolve) => (release = resolve));
            if (id === 1 && options.failFirst === true) throw new Error('spawn lastfix ENOENT');
            if (id === 1 && options.declineFirst === true) return undefined;
            events.push(`running ${id}`);
            return new FakeServer(id, events);
        },
    });
    return {
        controller,
        events,
        timers,
        log,
        gate: () => (gated = true),
        release: () => {
            gated = false;
            release?.();
        },
    };
}

describe('ServerController', () => {
    test('start is idempotent', async () => {
        const { controller, events } = setup();
        await controller.start();
        await controller.start();
        assert.deepEqual(events, ['start 1', 'running 1']);
        assert.equal(controller.state, 'running');
    });

    test('restart stops the old server before the new one starts', async () => {
        const { controller, events } = setup();
        await controller.start();
        await controller.restart();
        assert.deepEqual(events, ['start 1', 'running 1', 'stop 1', 'start 2', 'running 2']);
    });

    test('a burst of settings changes restarts once, after the quiet period', async () => {
        const { controller, events, timers } = setup();
        await controller.start();
        for (let i = 0; i < 5; i++) {
            controller.scheduleRestart();
            timers.advance(100);
        }
        assert.equal(timers.size, 1);
        assert.deepEqual(events, ['start 1', 'running 1']);
        timers.advance(500);
        await controller.idle();
        assert.deepEqual(events, ['start 1', 'running 1', 'stop 1', 'start 2', 'running 2']);
        assert.equal(timers.size, 0);
    });

    test('restarts requested while a start is in flight wait for it and coalesce', async () => {
        const { controller, events, gate, release } = setup();
        gate();
        const first = controller.start();
        await Promise.resolve();
        assert.equal(controller.state, 'starting');
        const a = controller.restart();
        const b = controller.restart();
        release();
        await Promise.all([first, a, b]);
        // One server at a time, and the two restart requests made one restart.
        assert.deepEqual(events, ['start 1', 'running 1', 'stop 1', 'start 2', 'running 2']);
    });

    test('a failed start is logged and does not wedge later restarts', async () => {
        const { controller, events, log } = setup({ failFirst: true });
        await controller.start();
        assert.equal(controller.state, 'stopped');
        assert.equal(controller.current, undefined);
        assert.match(log.lines.join('\n'), /error: lastfix: spawn lastfix ENOENT/);
        await controller.restart();
        assert.equal(controller.state, 'running');
        assert.deepEqual(events, ['start 1', 'start 2', 'running 2']);
    });

    test('a start that found no server leaves it stopped; Restart tries again', async () => {
        const { controller, events } = setup({ declineFirst: true });
        await controller.start();
        assert.equal(controller.state, 'stopped');
        await controller.restart();
        assert.equal(controller.state, 'running');
        assert.deepEqual(events, ['start 1', 'start 2', 'running 2']);
    });

    test('stop cancels a pending debounced restart', async () => {
        const { controller, events, timers } = setup();
        await controller.start();
        controller.scheduleRestart();
        await controller.stop();
        timers.advance(1000);
        await controller.idle();
        assert.deepEqual(events, ['start 1', 'running 1', 'stop 1']);
        assert.equal(controller.state, 'stopped');
    });

    test('after dispose nothing starts again', async () => {
        const { controller, events, timers } = setup();
        await controller.start();
        await controller.dispose();
        controller.scheduleRestart();
        timers.advance(1000);
        await controller.restart();
        await controller.start();
        assert.deepEqual(events, ['start 1', 'running 1', 'stop 1']);
        assert.equal(timers.size, 0);
    });
});
