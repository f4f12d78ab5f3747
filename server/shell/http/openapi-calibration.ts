/** The OpenAPI paths of the journey-time calibration (issue 19, docs/calibration.md; ./calibration.ts). */
import { type Json, any, body, errors, json, obj, op } from './openapi-parts.ts';

export const CALIBRATION_PATHS: Json = {
  '/api/calibration': {
    get: op(
      'The journey-time calibration in force (null: the prior) with its held-out error, the latest versions, and the roads its blue-light factors change most as a GeoJSON FeatureCollection of LineStrings (properties: road, factor, change faster|slower, highway). See docs/calibration.md.',
      {
        parameters: [{ name: 'roads', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 500 } }],
        responses: { '200': json(any), ...errors(400) },
      },
    ),
  },
  '/api/calibration/rollback': {
    post: op(
      'Bring back what was in force before the current calibration (duty officer); 409 JCR_CONFLICT when the prior is in force.',
      {
        ...body(obj({ reason: { type: 'string' } }, ['reason'])),
        responses: { '200': json(obj({ inForce: { type: ['integer', 'null'] } })), ...errors(400, 403, 409) },
      },
    ),
  },
};
