/**
 * The one table of every REST route of the Chat Gateway, and the function that fills in a
 * route's parameters. A deployment that serves the API under other paths changes this file,
 * or passes `routes` overrides to {@link HttpTransport} (no other file holds a path).
 *
 * Path templates use `{name}` for one URL segment (the value is `encodeURIComponent`-encoded,
 * so a `/` inside it is encoded too) and `{*name}` for a multi-segment value such as a storage
 * key or a proxied path (each `/`-separated segment is encoded, the slashes are kept).
 *
 * The upload `PUT` has no entry: it goes to the `uploadUrl` that `files.createUploadUrl` returns.
 */

/** An HTTP method the gateway uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

/**
 * One REST route: its method (`'*'` when the caller chooses, as for the proxy) and its path
 * template relative to the gateway's base URL.
 */
export interface RouteSpec {
  /** The HTTP method; `'*'` when the caller chooses it (the proxy). */
  readonly method: HttpMethod | '*';
  /** The path template relative to the gateway's base URL, with `{name}` and `{*name}` parameters. */
  readonly path: string;
}

/**
 * Every REST route, keyed `group.call`. The values are what the reference gateway serves.
 *
 * @example
 * ```ts
 * ROUTES['messages.history']; // { method: 'GET', path: '/api/conversations/{conversationId}/messages' }
 * ```
 */
export const ROUTES = {
  'auth.login': { method: 'POST', path: '/api/auth/login/{provider}' },

  'participants.createOrUpdate': { method: 'POST', path: '/api/participants' },
  'participants.getById': { method: 'GET', path: '/api/participants/{id}' },
  'participants.getByUniqueName': { method: 'GET', path: '/api/participants/by-unique-name/{uniqueName}' },
  'participants.getBatch': { method: 'POST', path: '/api/participants/batch' },

  'conversations.list': { method: 'GET', path: '/api/conversations' },
  'conversations.create': { method: 'POST', path: '/api/conversations' },
  'conversations.search': { method: 'GET', path: '/api/conversations/search' },
  'conversations.getById': { method: 'GET', path: '/api/conversations/{id}' },
  'conversations.update': { method: 'PUT', path: '/api/conversations/{id}' },
  'conversations.leave': { method: 'POST', path: '/api/conversations/{id}/leave' },
  'conversations.findOneToOne': { method: 'GET', path: '/api/conversations/one-to-one/{otherParticipantId}' },
  'conversations.getParticipants': { method: 'GET', path: '/api/conversations/{id}/participants' },
  'conversations.addParticipant': { method: 'POST', path: '/api/conversations/{id}/participants' },
  'conversations.removeParticipant': { method: 'DELETE', path: '/api/conversations/{id}/participants/{participantId}' },
  'conversations.pin': { method: 'POST', path: '/api/conversations/{id}/pin' },
  'conversations.unpin': { method: 'DELETE', path: '/api/conversations/{id}/pin' },
  'conversations.markAsRead': { method: 'POST', path: '/api/conversations/{id}/read' },
  'conversations.markAsUnread': { method: 'POST', path: '/api/conversations/{id}/unread' },

  'messages.send': { method: 'POST', path: '/api/conversations/{conversationId}/messages' },
  'messages.history': { method: 'GET', path: '/api/conversations/{conversationId}/messages' },
  'messages.search': { method: 'GET', path: '/api/conversations/{conversationId}/messages/search' },
  'messages.getById': { method: 'GET', path: '/api/messages/{id}' },
  'messages.edit': { method: 'PUT', path: '/api/messages/{id}' },
  'messages.delete': { method: 'DELETE', path: '/api/messages/{id}' },
  'messages.recover': { method: 'POST', path: '/api/messages/{id}/recover' },
  'messages.addReaction': { method: 'POST', path: '/api/messages/{id}/reactions/{emoji}' },
  'messages.removeReaction': { method: 'DELETE', path: '/api/messages/{id}/reactions/{emoji}' },

  'files.createUploadUrl': { method: 'POST', path: '/api/files/upload-url' },
  'files.download': { method: 'GET', path: '/api/files/{*storageKey}' },
  'files.delete': { method: 'DELETE', path: '/api/files/{*storageKey}' },

  'bots.list': { method: 'GET', path: '/api/bots' },
  'bots.create': { method: 'POST', path: '/api/bots' },
  'bots.getById': { method: 'GET', path: '/api/bots/{id}' },
  'bots.update': { method: 'PUT', path: '/api/bots/{id}' },
  'bots.delete': { method: 'DELETE', path: '/api/bots/{id}' },
  'bots.activate': { method: 'POST', path: '/api/bots/{id}/activate' },
  'bots.deactivate': { method: 'POST', path: '/api/bots/{id}/deactivate' },
  'bots.regenerateKey': { method: 'POST', path: '/api/bots/{id}/regenerate-key' },

  'proxy.request': { method: '*', path: '/api/proxy/{service}/{*path}' },

  'health.live': { method: 'GET', path: '/health/live' },
  'health.ready': { method: 'GET', path: '/health/ready' },
} as const satisfies Record<string, RouteSpec>;

/** The name of a REST route, e.g. `'messages.history'`. */
export type RouteName = keyof typeof ROUTES;

/** A complete route table (the default is {@link ROUTES}). */
export type RouteTable = { readonly [K in RouteName]: RouteSpec };

/** A route with its parameters filled in: the method and the encoded path (query not included). */
export interface ResolvedRoute {
  /** The route's HTTP method; `'*'` when the caller chooses it (the proxy). */
  readonly method: HttpMethod | '*';
  /** The path with its parameters filled in and encoded, relative to the base URL, without a query. */
  readonly path: string;
}

const PLACEHOLDER = /\{(\*?)([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Encodes a multi-segment value (storage key, proxied path): every `/`-separated segment is
 * `encodeURIComponent`-encoded and the slashes are kept.
 *
 * @example
 * ```ts
 * encodePathSegments('01HX/my photo.jpg'); // "01HX/my%20photo.jpg"
 * ```
 */
export function encodePathSegments(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/');
}

/**
 * Fills in a path template: `{name}` gets one encoded segment, `{*name}` an encoded multi-segment
 * value (slashes kept). Throws a `RangeError` naming the parameter when one is missing.
 *
 * @example
 * ```ts
 * expandPath('/api/messages/{id}/reactions/{emoji}', { id: 'm1', emoji: '👍' });
 * // "/api/messages/m1/reactions/%F0%9F%91%8D"
 * expandPath('/api/files/{*storageKey}', { storageKey: 'a/b c.png' }); // "/api/files/a/b%20c.png"
 * ```
 */
export function expandPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(PLACEHOLDER, (_match, star: string, name: string) => {
    const value = params[name];
    if (value === undefined) throw new RangeError(`expandPath: missing route parameter "${name}" for "${template}"`);
    return star === '*' ? encodePathSegments(value) : encodeURIComponent(value);
  });
}

/**
 * Looks a route up in `table` and fills in its parameters.
 *
 * @example
 * ```ts
 * resolveRoute(ROUTES, 'conversations.getById', { id: 'c1' }); // { method: 'GET', path: '/api/conversations/c1' }
 * ```
 */
export function resolveRoute(table: RouteTable, name: RouteName, params: Readonly<Record<string, string>> = {}): ResolvedRoute {
  const route = table[name];
  return { method: route.method, path: expandPath(route.path, params) };
}
