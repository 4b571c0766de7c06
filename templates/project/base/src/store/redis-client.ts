/**
 * The Redis client library, loaded when Redis is configured (REDIS_URL): a server without Redis
 * never holds it in memory (it is a large share of a small server's resident size).
 */
import { createRequire } from 'node:module';

type Redis = typeof import('redis');

export const createClient: Redis['createClient'] = (...args) => (createRequire(import.meta.url)('redis') as Redis).createClient(...args);
