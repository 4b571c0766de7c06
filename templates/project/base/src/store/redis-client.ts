/**
 * The Redis client library, loaded when Redis is configured (REDIS_URL): a server without Redis
 * never holds it in memory (it is a large share of a small server's resident size).
 */
import { createRequire } from 'node:module';

type Redis = typeof import('redis');

const require = createRequire(import.meta.url);

export const createClient: Redis['createClient'] = (...args) => (require('redis') as Redis).createClient(...args);
