import { AuthMisconfigured } from '../auth/auth-config';
import { StorageUnavailable } from '../store/cdr-store';
import type { ErrCodeName } from './err-codes';
import { PushRefusal } from './reply';

/** What the envelope says of an error: its ErrCode name and a message safe to send and log. */
export function classifyError(error: unknown): { code: ErrCodeName; errMsg: string } {
  if (error instanceof PushRefusal) return { code: error.code, errMsg: error.message };
  if (error instanceof StorageUnavailable) {
    return { code: 'STORAGE_UNAVAILABLE', errMsg: 'storage is unavailable; the record was not stored, push again' };
  }
  if (error instanceof AuthMisconfigured) {
    return { code: 'INTERNAL_ERROR', errMsg: 'the receiver’s authentication is misconfigured; nothing was stored' };
  }
  return { code: 'INTERNAL_ERROR', errMsg: 'internal error; the record was not stored, push again' };
}
