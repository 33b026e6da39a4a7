/** A JSON object as pushed: the store keeps it opaque; each push type's schema says what it holds. */
export type RecordBody = Readonly<Record<string, unknown>>;
