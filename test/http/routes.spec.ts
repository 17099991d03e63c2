import { expect } from 'chai';
import { ROUTES, encodePathSegments, expandPath, resolveRoute, type RouteName } from '../../src/http/routes.js';

describe('routes', () => {
  it('is one table with the contract route of every REST call', () => {
    const expected: Record<RouteName, string> = {
      'auth.login': 'POST /api/auth/login/{provider}',
      'participants.createOrUpdate': 'POST /api/participants',
      'participants.getById': 'GET /api/participants/{id}',
      'participants.getByUniqueName': 'GET /api/participants/by-unique-name/{uniqueName}',
      'participants.getBatch': 'POST /api/participants/batch',
      'conversations.list': 'GET /api/conversations',
      'conversations.create': 'POST /api/conversations',
      'conversations.search': 'GET /api/conversations/search',
      'conversations.getById': 'GET /api/conversations/{id}',
      'conversations.update': 'PUT /api/conversations/{id}',
      'conversations.leave': 'POST /api/conversations/{id}/leave',
      'conversations.findOneToOne': 'GET /api/conversations/one-to-one/{otherParticipantId}',
      'conversations.getParticipants': 'GET /api/conversations/{id}/participants',
      'conversations.addParticipant': 'POST /api/conversations/{id}/participants',
      'conversations.removeParticipant': 'DELETE /api/conversations/{id}/participants/{participantId}',
      'conversations.pin': 'POST /api/conversations/{id}/pin',
      'conversations.unpin': 'DELETE /api/conversations/{id}/pin',
      'conversations.markAsRead': 'POST /api/conversations/{id}/read',
      'conversations.markAsUnread': 'POST /api/conversations/{id}/unread',
      'messages.send': 'POST /api/conversations/{conversationId}/messages',
      'messages.history': 'GET /api/conversations/{conversationId}/messages',
      'messages.search': 'GET /api/conversations/{conversationId}/messages/search',
      'messages.getById': 'GET /api/messages/{id}',
      'messages.edit': 'PUT /api/messages/{id}',
      'messages.delete': 'DELETE /api/messages/{id}',
      'messages.recover': 'POST /api/messages/{id}/recover',
      'messages.addReaction': 'POST /api/messages/{id}/reactions/{emoji}',
      'messages.removeReaction': 'DELETE /api/messages/{id}/reactions/{emoji}',
      'files.createUploadUrl': 'POST /api/files/upload-url',
      'files.download': 'GET /api/files/{*storageKey}',
      'files.delete': 'DELETE /api/files/{*storageKey}',
      'bots.list': 'GET /api/bots',
      'bots.create': 'POST /api/bots',
      'bots.getById': 'GET /api/bots/{id}',
      'bots.update': 'PUT /api/bots/{id}',
      'bots.delete': 'DELETE /api/bots/{id}',
      'bots.activate': 'POST /api/bots/{id}/activate',
      'bots.deactivate': 'POST /api/bots/{id}/deactivate',
      'bots.regenerateKey': 'POST /api/bots/{id}/regenerate-key',
      'proxy.request': '* /api/proxy/{service}/{*path}',
      'health.live': 'GET /health/live',
      'health.ready': 'GET /health/ready',
    };
    const actual = Object.fromEntries(Object.entries(ROUTES).map(([name, r]) => [name, `${r.method} ${r.path}`]));
    expect(actual).to.deep.equal(expected);
  });

  it('encodes a one-segment parameter completely, emoji and slashes included', () => {
    expect(expandPath('/api/messages/{id}/reactions/{emoji}', { id: 'm 1', emoji: '👍' })).to.equal(
      '/api/messages/m%201/reactions/%F0%9F%91%8D',
    );
    expect(expandPath('/api/participants/{id}', { id: 'a/b?c#d' })).to.equal('/api/participants/a%2Fb%3Fc%23d');
  });

  it('keeps the slashes of a multi-segment parameter and encodes each segment', () => {
    expect(expandPath('/api/files/{*storageKey}', { storageKey: '01HX/my photo#1.jpg' })).to.equal('/api/files/01HX/my%20photo%231.jpg');
    expect(encodePathSegments('a/ü/c?')).to.equal('a/%C3%BC/c%3F');
  });

  it('throws a RangeError naming a missing parameter', () => {
    expect(() => expandPath('/api/bots/{id}', {})).to.throw(RangeError, /"id"/);
  });

  it('resolveRoute fills in a route of a table', () => {
    expect(resolveRoute(ROUTES, 'conversations.removeParticipant', { id: 'c1', participantId: 'p/2' })).to.deep.equal({
      method: 'DELETE',
      path: '/api/conversations/c1/participants/p%2F2',
    });
  });
});
