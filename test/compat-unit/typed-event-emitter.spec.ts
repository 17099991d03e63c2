import { expect } from 'chai';
import { consoleLogger, TypedEventEmitter } from '../../src/compat/typed-event-emitter.js';
import { InvalidArgumentError } from '../../src/core/index.js';

interface Events {
  message: string;
  count: number;
}

describe('compat TypedEventEmitter', () => {
  it('calls the handlers of an event in the order they were added, with the payload', () => {
    const emitter = new TypedEventEmitter<Events>();
    const seen: string[] = [];
    emitter.on('message', (text) => seen.push(`a:${text}`));
    emitter.on('message', (text) => seen.push(`b:${text}`));
    emitter.on('count', (n) => seen.push(`n:${n}`));
    emitter.emit('message', 'hi');
    emitter.emit('count', 2);
    expect(seen).to.deep.equal(['a:hi', 'b:hi', 'n:2']);
  });

  it('on() returns an Unsubscribe; off() removes the very function; both are idempotent', () => {
    const emitter = new TypedEventEmitter<Events>();
    const seen: string[] = [];
    const a = (text: string): void => void seen.push(`a:${text}`);
    const b = (text: string): void => void seen.push(`b:${text}`);
    const unsubscribeA = emitter.on('message', a);
    emitter.on('message', b);
    unsubscribeA();
    unsubscribeA();
    emitter.off('message', (text) => seen.push(`other:${text}`)); // not the same function: nothing
    emitter.emit('message', '1');
    emitter.off('message', b);
    emitter.off('message', b);
    emitter.emit('message', '2');
    expect(seen).to.deep.equal(['b:1']);
    expect(emitter.listenerCount('message')).to.equal(0);
    expect(emitter.eventNames()).to.deep.equal([]);
  });

  it('keeps a function added twice for one event once', () => {
    const emitter = new TypedEventEmitter<Events>();
    let calls = 0;
    const handler = (): void => void calls++;
    emitter.on('message', handler);
    const unsubscribe = emitter.on('message', handler);
    emitter.emit('message', 'x');
    unsubscribe();
    emitter.emit('message', 'y');
    expect(calls).to.equal(1);
  });

  it('a handler that throws does not stop the others; what it threw goes to onError with the event', () => {
    const errors: Array<[unknown, string]> = [];
    const emitter = new TypedEventEmitter<Events>({ onError: (error, event) => errors.push([error, event]) });
    const seen: string[] = [];
    const boom = new Error('boom');
    emitter.on('message', () => {
      throw boom;
    });
    emitter.on('message', (text) => seen.push(text));
    emitter.emit('message', 'still delivered');
    expect(seen).to.deep.equal(['still delivered']);
    expect(errors).to.deep.equal([[boom, 'message']]);
  });

  it('a handler that adds or removes handlers changes the next emit, not this one', () => {
    const emitter = new TypedEventEmitter<Events>();
    const seen: string[] = [];
    const late = (text: string): void => void seen.push(`late:${text}`);
    const second = (text: string): void => void seen.push(`second:${text}`);
    emitter.on('message', (text) => {
      seen.push(`first:${text}`);
      emitter.off('message', second);
      emitter.on('message', late);
    });
    emitter.on('message', second);
    emitter.emit('message', '1');
    emitter.emit('message', '2');
    expect(seen).to.deep.equal(['first:1', 'second:1', 'first:2', 'late:2']);
  });

  it('removeAllListeners() of one event or of all', () => {
    const emitter = new TypedEventEmitter<Events>();
    emitter.on('message', () => undefined);
    emitter.on('count', () => undefined);
    emitter.removeAllListeners('message');
    expect(emitter.eventNames()).to.deep.equal(['count']);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('count')).to.equal(0);
  });

  it('refuses a handler that is not a function, at once', () => {
    const emitter = new TypedEventEmitter<Events>();
    expect(() => emitter.on('message', 'nope' as never)).to.throw(InvalidArgumentError, /handler/);
  });

  it('can be extended, as the seed allows', () => {
    class Clock extends TypedEventEmitter<{ tick: number }> {
      tick(n: number): void {
        this.emit('tick', n);
      }
    }
    const clock = new Clock();
    const ticks: number[] = [];
    clock.on('tick', (n) => ticks.push(n));
    clock.tick(1);
    expect(ticks).to.deep.equal([1]);
  });

  it('the default console logger writes as SignalR does: "[ISO time] Level: message", per console method', () => {
    const lines: Array<[string, unknown[]]> = [];
    const methods = ['log', 'info', 'warn', 'error'] as const;
    const originals = methods.map((m) => console[m]);
    for (const m of methods) console[m] = (...args: unknown[]) => void lines.push([m, args]);
    try {
      consoleLogger('debug', 'a');
      consoleLogger('info', 'b');
      consoleLogger('warn', 'c');
      consoleLogger('error', 'd', { x: 1 });
    } finally {
      methods.forEach((m, i) => {
        console[m] = originals[i] as (...args: unknown[]) => void;
      });
    }
    expect(lines.map(([m]) => m)).to.deep.equal(['log', 'info', 'warn', 'error']);
    expect(lines.map(([, args]) => String(args[0]).replace(/^\[[^\]]+\] /, ''))).to.deep.equal([
      'Debug: a',
      'Information: b',
      'Warning: c',
      'Error: d',
    ]);
    expect(String(lines[0]?.[1][0])).to.match(/^\[\d{4}-\d{2}-\d{2}T[\d:.]+Z\] /);
    expect(lines[3]?.[1][1]).to.deep.equal({ x: 1 });
  });
});
