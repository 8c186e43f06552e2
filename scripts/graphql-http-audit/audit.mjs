#!/usr/bin/env node
// Runs graphql-http's GraphQL-over-HTTP server audits (serverAudits) against a
// running MMS and exits non-zero on any error (a MUST broken) or warning (a
// SHOULD broken). Notices (MAY) are printed and do not fail the run.
//
//   cd scripts/graphql-http-audit && npm ci && node audit.mjs http://127.0.0.1:8080/graphql
//
// The URL may also come from MMS_AUDIT_URL. MMS_AUDIT_TOKEN, when set, is sent
// as a bearer token (the audits only use { __typename }, which anonymous callers
// may run).
import { serverAudits } from 'graphql-http';

const url = process.argv[2] || process.env.MMS_AUDIT_URL;
if (!url) {
  console.error('usage: node audit.mjs <graphql url>   (or set MMS_AUDIT_URL)');
  process.exit(2);
}
const token = process.env.MMS_AUDIT_TOKEN || '';

function fetchFn(input, init = {}) {
  if (!token) return fetch(input, init);
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  counts[result.status]++;
  if (result.status === 'ok') continue;
  let body = '';
  try {
    body = await result.response.text();
  } catch {
    // the body was already read by the audit
  }
  const status = result.response ? result.response.status : '-';
  console.log(`${result.status.toUpperCase()} ${result.id} ${result.name}`);
  console.log(`  ${result.reason}`);
  console.log(`  response: ${status} ${body.slice(0, 300)}`);
}
console.log(`graphql-http serverAudits on ${url}: ${counts.ok} ok, ${counts.notice} notices, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
