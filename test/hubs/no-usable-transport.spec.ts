/**
 * `noUsableTransport` over errors shaped as SignalR's HttpConnection makes them (its error classes
 * are not exported by the package: an `errorType` tag each, and an `AggregateErrors` whose
 * `innerErrors` interleave labels and errors). The real ones are met end to end in
 * test/gateway/signalr/transport-matrix.spec.ts.
 */
import { expect } from 'chai';
import { noUsableTransport } from '../../src/hubs/no-usable-transport.js';

function tagged(errorType: string, message: string): Error {
  return Object.assign(new Error(message), { errorType });
}

/** What SignalR rejects `start()` with when every transport of a negotiate answer failed. */
function aggregate(...errors: Error[]): Error {
  const inner = errors.flatMap((error, i) => [`Transport${i} failed:`, error]);
  return Object.assign(new Error(`Unable to connect to the server with any of the available transports. ${inner.join(' ')}`), {
    innerErrors: inner,
  });
}

describe('noUsableTransport', () => {
  it('names the refusals when every transport was refused by the client itself', () => {
    const error = aggregate(
      tagged('DisabledTransportError', "'WebSockets' is disabled by the client."),
      new Error("'ServerSentEvents' does not support Binary."),
      tagged('UnsupportedTransportError', "'LongPolling' is not supported in your environment."),
    );
    expect(noUsableTransport(error)).to.equal(
      "'WebSockets' is disabled by the client. 'ServerSentEvents' does not support Binary. 'LongPolling' is not supported in your environment.",
    );
  });

  it('is undefined when a transport was tried and failed (worth retrying), or for any other error', () => {
    const tried = aggregate(
      tagged('DisabledTransportError', "'WebSockets' is disabled by the client."),
      tagged('FailedToStartTransportError', 'LongPolling failed: Error: timeout'),
    );
    expect(noUsableTransport(tried)).to.equal(undefined);
    expect(noUsableTransport(new Error("'ServerSentEvents' does not support Binary."))).to.equal(undefined);
    expect(noUsableTransport(aggregate())).to.equal(undefined);
    expect(noUsableTransport(aggregate(new Error('socket hang up')))).to.equal(undefined);
    expect(noUsableTransport('text')).to.equal(undefined);
  });
});
