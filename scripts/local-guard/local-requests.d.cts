import type { IncomingHttpHeaders } from 'node:http';

export function foreignRequest(headers: IncomingHttpHeaders, port: number): string | null;
export function isLocalHost(host: string | undefined, port: number): boolean;
export function ownOrigins(port: number): string[];
