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
  '/api/calibration/activate': {
    post: op(
      'Bring a saved calibration version into force by hand, even one the held-out check rejected (duty officer): a change of the room, origin operator. 404 JCR_NOT_FOUND for an unknown version; 409 JCR_CONFLICT when it is already in force or was learnt on another road network; 422 JCR_CALIBRATION_INVALID when a factor is not a number in 0.2..5 (it could remove routes).',
      {
        ...body(obj({ version: { type: 'integer', minimum: 1 }, reason: { type: 'string' } }, ['version', 'reason'])),
        responses: { '200': json(obj({ inForce: { type: ['integer', 'null'] } })), ...errors(400, 403, 404, 409, 422) },
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
