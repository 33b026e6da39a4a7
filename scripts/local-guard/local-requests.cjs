// Which requests a server for this machine's browser answers (npm start, npm run reports).
// Both listen on the loopback, but a web page the developer visits can still reach them: by
// sending the browser there (a cross-site request, which carries Origin or Sec-Fetch-Site),
// or by pointing its own DNS name at 127.0.0.1 (DNS rebinding, which keeps its own Host).
// So a request is answered only when its Host names this machine and it comes from no other site.
'use strict';

const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `localhost`, `127.0.0.1` or `[::1]`, with no port or this server's. */
function isLocalHost(host, port) {
  if (typeof host !== 'string') return false;
  const match = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec(host);
  return match !== null && (match[2] === undefined || Number(match[2]) === port);
}

/** The origins of pages this server serves itself. */
function ownOrigins(port) {
  return LOCAL_NAMES.map((name) => `http://${name}:${port}`);
}

/**
 * Why a request must be refused, in words that never repeat what the client sent; null when it
 * may be answered. `headers` as Node parses them (lower-case names).
 */
function foreignRequest(headers, port) {
  if (!isLocalHost(headers.host, port)) return 'this server answers requests for this machine only (Host)';
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'this server answers its own pages only, not requests from other sites (Sec-Fetch-Site)';
  }
  const origin = headers.origin;
  if (origin !== undefined && !ownOrigins(port).includes(String(origin).toLowerCase())) {
    return 'this server answers its own pages only, not requests from other sites (Origin)';
  }
  return null;
}

module.exports = { foreignRequest, isLocalHost, ownOrigins };
