import * as t from 'io-ts';
import { MediaReference } from './common.js';
import { array, IsoDateTime, nullable, optional } from './scalars.js';

/** A user or bot known to the gateway. */
export const ParticipantDto = t.intersection(
  [
    t.type({
      id: t.string,
      uniqueName: t.string,
      fullName: t.string,
      isBot: t.boolean,
      isOnline: t.boolean,
      createdAt: IsoDateTime,
      updatedAt: IsoDateTime,
    }),
    optional({ avatar: MediaReference, gender: t.string, lastSeenAt: nullable(IsoDateTime) }),
  ],
  'ParticipantDto',
);
/** A user or bot known to the gateway (`lastSeenAt` is null while online). */
export type ParticipantDto = t.TypeOf<typeof ParticipantDto>;

/** Body of `POST /api/participants` (upsert by `id`). */
export const CreateOrUpdateParticipantRequest = t.intersection(
  [t.type({ id: t.string, uniqueName: t.string, fullName: t.string }), optional({ avatar: MediaReference, gender: t.string })],
  'CreateOrUpdateParticipantRequest',
);
/** Body of `POST /api/participants`. */
export type CreateOrUpdateParticipantRequest = t.TypeOf<typeof CreateOrUpdateParticipantRequest>;

/** Body of `POST /api/participants/batch`. */
export const GetParticipantsBatchRequest = t.type({ ids: array(t.string) }, 'GetParticipantsBatchRequest');
/** Body of `POST /api/participants/batch`. */
export type GetParticipantsBatchRequest = t.TypeOf<typeof GetParticipantsBatchRequest>;
