import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isJcrError, JcrError } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import { storeError } from '../store/store.ts';

/** Turns any thrown error into `{ error: { code, message, path? } }` with the code's HTTP status. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    let e: JcrError;
    if (isJcrError(err)) e = err;
    else if (isBodyParserError(err)) e = fromBodyParser(err);
    // The router's decodeURIComponent of a path parameter (`/api/resources/%ZZ`): the client's
    // mistake, answered 400 and not logged (an error-level stack per request is a log flood).
    else if (err instanceof URIError) e = new JcrError('JCR_MALFORMED_URL', 'the path is not valid percent-encoding');
    // A write outside the event log (a session at sign-in) under another process's lock: it never
    // waits (busy_timeout 0), it is refused like an append.
    else if (storeError(err)) e = storeError(err) as JcrError;
    else {
      log.error('unhandled error', { err: err instanceof Error ? err.stack : String(err) });
      e = new JcrError('JCR_INTERNAL', 'internal error');
    }
    res.status(e.status).json({ error: e.toBody() });
  };
}

interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    'type' in e &&
    typeof (e as { type: unknown }).type === 'string' &&
    'status' in e
  );
}

function fromBodyParser(e: BodyParserError): JcrError {
  switch (e.type) {
    case 'entity.parse.failed':
      return new JcrError('JCR_MALFORMED_JSON', `body is not valid JSON: ${e.message}`);
    case 'entity.too.large':
      return new JcrError('JCR_PAYLOAD_TOO_LARGE', 'body exceeds the size limit');
    default:
      return new JcrError('JCR_VALIDATION', e.message);
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new JcrError('JCR_NOT_FOUND', `no route ${req.method} ${req.path}`));
};
