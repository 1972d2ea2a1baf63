/**
 * Route schemas declare error responses with the problem schema, and @fastify/swagger files
 * every response under `application/json`. Errors are sent as `application/problem+json`
 * (RFC 9457, see problem.ts), so the document moves every 4xx/5xx body under that media type
 * here, in one place, instead of each route spelling out `content` (which would also change
 * how Fastify picks a serializer).
 */
const PROBLEM = 'application/problem+json';

interface Operation { responses?: Record<string, { content?: Record<string, unknown> }> }

export function documentProblemsAsProblemJson<T extends { paths?: Record<string, Record<string, unknown>> }>(doc: T): T {
  for (const methods of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(methods) as Operation[]) {
      for (const [status, response] of Object.entries(op?.responses ?? {})) {
        if (!/^[45]\d\d$/.test(status) || !response.content?.['application/json']) continue;
        const { 'application/json': body, ...rest } = response.content;
        response.content = { [PROBLEM]: body, ...rest };
      }
    }
  }
  return doc;
}
