import type { APIGatewayProxyResult } from 'aws-lambda';
import { StorageUnavailable } from '../store/cdr-store';
import { envelopeReply, PushRefusal } from './reply';

/** Whatever went wrong becomes an envelope: nothing throws past a handler. */
export function replyForError(error: unknown): APIGatewayProxyResult {
  if (error instanceof PushRefusal) return envelopeReply(error.code, error.message);
  if (error instanceof StorageUnavailable) {
    return envelopeReply('STORAGE_UNAVAILABLE', 'storage is unavailable; the record was not stored, push again');
  }
  return envelopeReply('INTERNAL_ERROR', 'internal error; the record was not stored, push again');
}
