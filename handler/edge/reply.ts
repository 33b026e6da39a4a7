import type { APIGatewayProxyResult } from 'aws-lambda';
import { ERR_CODES, type ErrCodeName } from '../errors';

/** The reply TCCC expects: `{"ErrCode": n, "ErrMsg": "..."}`. */
export interface Envelope {
  ErrCode: number;
  ErrMsg: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** A structured result: the same object serves REST API and HTTP API (payload v2). */
export function envelopeReply(name: ErrCodeName, errMsg: string): APIGatewayProxyResult {
  const { errCode, status } = ERR_CODES[name];
  const envelope: Envelope = { ErrCode: errCode, ErrMsg: errMsg };
  return { statusCode: status, headers: JSON_HEADERS, body: JSON.stringify(envelope) };
}

export function jsonReply(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}
