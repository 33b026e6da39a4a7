/** A push that was refused but kept, to be inspected and replayed after a fix. */
export interface QuarantinedPush {
  readonly id: string;
  readonly receivedAt: string;
  /** UNIX seconds; DynamoDB's TTL deletes the entry after it. */
  readonly expiresAt: number;
  readonly errCode: number;
  readonly errMsg: string;
  readonly requestId: string;
  readonly method: string;
  readonly query: Readonly<Record<string, string>>;
  /** As received, credentials removed. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body's bytes as received (base64 decoded), at most MAX_BODY_BYTES (limits.ts): the head of a larger one. */
  readonly body: Uint8Array;
  /** The whole body's size in bytes as received. */
  readonly bodySize: number;
  /** `bodySize` is more than `body` holds: the entry cannot be replayed. */
  readonly bodyTruncated: boolean;
}

/** What the push function needs: keeping a refused push. */
export interface QuarantineWriter {
  put(entry: QuarantinedPush): Promise<void>;
}

export interface QuarantineStore extends QuarantineWriter {
  list(): Promise<QuarantinedPush[]>;
  remove(id: string): Promise<void>;
}
